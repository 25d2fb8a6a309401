"""Small shared helpers of the issuing part: the error type and UTC times.

The encodings (base64url, base58btc, did:web) are in `build_tools.verifier.codec`.
"""

from __future__ import annotations

import datetime as dt
import re

from build_tools.errors import CredsiteError

__all__ = [
    "IssuingError",
    "format_utc",
    "parse_utc",
    "utc_now",
]


class IssuingError(CredsiteError):
    """A problem an issuer must fix; says where (file, line) and what to do (hint)."""

    default_code = "ISSUING_ERROR"


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
        raise IssuingError(
            f"The {what} is missing or not a date.",
            hint="Write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.",
        )
    text = value.strip()
    try:
        if _DATE_RE.match(text):
            return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise IssuingError(
            f"The {what} {text!r} is not a valid date.",
            hint="Write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(microsecond=0)
