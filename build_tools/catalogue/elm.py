"""ELM 3.2 nodes of the catalogue model, built once for every document that describes them.

The site's `offers/<id>/elm.jsonld` (outputs/elm.py) and every EDC issued for the offer
(issuing/edc.py) describe the offer's specification under one IRI,
`{site_url}offers/<id>/elm.jsonld#specification`, with its learning outcomes (`#outcome-<n>`),
credit points, assessment specification, accreditation and notes. Both take the node from
`specification()`, so the two documents never say different things about the same IRI.

The choices, where the two used to differ:

- type: a `Qualification` only when the offer has an EQF level and every awarding body's
  country has a national framework level for it (the LOQ 3.2 shapes require `NQFLevel` on a
  Qualification), otherwise a `LearningAchievementSpecification`; ELM 3.2 puts EQF and NQF
  levels on Qualifications only;
- ECTS: the concept `education-credit/6fcec5c5af` with the label the EU's own EDC sample gives
  it ("European Credit Transfer System");
- quality assurance: an `Accreditation` (ELM's class for it, whose `dcType` is Annex I's "type of
  quality assurance"), not a note;
- assessment: one `dcType` per assessment specification (the EDC shapes allow at most one), so
  several assessment types become parts (`hasPart`);
- volume of learning: an `xsd:duration` (`PT37H30M`; XML Schema allows a fraction only on
  seconds, so `PT37.5H` is not one);
- stackability: a note naming the pathways the offer counts towards, followed by the offer's
  own note; no `isPartOf` pathway nodes (the LOQ shapes would need a full Qualification there,
  with outcomes and levels that a pathway does not have);
- ESCO skills: concepts with every label the catalogue has; only credentials add the ESCO skills
  scheme (the official EDC and LOQ MDR shapes disagree on it, see `specification`).

Each awarding body's `Organisation` node, `{site_url}issuers/<slug>/#org`, is likewise built
once, by `organisation()`, for the site's documents and for credentials (issuer and awarding
bodies). The choices, where the two used to differ:

- Erasmus code: the organisation's `registration`, a `LegalIdentifier` with its country, not an
  `identifier`; both the EDC and LOQ shapes accept it there, and the QualityLink profile, which
  allows only SCHAC and OrgReg identifiers under `identifier`, keeps it;
- scheme names: "Erasmus Charter for Higher Education (ECHE) code", "SCHAC home organisation",
  "DEQAR institution ID";
- node ids: fragments after the organisation's own, `#org-location`, `#org-address`,
  `#org-homepage`, `#org-erasmus`, `#org-schac`, `#org-deqar` (QualityLink names the SCHAC
  identifier so); the city as the location's `geographicName`;
- the alliance `Group` is embedded with its names (a credential must carry it whole);
- the eIDAS identifier (`#org-eidas`) only on a credential's sealer (`eidas_identifier`).

Nodes are written with the JSON-LD keywords `@id` and `@type`: the site's documents name only
the edc-ap context, which defines no aliases for them. Credentials, whose VC 1.1 context aliases
`id` and `type` (the spelling EDC readers expect), rename them with `vc_keys`.
"""

from __future__ import annotations

import math
from typing import Any

from . import vocab
from .model import Catalogue, Issuer, LangMap, Offer, english, offer_countries

__all__ = [
    "ECTS",
    "alliance_group",
    "alliance_id",
    "concept",
    "duration",
    "lang",
    "note",
    "nqf_unknown",
    "number",
    "offer_base",
    "organisation",
    "organisation_id",
    "specification",
    "specification_id",
    "uses_qualification",
    "vc_keys",
    "vocab_concept",
    "web_resource",
]

ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
_ECTS_LABEL = "European Credit Transfer System"
_CREDIT_SCHEME = "http://data.europa.eu/snb/education-credit/25831c2"
_QDR_SCHEME = "http://data.europa.eu/snb/qdr/25831c2"
_ESCO_SKILLS = "http://data.europa.eu/esco/concept-scheme/skills"
_ERASMUS = "Erasmus Charter for Higher Education (ECHE) code"
_SCHAC = "SCHAC home organisation"
_DEQAR = "DEQAR institution ID"
_GRADING_LABELS = {"pass-fail": "Pass or fail", "graded": "Graded"}
_SUPERVISION_LABELS = {
    "unsupervised-no-id": "Unsupervised, without identity verification",
    "unsupervised-with-id": "Unsupervised, with identity verification",
    "supervised-no-id": "Supervised, without identity verification",
    "supervised-with-id": "Supervised (online or on site), with identity verification",
}


# --------------------------------------------------------------------------------------------
# Identifiers


def offer_base(site_url: str, offer_id: str) -> str:
    """The offer's ELM document; its nodes are fragments of it."""
    return f"{site_url}offers/{offer_id}/elm.jsonld"


def specification_id(site_url: str, offer_id: str) -> str:
    """Also used by issued EDC credentials, so a verifier can link a credential to its offer."""
    return f"{offer_base(site_url, offer_id)}#specification"


def organisation_id(site_url: str, slug: str) -> str:
    return f"{site_url}issuers/{slug}/#org"


def alliance_id(site_url: str) -> str:
    return f"{site_url}#alliance"


# --------------------------------------------------------------------------------------------
# Small nodes and values


def lang(text: LangMap | None) -> dict[str, str]:
    """A language map with the empty entries dropped (ELM uses `@container: @language`)."""
    return {k: v for k, v in (text or {}).items() if v}


def concept(uri: str, scheme: str | None, label: LangMap | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": uri, "@type": "Concept"}
    if scheme:
        node["inScheme"] = {"@id": scheme, "@type": "ConceptScheme"}
    if label:
        node["prefLabel"] = lang(label)
    return node


def vocab_concept(scheme: str, code: str | int) -> dict[str, Any] | None:
    """The concept of a catalogue code with its English label; None for an unknown code or one
    without a published URI."""
    try:
        c = vocab.concept(scheme, str(code))
    except KeyError:
        return None
    if not c.uri:
        return None
    return concept(c.uri, vocab.SCHEME_URIS[scheme], {"en": c.labels.get("en", str(code))})


def _concepts(scheme: str, codes: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    return [c for c in (vocab_concept(scheme, code) for code in codes) if c]


def note(node_id: str, text: LangMap) -> dict[str, Any]:
    return {"@id": node_id, "@type": "Note", "noteLiteral": lang(text)}


def web_resource(node_id: str, url: str) -> dict[str, Any]:
    return {"@id": node_id, "@type": "WebResource", "contentURL": url}


def number(value: float) -> str:
    """3 -> "3", 1.5 -> "1.5"."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def duration(hours: float) -> str:
    """xsd:duration of a number of hours (`PT80H`, `PT37H30M`; never `P…M`, which is months)."""
    whole = math.floor(hours)
    minutes = round((hours - whole) * 60)
    return f"PT{whole}H{minutes}M" if minutes else f"PT{whole}H"


def vc_keys(node: Any) -> Any:
    """A copy with `@id`/`@type` spelt `id`/`type`, as credentials write them (the VC 1.1 context
    aliases them); value objects (`@value`) keep their keywords."""
    if isinstance(node, list):
        return [vc_keys(item) for item in node]
    if not isinstance(node, dict) or "@value" in node:
        return node
    renamed = {"@id": "id", "@type": "type"}
    return {renamed.get(key, key): vc_keys(value) for key, value in node.items()}


# --------------------------------------------------------------------------------------------
# Organisations


def alliance_group(catalogue: Catalogue) -> dict[str, Any]:
    """The alliance's `Group` node (`{site_url}#alliance`)."""
    a = catalogue.alliance
    node: dict[str, Any] = {
        "@id": alliance_id(a.site_url),
        "@type": "Group",
        "prefLabel": {"en": a.name},
    }
    if a.full_name:
        node["altLabel"] = lang(a.full_name)
    return node


def organisation(
    catalogue: Catalogue, issuer: Issuer, *, eidas_identifier: bool = False
) -> dict[str, Any]:
    """The awarding body's `Organisation` node (`{site_url}issuers/<slug>/#org`).

    `eidas_identifier` adds the eIDAS legal identifier that the EDC shapes require of a
    credential's issuer (the sealer); only credentials ask for it, the site's documents leave it
    out. That one property is the only difference between the two.
    """
    site = catalogue.alliance.site_url
    org_id = organisation_id(site, issuer.slug)
    country = vocab_concept("country", issuer.country)
    node: dict[str, Any] = {
        "@id": org_id,
        "@type": "Organisation",
        "legalName": lang(issuer.legal_name),
    }
    if issuer.short_name:
        node["altLabel"] = {"en": issuer.short_name}
    node["location"] = {
        "@id": f"{org_id}-location",
        "@type": "Location",
        "address": {"@id": f"{org_id}-address", "@type": "Address", "countryCode": country},
        **({"geographicName": {"en": issuer.city}} if issuer.city else {}),
    }
    if issuer.homepage:
        node["homepage"] = web_resource(f"{org_id}-homepage", issuer.homepage)
    if issuer.erasmus_code:
        node["registration"] = _legal_identifier(
            f"{org_id}-erasmus", _ERASMUS, issuer.erasmus_code, country
        )
    identifiers = [
        {"@id": f"{org_id}-{tag}", "@type": "Identifier", "notation": value, "schemeName": scheme}
        for tag, scheme, value in (
            ("schac", _SCHAC, issuer.schac),
            ("deqar", _DEQAR, issuer.deqar_id),
        )
        if value
    ]
    if identifiers:
        node["identifier"] = identifiers
    if catalogue.alliance.name:
        node["groupMemberOf"] = alliance_group(catalogue)
    if eidas_identifier:
        # The EDC issuer needs an eIDAS legal identifier (IssuerNodeShape). A qualified eSeal
        # would carry the organisationIdentifier of its certificate; a project key has none, so
        # the institution's best registry identifier stands in, and says which one it is.
        scheme, notation = "credsite issuer page", f"{site}issuers/{issuer.slug}/"
        for candidate_scheme, value in (
            (_ERASMUS, issuer.erasmus_code),
            (_SCHAC, issuer.schac),
            (_DEQAR, issuer.deqar_id),
        ):
            if value:
                scheme, notation = candidate_scheme, value
                break
        node["eIDASIdentifier"] = _legal_identifier(f"{org_id}-eidas", scheme, notation, country)
    return node


def _legal_identifier(
    node_id: str, scheme: str, notation: str, country: dict[str, Any] | None
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": node_id,
        "@type": "LegalIdentifier",
        "notation": notation,
        "schemeName": scheme,
    }
    if country:
        node["spatial"] = country
    return node


# --------------------------------------------------------------------------------------------
# The specification


def uses_qualification(catalogue: Catalogue, offer: Offer) -> bool:
    """Qualification when the offer has an EQF level, else a LearningAchievementSpecification.

    ELM 3.2 states the EQF level (Annex I "level") only on a Qualification, so an offer with a
    level is one, in the credentials issued for it and on the site alike."""
    return offer.eqf is not None


def nqf_unknown(catalogue: Catalogue, offer: Offer) -> list[str]:
    """The awarding countries whose framework has no single level referenced to the offer's
    EQF level (e.g. Norway at EQF 5 and 6). Europass's LOQ profile needs one on every
    Qualification, so such an offer cannot go to the Qualification Dataset Register as it is."""
    if offer.eqf is None:
        return []
    return [c for c in offer_countries(catalogue, offer) if not vocab.nqf_levels([c], offer.eqf)]


def specification(
    catalogue: Catalogue, offer: Offer, *, esco_scheme: bool = False
) -> dict[str, Any]:
    """The offer's `Qualification` or `LearningAchievementSpecification` node.

    `esco_scheme` states that each ESCO skill is in the ESCO skills scheme, which the EDC shapes
    require (`hasValue`) and the LOQ MDR shapes refuse (they want that IRI to match
    `^https://ec.europa.eu/esco/skill/`): credentials state it, the site's documents leave it out.
    That one triple is the only difference between the two.
    """
    site = catalogue.alliance.site_url
    base = offer_base(site, offer.id)
    qualification = uses_qualification(catalogue, offer)
    # The catalogue records ESCO skills per offer, not per outcome: each outcome of the offer is
    # related to the offer's skills.
    skills = [
        concept(s.uri, _ESCO_SKILLS if esco_scheme else None, lang(s.label) or {"en": s.uri})
        for s in offer.esco_skills
    ]
    outcomes: list[dict[str, Any]] = []
    for n, outcome in enumerate(offer.learning_outcomes, start=1):
        node: dict[str, Any] = {
            "@id": f"{base}#outcome-{n}",
            "@type": "LearningOutcome",
            "title": lang(outcome),
        }
        if skills:
            node["relatedESCOSkill"] = skills
        outcomes.append(node)

    spec: dict[str, Any] = {
        "@id": specification_id(site, offer.id),
        "@type": "Qualification" if qualification else "LearningAchievementSpecification",
        "title": lang(offer.title),
    }
    if offer.description:
        spec["description"] = lang(offer.description)
    languages = _concepts("language", offer.languages.teaching)
    if languages:
        spec["language"] = languages
    isced = _concepts("isced", offer.isced)
    if isced:
        spec["thematicArea"] = isced
    spec["learningOutcome"] = outcomes
    spec["creditPoint"] = {
        "@id": f"{base}#ects",
        "@type": "CreditPoint",
        "framework": concept(ECTS, _CREDIT_SCHEME, {"en": _ECTS_LABEL}),
        "point": number(offer.ects),
    }
    if offer.workload_hours:
        spec["volumeOfLearning"] = duration(offer.workload_hours)
    mode = vocab_concept("mode", offer.mode)
    if mode:
        spec["mode"] = mode
    opportunity_type = vocab_concept("opportunity-type", offer.opportunity_type)
    if opportunity_type:
        spec["dcType"] = opportunity_type
    if offer.prerequisites:
        spec["entryRequirement"] = note(f"{base}#entry-requirement", offer.prerequisites)
    spec["homepage"] = web_resource(f"{base}#specification-page", f"{site}offers/{offer.id}/")
    spec["provenBy"] = _assessment(offer, base)
    accreditation = _accreditation(catalogue, offer, base)
    if accreditation:
        spec["accreditation"] = accreditation
    spec["additionalNote"] = _notes(catalogue, offer, base)
    if qualification and offer.eqf is not None:
        eqf = vocab_concept("eqf", offer.eqf)
        if eqf:
            spec["eqfLevel"] = eqf
        nqf = [
            concept(uri, _QDR_SCHEME, {"en": label})
            for uri, label in vocab.nqf_levels(offer_countries(catalogue, offer), offer.eqf)
        ]
        if nqf:
            spec["nqfLevel"] = nqf
    return spec


def _notes(catalogue: Catalogue, offer: Offer, base: str) -> list[dict[str, Any]]:
    notes = []
    cycle = vocab.eqf_cycle(offer.eqf) if offer.eqf else None
    if cycle:
        notes.append(
            note(f"{base}#cycle", {"en": f"QF-EHEA cycle: {cycle} cycle (EQF level {offer.eqf})."})
        )
    if offer.stackability.integration == "stackable":
        names = [p.title.get("en", p.id) for p in catalogue.pathways_of(offer.id)]
        sentence = (
            "Stackable: counts towards "
            + (", ".join(names) if names else "a larger credential")
            + "."
        )
    else:
        sentence = "Standalone micro-credential."
    stackability = {"en": sentence}
    for code, text in lang(offer.stackability.note).items():  # the offer's own words follow
        stackability[code] = f"{sentence} {text}" if code == "en" else text
    notes.append(note(f"{base}#stackability", stackability))
    if offer.further_information:
        notes.append(note(f"{base}#further-information", offer.further_information))
    return notes


def _assessment(offer: Offer, base: str) -> dict[str, Any]:
    a = offer.assessment
    node: dict[str, Any] = {
        "@id": f"{base}#assessment",
        "@type": "LearningAssessmentSpecification",
        "title": {"en": f"Assessment of {english(offer.title) or offer.id}"},
    }
    if a.description:
        node["description"] = lang(a.description)
    types = [t for t in a.types if vocab_concept("assessment", t)]
    if len(types) == 1:
        node["dcType"] = vocab_concept("assessment", types[0])
    elif types:  # one type per specification (EDC shapes): several types are its parts
        node["hasPart"] = [
            {
                "@id": f"{base}#assessment-{code}",
                "@type": "LearningAssessmentSpecification",
                "title": {"en": vocab.label("assessment", code)},
                "dcType": vocab_concept("assessment", code),
            }
            for code in types
        ]
    node["gradingScheme"] = {
        "@id": f"{base}#grading",
        "@type": "GradingScheme",
        "title": {"en": _GRADING_LABELS.get(a.grading, a.grading)},
        **({"description": lang(a.grading_scale)} if lang(a.grading_scale) else {}),
    }
    mode = vocab_concept("mode", offer.mode)
    if mode:
        node["mode"] = mode
    languages = _concepts("language", offer.languages.assessment)
    if languages:
        node["language"] = languages
    if a.supervision:
        # ELM records supervision on an awarded LearningAssessment (`idVerification`, which an
        # EDC carries), not on the specification; the offer states it as a note.
        node["additionalNote"] = [
            note(
                f"{base}#supervision",
                {
                    "en": "Supervision and identity verification: "
                    f"{_SUPERVISION_LABELS[a.supervision]}."
                },
            )
        ]
    return node


def _accreditation(catalogue: Catalogue, offer: Offer, base: str) -> dict[str, Any] | None:
    """The quality assurance behind the offer (its own, else its lead awarding body's)."""
    qa = catalogue.qa_of(offer)
    lead = _lead(catalogue, offer)
    if qa is None or lead is None:
        return None
    agency = english(qa.agency)
    known = vocab.is_code("accreditation", qa.type)
    title = (
        f"{vocab.label('accreditation', qa.type)}: {agency}"
        if known and agency
        else (vocab.label("accreditation", qa.type) if known else agency or qa.type)
    )
    agent: dict[str, Any] = {
        "@id": f"{base}#accrediting-agent",
        "@type": "Organisation",
        "legalName": lang(qa.agency) or {"en": "Quality assurance body"},
        "location": {
            "@id": f"{base}#accrediting-agent-location",
            "@type": "Location",
            "address": {
                "@id": f"{base}#accrediting-agent-address",
                "@type": "Address",
                "countryCode": vocab_concept("country", lead.country),
            },
        },
    }
    if qa.agency_url:
        agent["homepage"] = web_resource(f"{base}#accrediting-agent-homepage", qa.agency_url)
    node: dict[str, Any] = {
        "@id": f"{base}#accreditation",
        "@type": "Accreditation",
        "title": {"en": title},
    }
    qa_type = vocab_concept("accreditation", qa.type)
    if qa_type:
        node["dcType"] = qa_type
    if qa.description:
        node["description"] = lang(qa.description)
    node["accreditingAgent"] = agent
    node["organisation"] = {"@id": organisation_id(catalogue.alliance.site_url, lead.slug)}
    return node


def _lead(catalogue: Catalogue, offer: Offer) -> Issuer | None:
    for slug in (offer.lead_issuer, *offer.awarding_bodies):
        if slug in catalogue.issuers:
            return catalogue.issuers[slug]
    return None
