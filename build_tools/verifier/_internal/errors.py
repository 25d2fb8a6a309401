"""The error every reading stage raises for bad input."""

from __future__ import annotations


class InputError(Exception):
    """Bad input; `code` is a stable check code, `message` plain English."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail
