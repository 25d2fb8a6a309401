"""`credsite serve`: the sub-path server and rebuilding on changes."""

from __future__ import annotations

import http.client
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
