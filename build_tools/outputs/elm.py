"""ELM v3 JSON-LD for offers: one learning opportunity per offer, and the whole catalogue.

Each `offers/<id>/elm.jsonld` holds, in one `@graph`:

- the `LearningOpportunity` (`...elm.jsonld#opportunity`): title, description, default language,
  home page, providers, dates, application deadline, mode, schedule, type, price, how to apply;
- its `Qualification` (`...#specification`) when the offer has an EQF level and every awarding
  body's country has a national framework level for it (LOQ 3.2 requires `NQFLevel` on a
  qualification), otherwise a `LearningAchievementSpecification` under the same id: learning
  outcomes (`#outcome-1..n`) with ESCO skills, ECTS credit points, volume of learning, ISCED-F,
  languages, mode, entry requirements, the assessment specification and the accreditation.
  The node comes from `build_tools.catalogue.elm`, which also gives it to every issued EDC;
- one `Organisation` per awarding body (`{site_url}issuers/<slug>/#org`) with legal name,
  location, home page, identifiers and the alliance group, from `build_tools.catalogue.elm`,
  which also gives it to every issued EDC.

The shapes that the output must satisfy are the official ELM 3.2 "LOQ" application profile
(`tests/vectors/shacl/loq/`). Controlled values are embedded as `Concept` nodes with their
`inScheme`, as the profile's vocabulary restrictions require (elm-edc notes §2.10).

The edc-ap context defines no `id`/`type` aliases and strict processing refuses inline alias
definitions, so the documents use the `@id` and `@type` keywords directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from build_tools.catalogue.elm import (
    alliance_group,
    organisation,
    organisation_id,
    specification,
    specification_id,
    uses_qualification,
)
from build_tools.catalogue.elm import concept as _concept
from build_tools.catalogue.elm import lang as _lang
from build_tools.catalogue.elm import note as _note
from build_tools.catalogue.elm import vocab_concept as _vocab_concept
from build_tools.catalogue.elm import web_resource as _web_resource
from build_tools.catalogue.model import Catalogue, Offer

from .common import dump_json, fmt_number, offer_url

__all__ = [
    "ELM",
    "catalogue_document",
    "offer_document",
    "offer_graph",
    "opportunity_id",
    "organisation",
    "organisation_id",
    "render_elm",
    "specification_id",
    "uses_qualification",
]


@dataclass(frozen=True, slots=True)
class ElmVersion:
    """Which ELM release the output follows. Change it in one place: `ELM` below.

    `namespace` is the ontology namespace (3.0-3.2: `.../model/elm/`; 3.3 moved to
    `.../model/ontology/`); `context` is the JSON-LD context URL the documents name, which must be
    bundled with the verifier's contexts and must map its terms into `namespace`.
    """

    version: str
    namespace: str
    context: str


ELM_3_2 = ElmVersion(
    version="3.2",
    namespace="http://data.europa.eu/snb/model/elm/",
    context="http://data.europa.eu/snb/model/context/edc-ap",
)

# The single setting for the ELM release of every generated file.
ELM = ELM_3_2

_CURRENCY_SCHEME = "http://publications.europa.eu/resource/authority/currency"


def opportunity_id(site_url: str, offer_id: str) -> str:
    return f"{site_url}{offer_url(offer_id)}elm.jsonld#opportunity"


def _datetime(value: dt.date) -> str:
    return f"{value.isoformat()}T00:00:00Z"


def _opportunity(catalogue: Catalogue, offer: Offer) -> dict[str, Any]:
    site = catalogue.alliance.site_url
    base = f"{site}{offer_url(offer.id)}elm.jsonld"
    default_language = offer.languages.teaching[0] if offer.languages.teaching else "en"
    lo: dict[str, Any] = {
        "@id": opportunity_id(site, offer.id),
        "@type": "LearningOpportunity",
        "title": _lang(offer.title),
    }
    if offer.description:
        lo["description"] = _lang(offer.description)
    # No term for elm:defaultLanguage in the edc-ap context: the full IRI is the key.
    lo[f"{ELM.namespace}defaultLanguage"] = _vocab_concept("language", default_language)
    lo["homepage"] = _web_resource(f"{base}#homepage", f"{site}{offer_url(offer.id)}")
    lo["providedBy"] = [{"@id": organisation_id(site, slug)} for slug in offer.awarding_bodies]
    lo["learningAchievementSpecification"] = {"@id": specification_id(site, offer.id)}
    s = offer.schedule
    if s.start or s.end:
        period: dict[str, Any] = {"@id": f"{base}#period", "@type": "PeriodOfTime"}
        if s.start:
            period["startDate"] = _datetime(s.start)
        if s.end:
            period["endDate"] = _datetime(s.end)
        lo["temporal"] = period
    if s.application_deadline:
        lo["applicationDeadline"] = _datetime(s.application_deadline)
    mode = _vocab_concept("mode", offer.mode)
    if mode:
        lo["mode"] = mode
    if s.schedule_type:
        schedule = _vocab_concept("schedule", s.schedule_type)
        if schedule:
            lo["learningSchedule"] = schedule
    if s.weekly_hours or s.self_paced:
        text = "Self-paced." if s.self_paced else ""
        if s.weekly_hours:
            text = (
                text + " " if text else ""
            ) + f"About {fmt_number(s.weekly_hours)} hours a week."
        lo["scheduleInformation"] = _note(f"{base}#schedule", {"en": text})
    opp_type = _vocab_concept("opportunity-type", offer.opportunity_type)
    if opp_type:
        lo["dcType"] = opp_type
    lo["priceDetail"] = _prices(offer, base)
    if offer.application.note or offer.application.url:
        note = dict(_lang(offer.application.note))
        if offer.application.url:
            note["en"] = (note.get("en", "") + f" Apply at {offer.application.url}").strip()
        lo["admissionProcedure"] = _note(f"{base}#admission", note)
    if offer.application.url:
        lo["supplementaryDocument"] = [_web_resource(f"{base}#apply", offer.application.url)]
    return lo


def _prices(offer: Offer, base: str) -> list[dict[str, Any]]:
    fee = offer.fee
    currency = _concept(f"{_CURRENCY_SCHEME}/{fee.currency}", _CURRENCY_SCHEME)
    out = []
    for key, amount, label in (
        ("alliance", fee.alliance_students, "Students of the alliance's universities"),
        ("others", fee.others, "Other learners"),
    ):
        out.append(
            {
                "@id": f"{base}#price-{key}",
                "@type": "PriceDetail",
                "prefLabel": {"en": label},
                "amount": {
                    "@id": f"{base}#amount-{key}",
                    "@type": "Amount",
                    "unit": currency,
                    # `value` in the edc-ap context is elm:value; the Amount shape wants rdf:value.
                    "rdf:value": {"@value": fmt_number(amount), "@type": "xsd:decimal"},
                },
            }
        )
    return out


def offer_graph(catalogue: Catalogue, offer: Offer) -> list[dict[str, Any]]:
    """The nodes of one offer: opportunity, specification, awarding bodies, alliance."""
    nodes: list[dict[str, Any]] = [_opportunity(catalogue, offer), specification(catalogue, offer)]
    for slug in offer.awarding_bodies:
        issuer = catalogue.issuers.get(slug)
        if issuer is not None:
            nodes.append(organisation(catalogue, issuer))
    nodes.append(alliance_group(catalogue))
    return nodes


def offer_document(catalogue: Catalogue, offer: Offer) -> dict[str, Any]:
    return {"@context": ELM.context, "@graph": offer_graph(catalogue, offer)}


def _merge(graphs: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    merged: list[dict[str, Any]] = []
    seen: set[str] = set()
    for graph in graphs:
        for node in graph:
            if node["@id"] not in seen:  # shared organisations and the alliance appear once
                seen.add(node["@id"])
                merged.append(node)
    return merged


def catalogue_document(catalogue: Catalogue) -> dict[str, Any]:
    """All offers as one ELM dataset: one graph in which shared nodes appear once."""
    graphs = (offer_graph(catalogue, o) for o in catalogue.offers.values())
    return {"@context": ELM.context, "@graph": _merge(graphs)}


def render_elm(catalogue: Catalogue) -> dict[str, bytes]:
    """`offers/<id>/elm.jsonld` for every offer and `catalogue.jsonld` for the whole catalogue."""
    files: dict[str, bytes] = {}
    graphs = []
    for offer in catalogue.offers.values():
        graph = offer_graph(catalogue, offer)
        graphs.append(graph)
        files[f"{offer_url(offer.id)}elm.jsonld"] = dump_json(
            {"@context": ELM.context, "@graph": graph}
        )
    files["catalogue.jsonld"] = dump_json({"@context": ELM.context, "@graph": _merge(graphs)})
    return files
