"""A printable one-page "certificate with verification" for an issued credential.

One HTML page (A4, a print stylesheet, no script, no request: its Content-Security-Policy
allows inline styles and data: images only) with the title, the learner, the awarding bodies,
the date of issue, ECTS credits and EQF level, and a QR code that a phone camera opens on the
site's verify page: with the credential inside the link when a QR code can hold it (an Open
Badge), else naming the credential by its id (an EDC, which carries its page image). The page
says which. Every value is escaped by Jinja2's autoescaping; the QR code's SVG is made here by
segno from the link alone.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from jinja2 import Environment, Template, select_autoescape
from markupsafe import Markup

from build_tools.catalogue import elm
from build_tools.catalogue.model import Catalogue, Offer, english
from build_tools.verifier.sharelink import verify_page

from .learners import Learner
from .share import SharePlan, qr_code

__all__ = ["render_certificate"]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@cache
def _template() -> Template:
    env = Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True)
    source = resources.files(__package__).joinpath("certificate.html.j2").read_text("utf-8")
    return env.from_string(source)


def render_certificate(
    *,
    catalogue: Catalogue,
    offer: Offer,
    learner: Learner,
    credential_id: str,
    issued: dt.datetime,
    share: SharePlan,
) -> bytes:
    """The certificate page (UTF-8 HTML) of one issued credential."""
    site_url = catalogue.alliance.site_url
    bodies = [
        f"{catalogue.issuers[s].name} ({catalogue.issuers[s].country})"
        for s in offer.awarding_bodies
        if s in catalogue.issuers
    ]
    qr = qr_code(share.qr)
    carries = share.qr.kind == "credential"
    svg = qr.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True)
    day = issued.date()
    html = _template().render(
        alliance=catalogue.alliance.name or "Micro-credential",
        demo=catalogue.alliance.demo,
        learner=learner.full_name,
        title=english(offer.title),
        issuers=", ".join(bodies),
        issued_iso=day.isoformat(),
        issued_words=f"{day.day} {_MONTHS[day.month - 1]} {day.year}",
        ects=elm.number(offer.ects),
        eqf=offer.eqf,
        credential_id=credential_id,
        verify_page=verify_page(site_url),
        qr_svg=Markup(svg),
        qr_kind=share.qr.kind,
        qr_mm=80 if carries else 40,
        qr_label=(
            "opens the verifier with this credential inside the link"
            if carries
            else "opens the verifier and names this credential"
        ),
        share_link=share.link,
        share_chars=f"{share.link_chars:,}",
    )
    return html.encode("utf-8")
