"""Refuse private key material in the built site.

The issuing part provides the detector (`build_tools.issuing.keys.find_private_key_material`);
while it does not exist, the scan below is used: PEM private key blocks of any kind, and JSON
Web Keys that carry private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, or `k` of a symmetric key).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from build_tools.outputs.parts import PRIVATE_KEY_DETECTOR_MODULE, optional_module

_PEM_PRIVATE = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
_JWK_HINT = re.compile(rb'"kty"\s*:')
_JWK_PRIVATE_MEMBER = re.compile(rb'"(?:d|p|q|dp|dq|qi|k)"\s*:\s*"[A-Za-z0-9_\-]{8,}')
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")


def _walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 100:
        return
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)


def _private_jwk(obj: dict[str, Any]) -> bool:
    if "kty" not in obj:
        return False
    if any(m in obj for m in _PRIVATE_MEMBERS):
        return True
    return obj.get("kty") == "oct" and "k" in obj


def scan_bytes(data: bytes) -> list[str]:
    """What private key material `data` holds (empty list: none)."""
    found: list[str] = []
    if _PEM_PRIVATE.search(data):
        found.append("a PEM private key block")
    if _JWK_HINT.search(data) and _JWK_PRIVATE_MEMBER.search(data):
        try:
            doc = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            found.append("a JSON Web Key with private members")
        else:
            if any(_private_jwk(o) for o in _walk(doc)):
                found.append("a JSON Web Key with private members")
    return found


def _describe(item: object) -> str:
    file = getattr(item, "file", "")
    line = getattr(item, "line", 0)
    kind = getattr(item, "kind", "") or getattr(item, "message", "") or "private key material"
    return f"{file}:{line}: {kind}" if file and line else f"{file or '?'}: {kind}"


def _detector() -> Callable[..., Any] | None:
    module = optional_module(PRIVATE_KEY_DETECTOR_MODULE)
    found = getattr(module, "find_private_key_material", None) if module else None
    return found if callable(found) else None


def _scan_files(root: str, names: list[str]) -> list[str]:
    """Scan some files of the site (runs in a worker process)."""
    external = _detector()
    findings: list[str] = []
    for name in names:
        path = Path(root) / name
        if external is not None:
            findings.extend(_describe(item) for item in external(path, name=name))
        else:
            findings.extend(f"{name}: {what}" for what in scan_bytes(path.read_bytes()))
    return findings


def _buckets(root: Path, count: int) -> list[list[str]]:
    """Files under `root` in `count` groups of about equal size (largest first, greedy)."""
    files = sorted(
        (
            (p.stat().st_size, p.relative_to(root).as_posix())
            for p in root.rglob("*")
            if p.is_file()
        ),
        reverse=True,
    )
    groups: list[list[str]] = [[] for _ in range(count)]
    sizes = [0] * count
    for size, name in files:
        k = sizes.index(min(sizes))
        groups[k].append(name)
        sizes[k] += size
    return [sorted(g) for g in groups if g]


def find_private_key_material(root: Path, *, workers: int | None = None) -> list[str]:
    """Located findings ("path[:line]: what") for private key material anywhere under `root`.

    Every file is scanned (the site has no folder that may hold keys). A large site is split
    across worker processes, one per CPU, because the scan reads every byte of the site.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    groups = _buckets(root, max(1, workers))
    if len(groups) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return sorted(f for g in groups for f in _scan_files(str(root), g))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(groups), mp_context=context) as pool:
        results = pool.map(_scan_files, [str(root)] * len(groups), groups)
        return sorted(f for found in results for f in found)
