"""The errors of the verifier's stages: each carries a stable check code."""

from __future__ import annotations


class CodedError(Exception):
    """A refusal with a stable check `code`, a `message` in plain English and a technical
    `detail`; the kinds below say which stage refused."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


class InputError(CodedError):
    """Bad input, as every reading stage raises it."""
