"""The human-readable picture of a credential, embedded in EDC display parameters.

EDC-generic-no-cv makes `displayParameter.individualDisplay.displayDetail.image` mandatory
(a MediaObject: base64 content, PNG or JPEG), so every EDC carries a rendered page. We draw it
with Pillow and the bundled DejaVu Sans fonts (fonts/README.md), in grey levels plus one accent
colour, as a palette PNG: small, and byte-identical for identical input. A QR code in the lower
right corner opens the site's verify page and names the credential (`qr_link`); it cannot carry
the credential itself, since this picture is part of the credential (issuing/share.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from .share import QrContent, qr_code

__all__ = ["CardText", "render_card_png"]

WIDTH, HEIGHT = 1240, 877  # A4 landscape at 150 dpi
_MARGIN = 80
_ACCENT = (31, 58, 95)
_INK = (20, 20, 20)
_MUTED = (85, 85, 85)
_WARN = (150, 40, 0)


@dataclass(frozen=True, slots=True)
class CardText:
    """Everything printed on the card (already in the display language)."""

    alliance: str
    title: str
    learner: str
    awarding_bodies: str
    facts: tuple[str, ...]  # short lines: workload, level, assessment, dates, grade
    credential_id: str
    verify_hint: str
    demo: bool = False
    qr_link: str | None = None  # the text of the QR code in the lower right corner


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    data = resources.files(__package__).joinpath("fonts", name).read_bytes()
    return ImageFont.truetype(io.BytesIO(data), size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int
) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(last + " …", font=font) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return lines


def render_card_png(text: CardText) -> bytes:
    """A PNG (1240 × 877) showing the credential's main facts."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * _MARGIN
    draw.rectangle((0, 0, WIDTH, 110), fill=_ACCENT)
    draw.text((_MARGIN, 32), text.alliance, font=_font(40, bold=True), fill=(255, 255, 255))
    label = "Micro-credential"
    label_font = _font(28)
    draw.text(
        (WIDTH - _MARGIN - draw.textlength(label, font=label_font), 42),
        label,
        font=label_font,
        fill=(255, 255, 255),
    )
    y = 150
    if text.demo:
        draw.text(
            (_MARGIN, y),
            "DEMONSTRATION CREDENTIAL: example data, not a real award",
            font=_font(22, bold=True),
            fill=_WARN,
        )
        y += 44
    draw.text((_MARGIN, y), "This is to certify that", font=_font(26), fill=_MUTED)
    y += 44
    for line in _wrap(draw, text.learner, _font(46, bold=True), inner, 1):
        draw.text((_MARGIN, y), line, font=_font(46, bold=True), fill=_INK)
        y += 62
    draw.text((_MARGIN, y), "has successfully completed", font=_font(26), fill=_MUTED)
    y += 44
    for line in _wrap(draw, text.title, _font(38, bold=True), inner, 2):
        draw.text((_MARGIN, y), line, font=_font(38, bold=True), fill=_ACCENT)
        y += 50
    y += 10
    for line in _wrap(draw, "Awarded by " + text.awarding_bodies, _font(26), inner, 2):
        draw.text((_MARGIN, y), line, font=_font(26), fill=_INK)
        y += 36
    y += 12
    fact_width = inner
    if text.qr_link:
        fact_width -= _draw_qr(image, text.qr_link) + 20
    fact_font = _font(24)
    for fact in text.facts:
        for line in _wrap(draw, fact, fact_font, fact_width, 2):
            if y > HEIGHT - 120:
                break
            draw.text((_MARGIN, y), line, font=fact_font, fill=_INK)
            y += 34
    draw.line((_MARGIN, HEIGHT - 100, WIDTH - _MARGIN, HEIGHT - 100), fill=_ACCENT, width=2)
    small = _font(18)
    draw.text((_MARGIN, HEIGHT - 85), "Credential " + text.credential_id, font=small, fill=_MUTED)
    for i, line in enumerate(_wrap(draw, text.verify_hint, small, inner, 1)):
        draw.text((_MARGIN, HEIGHT - 55 + 24 * i), line, font=small, fill=_MUTED)
    # A fixed palette (16 shades from white to each ink colour) keeps anti-aliased edges and
    # costs a few milliseconds, where an adaptive quantiser costs a hundred.
    paletted = image.quantize(palette=_palette(), dither=Image.Dither.NONE)
    out = io.BytesIO()
    paletted.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


_QR_SCALE = 4  # pixels per module: 0.7 mm when the page is printed at 150 dpi


def _draw_qr(image: Image.Image, link: str) -> int:
    """Draw the QR code of `link` above the footer's right end; its width in pixels."""
    qr = qr_code(QrContent("id", link))
    size = int(qr.symbol_size(scale=_QR_SCALE, border=4)[0])
    left, top = WIDTH - _MARGIN - size + 4 * _QR_SCALE, HEIGHT - 104 - size
    draw = ImageDraw.Draw(image)
    draw.rectangle((left, top, left + size - 1, top + size - 1), fill=(255, 255, 255))
    for row, modules in enumerate(qr.matrix):
        for col, dark in enumerate(modules):
            if dark:
                x, y = left + (col + 4) * _QR_SCALE, top + (row + 4) * _QR_SCALE
                draw.rectangle((x, y, x + _QR_SCALE - 1, y + _QR_SCALE - 1), fill=_INK)
    return size


@cache
def _palette() -> Image.Image:
    colours: list[int] = []
    for base in (_INK, _ACCENT, _WARN, _MUTED):
        for step in range(16):
            share = step / 15
            colours += [round(255 + (channel - 255) * share) for channel in base]
    colours += [255, 255, 255] * (256 - len(colours) // 3)
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours)
    return palette
