"""The build's caches under node_modules/.cache/ (bytecode, start-up snapshots, compressed
copies): an entry is written whole or not at all, and a cache that cannot be written (a
read-only node_modules) only costs the work again next time."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def store(entry: Path, data: bytes, *, first_wins: bool = False) -> None:
    """Write `data` as the cache entry `entry`, atomically; never raises for the file system.
    With `first_wins`, an entry that another build wrote meanwhile stays (for results that
    differ from one run to the next, so that every build reads the same bytes)."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f"{entry.name}.{os.getpid()}.{threading.get_ident()}.part")
        partial.write_bytes(data)
        if not first_wins:
            os.replace(partial, entry)
            return
        try:
            os.link(partial, entry)
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    except OSError:
        pass
