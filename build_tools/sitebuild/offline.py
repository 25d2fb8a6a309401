"""The verifier page's service worker, written into the built site after MkDocs.

`write_service_worker(site)` lists what the verify page needs to work offline after one
visit, reading the built files themselves: the page (`verify/index.html`), the scripts, styles
and icons it links, every file of `assets/verifier/`, the worker's entry `verify/worker.mjs`,
the runtime in `verify/runtime/` (as its manifest lists it), `registry.json` with the status
lists it names, and the samples (as `samples/index.json` lists them). It writes
`verify/sw.js`: `const BUILD = {...}` (the build id, each file's SHA-256, the paths fetched
network-first) followed by the code in `offline_sw.js`. The build id hashes every listed path
and content, so a build that changes any of them gives a new sw.js, which the browser
installs on the next visit, replacing the previous build's cache. See
docs/adr/0009-start-up-snapshot-and-offline.md.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["SERVICE_WORKER_PATH", "offline_files", "render_service_worker", "write_service_worker"]

SERVICE_WORKER_PATH = "verify/sw.js"
PAGE = "verify/"
_PAGE_FILE = "verify/index.html"
_CODE = Path(__file__).with_name("offline_sw.js")
_LINK_RELS = frozenset({"stylesheet", "icon", "shortcut", "apple-touch-icon", "modulepreload"})


class _Links(HTMLParser):
    """The `src` of scripts and the `href` of stylesheet, icon and module links."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        rels = set(values.get("rel", "").lower().split())
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"])
        elif tag == "link" and values.get("href") and rels & _LINK_RELS:
            self.urls.append(values["href"])


def _site_path(url: str, base: str) -> str | None:
    """`url` as a path relative to the site root, if it is a relative URL inside the site."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base), parts.path))
    return None if path.startswith("..") or path == "." else path


def _json(site: Path, path: str) -> Any:
    try:
        return json.loads((site / path).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def offline_files(site: Path) -> tuple[list[str], list[str]]:
    """(every site path the service worker stores, those of them fetched network-first).
    Empty when the site has no verify page."""
    if not (site / _PAGE_FILE).is_file():
        return [], []
    files: set[str] = {PAGE, "verify/worker.mjs"}
    links = _Links()
    links.feed((site / _PAGE_FILE).read_text("utf-8"))
    files.update(p for p in (_site_path(u, _PAGE_FILE) for u in links.urls) if p)
    assets = site / "assets" / "verifier"
    if assets.is_dir():
        files.update(
            f.relative_to(site).as_posix()
            for f in assets.rglob("*")
            if f.is_file() and not f.name.startswith("bench-")
        )
    manifest = _json(site, "verify/runtime/manifest.json")
    if isinstance(manifest, dict):
        files.add("verify/runtime/manifest.json")
        files.update(f"verify/runtime/{name}" for name in manifest.get("files") or {})
    fresh: set[str] = set()
    registry = _json(site, "registry.json")
    if isinstance(registry, dict):
        fresh.add("registry.json")
        for issuer in (registry.get("issuers") or {}).values():
            for entry in (issuer or {}).get("status_lists") or []:
                path = _site_path(str((entry or {}).get("path") or ""), "")
                if path:
                    fresh.add(path)
    samples = _json(site, "samples/index.json")
    if samples is not None:
        files.add("samples/index.json")
        items = samples.get("samples", []) if isinstance(samples, dict) else samples
        for item in items if isinstance(items, list) else []:
            name = item.get("file") if isinstance(item, dict) else None
            if isinstance(name, str) and "/" not in name:
                files.add(f"samples/{name}")
    files |= fresh
    present = sorted(p for p in files if (site / (_PAGE_FILE if p == PAGE else p)).is_file())
    return present, sorted(fresh & set(present))


def render_service_worker(site: Path) -> bytes | None:
    """The text of verify/sw.js for the built site in `site`, or None without a verify page."""
    paths, fresh = offline_files(site)
    if not paths:
        return None
    hashes = {
        path: hashlib.sha256(
            (site / (_PAGE_FILE if path == PAGE else path)).read_bytes()
        ).hexdigest()
        for path in paths
    }
    listing = json.dumps(hashes, sort_keys=True, separators=(",", ":"))
    code = _CODE.read_bytes()
    build_id = hashlib.sha256(listing.encode() + b"\0" + code).hexdigest()[:20]
    config = {"id": build_id, "files": hashes, "fresh": fresh}
    head = "const BUILD = " + json.dumps(config, indent=1, sort_keys=True) + ";\n\n"
    return head.encode() + code


def write_service_worker(site: Path) -> str | None:
    """Write verify/sw.js into the built `site`; its build id (None: no verify page)."""
    text = render_service_worker(site)
    if text is None:
        return None
    (site / SERVICE_WORKER_PATH).write_bytes(text)
    start = text.index(b'"id": "') + len(b'"id": "')
    return text[start : text.index(b'"', start)].decode()
