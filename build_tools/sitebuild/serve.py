"""`credsite serve`: build, serve on 127.0.0.1 under the site's own sub-path, rebuild on change.

The site is served at the path of `site_url` (for `https://host/credentials/` at
`http://127.0.0.1:PORT/credentials/`), so a preview exercises the same relative URLs as the
published site. Changes under `catalogue/` and `site_src/` (and to mkdocs.yml) are detected by
polling modification times; each rebuild is atomic, so the server always serves a complete site,
and a failed rebuild keeps the previous one online and prints what to fix.
"""

from __future__ import annotations

import functools
import http.server
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import BuildError


def site_prefix(site_url: str) -> str:
    """The URL path the site lives under, "/" or "/credentials/"."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under `prefix`; everything else is 404 (and "/" redirects)."""

    prefix = "/"

    def __init__(self, *args: Any, prefix: str = "/", **kwargs: Any) -> None:
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def _strip(self) -> bool:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if self.prefix != "/" and path in ("/", self.prefix.rstrip("/")):
            self.send_response(302)
            self.send_header("Location", self.prefix)
            self.end_headers()
            return False
        if not path.startswith(self.prefix):
            self.send_error(404, "Not under the site's path")
            return False
        self.path = "/" + self.path[len(self.prefix) :]
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A 404 is answered with the site's own 404.html when it has one."""
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        if self._strip():
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._strip():
            super().do_HEAD()

    def log_message(self, format: str, *args: Any) -> None:
        return None


class PreviewServer(http.server.ThreadingHTTPServer):
    """A browser that drops a connection (a closed tab, a cancelled download) is normal while
    previewing: nothing is printed for it. Other errors keep the standard report."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)


class PortInUse(OSError):
    """The port to serve on is taken; the message is one line for the command line."""


def make_server(root: Path, prefix: str, port: int = 0) -> http.server.ThreadingHTTPServer:
    """A threading HTTP server on 127.0.0.1 serving `root` under `prefix` (port 0: any free).
    `root` need not exist yet. Raises PortInUse when the port is taken."""
    handler = functools.partial(SubPathHandler, directory=str(root), prefix=prefix)
    try:
        return PreviewServer(("127.0.0.1", port), handler)
    except OSError as exc:
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise PortInUse(
                f"Port {port} on 127.0.0.1 is in use (another preview?); "
                f"choose another with --port."
            ) from None
        raise


def snapshot(paths: Iterable[Path]) -> dict[str, float]:
    """Modification times of every file under `paths` (to notice additions, edits, deletions)."""
    state: dict[str, float] = {}
    for base in paths:
        if base.is_file():
            state[str(base)] = base.stat().st_mtime
            continue
        for dirpath, _dirs, names in os.walk(base):
            for name in names:
                p = os.path.join(dirpath, name)
                try:
                    state[p] = os.stat(p).st_mtime
                except OSError:
                    continue
    return state


def serve_forever(
    *,
    build: Callable[[], Any],
    out: Path,
    site_url: str,
    watch: list[Path],
    port: int,
    report: Callable[[str], None],
    interval: float = 1.0,
    stop: threading.Event | None = None,
    server: http.server.ThreadingHTTPServer | None = None,
) -> None:
    """Serve `out` and call `build()` again whenever a watched file changes. `server`: one
    made already with `make_server` (so that a port in use is known before the first build)."""
    prefix = site_prefix(site_url)
    server = server or make_server(out, prefix, port)
    host, real_port = str(server.server_address[0]), int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    report(f"Serving the site at http://{host}:{real_port}{prefix} (Ctrl+C to stop).")
    stop = stop or threading.Event()
    seen = snapshot(watch)
    try:
        while not stop.wait(interval):
            now = snapshot(watch)
            if now == seen:
                continue
            seen = now
            report("Change detected; rebuilding.")
            started = time.perf_counter()
            try:
                build()
            except BuildError as exc:
                report(f"Rebuild failed; still serving the previous site.\n{exc}")
            else:
                report(f"Rebuilt in {time.perf_counter() - started:.1f} s.")
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
