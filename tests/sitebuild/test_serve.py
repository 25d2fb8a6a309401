"""`credsite serve`: the sub-path server and rebuilding on changes."""

from __future__ import annotations

import http.client
import threading
import time
from pathlib import Path

from build_tools.sitebuild import serve
from build_tools.sitebuild.errors import BuildError


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
