"""Pathway diagrams as inline SVG, drawn at build time (no JavaScript, nothing loaded).

Boxes and arrows only: member offers on the left (for a vertical pathway in sequence, top to
bottom, joined by arrows), the credential they stack into on the right. The SVG is an image
(`role="img"`) with a `<title>` and a `<desc>` that says the same in words; the links to the
member offers are in the list beside it, where every reader and keyboard can reach them.

Labels and the description are in the active language (`build_tools.i18n`); a title shown in
English because it has no translation gets `lang` on its `<text>` element.
"""

from __future__ import annotations

from markupsafe import Markup

from build_tools import i18n
from build_tools.catalogue.model import Catalogue, Offer, Pathway
from build_tools.i18n import _

from .common import html_escape, join_words, lang_attr

_BOX_W = 300
_BOX_H = 56
_GAP = 22
_TARGET_X = 380
_MAX_CHARS = 33


def _clip(text: str, limit: int = _MAX_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _box(x: int, y: int, title: str, detail: str, css: str) -> str:
    return (
        f'<g class="{css}">'
        f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="6"/>'
        f'<text x="{x + 12}" y="{y + 23}" class="cs-d-title"{lang_attr(title)}>'
        f"{html_escape(_clip(title))}</text>"
        f'<text x="{x + 12}" y="{y + 44}" class="cs-d-detail">'
        f"{html_escape(_clip(detail, 46))}</text>"
        "</g>"
    )


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="cs-d-arrow" '
        'marker-end="url(#ARROW)"/>'
    )


def _member_detail(pathway: Pathway, offer: Offer, hl: str | None) -> str:
    parts = [
        _("{ects} ECTS", ects=i18n.number(offer.ects)),
        _("EQF {level}", level=offer.eqf or "–"),
    ]
    if offer.id in pathway.required:
        parts.append(_("required"))
    if offer.id == hl:
        parts.append(_("this offer"))
    return " · ".join(parts)


def _target_detail(pathway: Pathway) -> str:
    target = pathway.stacks_into
    parts = (
        _("{ects} ECTS", ects=i18n.number(target.ects)) if target.ects else "",
        _("EQF {level}", level=target.eqf) if target.eqf else "",
    )
    return " · ".join(x for x in parts if x) or _("larger credential")


def _offer_title(offer: Offer) -> str:
    return i18n.text(offer.title) or offer.id


def _target_title(pathway: Pathway) -> str:
    return i18n.text(pathway.stacks_into.title) or _("Larger credential")


def _narrow_svg(
    catalogue: Catalogue, pathway: Pathway, members: list, uid: str, highlight: str | None
) -> Markup:
    """Offers top to bottom, then the credential below them; a line on the right joins each
    offer (or, for a vertical pathway, the last one) to the credential."""
    n = max(len(members), 1)
    rail = _BOX_W + 14
    target_y = 10 + n * (_BOX_H + _GAP) + 14
    height = target_y + _BOX_H + 10
    width = rail + 6
    parts = _svg_start(catalogue, pathway, uid, width, height)
    for i, offer in enumerate(members):
        y = 10 + i * (_BOX_H + _GAP)
        detail = _member_detail(pathway, offer, highlight)
        css = "cs-d-box cs-d-current" if offer.id == highlight else "cs-d-box"
        parts.append(_box(0, y, _offer_title(offer), detail, css))
        if pathway.direction == "vertical":
            if i + 1 < len(members):
                parts.append(_arrow(_BOX_W // 2, y + _BOX_H, _BOX_W // 2, y + _BOX_H + _GAP - 2))
        else:
            mid = y + _BOX_H // 2
            parts.append(
                f'<line x1="{_BOX_W}" y1="{mid}" x2="{rail}" y2="{mid}" class="cs-d-arrow"/>'
            )
    if pathway.direction == "vertical" and members:
        last = 10 + (len(members) - 1) * (_BOX_H + _GAP) + _BOX_H
        parts.append(_arrow(_BOX_W // 2, last, _BOX_W // 2, target_y - 2))
    elif members:
        first_mid = 10 + _BOX_H // 2
        t_mid = target_y + _BOX_H // 2
        parts.append(
            f'<line x1="{rail}" y1="{first_mid}" x2="{rail}" y2="{t_mid}" class="cs-d-arrow"/>'
        )
        parts.append(_arrow(rail, t_mid, _BOX_W + 2, t_mid))
    parts.append(
        _box(0, target_y, _target_title(pathway), _target_detail(pathway), "cs-d-box cs-d-target")
    )
    parts.append("</svg>")
    return Markup("".join(parts).replace("url(#ARROW)", f"url(#{uid}-arrow)"))


def pathway_description(catalogue: Catalogue, pathway: Pathway) -> str:
    """The diagram in words (its <desc>), also usable as a caption."""
    names = []
    for oid in pathway.offers:
        offer = catalogue.offers.get(oid)
        if offer is None:
            continue
        names.append(
            _("{title} ({ects} ECTS)", title=_offer_title(offer), ects=i18n.number(offer.ects))
        )
    target = i18n.text(pathway.stacks_into.title) or _("a larger credential")
    extra = []
    if pathway.stacks_into.ects:
        extra.append(_("{ects} ECTS", ects=i18n.number(pathway.stacks_into.ects)))
    if pathway.stacks_into.eqf:
        extra.append(_("EQF level {level}", level=pathway.stacks_into.eqf))
    target_text = target + (f" ({', '.join(extra)})" if extra else "")
    if pathway.direction == "vertical":
        sequence = names[0] if names else ""
        for name in names[1:]:
            sequence = _("{first}, then {next}", first=sequence, next=name)
        return _(
            "Vertical pathway: {offers}; together they stack into {target}.",
            offers=sequence,
            target=target_text,
        )
    return _(
        "Horizontal pathway: {offers} stack into {target}.",
        offers=join_words(names),
        target=target_text,
    )


def _pathway_title(pathway: Pathway) -> str:
    return i18n.text(pathway.title) or pathway.id


def pathway_figure(
    catalogue: Catalogue, pathway: Pathway, *, highlight: str | None = None
) -> Markup:
    """The diagram twice: side by side for wide screens, stacked for narrow ones (credsite.css
    shows one), so that its text never shrinks below its 12 px on a phone."""
    return Markup(
        f'<div class="cs-diagram-wide">{pathway_svg(catalogue, pathway, highlight=highlight)}'
        '</div><div class="cs-diagram-narrow">'
        f"{pathway_svg(catalogue, pathway, highlight=highlight, narrow=True)}</div>"
    )


def pathway_svg(
    catalogue: Catalogue,
    pathway: Pathway,
    *,
    highlight: str | None = None,
    narrow: bool = False,
) -> Markup:
    """The diagram as SVG; `narrow`: the credential below its offers instead of beside them."""
    members = [catalogue.offers[oid] for oid in pathway.offers if oid in catalogue.offers]
    n = max(len(members), 1)
    height = n * _BOX_H + (n - 1) * _GAP + 20
    width = _TARGET_X + _BOX_W + 10
    uid = f"cs-pw-{pathway.id}" + ("-n" if narrow else "")
    if narrow:
        return _narrow_svg(catalogue, pathway, members, uid, highlight)
    parts = _svg_start(catalogue, pathway, uid, width, height)
    for i, offer in enumerate(members):
        y = 10 + i * (_BOX_H + _GAP)
        detail = _member_detail(pathway, offer, highlight)
        css = "cs-d-box cs-d-current" if offer.id == highlight else "cs-d-box"
        parts.append(_box(0, y, _offer_title(offer), detail, css))
        mid_y = y + _BOX_H // 2
        if pathway.direction == "vertical" and i + 1 < len(members):
            parts.append(_arrow(_BOX_W // 2, y + _BOX_H, _BOX_W // 2, y + _BOX_H + _GAP - 2))
        if pathway.direction != "vertical" or i + 1 == len(members):
            target_mid = 10 + (height - 20) // 2
            parts.append(_arrow(_BOX_W, mid_y, _TARGET_X - 2, target_mid))
    t_y = 10 + (height - 20) // 2 - _BOX_H // 2
    parts.append(
        _box(
            _TARGET_X,
            t_y,
            _target_title(pathway),
            _target_detail(pathway),
            "cs-d-box cs-d-target",
        )
    )
    parts.append("</svg>")
    return Markup("".join(parts).replace("url(#ARROW)", f"url(#{uid}-arrow)"))


def _svg_start(
    catalogue: Catalogue, pathway: Pathway, uid: str, width: int, height: int
) -> list[str]:
    """The opening of a pathway diagram: the svg element, its title and description (what a
    screen reader says), and the arrow head the lines use."""
    title = _("Diagram of the pathway {title}", title=_pathway_title(pathway))
    return [
        f'<svg class="cs-diagram" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-t">{html_escape(title)}</title>',
        f'<desc id="{uid}-d">{html_escape(pathway_description(catalogue, pathway))}</desc>',
        f'<defs><marker id="{uid}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'class="cs-d-head"/></marker></defs>',
    ]
