"""ELM v3 JSON-LD for offers: one learning opportunity per offer, and the whole catalogue.

Each `offers/<id>/elm.jsonld` holds, in one `@graph`:

- the `LearningOpportunity` (`...elm.jsonld#opportunity`): title, description, default language,
  home page, providers, dates, application deadline, mode, schedule, type, price, how to apply;
- its `Qualification` (`...#specification`) when the offer has an EQF level and every awarding
  body's country has a national framework level for it (LOQ 3.2 requires `NQFLevel` on a
  qualification), otherwise a `LearningAchievementSpecification` under the same id: learning
  outcomes (`#outcome-1..n`) with ESCO skills, ECTS credit points, volume of learning, ISCED-F,
  languages, mode, entry requirements, and the assessment specification;
- one `Organisation` per awarding body (`{site_url}issuers/<slug>/#org`) with legal name,
  country, home page, identifiers and the alliance group.

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

from build_tools.catalogue import vocab
from build_tools.catalogue.model import Catalogue, Issuer, LangMap, Offer

from .common import (
    GRADING_LABELS,
    SUPERVISION_LABELS,
    dump_json,
    fmt_number,
    issuer_url,
    nqf_levels,
    offer_countries,
    offer_url,
    qa_label,
)


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

_LANGUAGE_SCHEME = vocab.SCHEME_URIS["language"]
_COUNTRY_SCHEME = vocab.SCHEME_URIS["country"]
_QDR_SCHEME = "http://data.europa.eu/snb/qdr/25831c2"
_CREDIT_SCHEME = "http://data.europa.eu/snb/education-credit/25831c2"
_ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
_CURRENCY_SCHEME = "http://publications.europa.eu/resource/authority/currency"


def opportunity_id(site_url: str, offer_id: str) -> str:
    return f"{site_url}{offer_url(offer_id)}elm.jsonld#opportunity"


def specification_id(site_url: str, offer_id: str) -> str:
    """Also used by issued EDC credentials, so a verifier can link a credential to its offer."""
    return f"{site_url}{offer_url(offer_id)}elm.jsonld#specification"


def organisation_id(site_url: str, slug: str) -> str:
    return f"{site_url}{issuer_url(slug)}#org"


def _alliance_id(site_url: str) -> str:
    return f"{site_url}#alliance"


def _lang(text: LangMap | None) -> dict[str, str]:
    """A language map with empty entries removed (JSON-LD language containers)."""
    return {k: v for k, v in (text or {}).items() if v}


def _concept(uri: str, scheme: str | None, label: LangMap | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": uri, "@type": "Concept"}
    if scheme:
        node["inScheme"] = {"@id": scheme, "@type": "ConceptScheme"}
    if label:
        node["prefLabel"] = _lang(label)
    return node


def _vocab_concept(scheme: str, code: str | int) -> dict[str, Any] | None:
    c = vocab.concept(scheme, str(code))
    if not c.uri:
        return None
    return _concept(c.uri, vocab.SCHEME_URIS[scheme], {"en": c.labels["en"]})


def _note(node_id: str, text: LangMap) -> dict[str, Any]:
    return {"@id": node_id, "@type": "Note", "noteLiteral": _lang(text)}


def _datetime(value: dt.date) -> str:
    return f"{value.isoformat()}T00:00:00Z"


def _hours(hours: float) -> str:
    """ISO 8601 duration in hours (never "P...M", which would mean months)."""
    return f"PT{fmt_number(hours)}H"


def _web_resource(node_id: str, url: str) -> dict[str, Any]:
    return {"@id": node_id, "@type": "WebResource", "contentURL": url}


def uses_qualification(catalogue: Catalogue, offer: Offer) -> bool:
    """Qualification when the offer has an EQF level and every awarding body's country has an
    NQF level for it; otherwise a LearningAchievementSpecification (LOQ 3.2 requires NQFLevel
    on a Qualification)."""
    if offer.eqf is None:
        return False
    countries = offer_countries(catalogue, offer)
    return bool(countries) and len(nqf_levels(countries, offer.eqf)) == len(countries)


def _specification(catalogue: Catalogue, offer: Offer) -> dict[str, Any]:
    site = catalogue.alliance.site_url
    base = f"{site}{offer_url(offer.id)}elm.jsonld"
    spec_id = specification_id(site, offer.id)
    qualification = uses_qualification(catalogue, offer)
    skills = [_concept(s.uri, None, s.label) for s in offer.esco_skills]
    outcomes: list[dict[str, Any]] = []
    for n, outcome in enumerate(offer.learning_outcomes, start=1):
        node: dict[str, Any] = {
            "@id": f"{base}#outcome-{n}",
            "@type": "LearningOutcome",
            "title": _lang(outcome),
        }
        if skills:
            # The catalogue records ESCO skills per offer, not per outcome: each outcome of the
            # offer is related to the offer's skills.
            node["relatedESCOSkill"] = skills
        outcomes.append(node)

    languages = [
        c for c in (_vocab_concept("language", code) for code in offer.languages.teaching) if c
    ]
    spec: dict[str, Any] = {
        "@id": spec_id,
        "@type": "Qualification" if qualification else "LearningAchievementSpecification",
        "title": _lang(offer.title),
    }
    if offer.description:
        spec["description"] = _lang(offer.description)
    spec["language"] = languages
    spec["thematicArea"] = [c for c in (_vocab_concept("isced", code) for code in offer.isced) if c]
    spec["learningOutcome"] = outcomes
    spec["creditPoint"] = {
        "@id": f"{base}#ects",
        "@type": "CreditPoint",
        "framework": _concept(
            _ECTS, _CREDIT_SCHEME, {"en": "European Credit Transfer and Accumulation System (ECTS)"}
        ),
        "point": fmt_number(offer.ects),
    }
    if offer.workload_hours:
        spec["volumeOfLearning"] = _hours(offer.workload_hours)
    mode = _vocab_concept("mode", offer.mode)
    if mode:
        spec["mode"] = mode
    opp_type = _vocab_concept("opportunity-type", offer.opportunity_type)
    if opp_type:
        spec["dcType"] = opp_type
    if offer.prerequisites:
        spec["entryRequirement"] = _note(f"{base}#entry-requirement", offer.prerequisites)
    spec["homepage"] = _web_resource(f"{base}#specification-page", f"{site}{offer_url(offer.id)}")
    spec["provenBy"] = _assessment(offer, base)

    qa = catalogue.qa_of(offer)
    notes = []
    if qa is not None:
        agency = qa.agency.get("en", "")
        notes.append(
            _note(
                f"{base}#quality-assurance",
                {
                    "en": f"Quality assurance: {qa_label(qa.type)}"
                    + (f" ({agency})" if agency else "")
                    + "."
                },
            )
        )
    if offer.stackability.integration == "stackable":
        names = [p.title.get("en", p.id) for p in catalogue.pathways_of(offer.id)]
        notes.append(
            _note(
                f"{base}#stackability",
                {
                    "en": "Stackable: counts towards "
                    + (", ".join(names) if names else "a larger credential")
                    + "."
                },
            )
        )
    else:
        notes.append(_note(f"{base}#stackability", {"en": "Standalone micro-credential."}))
    if offer.further_information:
        notes.append(_note(f"{base}#further-information", offer.further_information))
    spec["additionalNote"] = notes

    if qualification and offer.eqf is not None:
        eqf = _vocab_concept("eqf", offer.eqf)
        if eqf:
            spec["eqfLevel"] = eqf
        spec["nqfLevel"] = [
            _concept(uri, _QDR_SCHEME, {"en": label})
            for uri, label in nqf_levels(offer_countries(catalogue, offer), offer.eqf)
        ]
    return spec


def _assessment(offer: Offer, base: str) -> dict[str, Any]:
    a = offer.assessment
    node: dict[str, Any] = {
        "@id": f"{base}#assessment",
        "@type": "LearningAssessmentSpecification",
        "title": {"en": f"Assessment: {offer.title.get('en', offer.id)}"},
    }
    if a.description:
        node["description"] = _lang(a.description)
    types = [c for c in (_vocab_concept("assessment", t) for t in a.types) if c]
    if types:
        node["dcType"] = types
    scale = a.grading_scale.get("en", "") if a.grading_scale else ""
    node["gradingScheme"] = {
        "@id": f"{base}#grading",
        "@type": "GradingScheme",
        "title": {"en": GRADING_LABELS.get(a.grading, a.grading)},
        **({"description": _lang(a.grading_scale)} if scale else {}),
    }
    langs = [
        c for c in (_vocab_concept("language", code) for code in offer.languages.assessment) if c
    ]
    if langs:
        node["language"] = langs
    if a.supervision:
        # ELM records supervision on an awarded LearningAssessment (`idVerification`), not on
        # the specification; the offer states it as a note.
        node["additionalNote"] = [
            _note(
                f"{base}#supervision",
                {
                    "en": "Supervision and identity verification: "
                    f"{SUPERVISION_LABELS[a.supervision]}."
                },
            )
        ]
    return node


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


def organisation(catalogue: Catalogue, issuer: Issuer) -> dict[str, Any]:
    site = catalogue.alliance.site_url
    org_id = organisation_id(site, issuer.slug)
    node: dict[str, Any] = {
        "@id": org_id,
        "@type": "Organisation",
        "legalName": _lang(issuer.legal_name),
    }
    if issuer.short_name:
        node["altLabel"] = {"en": issuer.short_name}
    country = _vocab_concept("country", issuer.country)
    node["location"] = {
        "@id": f"{org_id}-location",
        "@type": "Location",
        "address": {
            "@id": f"{org_id}-address",
            "@type": "Address",
            "countryCode": country,
        },
        **({"geographicName": {"en": issuer.city}} if issuer.city else {}),
    }
    if issuer.homepage:
        node["homepage"] = _web_resource(f"{org_id}-homepage", issuer.homepage)
    if issuer.erasmus_code:
        node["registration"] = {
            "@id": f"{org_id}-erasmus",
            "@type": "LegalIdentifier",
            "notation": issuer.erasmus_code,
            "schemeName": "Erasmus Charter for Higher Education (ECHE) code",
            "spatial": country,
        }
    identifiers = []
    if issuer.schac:
        identifiers.append(
            {
                "@id": f"{org_id}-schac",
                "@type": "Identifier",
                "notation": issuer.schac,
                "schemeName": "SCHAC home organisation",
            }
        )
    if issuer.deqar_id:
        identifiers.append(
            {
                "@id": f"{org_id}-deqar",
                "@type": "Identifier",
                "notation": issuer.deqar_id,
                "schemeName": "DEQAR institution ID",
            }
        )
    if identifiers:
        node["identifier"] = identifiers
    node["groupMemberOf"] = {"@id": _alliance_id(site)}
    return node


def _alliance_group(catalogue: Catalogue) -> dict[str, Any]:
    a = catalogue.alliance
    node: dict[str, Any] = {
        "@id": _alliance_id(a.site_url),
        "@type": "Group",
        "prefLabel": {"en": a.name},
    }
    if a.full_name:
        node["altLabel"] = _lang(a.full_name)
    return node


def offer_graph(catalogue: Catalogue, offer: Offer) -> list[dict[str, Any]]:
    """The nodes of one offer: opportunity, specification, awarding bodies, alliance."""
    nodes: list[dict[str, Any]] = [_opportunity(catalogue, offer), _specification(catalogue, offer)]
    for slug in offer.awarding_bodies:
        issuer = catalogue.issuers.get(slug)
        if issuer is not None:
            nodes.append(organisation(catalogue, issuer))
    nodes.append(_alliance_group(catalogue))
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
