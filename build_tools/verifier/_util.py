"""Small pure-Python helpers: strict JSON, base64, multikey, JWK, dates (the encodings shared
with the rest of the package are in `codec`)."""

from __future__ import annotations

import base64
import binascii
import gc
import json
import re
import sys
from datetime import UTC, datetime
from itertools import accumulate, compress
from typing import Any

from .codec import b64url_decode, b64url_encode, multibase_decode

MAX_DEPTH = 64
MAX_NODES = 500_000
MAX_INT_DIGITS = 40


class InputError(Exception):
    """Bad input; `code` is a stable check code, `message` plain English."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


# --------------------------------------------------------------------------- strict JSON


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    out = {}
    for key, value in pairs:
        if key in out:
            raise InputError(
                "FORMAT_DUPLICATE_KEY",
                "The file contains the same field twice, so different programs could read "
                "different values from it.",
                f"duplicate member name {key[:80]!r}",
            )
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise InputError(
        "FORMAT_INVALID_JSON", "The file is not valid JSON.", f"non-standard constant {name}"
    )


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise InputError(
            "FORMAT_NUMBER_TOO_LARGE",
            "The file contains a number too large to be meaningful.",
            f"integer with {len(text)} digits",
        )
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 64:
        raise InputError(
            "FORMAT_NUMBER_TOO_LARGE",
            "The file contains a number too large to be meaningful.",
            f"number literal of {len(text)} characters",
        )
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InputError(
            "FORMAT_NUMBER_TOO_LARGE",
            "The file contains a number too large to be meaningful.",
            f"number {text[:40]} overflows",
        )
    return value


def check_shape(value: Any) -> None:
    """Bound nesting depth and node count (iteratively; later stages recurse).

    Depth first, in the same order as a plain stack walk, so the first limit met is always the
    same one. Values come from `json`, so an exact type test is enough.
    """
    if not isinstance(value, (dict, list)):
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    pop, push = stack.pop, stack.append
    nodes = 1
    while stack:
        item, depth = pop()
        if depth > MAX_DEPTH:
            raise InputError(
                "FORMAT_TOO_DEEP",
                "The file is nested far more deeply than any credential.",
                f"nesting deeper than {MAX_DEPTH} levels",
            )
        children = item.values() if type(item) is dict else item
        nodes += len(children)
        if nodes > MAX_NODES:
            raise InputError(
                "FORMAT_TOO_LARGE",
                "The file holds far more data than any credential.",
                f"more than {MAX_NODES} JSON values",
            )
        depth += 1
        for child in children:
            if type(child) in _CONTAINERS:
                push((child, depth))


_CONTAINERS = frozenset({dict, list})
_IS_CONTAINER_TYPE = _CONTAINERS.__contains__
_LEVELWISE_FROM = 8192


def _within_limits(value: dict[str, Any] | list[Any]) -> bool:
    """Whether `check_shape` passes `value` (at most MAX_DEPTH levels of containers and
    MAX_NODES values), a level at a time with no Python code per value: `gc.get_referents` of
    a level's containers lists their values (for lists, the items; for dicts, the values, and
    also the keys when they are not all strings, which are never containers), and the
    containers among them make up the next level. Values are counted (with `len`) before a
    level is expanded, so no level holds more than MAX_NODES of them.

    Faster than `check_shape` on large documents, slower on small ones (a fixed cost per
    level), so strict_json uses it from _LEVELWISE_FROM characters on."""
    level: list[Any] = [value]
    nodes = 1
    for _depth in range(MAX_DEPTH):
        nodes += sum(map(len, level))
        if nodes > MAX_NODES:
            return False
        children = gc.get_referents(*level)
        level = list(compress(children, map(_IS_CONTAINER_TYPE, map(type, children))))
        if not level:
            return True
    return False  # containers deeper than MAX_DEPTH levels


# One decoder for every call (json.loads would build one per call with these hooks).
_STRICT_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates,
    parse_constant=_no_constant,
    parse_int=_parse_int,
    parse_float=_parse_float,
)


# Pyodide's C JSON parser has no working depth guard: a document nested a few thousand levels
# deep overflows the JavaScript stack and kills the interpreter. CPython's parser counts its
# nesting against the recursion limit and raises RecursionError instead (tests/verifier/
# test_speed_json.py holds it to that). So in the browser nesting is measured before parsing,
# whenever the document holds enough brackets to be deeply nested (cheap counts first; the scan
# costs about a JSON parse). On CPython the same measurement runs only when parsing or the shape
# check fails, and takes precedence there, so every input gets the same code and detail as
# with the measurement first.
_PRESCAN_OPENERS = 512
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_EMSCRIPTEN = sys.platform == "emscripten"
# Above this recursion limit CPython 3.11's parser could reach the C stack's end before it
# raises RecursionError, so the measurement goes first again.
_PARSER_SAFE_RECURSION_LIMIT = 10_000


def _nesting(text: str) -> int:
    """Deepest bracket nesting outside JSON strings (escaped quotes and backslashes removed)."""
    outside = "".join(text.replace("\\\\", "").replace('\\"', "").split('"')[0::2])
    brackets = _NOT_BRACKET.sub("", outside)
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _too_deep(text: str) -> InputError | None:
    """FORMAT_TOO_DEEP when the pre-parse measurement refuses `text`, else None."""
    if text.count("{") + text.count("[") > _PRESCAN_OPENERS and _nesting(text) > MAX_DEPTH:
        return InputError(
            "FORMAT_TOO_DEEP",
            "The file is nested far more deeply than any credential.",
            f"nesting deeper than {MAX_DEPTH} levels",
        )
    return None


def _measure_first() -> bool:
    """Whether nesting must be measured before the parser sees the text (see above)."""
    return _EMSCRIPTEN or sys.getrecursionlimit() > _PARSER_SAFE_RECURSION_LIMIT


def _parse(text: str) -> Any:
    try:
        # A leading BOM is refused by json.loads with its own message (the decoder alone
        # would not check it).
        return json.loads(text) if text.startswith("\ufeff") else _STRICT_DECODER.decode(text)
    except InputError:
        raise
    except RecursionError as exc:
        raise InputError(
            "FORMAT_TOO_DEEP",
            "The file is nested far more deeply than any credential.",
            "nesting exceeds the parser limit",
        ) from exc
    except ValueError as exc:
        raise InputError(
            "FORMAT_INVALID_JSON",
            "The file is not valid JSON (it may be cut short or damaged).",
            str(exc)[:200],
        ) from exc


def _check_parsed_shape(value: Any, size: int) -> None:
    """check_shape for a value parsed from `size` characters (the level-wise test first when
    that is faster; the walk then only runs to name the limit a document exceeds)."""
    if size < _LEVELWISE_FROM or not isinstance(value, (dict, list)) or not _within_limits(value):
        check_shape(value)


def strict_json(text: str | bytes) -> Any:
    """Parse JSON strictly: duplicate keys, NaN/Infinity, huge numbers and deep nesting fail."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                "FORMAT_NOT_UTF8",
                "The file is not valid UTF-8 text.",
                f"invalid byte at offset {exc.start}",
            ) from exc
    if _measure_first():
        deep = _too_deep(text)
        if deep is not None:
            raise deep
        value = _parse(text)
        _check_parsed_shape(value, len(text))
        return value
    try:
        value = _parse(text)
        _check_parsed_shape(value, len(text))
    except InputError as exc:
        # The measurement's verdict comes first, as when it runs before parsing. A document
        # that parses and passes check_shape is at most MAX_DEPTH deep, which is exactly what
        # the measurement finds in valid JSON, so only failures need it.
        deep = _too_deep(text)
        if deep is not None:
            raise deep from exc
        raise
    return value


# --------------------------------------------------------------------------- encodings


def b64_decode_any(value: str) -> bytes:
    """Standard or URL-safe base64, padding optional (x5c uses standard base64)."""
    # Most values hold no white space: printable and without spaces means none (\s is either
    # the space or an unprintable character), which is two fast scans instead of a rewrite.
    if isinstance(value, str) and value.isprintable() and " " not in value:
        cleaned = value
    else:
        cleaned = re.sub(r"\s+", "", value)
    try:
        if "-" in cleaned or "_" in cleaned:
            return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc


# --------------------------------------------------------------------------- keys

# NIST curve parameters (FIPS 186-4 D.1.2), used only to decompress public points.
_CURVE_PARAMS = {
    "P-256": (
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        32,
    ),
    "P-384": (
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        48,
    ),
}


def decompress_point(crv: str, data: bytes) -> tuple[bytes, bytes]:
    """SEC 1 §2.3.4 point decompression (both curves have p ≡ 3 mod 4)."""
    p, b, size = _CURVE_PARAMS[crv]
    if len(data) != size + 1 or data[0] not in (2, 3):
        raise ValueError("not a compressed point")
    x = int.from_bytes(data[1:], "big")
    if x >= p:
        raise ValueError("x out of range")
    rhs = (pow(x, 3, p) - 3 * x + b) % p
    y = pow(rhs, (p + 1) // 4, p)
    if (y * y) % p != rhs:
        raise ValueError("point not on curve")
    if (y & 1) != (data[0] & 1):
        y = p - y
    return data[1:], y.to_bytes(size, "big")


# multicodec varint headers (CID "Multikey")
_MULTIKEY_PUBLIC = {b"\xed\x01": "Ed25519", b"\x80\x24": "P-256", b"\x81\x24": "P-384"}
_MULTIKEY_SECRET = (b"\x80\x26", b"\x86\x26", b"\x87\x26")


def multikey_to_jwk(value: str) -> dict[str, str]:
    """`publicKeyMultibase` / did:key value -> public JWK. Secret-key headers are refused."""
    raw = multibase_decode(value)
    header, key = raw[:2], raw[2:]
    if header in _MULTIKEY_SECRET:
        raise ValueError("a secret key was given where a public key is expected")
    kind = _MULTIKEY_PUBLIC.get(header)
    if kind == "Ed25519":
        if len(key) != 32:
            raise ValueError("Ed25519 key must be 32 bytes")
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(key)}
    if kind in ("P-256", "P-384"):
        x, y = decompress_point(kind, key)
        return {"kty": "EC", "crv": kind, "x": b64url_encode(x), "y": b64url_encode(y)}
    raise ValueError("unknown multikey header")


def public_jwk(jwk: dict[str, Any]) -> dict[str, Any]:
    return {k: jwk[k] for k in ("kty", "crv", "x", "y", "n", "e") if k in jwk}


def algs_for_key(jwk: dict[str, Any]) -> tuple[str, ...]:
    """The algorithms a key may be used with; chosen by key type, never by the token."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return ("EdDSA",)
    if kty == "EC" and crv == "P-256":
        return ("ES256",)
    if kty == "EC" and crv == "P-384":
        return ("ES384",)
    if kty == "RSA":
        return ("RS256", "PS256")
    return ()


def key_label(jwk: dict[str, Any]) -> str:
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "RSA":
        try:
            bits = len(b64url_decode(str(jwk.get("n", "")))) * 8
        except ValueError:
            bits = 0
        return f"RSA-{bits}" if bits else "RSA"
    return f"{crv}" if crv else str(kty)


# --------------------------------------------------------------------------- dates

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
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    frac = match.group(7)
    if frac and len(frac) > 7:  # Python accepts at most microseconds
        text = text.replace(frac, frac[:7])
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


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


# --------------------------------------------------------------------------- JSON helpers


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def node_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def types_of(value: Any) -> list[str]:
    if isinstance(value, dict):
        kind = value.get("type")
        if isinstance(kind, str):
            return [kind]
        if isinstance(kind, list):
            return [t for t in kind if isinstance(t, str)]
    return []


def lang_text(value: Any, prefer: str = "en") -> str | None:
    """A display string from a plain string, a language map or a VCDM language object."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            text = lang_text(item, prefer)
            if text:
                return text
        return None
    if isinstance(value, dict):
        if isinstance(value.get("@value"), str):
            return str(value["@value"])
        if isinstance(value.get(prefer), str):
            return str(value[prefer])
        for item in value.values():
            if isinstance(item, str):
                return item
            if isinstance(item, list) and item and isinstance(item[0], str):
                return str(item[0])
    return None


def lang_values(value: Any) -> set[str]:
    """Every string of a language map / string / list, for comparisons."""
    out: set[str] = set()
    _collect_strings(value, out)
    return out


def _collect_strings(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value.strip())
    elif isinstance(value, list):
        for item in value:
            _collect_strings(item, out)
    elif isinstance(value, dict):
        if "@value" in value:
            _collect_strings(value["@value"], out)
        else:
            for item in value.values():
                _collect_strings(item, out)

