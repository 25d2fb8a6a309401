"""The error every reading stage raises for bad input."""

from __future__ import annotations

from typing import Any


class InputError(Exception):
    """Bad input; `code` is a stable check code, `message` plain English. `seal` holds the
    JOSE signatures read before the signed content turned out unreadable (a JAdES payload that
    is no longer JSON), so the signature can still say whether that content was changed."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail
        self.seal: tuple[Any, ...] = ()
