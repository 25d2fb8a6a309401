"""build_tools/build_cache.py: cache entries are written whole; `first_wins` keeps the entry
another build stored first."""

from __future__ import annotations

from pathlib import Path

from build_tools.build_cache import store


def test_an_entry_is_replaced_by_default(tmp_path: Path) -> None:
    entry = tmp_path / "cache" / "key.gz"
    store(entry, b"one")
    store(entry, b"two")
    assert entry.read_bytes() == b"two"
    assert [p.name for p in entry.parent.iterdir()] == ["key.gz"]  # no partial file left


def test_first_wins_keeps_the_entry_stored_first(tmp_path: Path) -> None:
    entry = tmp_path / "cache" / "key.gz"
    store(entry, b"first", first_wins=True)
    store(entry, b"second", first_wins=True)
    assert entry.read_bytes() == b"first"
    assert [p.name for p in entry.parent.iterdir()] == ["key.gz"]


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_bytes(b"")
    store(blocked / "key.gz", b"data")  # its folder is a file: nothing written, no error
    assert blocked.read_bytes() == b""
