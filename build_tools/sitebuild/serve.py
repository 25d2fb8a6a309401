"""`credsite serve`: build, serve on 127.0.0.1 under the site's own sub-path, rebuild on change.

The site is served at the path of `site_url` (for `https://host/credentials/` at
`http://127.0.0.1:PORT/credentials/`), so a preview exercises the same relative URLs as the
published site. Changes under `catalogue/` and `site_src/` (and to mkdocs.yml) are detected by
polling modification times; each rebuild is atomic, so the server always serves a complete site,
and a failed rebuild keeps the previous one online and prints what to fix.

Like a host configured as docs/hosting.md describes, the server sends a file's pre-compressed
sibling (`x.br`, else `x.gz`, written by precompress.py) to a client whose Accept-Encoding
takes it, with the file's own Content-Type and `Vary: Accept-Encoding`; a Range request gets
the file itself.
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import http.server
import io
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from .errors import BuildError


def site_prefix(site_url: str) -> str:
    """The URL path the site lives under, "/" or "/credentials/"."""
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


#: Sibling suffix -> Content-Encoding, in the order of preference when the client takes both.
SIBLINGS = {".br": "br", ".gz": "gzip"}


def accepted_encodings(header: str | None) -> dict[str, float]:
    """{coding: q-value} of an Accept-Encoding header (lower case; "x-gzip" as "gzip"; "*" for
    any coding not named). An unreadable q-value counts as 0."""
    accepted: dict[str, float] = {}
    for item in (header or "").split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        if not coding:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        coding = coding.lower()
        accepted["gzip" if coding == "x-gzip" else coding] = q
    return accepted


def choose_encoding(header: str | None, available: list[str]) -> str | None:
    """The coding of `available` (in order of preference) the client takes with the highest
    q-value above 0; None: send the file itself."""
    accepted = accepted_encodings(header)
    best, best_q = None, 0.0
    for coding in available:
        q = accepted.get(coding, accepted.get("*", 0.0))
        if q > best_q:
            best, best_q = coding, q
    return best


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under `prefix`; everything else is 404 (and "/" redirects)."""

    prefix = "/"
    # Types that must not depend on the system's MIME table (a module script and the wasm
    # binary are refused under another type); a `.br` sibling asked for by name is bytes.
    extensions_map = {  # noqa: RUF012 (the base class's attribute, replaced)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".br": "application/octet-stream",
    }

    def __init__(
        self, *args: Any, prefix: str = "/", precompressed: bool = True, **kwargs: Any
    ) -> None:
        self.prefix = prefix
        self.precompressed = precompressed
        self._vary = False
        super().__init__(*args, **kwargs)

    def _strip(self) -> bool:
        self._vary = False  # until send_head finds pre-compressed siblings
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

    def _file(self) -> str | None:
        """The regular file a GET of the current path would send, if any."""
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not urlsplit(self.path).path.endswith("/"):
                return None  # redirected to the folder
            path = os.path.join(path, "index.html")
        return path if os.path.isfile(path) else None

    def _modified_since(self, mtime: float) -> bool:
        """False when the request's If-Modified-Since (without If-None-Match) is not older than
        `mtime` (compared in whole seconds, as SimpleHTTPRequestHandler does)."""
        header = self.headers.get("If-Modified-Since")
        if header is None or "If-None-Match" in self.headers:
            return True
        try:
            since = email.utils.parsedate_to_datetime(header)
        except (TypeError, IndexError, OverflowError, ValueError):
            return True
        if since.tzinfo is None:  # the obsolete form without a zone is UTC (RFC 9110)
            since = since.replace(tzinfo=datetime.UTC)
        return since.tzinfo is not datetime.UTC or int(mtime) > since.timestamp()

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        """A file's pre-compressed sibling when the client takes its coding; else as usual."""
        path = self._file()
        if path is None or not self.precompressed:
            return super().send_head()
        siblings = [c for s, c in SIBLINGS.items() if os.path.isfile(path + s)]
        self._vary = bool(siblings)
        coding = None
        if siblings and "Range" not in self.headers:
            coding = choose_encoding(self.headers.get("Accept-Encoding"), siblings)
        if coding is None:
            return super().send_head()
        suffix = next(s for s, c in SIBLINGS.items() if c == coding)
        mtime = os.stat(path).st_mtime
        if not self._modified_since(mtime):
            self.send_response(304)
            self.end_headers()
            return None
        f = open(path + suffix, "rb")  # noqa: SIM115 (closed by the caller)
        try:
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", coding)
            self.send_header("Content-Length", str(os.fstat(f.fileno()).st_size))
            self.send_header("Last-Modified", self.date_time_string(mtime))
            self.end_headers()
        except BaseException:
            f.close()
            raise
        return f

    def end_headers(self) -> None:
        if self._vary:
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

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


def make_server(
    root: Path, prefix: str, port: int = 0, *, precompressed: bool = True
) -> http.server.ThreadingHTTPServer:
    """A threading HTTP server on 127.0.0.1 serving `root` under `prefix` (port 0: any free).
    `root` need not exist yet. `precompressed=False`: the `.br`/`.gz` copies are ignored, as
    by a host that neither serves them nor compresses. Raises PortInUse when the port is
    taken."""
    handler = functools.partial(
        SubPathHandler, directory=str(root), prefix=prefix, precompressed=precompressed
    )
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
