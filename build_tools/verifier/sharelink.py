"""Share links: a credential carried in the URL fragment of the verify page.

    {site_url}verify/#c1.<base64url>   the credential file, deflate-raw compressed, base64url
    {site_url}verify/#q1.<digits>      the same compressed bytes in decimal, for QR codes
    {site_url}verify/#id.<id>          names a credential without carrying it

Browsers never send the fragment to a server, so the credential stays between the holder, the
person they give the link to and that person's browser. The format (docs/interfaces.md,
"Share links"):

- `c1.`: the credential file's bytes, exactly as issued (never re-serialised), compressed as a
  raw DEFLATE stream (RFC 1951, no zlib or gzip header: what the browser's
  `CompressionStream("deflate-raw")` writes), then unpadded base64url (RFC 4648 §5).
- `q1.`: the same compressed bytes, each group of 7 bytes written as one big-endian number of
  17 decimal digits (a last group of 1..6 bytes takes 3, 5, 8, 10, 13 or 15 digits). A QR code
  stores digits in its numeric mode at 10 bits for 3 digits, so this form fills a code about
  as tightly as the bytes themselves, where base64url in byte mode would cost a third more.
- `id.`: a credential id (percent-encoded where needed), for a QR code printed on a picture that
  is itself part of the credential, so it cannot contain the credential.

Decoding treats the fragment as hostile: the text is bounded before decoding, the output of
the decompressor is bounded by the verifier's maximum file size (a decompression bomb stops
there), and a stream that is truncated or followed by other bytes is refused.

A leaf module: it imports only the standard library and `codec`, runs under CPython and in
Pyodide, and `build_tools/issuing` uses it to print links at issue time. The page's own
implementation of the same format is site_src/assets/verifier/sharelink.mjs; the tests check
that the two agree.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote

from .codec import b64url_decode, b64url_encode

__all__ = [
    "DEFAULT_MAX_BYTES",
    "LINK_LIMIT",
    "ShareLinkError",
    "Shared",
    "decode_fragment",
    "encode_credential",
    "encode_id",
    "encode_numeric",
    "id_link",
    "share_link",
    "verify_page",
]

# The longest share link (all of it, from https:// to the end) that credsite offers. Browsers
# accept far longer fragments, but links travel through chat apps, mail clients and text
# messages that cut, wrap or refuse long URLs, and 8,000 characters is the request-line size
# HTTP asks every recipient to support (RFC 9110 §4.1), the de-facto floor of URL handling.
# A QR code holds at most 7,089 digits, which the QR form checks on its own.
LINK_LIMIT = 8000

# The verifier's maximum file size (build_tools.verifier.engine.DEFAULT_MAX_BYTES): a link may
# not decompress to more than a file could hold.
DEFAULT_MAX_BYTES = 5_000_000

_GROUP = 7
_GROUP_DIGITS = 17
# Digits for a last group of n bytes: the fewest that hold 256**n - 1.
_TAIL_DIGITS = {n: len(str(256**n - 1)) for n in range(1, _GROUP)}
_TAIL_BYTES = {digits: n for n, digits in _TAIL_DIGITS.items()}

_ID_SAFE = "!$&'()*+,;=:@/?-._~"
_ID_MAX = 200
# A URI: a scheme, a colon, then no spaces (so a link cannot put a sentence on the page).
_ID_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")

ShareLinkCode = Literal["SHARE_LINK_MALFORMED", "SHARE_LINK_TOO_LARGE", "SHARE_LINK_UNKNOWN"]


class ShareLinkError(ValueError):
    """A fragment that is not a readable share link; `code` says which way."""

    def __init__(self, code: ShareLinkCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Shared:
    """What a fragment holds: the credential's bytes (`c1.`, `q1.`) or a credential id (`id.`)."""

    kind: Literal["credential", "id"]
    data: bytes = b""
    credential_id: str = ""


# --------------------------------------------------------------------------- encoding


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return compressor.compress(data) + compressor.flush()


def _digits(raw: bytes) -> str:
    parts = []
    for start in range(0, len(raw), _GROUP):
        group = raw[start : start + _GROUP]
        width = _GROUP_DIGITS if len(group) == _GROUP else _TAIL_DIGITS[len(group)]
        parts.append(str(int.from_bytes(group, "big")).zfill(width))
    return "".join(parts)


def encode_credential(data: bytes) -> str:
    """The fragment (without "#") that carries `data`: "c1." + base64url(deflate-raw(data))."""
    return "c1." + b64url_encode(_deflate(data))


def encode_numeric(data: bytes) -> str:
    """The QR form of the same fragment: "q1." + the compressed bytes in decimal groups."""
    return "q1." + _digits(_deflate(data))


def encode_id(credential_id: str) -> str:
    """The fragment that names a credential without carrying it."""
    return "id." + quote(credential_id, safe=_ID_SAFE)


def verify_page(site_url: str) -> str:
    """The verify page of a site (`site_url` ends with "/")."""
    return (site_url if site_url.endswith("/") else site_url + "/") + "verify/"


def share_link(site_url: str, data: bytes, *, numeric: bool = False) -> str:
    """The whole share link of a credential file on the site at `site_url`."""
    fragment = encode_numeric(data) if numeric else encode_credential(data)
    return f"{verify_page(site_url)}#{fragment}"


def id_link(site_url: str, credential_id: str) -> str:
    """A link to the verify page that names `credential_id` (it does not contain it)."""
    return f"{verify_page(site_url)}#{encode_id(credential_id)}"


# --------------------------------------------------------------------------- decoding

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_DIGITS = re.compile(r"[0-9]*")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _malformed(why: str) -> ShareLinkError:
    return ShareLinkError("SHARE_LINK_MALFORMED", f"The link is damaged: {why}.")


def _undigits(text: str) -> bytes:
    if not _DIGITS.fullmatch(text):
        raise _malformed("the QR form holds a character that is not a digit")
    full, tail = divmod(len(text), _GROUP_DIGITS)
    if tail and tail not in _TAIL_BYTES:
        raise _malformed("the QR form has a length no byte count gives")
    out = bytearray()
    for i in range(full + (1 if tail else 0)):
        chunk = text[i * _GROUP_DIGITS : (i + 1) * _GROUP_DIGITS]
        size = _GROUP if len(chunk) == _GROUP_DIGITS else _TAIL_BYTES[len(chunk)]
        value = int(chunk)
        if value >= 256**size:
            raise _malformed("a group of digits in the QR form is out of range")
        out += value.to_bytes(size, "big")
    return bytes(out)


def _inflate(raw: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(raw, max_bytes + 1)
    except zlib.error:
        raise _malformed("its compressed data cannot be read") from None
    if len(out) > max_bytes:
        raise ShareLinkError(
            "SHARE_LINK_TOO_LARGE",
            f"The link unpacks to more than {max_bytes} bytes, more than any credential file "
            "the verifier reads, so it was not read.",
        )
    if not inflater.eof:
        raise _malformed("its compressed data is cut short")
    if inflater.unused_data or inflater.unconsumed_tail:
        raise _malformed("other data follows its compressed data")
    if not out:
        raise _malformed("it carries an empty file")
    return out


def decode_fragment(fragment: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Shared:
    """Read a fragment (with or without its "#"); raises `ShareLinkError` for anything that is
    not a share link of a supported version, or that is damaged or too large."""
    text = fragment[1:] if fragment.startswith("#") else fragment
    kind, dot, body = text.partition(".")
    if not dot or kind not in ("c1", "q1", "id"):
        raise ShareLinkError(
            "SHARE_LINK_UNKNOWN", "The link's fragment is not a credsite share link."
        )
    if kind == "id":
        try:
            if _BAD_PERCENT.search(body):
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "a lone %")
            value = unquote(body, errors="strict")
        except UnicodeDecodeError:
            raise _malformed("the credential id it names is not percent-encoded UTF-8") from None
        if len(value) > _ID_MAX or not value.isprintable() or not _ID_SHAPE.fullmatch(value):
            raise _malformed(
                "the credential id it names is not an identifier (a URI without spaces, at "
                "most 200 characters)"
            )
        return Shared("id", credential_id=value)
    # Compressed data is never larger than a bound its output size sets (deflate's stored
    # blocks add 5 bytes per 65,535), so longer text is refused before it is decoded.
    limit_bytes = max_bytes + 5 * (max_bytes // 65_535 + 1) + 16
    limit_chars = limit_bytes * 4 // 3 + 4 if kind == "c1" else limit_bytes * 17 // 7 + 17
    if len(body) > limit_chars:
        raise ShareLinkError(
            "SHARE_LINK_TOO_LARGE",
            f"The link is longer than any link to a file of at most {max_bytes} bytes, "
            "so it was not read.",
        )
    if kind == "c1":
        if not _BASE64URL.fullmatch(body):
            raise _malformed("it holds characters outside base64url")
        try:
            raw = b64url_decode(body)
        except ValueError:
            raise _malformed("its base64url text has an impossible length") from None
    else:
        raw = _undigits(body)
    return Shared("credential", data=_inflate(raw, max_bytes))
