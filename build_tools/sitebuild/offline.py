"""The verifier page's service worker, written into the built site after MkDocs.

`write_service_worker(site, page)` lists what a verify page (`verify/`, or `lv/verify/` in
another language) needs to work offline after one visit, reading the built files themselves:
the page, the scripts, styles and icons it links, every file of `assets/verifier/`, the
worker's entry beside the page (`verify/worker.mjs`),
the runtime in `verify/runtime/` (as its manifest lists it), `registry.json` with the status
lists it names, and the samples (as `samples/index.json` lists them). It writes
`sw.js` beside the page: `const BUILD = {...}` (the build id, the way up from the service
worker to the site root, each file's SHA-256, the paths fetched network-first) followed by the
code in `offline_sw.js`. A service worker serves only pages under its own folder, so each
language's verify page has its own; the runtime they store is the same files, at the root.
The build id hashes every listed path and content, so a build that changes any of them gives
a new sw.js, which the browser installs on the next visit, replacing the previous build's
cache. See
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

__all__ = [
    "PAGE",
    "offline_files",
    "offline_site_files",
    "render_service_worker",
    "write_service_worker",
]

PAGE = "verify/"  # the default language's verify page; others are "<lang>/verify/"
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


def _file(page: str, path: str) -> str:
    """The file behind a listed site path (the page itself is its index.html)."""
    return page + "index.html" if path == page else path


def offline_files(site: Path, page: str = PAGE) -> tuple[list[str], list[str]]:
    """(every site path the service worker of the verify page `page` stores, those of them
    fetched network-first). Empty when the site has no such page."""
    page_file = page + "index.html"
    if not (site / page_file).is_file():
        return [], []
    files: set[str] = {page, page + "worker.mjs"}
    links = _Links()
    links.feed((site / page_file).read_text("utf-8"))
    files.update(p for p in (_site_path(u, page_file) for u in links.urls) if p)
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
        runtime = set(manifest.get("files") or {})
        if manifest.get("snapshot"):
            # Started from the snapshot, the page needs neither the standard library nor the
            # whole archive (worker.mjs); they stay online-only, for the standard start.
            runtime -= {"python_stdlib.zip", str(manifest.get("archive"))}
        files.update(f"verify/runtime/{name}" for name in runtime)
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
    present = sorted(p for p in files if (site / _file(page, p)).is_file())
    return present, sorted(fresh & set(present))


def offline_site_files(site: Path, page: str = PAGE) -> list[str]:
    """The files behind `offline_files(site, page)`, relative to the site root (the page itself
    as its `index.html`)."""
    return [_file(page, path) for path in offline_files(site, page)[0]]


def render_service_worker(site: Path, page: str = PAGE) -> bytes | None:
    """The text of the `sw.js` beside the verify page `page` of the built site in `site`, or
    None without that page."""
    paths, fresh = offline_files(site, page)
    if not paths:
        return None
    hashes = {
        path: hashlib.sha256((site / _file(page, path)).read_bytes()).hexdigest() for path in paths
    }
    listing = json.dumps(hashes, sort_keys=True, separators=(",", ":"))
    code = _CODE.read_bytes()
    build_id = hashlib.sha256(listing.encode() + b"\0" + code).hexdigest()[:20]
    root = "../" * page.count("/")
    key = "" if page == PAGE else page.split("/", 1)[0] + "-"  # "lv/verify/" -> "lv-"
    config = {"id": build_id, "key": key, "root": root, "files": hashes, "fresh": fresh}
    head = "const BUILD = " + json.dumps(config, indent=1, sort_keys=True) + ";\n\n"
    return head.encode() + code


def write_service_worker(site: Path, page: str = PAGE) -> str | None:
    """Write the `sw.js` of the verify page `page` into the built `site`; its build id (None:
    no such page)."""
    text = render_service_worker(site, page)
    if text is None:
        return None
    (site / page / "sw.js").write_bytes(text)
    start = text.index(b'"id": "') + len(b'"id": "')
    return text[start : text.index(b'"', start)].decode()
