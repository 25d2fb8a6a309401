"""Dates: XSD dateTime and JWT NumericDate read, UTC text written."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$"
)


def parse_datetime(value: Any) -> datetime | None:
    """XSD dateTime -> aware datetime (no offset = UTC, VCDM 2.0 §5.8); None if malformed."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    if (
        len(value) == 20
        and value[19] == "Z"
        and value[4] == value[7] == "-"
        and value[10] == "T"
        and value[13] == value[16] == ":"
        and value.isascii()
        and (
            value[:4] + value[5:7] + value[8:10] + value[11:13] + value[14:16] + value[17:19]
        ).isdigit()
    ):
        # The usual form, YYYY-MM-DDTHH:MM:SSZ, read directly: what fromisoformat makes of it
        # below, and out-of-range fields fail alike.
        try:
            return datetime(
                int(value[:4]),
                int(value[5:7]),
                int(value[8:10]),
                int(value[11:13]),
                int(value[14:16]),
                int(value[17:19]),
                tzinfo=UTC,
            )
        except ValueError:
            return None
    parsed = _parse_datetime_general(value)
    return None if parsed is None or not _in_utc_range(parsed) else parsed


def _in_utc_range(moment: datetime) -> bool:
    """Whether UTC has `moment` (not so for a date near year 1 or 9999 with an offset, e.g.
    9999-12-31T23:59:59-14:00): dates are compared, subtracted and printed in UTC later."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


def date_out_of_range(value: Any) -> bool:
    """Whether `value` is an XSD dateTime that `parse_datetime` refuses only because UTC has no
    such date-time."""
    if not isinstance(value, str) or len(value) > 64:
        return False
    parsed = _parse_datetime_general(value)
    return parsed is not None and not _in_utc_range(parsed)


def _parse_datetime_general(value: str) -> datetime | None:
    """`parse_datetime` for any form of XSD dateTime (no length check)."""
    match = _DATETIME.match(value.strip())
    if not match:
        return None
    text = value.strip().replace("t", "T").replace(" ", "T")
    frac = match.group(7)
    if frac and len(frac) > 7:  # Python accepts at most microseconds
        text = text.replace(frac, frac[:7])
    return from_iso(text)


def from_iso(text: str) -> datetime | None:
    """`datetime.fromisoformat` with a final Z (or z) for UTC, and UTC when `text` names no
    offset; None when Python cannot read it."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def numeric_date(value: Any) -> datetime | None:
    """JWT NumericDate (RFC 7519 §2); ISO strings are accepted too (some test suites use them)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return parse_datetime(value)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    utc = value.astimezone(UTC)
    if utc.year < 1000:  # strftime does not pad such years; isoformat would
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    # The same text as the strftime above, about twice as fast: isoformat ends in "+00:00".
    return utc.isoformat(timespec="seconds")[:-6] + "Z"
