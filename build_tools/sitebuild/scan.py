"""Refuse private key material in the built site, with the catalogue's detector
(`build_tools.catalogue.secrets`), over every file of the site in parallel."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from build_tools.catalogue.secrets import HINT
from build_tools.catalogue.secrets import find_private_key_material as _find
from build_tools.findings import Finding, format_located


def scan_named_files(files: Iterable[tuple[Path, str]]) -> list[str]:
    """Located findings ("path:line:column: what. hint", `format_located`) for files on disk,
    each reported under the given site path (`name`)."""
    return [
        format_located(
            Finding(
                "PRIVATE_KEY_MATERIAL",
                "error",
                f"{found.kind}.",
                name,
                found.line,
                found.column,
                HINT,
            )
        )
        for path, name in files
        for found in _find(path, name=name)
    ]


def _scan_files(root: str, names: list[str]) -> list[str]:
    """Scan some files of the site (runs in a worker process)."""
    return scan_named_files((Path(root) / name, name) for name in names)


def _files(root: Path) -> list[tuple[int, str]]:
    """(size, path relative to `root`) of every file under `root` (as `Path.rglob` finds them:
    a link to a file counts, a link to a folder is not entered)."""
    out: list[tuple[int, str]] = []
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.is_file():
                    out.append((entry.stat().st_size, prefix + entry.name))
    return out


def _buckets(root: Path, count: int) -> list[list[str]]:
    """Files under `root` in `count` groups of about equal size (largest first, greedy)."""
    files = sorted(_files(root), reverse=True)
    groups: list[list[str]] = [[] for _ in range(count)]
    sizes = [0] * count
    for size, name in files:
        k = sizes.index(min(sizes))
        groups[k].append(name)
        sizes[k] += size
    return [sorted(g) for g in groups if g]


class Scan:
    """A scan of a folder started by `start_scan`; `result()` waits for its findings.

    The first group of files is scanned by this process when `result()` is called, the others
    by worker processes that start at once.
    """

    def __init__(self, root: Path, groups: list[list[str]]) -> None:
        self._root = str(root)
        self._groups = groups
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Any] = []
        if len(groups) > 1 and "fork" in multiprocessing.get_all_start_methods():
            # The workers are forked here, before the caller starts any thread of its own.
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(max_workers=len(groups) - 1, mp_context=context)
            self._futures = [self._pool.submit(_scan_files, self._root, g) for g in groups[1:]]

    def result(self) -> list[str]:
        try:
            if self._pool is None:
                return sorted(f for g in self._groups for f in _scan_files(self._root, g))
            here = _scan_files(self._root, self._groups[0]) if self._groups else []
            return sorted([*here, *(f for future in self._futures for f in future.result())])
        finally:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def start_scan(root: Path, *, workers: int | None = None) -> Scan:
    """Start scanning every file under `root` (see `find_private_key_material`)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    return Scan(root, _buckets(root, max(1, workers)))


def find_private_key_material(root: Path, *, workers: int | None = None) -> list[str]:
    """Located findings ("path[:line]: what") for private key material anywhere under `root`.

    Every file is scanned (the site has no folder that may hold keys). A large site is split
    across worker processes, one per CPU, because the scan reads every byte of the site.
    """
    return start_scan(root, workers=workers).result()
