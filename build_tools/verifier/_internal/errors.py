"""The errors of the verifier's stages: each carries a stable check code."""

from __future__ import annotations

from typing import Any


class CodedError(Exception):
    """A refusal with a stable check `code`, a `message` in plain English and a technical
    `detail`; the kinds below say which stage refused."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


class InputError(CodedError):
    """Bad input, as every reading stage raises it. `seal` holds the JOSE signatures read
    before the signed content turned out unreadable (a JAdES payload that is no longer JSON),
    so the signature can still say whether that content was changed."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(code, message, detail)
        self.seal: tuple[Any, ...] = ()
