"""Pre-compressed copies of site files, for hosts that serve them by content negotiation.

`precompress(site, paths)` writes, beside each listed file of the built site, `<file>.br`
(brotli, quality 11, window 2**24) and `<file>.gz` (gzip level 9, no name, time 0), each only
when it is at least 5 % smaller than the file and the file is at least 1 kB: a host that
serves them (docs/hosting.md; `credsite serve` does) sends the verifier's runtime several
times smaller, and a host that does not serves the files themselves, which stay. Both are
deterministic: the same bytes give the same siblings; each has its file's modification time.

Brotli at quality 11 takes tens of seconds on the runtime's larger files (the wasm binary:
about 45 s on one core), so every compressed result is kept by the SHA-256 of the content in
a cache folder (the build passes `node_modules/.cache/credsite-precompressed/`, beside the
verifier bundle's caches); identical files, in the languages' trees or from build to build,
are compressed once. A cached result is used only when it decompresses to the very bytes it
stands for. Cache entries are written atomically, and a cache that cannot be written (a
read-only node_modules) only costs time. Files are compressed in threads (brotli and zlib
release the interpreter lock while they work), largest first.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import brotli

from build_tools.build_cache import store

__all__ = ["ENCODINGS", "MIN_SIZE", "Precompressed", "precompress"]

#: Files smaller than this are not worth a sibling (a request costs more than the bytes saved).
MIN_SIZE = 1024
#: A sibling is written only when it is at most this share of the file's size.
_MAX_RATIO = 0.95


def _brotli(data: bytes) -> bytes:
    return bytes(brotli.compress(data, quality=11, lgwin=24))


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _gunzip(data: bytes) -> bytes:
    return gzip.decompress(data)


#: Sibling suffix -> (cache tag naming the settings, compress, decompress).
ENCODINGS: dict[str, tuple[str, Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {
    ".br": ("q11w24", _brotli, brotli.decompress),
    ".gz": ("9", _gzip, _gunzip),
}


@dataclass(frozen=True)
class Precompressed:
    """One listed file: its size and the sizes of the siblings written (None: not written)."""

    path: str
    size: int
    br: int | None
    gz: int | None


def _cached(cache: Path | None, name: str, data: bytes, suffix: str) -> bytes:
    """`data` compressed as `suffix` says, from the cache when it holds a sound copy."""
    tag, compress, decompress = ENCODINGS[suffix]
    entry = cache / f"{name}.{tag}{suffix}" if cache is not None else None
    if entry is not None:
        try:
            kept = entry.read_bytes()
            if decompress(kept) == data:
                return kept
        except (OSError, ValueError, EOFError, zlib.error, brotli.error):
            pass  # not made yet, or a damaged copy: compress
    packed = compress(data)
    if entry is not None:
        store(entry, packed)
    return packed


def _one(site: Path, path: str, cache: Path | None) -> Precompressed:
    """Write (or remove) the siblings of one file."""
    file = site / path
    stat = file.stat()
    data = file.read_bytes()
    name = hashlib.sha256(data).hexdigest()
    sizes: dict[str, int | None] = {}
    for suffix in ENCODINGS:
        sibling = file.with_name(file.name + suffix)
        packed = _cached(cache, name, data, suffix) if len(data) >= MIN_SIZE else None
        if packed is not None and len(packed) <= len(data) * _MAX_RATIO:
            sibling.write_bytes(packed)
            # The file's time, as nginx's gzip_static asks: one Last-Modified for both.
            os.utime(sibling, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            sizes[suffix] = len(packed)
        else:
            sibling.unlink(missing_ok=True)  # a copy of other content must not stay
            sizes[suffix] = None
    return Precompressed(path, len(data), sizes[".br"], sizes[".gz"])


def precompress(
    site: Path, paths: Iterable[str], *, cache: Path | None = None, workers: int | None = None
) -> list[Precompressed]:
    """Write the `.br` and `.gz` siblings of the files `paths` (relative to `site`; each once,
    missing ones ignored); what was written, in path order. `cache`: the folder that keeps
    compressed results between calls (None: none); `workers`: threads (default: one per
    processor, at most 4)."""
    wanted = sorted({p for p in paths if (site / p).is_file()})
    # Largest first, so that the longest job does not start last.
    order = sorted(wanted, key=lambda p: (site / p).stat().st_size, reverse=True)
    workers = workers or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        done = list(pool.map(lambda p: _one(site, p, cache), order))
    return sorted(done, key=lambda r: r.path)
