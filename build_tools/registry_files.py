"""The registry a verification runs against, and the status lists it serves, read from files.

`load_registry(source)` accepts a `registry.json`, a built site folder (which holds one), a
catalogue folder (the registry is built from it, as `credsite build` would publish it) or, with
`allow_network`, an http(s) URL. The verifier core does no I/O: this module reads for it.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from build_tools.catalogue.findings import CatalogueError
from build_tools.catalogue.loader import load_catalogue
from build_tools.errors import CredsiteError
from build_tools.outputs.registry import build_registry

__all__ = ["RegistryError", "fetch", "load_registry"]

_FETCH_LIMIT = 5_000_000
_FETCH_TIMEOUT = 10

Reader = Callable[[str], bytes | None]


class RegistryError(CredsiteError):
    """The registry cannot be read (missing, not JSON, not a registry, network not allowed)."""

    default_code = "REGISTRY_UNUSABLE"


def fetch(url: str) -> bytes:
    """The only network code of the verifier, used with --allow-network for http(s) URLs."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"Accept": "application/json, */*"})
    with urllib.request.urlopen(request, timeout=_FETCH_TIMEOUT) as response:
        data: bytes = response.read(_FETCH_LIMIT + 1)
    if len(data) > _FETCH_LIMIT:
        raise ValueError(f"{url}: larger than {_FETCH_LIMIT} bytes")
    return data


def _status_lists_from(registry: dict[str, Any], read: Reader) -> dict[str, bytes]:
    lists: dict[str, bytes] = {}
    issuers = registry.get("issuers")
    for issuer in issuers.values() if isinstance(issuers, dict) else []:
        if not isinstance(issuer, dict):
            continue
        for entry in issuer.get("status_lists") or []:
            if not isinstance(entry, dict):
                continue
            url, path = entry.get("url"), entry.get("path")
            if not isinstance(url, str) or not isinstance(path, str):
                continue
            data = read(path)
            if data is not None:
                lists[url] = data
    return lists


def _read_under(base: Path) -> Reader:
    root = base.resolve()

    def read(rel: str) -> bytes | None:
        target = (root / rel).resolve()
        if root not in target.parents or not target.is_file():
            return None
        return target.read_bytes()

    return read


def _registry_from_catalogue(folder: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    loaded = load_catalogue(folder)
    if loaded.catalogue is None:
        raise CatalogueError(loaded.errors, f"the catalogue in {folder} cannot be used:")
    registry = build_registry(loaded.catalogue)
    # Committed status lists live at catalogue/issuers/<slug>/status/<id>.json, the published
    # path minus nothing: registry `path` is "issuers/<slug>/status/<id>.json".
    return registry, _status_lists_from(registry, _read_under(folder))


def load_registry(source: str, *, allow_network: bool) -> tuple[dict[str, Any], dict[str, bytes]]:
    """(registry dict, {status list URL: bytes}) from a registry.json, a site dir or a catalogue.

    Raises `RegistryError`, or `CatalogueError` (with every located finding) for a catalogue
    folder that cannot be read."""
    if urllib.parse.urlsplit(source).scheme in ("http", "https"):
        if not allow_network:
            raise RegistryError("fetching a registry from the web needs --allow-network")
        raw = json.loads(fetch(source))
        lists: dict[str, bytes] = {}

        def read_remote(rel: str) -> bytes | None:
            try:
                return fetch(urllib.parse.urljoin(source, rel))
            except (OSError, ValueError):
                return None

        return raw, _status_lists_from(raw, read_remote) if isinstance(raw, dict) else lists
    path = Path(source)
    if path.is_dir() and (path / "registry.json").is_file():
        path = path / "registry.json"
    if path.is_file():
        try:
            raw = json.loads(path.read_bytes())
        except ValueError as exc:
            raise RegistryError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(raw, dict):
            raise RegistryError(f"{path} is not a registry")
        return raw, _status_lists_from(raw, _read_under(path.parent))
    if path.is_dir():
        return _registry_from_catalogue(path)
    raise RegistryError(f"registry not found: {source}")
