"""Small shared helpers of the issuing part: the error type, UTC times, base64url, base58btc.

Everything here is encoding, not cryptography: signatures and keys go through `cryptography`.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

__all__ = [
    "IssuingError",
    "b58decode",
    "b58encode",
    "b64url",
    "b64url_decode",
    "format_utc",
    "parse_utc",
    "utc_now",
]


class IssuingError(Exception):
    """A problem an issuer must fix; says where (file, line) and what to do (hint)."""

    def __init__(self, message: str, *, file: str = "", line: int = 0, column: int = 0,
                 hint: str = "", code: str = "ISSUING_ERROR") -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        self.code = code

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        text = f"{where}{self.message}"
        return f"{text} {self.hint}" if self.hint else text


# --------------------------------------------------------------------------------------------
# Time: UTC everywhere, ISO 8601 with "Z", whole seconds.

def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def format_utc(value: dt.datetime | dt.date) -> str:
    """`2026-09-01T00:00:00Z`. A date means midnight UTC; a naive datetime is taken as UTC."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_utc(value: object, *, what: str = "date") -> dt.datetime:
    """Parse `2026-09-01`, `2026-09-01T10:00:00Z` or an offset time into an aware UTC datetime.

    Times without an offset are taken as UTC (VCDM 2.0 §5.8 says the same for credentials).
    """
    if isinstance(value, dt.datetime):
        parsed = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC).replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if not isinstance(value, str) or not value.strip():
        raise IssuingError(f"The {what} is missing or not a date.",
                           hint="Write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.")
    text = value.strip()
    try:
        if _DATE_RE.match(text):
            return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise IssuingError(f"The {what} {text!r} is not a valid date.",
                           hint="Write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(microsecond=0)


# --------------------------------------------------------------------------------------------
# Encodings

def b64url(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Base58btc (the Bitcoin alphabet), as used by multibase prefix `z`."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(_B58_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise ValueError(f"invalid base58 character {char!r}")
        number = number * 58 + _B58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body
