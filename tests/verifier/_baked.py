"""Baking credentials into badge images for tests (OB 3.0 §5.3), and hand-made bad images."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo

KEYWORD = "openbadgecredential"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"


def bake_png(credential: bytes | str, *, compress: bool = False) -> bytes:
    """A small real PNG (Pillow) with the credential in an iTXt chunk."""
    text = credential.decode("utf-8") if isinstance(credential, bytes) else credential
    info = PngInfo()
    info.add_itxt(KEYWORD, text, zip=compress)
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (30, 90, 160, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def bake_svg(credential: bytes | str, *, attribute: bool = False) -> bytes:
    text = credential.decode("utf-8") if isinstance(credential, bytes) else credential
    inner = (
        f'<openbadges:credential verify="{text}"></openbadges:credential>'
        if attribute
        else f"<openbadges:credential><![CDATA[{text}]]></openbadges:credential>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB3_NS}" '
        'viewBox="0 0 10 10">\n'
        f"  {inner}\n"
        '  <circle cx="5" cy="5" r="4" fill="#1e5aa0"/>\n'
        "</svg>\n"
    ).encode()


# --------------------------------------------------------------------------- raw PNG chunks


def chunk(ctype: bytes, body: bytes, *, crc: int | None = None) -> bytes:
    value = zlib.crc32(ctype + body) if crc is None else crc
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", value)


def itxt(text: bytes, *, keyword: bytes = KEYWORD.encode(), compressed: bool = False) -> bytes:
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return keyword + b"\x00" + flag + b"\x00" + b"\x00" + text


def png(*chunks: bytes) -> bytes:
    """A minimal PNG: signature, IHDR, the given chunks, a 1x1 IDAT, IEND."""
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    idat = chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(chunks) + idat + chunk(b"IEND", b"")
