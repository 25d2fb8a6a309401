"""precompress.py: the `.br`/`.gz` siblings of site files, their skip rules and their cache."""

from __future__ import annotations

import gzip
import os
import random
from pathlib import Path

import brotli
import pytest

from build_tools.sitebuild import precompress as pc


def _text(n: int) -> bytes:
    words = [b"credential", b"verifier", b"alliance", b"runtime", b"offer", b"issuer"]
    rng = random.Random(n)
    return b" ".join(rng.choice(words) for _ in range(n // 8))[:n]


def _site(root: Path) -> Path:
    (root / "verify" / "runtime").mkdir(parents=True)
    (root / "verify" / "index.html").write_bytes(b"<!doctype html>" + _text(20_000))
    (root / "verify" / "runtime" / "code.mjs").write_bytes(_text(60_000))
    (root / "verify" / "runtime" / "noise.bin").write_bytes(random.Random(1).randbytes(50_000))
    (root / "verify" / "runtime" / "tiny.json").write_bytes(b'{"a": "' + b"x" * 900 + b'"}')
    return root


PATHS = [
    "verify/index.html",
    "verify/runtime/code.mjs",
    "verify/runtime/noise.bin",
    "verify/runtime/tiny.json",
    "verify/runtime/missing.js",
]


def test_siblings_decompress_to_the_files_and_skip_what_gains_nothing(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    done = pc.precompress(site, PATHS, cache=tmp_path / "cache")
    by_path = {r.path: r for r in done}
    assert sorted(by_path) == sorted(PATHS[:4])  # the missing file is left out
    for path in ("verify/index.html", "verify/runtime/code.mjs"):
        original = (site / path).read_bytes()
        br = (site / f"{path}.br").read_bytes()
        gz = (site / f"{path}.gz").read_bytes()
        assert brotli.decompress(br) == original
        assert gzip.decompress(gz) == original
        assert by_path[path] == pc.Precompressed(path, len(original), len(br), len(gz))
        assert len(br) < len(gz) < len(original) * 0.95
        mtime = (site / path).stat().st_mtime_ns
        assert (site / f"{path}.br").stat().st_mtime_ns == mtime
        assert (site / f"{path}.gz").stat().st_mtime_ns == mtime
    # Random bytes do not shrink by 5 %; a file under 1 kB is not worth a request's headers.
    for path in ("verify/runtime/noise.bin", "verify/runtime/tiny.json"):
        assert not (site / f"{path}.br").exists() and not (site / f"{path}.gz").exists()
        assert (by_path[path].br, by_path[path].gz) == (None, None)
    assert (site / "verify/runtime/tiny.json").stat().st_size < pc.MIN_SIZE


def test_the_siblings_are_deterministic(tmp_path: Path) -> None:
    one, two = _site(tmp_path / "one"), _site(tmp_path / "two")
    pc.precompress(one, PATHS, cache=None)
    os.utime(two / "verify" / "index.html", (1, 1))  # gzip must not record the file's time
    pc.precompress(two, PATHS, cache=tmp_path / "cache", workers=1)
    for path in ("verify/index.html", "verify/runtime/code.mjs"):
        for suffix in (".br", ".gz"):
            assert (one / (path + suffix)).read_bytes() == (two / (path + suffix)).read_bytes()
    gz = (one / "verify/index.html.gz").read_bytes()
    assert gz[4:8] == b"\0\0\0\0"  # MTIME 0


def test_a_stale_sibling_is_removed_when_the_file_no_longer_gains(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    stale = site / "verify/runtime/noise.bin.br"
    stale.write_bytes(brotli.compress(b"older content"))
    pc.precompress(site, ["verify/runtime/noise.bin"])
    assert not stale.exists()


def test_the_cache_spares_the_second_compression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = _site(tmp_path / "first")
    pc.precompress(first, PATHS, cache=cache)
    entries = sorted(p.name for p in cache.iterdir())
    # One entry per content and coding, named by the content's SHA-256 (the noise too: the
    # cache keeps what a file gains, even nothing; the tiny file is not compressed at all).
    assert len(entries) == 6 and not any(n.endswith(".part") for n in entries)
    # Another valid brotli stream of the same bytes in the cache: the sibling is that one.
    code = (first / "verify/runtime/code.mjs").read_bytes()
    [entry] = [p for p in cache.iterdir() if p.name.endswith(".br") and _holds(p, code)]
    other = brotli.compress(code, quality=5)
    assert other != (first / "verify/runtime/code.mjs.br").read_bytes()
    entry.write_bytes(other)

    def refuse(data: bytes) -> bytes:
        raise AssertionError("compressed again")

    monkeypatch.setitem(pc.ENCODINGS, ".br", (pc.ENCODINGS[".br"][0], refuse, brotli.decompress))
    monkeypatch.setitem(pc.ENCODINGS, ".gz", (pc.ENCODINGS[".gz"][0], refuse, gzip.decompress))
    second = _site(tmp_path / "second")
    pc.precompress(second, PATHS, cache=cache)
    assert (second / "verify/runtime/code.mjs.br").read_bytes() == other


def _holds(entry: Path, data: bytes) -> bool:
    return brotli.decompress(entry.read_bytes()) == data


def test_a_damaged_cache_entry_is_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    site = _site(tmp_path / "site")
    pc.precompress(site, ["verify/runtime/code.mjs"], cache=cache)
    good = (site / "verify/runtime/code.mjs.br").read_bytes()
    for entry in cache.glob("*.br"):
        entry.write_bytes(brotli.compress(b"something else"))
    for entry in cache.glob("*.gz"):
        entry.write_bytes(b"not gzip at all")
    again = _site(tmp_path / "again")
    pc.precompress(again, ["verify/runtime/code.mjs"], cache=cache)
    assert (again / "verify/runtime/code.mjs.br").read_bytes() == good
    code = (again / "verify/runtime/code.mjs").read_bytes()
    assert gzip.decompress((again / "verify/runtime/code.mjs.gz").read_bytes()) == code
    assert all(_holds(e, code) for e in cache.glob("*.br"))


def test_a_read_only_cache_only_costs_time(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.write_text("a file where the folder would be", "utf-8")
    site = _site(tmp_path / "site")
    pc.precompress(site, ["verify/runtime/code.mjs"], cache=cache / "sub")
    code = (site / "verify/runtime/code.mjs").read_bytes()
    assert brotli.decompress((site / "verify/runtime/code.mjs.br").read_bytes()) == code
