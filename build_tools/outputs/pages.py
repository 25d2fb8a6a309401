"""Markdown pages of the site, rendered from the catalogue model with Jinja2 templates.

`render_pages(catalogue)` returns `{docs-relative path: bytes}` for the catalogue index, one page
per offer, pathway and university, the pathways and universities indexes and the keys page.
`placeholders(catalogue)` returns the generated blocks that hand-written pages in `site_src/`
include with a `<!-- credsite:NAME -->` line.

Escaping: every `{{ value }}` in a template is escaped for Markdown (HTML special characters as
entities, Markdown syntax backslash-escaped, whitespace collapsed) unless it is already
`Markup`. Inside raw HTML blocks, where Markdown does not apply, templates use `|html`.
Front-matter values are JSON strings of HTML-escaped text, because the theme prints page titles
and descriptions without escaping them.

Languages: pages are rendered in the active language (`build_tools.i18n`; the build renders
each language's tree inside `i18n.activate(lang)`). Templates write interface strings as
`{{ _("...", name=value) }}`: a `common.PageText`, whose text is trusted like the template's own
(Markdown, or HTML inside raw HTML blocks: there `{{ _("...")|html }}`) and whose values are
escaped for where it stands; in an attribute value, `|attr_text`. Catalogue text is an
`i18n.Text`: `{{ value }}` (Markdown) and `|text` (raw HTML) mark an English fallback with
`lang="en"`; `|html` does not, because attribute values use it too. Files published once at the
site's root (registry.json, ELM documents, key listings) are linked from raw HTML with
`common.data_url`, because MkDocs does not see them from another language's tree.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from build_tools import i18n
from build_tools.catalogue.fieldref import render_field_reference
from build_tools.catalogue.model import Catalogue, Issuer, Offer, Pathway
from build_tools.i18n import N_, _

from . import common as c
from .diagrams import pathway_description, pathway_figure
from .keys import key_facts, key_status_label
from .rawhtml import wrap as _raw_html
from .schemaorg import course

# The Annex I elements of an offer (Council Recommendation 2022/C 243/02), in the fixed order
# and with the fixed labels of every offer page's key facts. The browser tests read this list
# (the English labels; pages show them translated).
KEY_FACTS_MANDATORY: tuple[tuple[str, str], ...] = (
    ("title", N_("Title")),
    ("country", N_("Country of the awarding body")),
    ("awarding-bodies", N_("Awarding body(ies)")),
    ("learning-outcomes", N_("Learning outcomes")),
    ("workload", N_("Workload (ECTS and hours)")),
    ("level", N_("Level (EQF, cycle)")),
    ("assessment", N_("Type of assessment")),
    ("participation", N_("Form of participation")),
    ("quality-assurance", N_("Type of quality assurance")),
)
KEY_FACTS_OPTIONAL: tuple[tuple[str, str], ...] = (
    ("prerequisites", N_("Prerequisites")),
    ("supervision", N_("Supervision and identity verification")),
    ("stackability", N_("Integration/stackability")),
    ("further-information", N_("Further information")),
)
KEY_FACTS = KEY_FACTS_MANDATORY + KEY_FACTS_OPTIONAL


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("build_tools.outputs", "templates"),
        autoescape=False,
        finalize=c.md_escape,  # every expression is escaped unless it is Markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["_"] = c.page_text
    env.filters["html"] = c.html_escape
    env.filters["text"] = c.html_text
    env.filters["attr_text"] = c.attr_text
    env.filters["lang"] = c.lang_attr
    env.filters["md"] = c.md_escape
    env.filters["paras"] = c.md_paragraphs
    env.filters["num"] = i18n.number
    env.filters["date"] = i18n.date
    env.filters["tr"] = i18n.text
    env.filters["fm"] = _front_matter_value
    env.filters["url"] = c.safe_url
    env.filters["href"] = _href
    env.filters["html_paras"] = c.html_paragraphs
    env.filters["rawhtml"] = _raw_html
    env.filters["stamp"] = _stamp
    env.filters["key_status"] = key_status_label
    env.filters["fingerprint"] = _fingerprint
    return env


def _stamp(value: object) -> Markup:
    """A UTC timestamp ("2026-09-01T00:00:00Z") as a <time> that does not wrap: the date alone
    at midnight, else date and time to the minute; "–" when there is none."""
    if not value:
        return Markup("–")
    text = str(value)
    date, _, time = text.partition("T")
    time = time.rstrip("Z")
    shown = date if time in ("", "00:00:00") else f"{date} {time[:5]} UTC"
    return Markup(
        f'<time class="cs-nowrap" datetime="{c.html_escape(text)}">{c.html_escape(shown)}</time>'
    )


FINGERPRINT_SHOWN = 10  # characters of a thumbprint or hash shown before the full value
_SHOW_FULL = {
    "thumbprint": N_("(show the full thumbprint)"),
    "certificate hash": N_("(show the full certificate hash)"),
}


def _fingerprint(value: object, what: str) -> Markup:
    """A long identifier (thumbprint, certificate hash): its first characters, with the full
    value in a details element that opens in place (and as a tooltip)."""
    if not value:
        return Markup("–")
    full = c.html_escape(str(value))
    short = c.html_escape(str(value)[:FINGERPRINT_SHOWN])
    return Markup(
        f'<details class="cs-fp"><summary><code title="{full}">{short}…</code>'
        f'<span class="cs-sr-only"> {c.html_escape(_(_SHOW_FULL[what]))}</span>'
        f'</summary><code class="cs-fp-full">{full}</code></details>'
    )


def _href(url: object) -> Markup:
    """An href attribute value: a site-relative URL as is, anything else through safe_url."""
    s = str(url)
    return c.html_escape(str(c.safe_url(s)) if ":" in s else s)


def _front_matter_value(text: object) -> Markup:
    """A front-matter string: HTML-escaped (the theme prints it raw), as a JSON/YAML string."""
    escaped = html.escape(" ".join(str(text).split()), quote=True)
    return Markup(json.dumps(escaped, ensure_ascii=False))


def _render(template: str, **context: Any) -> bytes:
    return _env().get_template(template).render(**context).encode("utf-8")


# --------------------------------------------------------------------------------------------
# View models: plain values for the templates, computed once per page.


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    label: str
    html: Markup  # escaped HTML for the <dd>


def _ul(items: Iterable[Markup | str]) -> Markup:
    lis = "".join(f"<li>{c.html_escape(i)}</li>" for i in items)
    return Markup(f"<ul>{lis}</ul>")


def _a(href: str, text: str) -> Markup:
    """An HTML link; `href` is a relative site URL or an absolute http(s)/mailto URL. An English
    fallback as its text gets `lang` on the link."""
    target = c.safe_url(href) if ":" in href else href
    return Markup(f'<a href="{c.html_escape(target)}"{c.lang_attr(text)}>{c.html_escape(text)}</a>')


def _qa_fact(offer: Offer, qa: Any, issuers: list[Issuer]) -> Markup:
    """The key fact "Type of quality assurance": type, agency, and whose it is."""
    qa_html = c.html_escape(c.qa_label(qa.type))
    agency = i18n.text(qa.agency)
    if agency:
        qa_html = c.fmt_html(
            _("{type}, by {agency}"),
            type=qa_html,
            agency=_a(qa.agency_url, agency) if qa.agency_url else agency,
        )
    if offer.quality_assurance is None and issuers:
        qa_html = c.fmt_html(
            _("{type} (quality assurance of {university})"),
            type=qa_html,
            university=issuers[0].name,
        )
    return qa_html


def _stack_fact(catalogue: Catalogue, offer: Offer, page: str) -> Markup:
    """The key fact "Integration/stackability", with links to the offer's pathways."""
    if offer.stackability.integration == "stackable":
        links = [
            _a(c.relative_url(page, c.pathway_url(p.id)), i18n.text(p.title))
            for p in catalogue.pathways_of(offer.id)
        ]
        if links:
            stack = c.fmt_html(
                _("Stackable: counts towards {pathways}"),
                pathways=Markup(", ").join(links),
            )
        else:
            stack = c.html_escape(_("Stackable: counts towards a larger credential"))
    else:
        stack = c.html_escape(_("Standalone: a micro-credential of its own"))
    note = i18n.text(offer.stackability.note)
    if note:
        stack = Markup(f"{stack}. {c.html_text(note)}")
    return stack


def _key_facts(catalogue: Catalogue, offer: Offer) -> list[Fact]:
    page = c.offer_url(offer.id)
    e = c.html_escape
    t = c.html_text
    issuers = [catalogue.issuers[s] for s in offer.awarding_bodies if s in catalogue.issuers]
    countries = c.offer_countries(catalogue, offer)
    qa = catalogue.qa_of(offer)
    a = offer.assessment
    s = offer.schedule
    not_stated = _(c.NOT_STATED)

    participation = [c.mode_label(offer.mode)]
    if s.schedule_type:
        participation.append(_(c.SCHEDULE_LABELS[s.schedule_type]))
    if s.weekly_hours:
        participation.append(_("about {hours} hours a week", hours=i18n.number(s.weekly_hours)))
    if s.self_paced:
        participation.append(_("self-paced"))

    assessment = e(", ".join(c.assessment_label(x) for x in a.types) or not_stated)
    assessment += Markup(". ") + e(_(c.GRADING_LABELS[a.grading]))
    scale = i18n.text(a.grading_scale)
    if scale:
        assessment += Markup(" (") + t(scale) + Markup(")")

    qa_html = _qa_fact(offer, qa, issuers) if qa is not None else e(not_stated)
    stack = _stack_fact(catalogue, offer, page)

    prereq_parts: list[Markup] = []
    prerequisites = i18n.text(offer.prerequisites)
    if prerequisites:
        prereq_parts.append(t(prerequisites))
    for pid in offer.prerequisite_offers:
        other = catalogue.offers.get(pid)
        if other is not None:
            prereq_parts.append(
                c.fmt_html(
                    _("Complete first: {offer}"),
                    offer=_a(c.relative_url(page, c.offer_url(pid)), i18n.text(other.title)),
                )
            )

    further = i18n.text(offer.further_information)
    facts = {
        "title": t(i18n.text(offer.title)),
        "country": e(c.join_words(c.country_label(x) for x in countries) or not_stated),
        "awarding-bodies": Markup(", ").join(
            _a(c.relative_url(page, c.issuer_url(i.slug)), i.name) for i in issuers
        ),
        "learning-outcomes": Markup(
            "<ol>"
            + "".join(f"<li>{t(i18n.text(o))}</li>" for o in offer.learning_outcomes)
            + "</ol>"
        ),
        "workload": e(
            _(
                "{ects} ECTS ({hours} hours)",
                ects=i18n.number(offer.ects),
                hours=i18n.number(offer.workload_hours),
            )
        ),
        "level": e(c.eqf_text(offer.eqf, offer.cycle)),
        "assessment": assessment,
        "participation": e(c.sentence_case(", ".join(participation))),
        "quality-assurance": qa_html,
        "prerequisites": Markup("<br>").join(prereq_parts) if prereq_parts else e(_("None")),
        "supervision": e(_(c.SUPERVISION_LABELS[a.supervision]) if a.supervision else not_stated),
        "stackability": stack,
        "further-information": t(further) if further else e(_("None")),
    }
    return [Fact(key, _(label), facts[key]) for key, label in KEY_FACTS]


def _offer_summary(catalogue: Catalogue, offer: Offer) -> dict[str, Any]:
    """Values for the catalogue index row and lists."""
    s = offer.schedule
    if s.self_paced:
        dates = _("Self-paced")
    elif s.start and s.end:
        dates = _("{start} to {end}", start=i18n.date(s.start), end=i18n.date(s.end))
    elif s.start:
        dates = _("From {start}", start=i18n.date(s.start))
    else:
        dates = _("Dates to be announced")
    broad = sorted({c.isced_broad(code) for code in offer.isced})
    title = i18n.text(offer.title)
    return {
        "offer": offer,
        "id": offer.id,
        "title": title,
        "title_lang": c.fallback_lang(title) or "",
        "universities": [
            catalogue.issuers[s].name for s in offer.awarding_bodies if s in catalogue.issuers
        ],
        "university_slugs": list(offer.awarding_bodies),
        "ects": i18n.number(offer.ects),
        "ects_value": c.fmt_number(offer.ects),  # for a data- attribute: no locale
        "eqf": offer.eqf,
        "languages": [c.language_label(x) for x in offer.languages.teaching],
        "language_codes": list(offer.languages.teaching),
        "mode": offer.mode,
        "mode_label": c.mode_label(offer.mode),
        "dates": dates,
        "start": s.start.isoformat() if s.start else "",
        "self_paced": s.self_paced,
        "fields": broad,
        "recognition": offer.recognition.scenario,
        "stackable": offer.stackability.integration == "stackable",
    }


def _options(values: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(set(values), key=lambda v: v[1].lower())


# Offers per page of the catalogue index (and of each no-JavaScript page after it). The first
# page carries the filters; they read the whole catalogue from `offers/index.json`.
CATALOGUE_PAGE_SIZE = 50


def catalogue_page_url(n: int) -> str:
    """The site path of page `n` (1-based) of the catalogue index."""
    return "offers/" if n == 1 else f"offers/page/{n}/"


def _catalogue_json(rows: list[dict[str, Any]]) -> bytes:
    """The compact catalogue for the filters: label tables once, then one array per offer
    (docs/adr/0004-site-generation.md, "Catalogue at scale")."""
    unis: dict[str, int] = {}
    langs: dict[str, int] = {}
    modes: dict[str, int] = {}
    uni_names: list[list[str]] = []
    lang_names: list[list[str]] = []
    mode_names: list[list[str]] = []

    def index(table: dict[str, int], names: list[list[str]], key: str, label: str) -> int:
        if key not in table:
            table[key] = len(names)
            names.append([key, label])
        return table[key]

    offers = []
    for r in rows:
        entry = [
            r["id"],
            r["title"],
            [
                index(unis, uni_names, slug, name)
                for slug, name in zip(r["university_slugs"], r["universities"], strict=False)
            ],
            r["ects"],
            r["eqf"],
            [
                index(langs, lang_names, code, label)
                for code, label in zip(r["language_codes"], r["languages"], strict=True)
            ],
            index(modes, mode_names, r["mode"], r["mode_label"]),
            r["dates"],
            r["start"],
            r["fields"],
            r["recognition"],
            1 if r["stackable"] else 0,
            1 if r["self_paced"] else 0,
        ]
        if r["title_lang"]:  # the title is an English fallback: its language
            entry.append(r["title_lang"])
        offers.append(entry)
    doc = {"u": uni_names, "l": lang_names, "m": mode_names, "o": offers}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


FILTER_SCRIPT = "assets/javascripts/catalogue-filter.js"


def _catalogue_index(catalogue: Catalogue) -> dict[str, bytes]:
    """The catalogue index: its first page (with the filters), the further no-JavaScript pages
    and the compact JSON the filters read."""
    rows = [
        _offer_summary(catalogue, o)
        for o in sorted(catalogue.offers.values(), key=lambda o: i18n.text(o.title).lower())
    ]
    facets = {
        "university": _options(
            (s, catalogue.issuers[s].name)
            for o in catalogue.offers.values()
            for s in o.awarding_bodies
            if s in catalogue.issuers
        ),
        "eqf": sorted(
            {
                (str(o.eqf), _("EQF level {level}", level=o.eqf))
                for o in catalogue.offers.values()
                if o.eqf is not None
            }
        ),
        "language": _options(
            (code, c.language_label(code))
            for o in catalogue.offers.values()
            for code in o.languages.teaching
        ),
        "mode": _options((o.mode, c.mode_label(o.mode)) for o in catalogue.offers.values()),
        "field": sorted(
            {
                (b, f"{b} {c.isced_label(b)}")
                for o in catalogue.offers.values()
                for b in (c.isced_broad(x) for x in o.isced)
            }
        ),
        "recognition": _options(
            (o.recognition.scenario, _(c.RECOGNITION_LABELS[o.recognition.scenario]))
            for o in catalogue.offers.values()
        ),
    }
    ects_values = [o.ects for o in catalogue.offers.values()] or [0]
    size = CATALOGUE_PAGE_SIZE
    page_count = max(1, -(-len(rows) // size))
    files: dict[str, bytes] = {}
    for n in range(1, page_count + 1):
        page = catalogue_page_url(n)
        chunk = rows[(n - 1) * size : n * size]
        files[c.page_source(page)] = _render(
            "catalogue.md.j2",
            catalogue=catalogue,
            page_title=_("Catalogue") if n == 1 else _("Catalogue, page {n}", n=n),
            page_number=n,
            page_count=page_count,
            page_links=[
                (k, c.relative_url(page, catalogue_page_url(k))) for k in range(1, page_count + 1)
            ],
            next_href=c.relative_url(page, catalogue_page_url(n + 1)) if n < page_count else "",
            index_link=c.md_link_target(page, "offers/"),
            offer_prefix="" if n == 1 else c.relative_url(page, "offers/"),
            first=(n - 1) * size + 1,
            last=(n - 1) * size + len(chunk),
            total=len(rows),
            rows=chunk,
            json="index.json",
            facets=facets,
            ects_min=c.fmt_number(min(ects_values)),  # an <input type="number">: no locale
            ects_max=c.fmt_number(max(ects_values)),
            university_count=len({s for o in catalogue.offers.values() for s in o.awarding_bodies}),
            script=c.data_url(page, FILTER_SCRIPT),
        )
    files["offers/index.json"] = _catalogue_json(rows)
    return files


def _pathway_members(
    catalogue: Catalogue, pathway: Pathway, from_page: str
) -> list[dict[str, Any]]:
    out = []
    for i, oid in enumerate(pathway.offers, start=1):
        offer = catalogue.offers.get(oid)
        if offer is None:
            continue
        out.append(
            {
                "n": i,
                "offer": offer,
                "title": i18n.text(offer.title),
                "link": c.md_link_target(from_page, c.offer_url(oid)),
                "href": c.relative_url(from_page, c.offer_url(oid)),
                "ects": i18n.number(offer.ects),
                "eqf": offer.eqf,
                "universities": ", ".join(
                    c.issuer_name(catalogue, s) for s in offer.awarding_bodies
                ),
                "required": oid in pathway.required,
            }
        )
    return out


def _pathway_view(
    catalogue: Catalogue, pathway: Pathway, from_page: str, highlight: str | None = None
) -> dict[str, Any]:
    members = _pathway_members(catalogue, pathway, from_page)
    total = sum(catalogue.offers[m["offer"].id].ects for m in members)
    target = pathway.stacks_into
    return {
        "pathway": pathway,
        "title": i18n.text(pathway.title),
        "link": c.md_link_target(from_page, c.pathway_url(pathway.id)),
        "href": c.relative_url(from_page, c.pathway_url(pathway.id)),
        "svg": pathway_figure(catalogue, pathway, highlight=highlight),
        "caption": pathway_description(catalogue, pathway),
        "members": members,
        "total_ects": i18n.number(total),
        "min_ects": i18n.number(pathway.min_ects) if pathway.min_ects is not None else "",
        "direction": _(c.DIRECTION_LABELS[pathway.direction]),
        "type": _(c.PATHWAY_TYPE_LABELS[pathway.type]),
        "target_title": i18n.text(target.title) or _("A larger credential"),
        "target_description": i18n.text(target.description),
        "target_ects": i18n.number(target.ects) if target.ects else "",
        "target_eqf": target.eqf,
        "target_awarded_by": ", ".join(c.issuer_name(catalogue, s) for s in target.awarded_by),
        "target_url": target.url,
        "target_summary": _target_summary(catalogue, pathway),
        "recognition": _recognition_view(catalogue, pathway.recognition, from_page),
    }


def _target_summary(catalogue: Catalogue, pathway: Pathway) -> Markup:
    """The credential a pathway stacks into, as Markdown: "**Title**, 60 ECTS, EQF level 7,
    awarded by University A."."""
    target = pathway.stacks_into
    parts = [Markup(f"**{c.md_escape(i18n.text(target.title) or _('A larger credential'))}**")]
    if target.ects:
        parts.append(c.md_escape(_("{ects} ECTS", ects=i18n.number(target.ects))))
    if target.eqf:
        parts.append(c.md_escape(_("EQF level {level}", level=target.eqf)))
    if target.awarded_by:
        names = ", ".join(c.issuer_name(catalogue, s) for s in target.awarded_by)
        parts.append(c.md_escape(_("awarded by {universities}", universities=names)))
    return Markup(", ").join(parts) + Markup(".")


def _recognition_view(catalogue: Catalogue, rec: Any, from_page: str) -> dict[str, Any]:
    return {
        "scenario": rec.scenario,
        "label": _(c.RECOGNITION_LABELS[rec.scenario]),
        "explanation": _(c.RECOGNITION_EXPLANATIONS[rec.scenario]),
        "partners": [
            (c.issuer_name(catalogue, s), c.md_link_target(from_page, c.issuer_url(s)))
            for s in rec.partners
            if s in catalogue.issuers
        ],
        "partner_hrefs": [
            (c.issuer_name(catalogue, s), c.relative_url(from_page, c.issuer_url(s)))
            for s in rec.partners
            if s in catalogue.issuers
        ],
        "partner_md_links": Markup(", ").join(
            Markup(f"[{c.md_escape(c.issuer_name(catalogue, s))}]")
            + Markup(f"({c.md_link_target(from_page, c.issuer_url(s))})")
            for s in rec.partners
            if s in catalogue.issuers
        ),
        "partner_links": Markup(", ").join(
            _a(c.relative_url(from_page, c.issuer_url(s)), c.issuer_name(catalogue, s))
            for s in rec.partners
            if s in catalogue.issuers
        ),
        "agreement": rec.agreement,
        "note": i18n.text(rec.note),
    }


def _course_jsonld(catalogue: Catalogue, offer: Offer) -> Markup:
    """The schema.org Course data of an offer page, for its front matter: in English in every
    language's tree, like the ELM document it points to (its values come from the catalogue's
    English text; a label translated here and there would make it a mix of languages)."""
    with i18n.activate(i18n.DEFAULT_LANGUAGE):
        data = course(catalogue, offer)
    return Markup(json.dumps(c.json_for_html(data), ensure_ascii=False))


def _offer_page(catalogue: Catalogue, offer: Offer) -> bytes:
    page = c.offer_url(offer.id)
    qa = catalogue.qa_of(offer)
    issuers = [catalogue.issuers[s] for s in offer.awarding_bodies if s in catalogue.issuers]
    s = offer.schedule
    a = offer.assessment
    title = i18n.text(offer.title)
    description = i18n.text(offer.description)
    return _render(
        "offer.md.j2",
        catalogue=catalogue,
        offer=offer,
        title=title,
        english_only=bool(c.fallback_lang(title) or c.fallback_lang(description)),
        summary=_offer_summary(catalogue, offer),
        facts=_key_facts(catalogue, offer),
        jsonld=_course_jsonld(catalogue, offer),
        elm_href=Markup(c.html_escape(c.data_url(page, f"{page}elm.jsonld"))),
        description=description,
        opportunity_type=c.label(c.OPPORTUNITY_LABELS, offer.opportunity_type)
        or offer.opportunity_type,
        awarding=[(i.name, c.relative_url(page, c.issuer_url(i.slug))) for i in issuers],
        skills=[(i18n.text(sk.label) or sk.uri, sk.uri) for sk in offer.esco_skills],
        fields=[(code, c.isced_label(code)) for code in offer.isced],
        fields_html=Markup("; ").join(
            c.fmt_html("{label} ({code})", label=c.isced_label(code), code=code)
            for code in offer.isced
        ),
        assessment_types=[c.assessment_label(t) for t in a.types],
        grading=_(c.GRADING_LABELS[a.grading]),
        grading_scale=i18n.text(a.grading_scale),
        assessment_description=i18n.text(a.description),
        supervision=c.label(c.SUPERVISION_LABELS, a.supervision or "", c.NOT_STATED),
        assessment_languages=[c.language_label(x) for x in offer.languages.assessment],
        teaching_languages=[c.language_label(x) for x in offer.languages.teaching],
        qa=qa,
        qa_type=c.qa_label(qa.type) if qa else "",
        qa_agency=i18n.text(qa.agency) if qa else "",
        qa_agency_html=_agency_html(qa),
        qa_description=i18n.text(qa.description) if qa else "",
        qa_institutions=[
            (i.name, c.relative_url(page, c.issuer_url(i.slug)), c.deqar_url(i.deqar_id))
            for i in issuers
        ],
        recognition=_recognition_view(catalogue, offer.recognition, page),
        pathways=[
            _pathway_view(catalogue, p, page, highlight=offer.id)
            for p in catalogue.pathways_of(offer.id)
        ],
        stackable=offer.stackability.integration == "stackable",
        stack_note=i18n.text(offer.stackability.note),
        start=i18n.date(s.start),
        end=i18n.date(s.end),
        deadline=i18n.date(s.application_deadline),
        schedule_type=c.label(c.SCHEDULE_LABELS, s.schedule_type or ""),
        weekly_hours=i18n.number(s.weekly_hours) if s.weekly_hours else "",
        fee=offer.fee,
        fee_alliance=i18n.number(offer.fee.alliance_students),
        fee_others=i18n.number(offer.fee.others),
        fee_note=i18n.text(offer.fee.note),
        prerequisites=i18n.text(offer.prerequisites),
        prerequisite_offers=[
            _a(c.relative_url(page, c.offer_url(p)), i18n.text(catalogue.offers[p].title))
            for p in offer.prerequisite_offers
            if p in catalogue.offers
        ],
        target_group=i18n.text(offer.target_group),
        application_note=i18n.text(offer.application.note),
        application_url=catalogue.application_form(offer),
        contact=offer.contact,
        last_reviewed=i18n.date(offer.last_reviewed),
        version=offer.version,
        previous_versions=offer.previous_versions,
        previous_versions_html=Markup("; ").join(
            c.fmt_html(
                _("{version} ({title}, {ects} ECTS)"),
                version=pv.version,
                title=i18n.text(pv.title),
                ects=i18n.number(pv.ects),
            )
            for pv in offer.previous_versions
        ),
        further_information=i18n.text(offer.further_information),
    )


def _agency_html(qa: Any) -> Markup:
    """The quality assurance agency, linked to its site when it has one (raw HTML)."""
    agency = i18n.text(qa.agency) if qa else ""
    if not agency:
        return Markup("")
    return _a(qa.agency_url, agency) if qa.agency_url else c.html_text(agency)


def _agency_md(qa: Any) -> Markup:
    """The quality assurance agency, linked to its site when it has one (Markdown)."""
    agency = i18n.text(qa.agency) if qa else ""
    if not agency:
        return Markup("")
    if qa.agency_url:
        return Markup(f"[{c.md_escape(agency)}]({c.safe_url(qa.agency_url)})")
    return c.md_escape(agency)


def _key_rows(catalogue: Catalogue, issuer: Issuer) -> list[Mapping[str, Any]]:
    return [key_facts(catalogue, issuer, key) for key in issuer.keys]


def _issuer_page(catalogue: Catalogue, issuer: Issuer, published: frozenset[str]) -> bytes:
    page = c.issuer_url(issuer.slug)
    offers = sorted(catalogue.offers_of(issuer.slug), key=lambda o: i18n.text(o.title).lower())
    listing = {
        name: c.data_url(page, f"{page}{name}")
        for name in ("jwks.json", "did.json")
        if f"{page}{name}" in published
    }
    qa = issuer.quality_assurance
    return _render(
        "issuer.md.j2",
        catalogue=catalogue,
        issuer=issuer,
        other_names=[
            (lang, text) for lang, text in issuer.legal_name.items() if lang != "en" and text
        ],
        country=c.country_label(issuer.country),
        deqar_url=c.deqar_url(issuer.deqar_id),
        qa=qa,
        qa_type=c.qa_label(qa.type) if qa else "",
        qa_agency=i18n.text(qa.agency) if qa else "",
        qa_agency_md=_agency_md(qa),
        qa_description=i18n.text(qa.description) if qa else "",
        offers=[
            {
                "title": i18n.text(o.title),
                "href": c.relative_url(page, c.offer_url(o.id)),
                "ects": i18n.number(o.ects),
                "eqf": o.eqf,
                "joint": [
                    c.issuer_name(catalogue, s) for s in o.awarding_bodies if s != issuer.slug
                ],
            }
            for o in offers
        ],
        keys=_key_rows(catalogue, issuer),
        listing=listing,
        keys_page=c.relative_url(page, "keys/"),
        registry_link=c.data_url(page, "registry.json"),
    )


def _issuers_index(catalogue: Catalogue) -> bytes:
    page = "issuers/"
    rows = [
        {
            "name": i.name,
            "link": c.md_link_target(page, c.issuer_url(i.slug)),
            "country": c.country_label(i.country),
            "city": i.city,
            "offers": len(catalogue.offers_of(i.slug)),
        }
        for i in sorted(catalogue.issuers.values(), key=lambda i: i.name.lower())
    ]
    return _render("issuers.md.j2", catalogue=catalogue, rows=rows)


def _pathways_index(catalogue: Catalogue) -> bytes:
    page = "pathways/"
    views = [_pathway_view(catalogue, p, page) for p in catalogue.pathways.values()]
    return _render("pathways.md.j2", catalogue=catalogue, pathways=views)


def _pathway_page(catalogue: Catalogue, pathway: Pathway) -> bytes:
    page = c.pathway_url(pathway.id)
    return _render(
        "pathway.md.j2",
        catalogue=catalogue,
        p=_pathway_view(catalogue, pathway, page),
        description=i18n.text(pathway.description),
    )


def _keys_page(catalogue: Catalogue) -> bytes:
    page = "keys/"
    issuers = [
        {
            "name": i.name,
            "link": c.md_link_target(page, c.issuer_url(i.slug)),
            "key_rows": _key_rows(catalogue, i),
        }
        for i in sorted(catalogue.issuers.values(), key=lambda i: i.name.lower())
    ]
    return _render(
        "keys.md.j2",
        catalogue=catalogue,
        issuers=issuers,
        registry_html=Markup(
            f'<a href="{c.html_escape(c.data_url(page, "registry.json"))}">registry.json</a>'
        ),
        format_link=c.md_link_target(page, "maintainers/registry-format.md"),
    )


def render_offer_page(catalogue: Catalogue, offer: Offer) -> bytes:
    return _offer_page(catalogue, offer)


def offer_page_path(offer_id: str) -> str:
    """The docs-relative path of an offer's page."""
    return c.page_source(c.offer_url(offer_id))


def render_offer_pages(catalogue: Catalogue, offer_ids: Iterable[str]) -> dict[str, bytes]:
    """The pages of some offers (by id), as `render_pages` renders them."""
    return {
        offer_page_path(oid): _offer_page(catalogue, catalogue.offers[oid]) for oid in offer_ids
    }


def render_pages(
    catalogue: Catalogue,
    *,
    published: Iterable[str] = (),
    offer_ids: Iterable[str] | None = None,
) -> dict[str, bytes]:
    """All generated Markdown pages. `published`: paths of other generated files (key listings)
    that pages may link to. `offer_ids`: render only these offers' pages (the build renders
    the others elsewhere with `render_offer_pages`); None: every offer's."""
    done = frozenset(published)
    files: dict[str, bytes] = _catalogue_index(catalogue)
    files.update(
        render_offer_pages(catalogue, catalogue.offers if offer_ids is None else offer_ids)
    )
    files["pathways/index.md"] = _pathways_index(catalogue)
    for pathway in catalogue.pathways.values():
        files[c.page_source(c.pathway_url(pathway.id))] = _pathway_page(catalogue, pathway)
    files["issuers/index.md"] = _issuers_index(catalogue)
    for issuer in catalogue.issuers.values():
        files[c.page_source(c.issuer_url(issuer.slug))] = _issuer_page(catalogue, issuer, done)
    files["keys/index.md"] = _keys_page(catalogue)
    return files


# --------------------------------------------------------------------------------------------
# Blocks for hand-written pages


def placeholders(catalogue: Catalogue) -> dict[str, str]:
    """Generated Markdown blocks for `<!-- credsite:NAME -->` lines in hand-written pages."""
    a = catalogue.alliance
    issuers = sorted(catalogue.issuers.values(), key=lambda i: i.name.lower())
    eqf_levels = sorted({o.eqf for o in catalogue.offers.values() if o.eqf is not None})
    languages = sorted({x for o in catalogue.offers.values() for x in o.languages.teaching})
    summary = _render(
        "home_summary.md.j2",
        alliance=a,
        offers=len(catalogue.offers),
        pathways=len(catalogue.pathways),
        issuers=[
            (i.name, c.md_link_target("", c.issuer_url(i.slug)), c.country_label(i.country))
            for i in issuers
        ],
        eqf_levels=eqf_levels,
        languages=[c.language_label(x) for x in languages],
    ).decode("utf-8")
    demo = _render("demo_notice.md.j2", alliance=a).decode("utf-8") if a.demo else ""
    return {
        "alliance-summary": summary,
        "demo-notice": demo,
        "field-reference": render_field_reference(),
    }
