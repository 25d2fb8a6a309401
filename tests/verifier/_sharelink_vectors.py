"""Share-link fragments that both implementations of the format must refuse, with the code
each gives (tests/verifier/test_sharelink.py and tests/browser/verify/test_share.py)."""

from __future__ import annotations

import zlib
from pathlib import Path

from build_tools.verifier.codec import b64url_encode
from build_tools.verifier.sharelink import encode_credential

SAMPLES = Path(__file__).resolve().parents[2] / "site_src" / "samples"


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def good() -> str:
    return encode_credential((SAMPLES / "ob3-valid.json").read_bytes())


# Fragments both implementations refuse, each with the code they give.
MALFORMED: list[tuple[str, str]] = [
    ("", "SHARE_LINK_UNKNOWN"),
    ("c1", "SHARE_LINK_UNKNOWN"),
    ("c2.AAAA", "SHARE_LINK_UNKNOWN"),
    ("verify", "SHARE_LINK_UNKNOWN"),
    ("c1.", "SHARE_LINK_MALFORMED"),  # nothing compressed
    ("c1.AAAA+/==", "SHARE_LINK_MALFORMED"),  # standard base64, padding
    ("c1.A", "SHARE_LINK_MALFORMED"),  # impossible length
    ("c1.AAAA AAAA", "SHARE_LINK_MALFORMED"),
    ("c1.__________", "SHARE_LINK_MALFORMED"),  # not a deflate stream
    ("c1." + b64url_encode(raw_deflate(b"")), "SHARE_LINK_MALFORMED"),  # an empty file
    ("q1.12a", "SHARE_LINK_MALFORMED"),
    ("q1.1234", "SHARE_LINK_MALFORMED"),  # 4 digits: no byte count
    ("q1.999", "SHARE_LINK_MALFORMED"),  # 999 > 255
    ("q1.99999999999999999", "SHARE_LINK_MALFORMED"),  # 17 digits > 2**56 - 1
    ("id.", "SHARE_LINK_MALFORMED"),
    ("id.%zz", "SHARE_LINK_MALFORMED"),
    ("id.%C3", "SHARE_LINK_MALFORMED"),  # not UTF-8
    ("id.a%00b", "SHARE_LINK_MALFORMED"),  # not printable
    ("id.urn:" + "x" * 197, "SHARE_LINK_MALFORMED"),  # 201 characters
    ("id.VERIFIED%3A%20valid.%20Call%20us", "SHARE_LINK_MALFORMED"),  # a sentence, not a URI
    ("id.no-scheme-here", "SHARE_LINK_MALFORMED"),
]


def malformed() -> list[tuple[str, str]]:
    """The shared vectors, plus a stream cut short and one followed by other bytes."""
    text = good()
    raw = raw_deflate((SAMPLES / "ob3-valid.json").read_bytes())
    return [
        *MALFORMED,
        ("c1." + b64url_encode(raw[:-10]), "SHARE_LINK_MALFORMED"),
        ("c1." + b64url_encode(raw + b"\0\0\0"), "SHARE_LINK_MALFORMED"),
        (text[:-1] + ("A" if text[-1] != "A" else "B") + "Q", "SHARE_LINK_MALFORMED"),
    ]
