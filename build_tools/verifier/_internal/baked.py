"""Open Badges 3.0 baked images (OB 3.0 §5.3): take the credential out of a PNG or an SVG.

The image itself is never decoded or rendered. PNG: only the chunk framing is read (length,
type, CRC-32 checked on every chunk) and the one `iTXt` chunk with keyword
`openbadgecredential`. SVG: parsed with `xml.etree` after refusing any DOCTYPE or entity
declaration (so no entity can expand), looking for the one `openbadges:credential` element in
`https://purl.imsglobal.org/ob/v3p0`; the credential is its text (JSON, usually in CDATA) or its
`verify` attribute (a compact JWS), never both. Anything another reader could take for a
credential instead (a PNG text chunk under another type or case of the keyword, text after the
image's end, an SVG element in a namespace that only looks like OB 3.0's) makes the image
ambiguous, and it is refused.

The caller verifies the extracted text exactly as if the file held it.
"""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any
from xml.etree import ElementTree

from ..messages import msg
from .errors import InputError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB2_PNG_KEYWORD = b"openbadges"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
OB2_NS = "https://openbadges.org"
MAX_CHUNKS = 10_000
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")

_SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]", re.IGNORECASE)
_PROLOG_ENDS = ((b"<?", b"?>"), (b"<!--", b"-->"))


def _fail(code: str, message: str, detail: str) -> InputError:
    return InputError(code, message, detail)


def _damaged(detail: str) -> InputError:
    return _fail(
        "FORMAT_BAKED_DAMAGED",
        "The badge image is damaged, so the credential baked into it cannot be read.",
        detail,
    )


def _none(what: str, detail: str) -> InputError:
    return _fail(
        "FORMAT_BAKED_NO_CREDENTIAL",
        msg(
            "This {format} image holds no Open Badges 3.0 credential. Upload the credential "
            "file, or the image as the issuer sent it.",
            format=what,
        ),
        detail,
    )


def _multiple(detail: str) -> InputError:
    return _fail(
        "FORMAT_BAKED_MULTIPLE",
        "The badge image holds more than one credential, so it is not clear which one it "
        "stands for.",
        detail,
    )


def looks_like_svg(data: bytes) -> bool:
    """The root element is <svg> (any prefix), after only an XML declaration, processing
    instructions, comments or a DOCTYPE: text or an HTML page holding an inline <svg> is not an
    SVG file. One forward scan over at most 64 kB (no regex backtracking)."""
    head, pos = data[:65536], 0
    while True:
        while pos < len(head) and head[pos : pos + 1].isspace():
            pos += 1
        for start, end in _PROLOG_ENDS:
            if head.startswith(start, pos):
                stop = head.find(end, pos + len(start))
                if stop < 0:
                    return False
                pos = stop + len(end)
                break
        else:
            if head[pos : pos + 9].upper() != b"<!DOCTYPE":
                return _SVG_ROOT.match(head, pos) is not None
            subset, close = head.find(b"[", pos), head.find(b">", pos)
            if 0 <= subset < close:  # an internal subset: up to "]" then ">"
                close = head.find(b">", max(head.find(b"]", subset), subset))
            if close < 0:
                return False
            pos = close + 1


def unbake(data: bytes, *, max_bytes: int) -> tuple[str, str, bytes] | None:
    """(format, where, credential bytes) for a baked image; None when `data` is not an image."""
    if data.startswith(PNG_SIGNATURE):
        return (
            "ob3-baked-png",
            f"PNG iTXt chunk '{PNG_KEYWORD.decode()}'",
            _from_png(data, max_bytes),
        )
    if looks_like_svg(data):
        return "ob3-baked-svg", "SVG element <openbadges:credential>", _from_svg(data)
    return None


# --------------------------------------------------------------------------- PNG


def _from_png(data: bytes, max_bytes: int) -> bytes:
    found: list[bytes] = []
    others: list[str] = []
    ob2 = False
    pos, count = len(PNG_SIGNATURE), 0
    while True:
        if pos + 12 > len(data):
            raise _damaged(f"PNG cut short at byte {pos}: no IEND chunk")
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 8 + length
        if length > 0x7FFFFFFF or end + 4 > len(data):
            raise _damaged(f"PNG chunk at byte {pos} claims {length} bytes past the end")
        body = data[pos + 8 : end]
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if zlib.crc32(ctype + body) != crc:
            raise _fail(
                "FORMAT_BAKED_CRC",
                "The badge image was changed or damaged: a part of it fails its checksum.",
                f"CRC mismatch in PNG chunk {ctype!r} at byte {pos}",
            )
        count += 1
        if count > MAX_CHUNKS:
            raise _fail(
                "FORMAT_BAKED_TOO_LARGE",
                "The badge image is far more complex than any badge, so it was not read.",
                f"more than {MAX_CHUNKS} PNG chunks",
            )
        keyword = body.split(b"\x00", 1)[0] if ctype in _TEXT_CHUNKS else b""
        if ctype == b"iTXt" and keyword == PNG_KEYWORD:
            found.append(_itxt_text(body, pos, max_bytes))
        elif keyword.lower() == PNG_KEYWORD:
            # Another spelling or chunk type that some reader could take for the credential.
            others.append(f"{ctype.decode('latin-1')} chunk {keyword[:40]!r} at byte {pos}")
        elif ctype == b"iTXt" and keyword == OB2_PNG_KEYWORD:
            ob2 = True
        pos = end + 4
        if ctype == b"IEND":
            break
    if PNG_KEYWORD in data[pos:].lower():
        others.append(f"'{PNG_KEYWORD.decode()}' after the image's end (IEND) at byte {pos}")
    if others and found:
        raise _multiple("; ".join([f"an iTXt chunk '{PNG_KEYWORD.decode()}'", *others]))
    if others:
        raise _damaged(f"{others[0]}; OB 3.0 uses an iTXt chunk '{PNG_KEYWORD.decode()}'")
    if len(found) > 1:
        raise _multiple(f"{len(found)} iTXt chunks with keyword '{PNG_KEYWORD.decode()}'")
    if not found:
        raise _none(
            "PNG",
            "an Open Badges 2.0 assertion (iTXt 'openbadges'), not a 3.0 credential"
            if ob2
            else f"no iTXt chunk with keyword '{PNG_KEYWORD.decode()}'",
        )
    return found[0]


def _itxt_text(body: bytes, pos: int, max_bytes: int) -> bytes:
    """iTXt: keyword NUL, compression flag, method, language NUL, translated keyword NUL, text."""
    parts = body.split(b"\x00", 1)
    rest = parts[1] if len(parts) == 2 else b""
    if len(rest) < 2:
        raise _damaged(f"iTXt chunk at byte {pos} has no compression fields")
    flag, method, rest = rest[0], rest[1], rest[2:]
    fields = rest.split(b"\x00", 2)
    if len(fields) != 3:
        raise _damaged(f"iTXt chunk at byte {pos} lacks its language or translated keyword")
    text = fields[2]
    if flag == 0:
        return text
    if flag != 1 or method != 0:
        raise _damaged(f"iTXt chunk at byte {pos}: compression flag {flag}, method {method}")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(text, max_bytes + 1)
    except zlib.error as exc:
        raise _damaged(f"iTXt chunk at byte {pos}: compressed text is damaged ({exc})") from exc
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise _fail(
            "FORMAT_BAKED_TOO_LARGE",
            "The credential baked into the image unpacks to far more than any credential, so it "
            "was not read.",
            f"iTXt chunk at byte {pos}: compressed text unpacks past {max_bytes} bytes",
        )
    if not inflater.eof:
        raise _damaged(f"iTXt chunk at byte {pos}: compressed text is cut short")
    return out


# --------------------------------------------------------------------------- SVG


def _ob3_like(tag: Any) -> bool:
    namespace, _, local = tag.rpartition("}") if isinstance(tag, str) else ("", "", "")
    if local.lower() != "credential":
        return False
    bare = namespace.lstrip("{").lower().removeprefix("https://").removeprefix("http://")
    return bare.rstrip("/") == OB3_NS.removeprefix("https://")


def _from_svg(data: bytes) -> bytes:
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise _fail(
            "FORMAT_BAKED_XML_UNSAFE",
            "The badge image declares a document type or entities, which a badge never needs; "
            "it was not read.",
            "SVG with <!DOCTYPE> or <!ENTITY>",
        )
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise _damaged(f"SVG is not well-formed XML ({exc})") from exc
    # Elements in a namespace that only looks like OB 3.0's (http, a trailing slash, other
    # case) count too: some reader could take one of them for the credential.
    elements = [e for e in root.iter() if _ob3_like(e.tag)]
    if any(e.tag != f"{{{OB3_NS}}}credential" for e in elements) and len(elements) == 1:
        raise _damaged(
            f"<credential> element in the namespace {elements[0].tag[1:].split('}')[0]!r}"
        )
    if not elements:
        ob2 = next(root.iter(f"{{{OB2_NS}}}assertion"), None) is not None
        raise _none(
            "SVG",
            "an Open Badges 2.0 assertion (<openbadges:assertion>), not a 3.0 credential"
            if ob2
            else f"no <credential> element in {OB3_NS}",
        )
    if len(elements) > 1:
        raise _multiple(f"{len(elements)} <openbadges:credential> elements")
    element = elements[0]
    text = "".join(element.itertext()).strip()
    verify = (element.get("verify") or "").strip()
    if text and verify:
        raise _multiple("<openbadges:credential> has both a verify attribute and text")
    if not (text or verify):
        raise _none("SVG", "the <openbadges:credential> element is empty")
    return (text or verify).encode("utf-8")
