"""`credsite serve`: the sub-path server and rebuilding on changes."""

from __future__ import annotations

import http.client
import os
import threading
import time
from pathlib import Path

import pytest

from build_tools.sitebuild import serve
from build_tools.sitebuild.errors import BuildError

PROJECT = Path(__file__).resolve().parents[2]


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Location") or "", resp.read()
    finally:
        conn.close()


def test_site_prefix() -> None:
    assert serve.site_prefix("https://x.github.io/credentials/") == "/credentials/"
    assert serve.site_prefix("https://x.org/") == "/"
    assert serve.site_prefix("https://x.org/a/b") == "/a/b/"


def test_server_serves_under_the_sub_path_only(tmp_path: Path) -> None:
    (tmp_path / "offers").mkdir()
    (tmp_path / "index.html").write_text("home", "utf-8")
    (tmp_path / "offers" / "index.html").write_text("offers", "utf-8")
    server = serve.make_server(tmp_path, "/credentials/")
    assert server.server_address[0] == "127.0.0.1"
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert _get(port, "/credentials/")[::2] == (200, b"home")
        assert _get(port, "/credentials/offers/?eqf=7")[::2] == (200, b"offers")
        assert _get(port, "/")[:2] == (302, "/credentials/")
        assert _get(port, "/offers/")[0] == 404
        assert _get(port, "/credentials/../../etc/passwd")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_serve_rebuilds_when_a_watched_file_changes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("v1", "utf-8")
    watched = tmp_path / "catalogue"
    watched.mkdir()
    offer = watched / "offer.yaml"
    offer.write_text("a", "utf-8")
    calls: list[float] = []
    messages: list[str] = []
    stop = threading.Event()

    def build() -> None:
        calls.append(time.monotonic())
        if len(calls) == 2:
            raise BuildError("broken file", ["catalogue/offer.yaml:1:1: error"])

    thread = threading.Thread(
        target=serve.serve_forever,
        kwargs=dict(
            build=build,
            out=site,
            site_url="https://x.org/credentials/",
            watch=[watched],
            port=0,
            report=messages.append,
            interval=0.05,
            stop=stop,
        ),
        daemon=True,
    )
    thread.start()
    try:
        time.sleep(0.2)
        assert calls == []  # nothing changed yet
        offer.write_text("b", "utf-8")
        os_time = time.monotonic()
        while not calls and time.monotonic() - os_time < 5:
            time.sleep(0.02)
        assert len(calls) == 1
        (watched / "new.yaml").write_text("c", "utf-8")
        while len(calls) < 2 and time.monotonic() - os_time < 5:
            time.sleep(0.02)
        time.sleep(0.1)
        assert len(calls) == 2
        assert any("Rebuild failed; still serving the previous site." in m for m in messages)
        assert any("catalogue/offer.yaml:1:1" in m for m in messages)
    finally:
        stop.set()
        thread.join(5)
    assert messages[0].startswith("Serving the site at http://127.0.0.1:")
    assert messages[0].endswith("/credentials/ (Ctrl+C to stop).")


def _serving(root: Path) -> tuple[object, int]:
    server = serve.make_server(root, "/credentials/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def test_unknown_urls_get_the_sites_own_404_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("home", "utf-8")
    (tmp_path / "404.html").write_text("<h1>Page not found</h1> site's own", "utf-8")
    server, port = _serving(tmp_path)
    try:
        status, _, body = _get(port, "/credentials/no/such/page/")
        assert status == 404
        assert body == b"<h1>Page not found</h1> site's own"
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]


def test_a_dropped_connection_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import socket
    import struct

    (tmp_path / "big.bin").write_bytes(b"x" * (8 << 20))
    server, port = _serving(tmp_path)
    try:
        for _ in range(3):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"GET /credentials/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.recv(1024)
            # Reset the connection as a browser closing a tab does.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        time.sleep(0.5)
        assert _get(port, "/credentials/big.bin")[0] == 200  # still serving
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception" not in err, err


def test_serve_reports_a_port_in_use_in_one_line_before_building(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from build_tools import cli
    from build_tools.cli import build as commands

    built: list[object] = []
    monkeypatch.setattr(commands, "build_site", lambda **kw: built.append(kw))
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        code = cli.main(["serve", "--catalogue", str(PROJECT / "catalogue"), "--port", str(port)])
    finally:
        taken.close()
    out = capsys.readouterr()
    assert code == 1
    assert built == []
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and f"Port {port}" in lines[0] and "--port" in lines[0], out.err


def test_serve_removes_its_temporary_folder_on_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from build_tools import cli
    from build_tools.cli import build as commands

    scratch = tmp_path / "credsite-serve-x"

    def mkdtemp(prefix: str = "") -> str:
        scratch.mkdir()
        return str(scratch)

    def build_site(**kw: object) -> None:
        out = Path(str(kw["out"]))
        out.mkdir(parents=True)
        (out / "index.html").write_text("x" * 1000, "utf-8")

    def stop_at_once(**kw: object) -> None:
        assert (scratch / "site" / "index.html").exists()
        raise KeyboardInterrupt  # Ctrl+C

    monkeypatch.setattr(commands.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(commands, "build_site", build_site)
    monkeypatch.setattr(commands, "serve_forever", stop_at_once)
    with pytest.raises(KeyboardInterrupt):
        cli.main(["serve", "--catalogue", str(PROJECT / "catalogue"), "--port", "0"])
    assert not scratch.exists()


def _request(
    port: int, path: str, headers: dict[str, str], method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture()
def compressed_site(tmp_path: Path) -> Path:
    """A runtime folder with a wasm binary and a module script that have `.br` and `.gz`
    siblings (distinct marker bytes, to tell which one was sent), and a file without any."""
    runtime = tmp_path / "verify" / "runtime"
    runtime.mkdir(parents=True)
    (runtime / "core.wasm").write_bytes(b"\0asm" + b"w" * 5000)
    (runtime / "core.wasm.br").write_bytes(b"BROTLI-WASM")
    (runtime / "core.wasm.gz").write_bytes(b"GZIP-WASM")
    (runtime / "core.mjs").write_bytes(b"export const x = 1;" * 100)
    (runtime / "core.mjs.gz").write_bytes(b"GZIP-MJS")
    (runtime / "plain.mjs").write_bytes(b"export const y = 2;")
    (tmp_path / "verify" / "index.html").write_bytes(b"<p>page</p>")
    (tmp_path / "verify" / "index.html.br").write_bytes(b"BROTLI-PAGE")
    return tmp_path


WASM = "/credentials/verify/runtime/core.wasm"


@pytest.mark.parametrize(
    ("accept", "body", "encoding"),
    [
        ("gzip, deflate, br, zstd", b"BROTLI-WASM", "br"),  # a browser's header: br first
        ("gzip", b"GZIP-WASM", "gzip"),
        ("x-gzip", b"GZIP-WASM", "gzip"),
        ("br;q=0, gzip", b"GZIP-WASM", "gzip"),
        ("br;q=0.5, gzip;q=0.8", b"GZIP-WASM", "gzip"),
        ("*", b"BROTLI-WASM", "br"),
        ("*, br;q=0", b"GZIP-WASM", "gzip"),
        ("br;q=0, gzip;q=0", None, None),
        ("identity", None, None),
        ("deflate", None, None),
        ("", None, None),
    ],
)
def test_a_pre_compressed_sibling_is_sent_when_the_client_takes_it(
    compressed_site: Path, accept: str, body: bytes | None, encoding: str | None
) -> None:
    server, port = _serving(compressed_site)
    try:
        status, headers, got = _request(port, WASM, {"Accept-Encoding": accept})
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    original = (compressed_site / "verify/runtime/core.wasm").read_bytes()
    assert status == 200
    assert got == (body if body is not None else original)
    assert headers.get("content-encoding") == encoding
    assert headers["content-type"] == "application/wasm"  # the file's own type either way
    assert headers["content-length"] == str(len(got))
    assert headers["vary"] == "Accept-Encoding"  # on the plain answer too: it varies


def test_negotiation_keeps_types_head_and_leaves_ranges_and_lone_files_alone(
    compressed_site: Path,
) -> None:
    server, port = _serving(compressed_site)
    take_all = {"Accept-Encoding": "br, gzip"}
    try:
        mjs = _request(port, "/credentials/verify/runtime/core.mjs", take_all)
        head = _request(port, WASM, take_all, method="HEAD")
        ranged = _request(port, WASM, {**take_all, "Range": "bytes=0-3"})
        lone = _request(port, "/credentials/verify/runtime/plain.mjs", take_all)
        page = _request(port, "/credentials/verify/", take_all)
        by_name = _request(port, WASM + ".br", take_all)
        gz_by_name = _request(port, WASM + ".gz", take_all)
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    # Only a .gz sibling: gzip, under the module script's type.
    assert mjs[2] == b"GZIP-MJS" and mjs[1]["content-encoding"] == "gzip"
    assert mjs[1]["content-type"] == "text/javascript"
    # HEAD: the headers of the compressed answer, no body.
    assert head[0] == 200 and head[2] == b""
    assert head[1]["content-encoding"] == "br"
    assert head[1]["content-length"] == str(len(b"BROTLI-WASM"))
    # A range of the compressed bytes would not be a range of the file: the file itself.
    original = (compressed_site / "verify/runtime/core.wasm").read_bytes()
    assert ranged[2] == original and "content-encoding" not in ranged[1]
    # No sibling: as before, without Vary.
    assert lone[2] == b"export const y = 2;"
    assert "content-encoding" not in lone[1] and "vary" not in lone[1]
    # A folder's index.html is negotiated too.
    assert page[2] == b"BROTLI-PAGE" and page[1]["content-type"].startswith("text/html")
    # A sibling asked for by name is a plain file of bytes.
    assert by_name[2] == b"BROTLI-WASM" and "content-encoding" not in by_name[1]
    assert by_name[1]["content-type"] == "application/octet-stream"
    assert gz_by_name[2] == b"GZIP-WASM" and "content-encoding" not in gz_by_name[1]
    assert gz_by_name[1]["content-type"] == "application/gzip"


def test_if_modified_since_follows_the_original_file(compressed_site: Path) -> None:
    import email.utils

    original = compressed_site / "verify/runtime/core.wasm"
    os.utime(original, (1_700_000_000, 1_700_000_000))
    # The sibling is newer than the file: the file's time is what counts.
    os.utime(str(original) + ".br", (1_800_000_000, 1_800_000_000))
    server, port = _serving(compressed_site)
    at = email.utils.formatdate(1_700_000_000, usegmt=True)
    before = email.utils.formatdate(1_699_999_000, usegmt=True)
    accept = {"Accept-Encoding": "br"}
    try:
        fresh = _request(port, WASM, {**accept, "If-Modified-Since": at})
        stale = _request(port, WASM, {**accept, "If-Modified-Since": before})
        plain = _request(port, WASM, {"Accept-Encoding": "identity", "If-Modified-Since": at})
        tagged = _request(port, WASM, {**accept, "If-Modified-Since": at, "If-None-Match": "x"})
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    assert fresh[0] == 304 and fresh[2] == b"" and fresh[1]["vary"] == "Accept-Encoding"
    assert stale[0] == 200 and stale[2] == b"BROTLI-WASM"
    assert stale[1]["last-modified"] == at
    assert plain[0] == 304
    assert tagged[0] == 200 and tagged[2] == b"BROTLI-WASM"
