"""Verification engine (being written)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .model import CryptoBackend, Registry, Report


async def averify(data: bytes, registry: Registry, *, now: datetime, crypto: CryptoBackend,
                  max_bytes: int = 5_000_000) -> Report:
    raise NotImplementedError


def verify(data: bytes, registry: Registry, *, now: datetime, crypto: CryptoBackend,
           max_bytes: int = 5_000_000) -> Report:
    raise NotImplementedError


_ = Any
