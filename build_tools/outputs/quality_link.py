"""QualityLink: the catalogue's offers as an ELM 3.3 dataset, and the manifest that points to it.

QualityLink (quality-link.eu) aggregates the course catalogues of higher education institutions
and European University alliances. An aggregator finds a data source through a manifest,
`/.well-known/quality-link-manifest` on the institution's host, or through a DNS TXT record
`v=qldiscover1; m=<manifest URL>` when the manifest lives elsewhere. This site lives under a
sub-path of a host the alliance may not control, so the manifest is published under the site
(`<site_url>.well-known/quality-link-manifest`, and `.json` beside it) and the maintainers'
pages explain the DNS record that points to it.

Files, all generated from the catalogue model:

- `.well-known/quality-link-manifest` (and `.well-known/quality-link-manifest.json`): the
  manifest (QualityLink discovery, manifest v1), listing the dataset in two syntaxes;
- `quality-link/offers.ttl` and `quality-link/offers.jsonld`: the dataset, one graph.

The dataset is the graph of `elm.catalogue_document` (ELM 3.2), moved to the ELM 3.3 namespace
that the QualityLink profile uses, with what the profile adds (its SHACL application profile
`ontology-shacl.ttl` v0.4.0, copied to `tests/vectors/shacl/quality-link/`):

- each learning opportunity is also a `ql:LearningOpportunityInstance`, each specification
  also a `ql:LearningOpportunitySpecification`, with an identifier (the offer id), the EQF
  level (which ELM 3.2 puts on a Qualification only), its version, and a link to its instance;
- each awarding body is a `ql:HigherEducationInstitution` identified by its SCHAC code
  (`ql:SchacIdentifier`). The profile allows SCHAC and OrgReg identifiers only, so the DEQAR
  identifier of the ELM node is left out here;
- the alliance is a `ql:EuropeanUniversityAlliance` whose `foaf:member`s are its universities
  that have a SCHAC code (the profile wants at least two).

The profile requires a SCHAC (or OrgReg) identifier on every provider and an EQF level on
every specification. An offer that lacks one of them cannot pass, so it is left out of the
dataset; `omitted_offers` says which and why (the catalogue itself stays valid without them).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from build_tools.catalogue import vocab
from build_tools.catalogue.model import Catalogue, Offer

from . import elm
from .elm_rdf import (
    ELM_3_3_NAMESPACE,
    RDF_TYPE,
    Literal,
    Triple,
    catalogue_triples,
    flat_jsonld,
    move_namespace,
    nodes_triples,
    turtle,
)

QL = "http://data.quality-link.eu/ontology/v1#"
ELM33 = ELM_3_3_NAMESPACE
ADMS_IDENTIFIER = "http://www.w3.org/ns/adms#identifier"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF_MEMBER = "http://xmlns.com/foaf/0.1/member"

MANIFEST = ".well-known/quality-link-manifest"
MANIFEST_JSON = ".well-known/quality-link-manifest.json"
DATASET_TURTLE = "quality-link/offers.ttl"
DATASET_JSONLD = "quality-link/offers.jsonld"

#: The ELM release of the dataset, as the manifest's `version` states it.
DATASET_ELM_VERSION = "3.3"

PREFIXES = {
    "elm": ELM_3_3_NAMESPACE,
    "ql": QL,
    "dc": "http://purl.org/dc/terms/",
    "skos": SKOS,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "adms": "http://www.w3.org/ns/adms#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rov": "http://www.w3.org/ns/regorg#",
}


def omitted_offers(catalogue: Catalogue) -> dict[str, str]:
    """Offers that cannot pass the QualityLink profile, by id, with the reason (in English)."""
    out: dict[str, str] = {}
    for offer in catalogue.offers.values():
        reason = _missing(catalogue, offer)
        if reason:
            out[offer.id] = reason
    return out


def _missing(catalogue: Catalogue, offer: Offer) -> str:
    unidentified = [
        slug
        for slug in offer.awarding_bodies
        if slug not in catalogue.issuers or not catalogue.issuers[slug].schac
    ]
    if unidentified:
        return "no SCHAC code for " + ", ".join(unidentified)
    if offer.eqf is None:
        return "no EQF level"
    if not any(vocab.uri("isced", code) for code in offer.isced):
        return "no ISCED-F field"
    if not any(vocab.uri("language", code) for code in offer.languages.teaching):
        return "no teaching language"
    if not offer.learning_outcomes:
        return "no learning outcome"
    return ""


def dataset_triples(catalogue: Catalogue) -> set[Triple]:
    """The QualityLink dataset: the ELM graph of the offers that can pass, in ELM 3.3."""
    left_out = omitted_offers(catalogue)
    listed = replace(
        catalogue,
        offers={k: o for k, o in catalogue.offers.items() if k not in left_out},
    )
    site = catalogue.alliance.site_url
    triples = catalogue_triples(listed) if listed.offers else set()
    # Every university with a SCHAC code is described, also one without an offer listed, so
    # that the alliance's membership is complete.
    identified = [i for i in catalogue.issuers.values() if i.schac]
    if identified:
        triples |= nodes_triples([elm.organisation(catalogue, i) for i in identified])
    triples = move_namespace(triples, elm.ELM.namespace, ELM_3_3_NAMESPACE)

    levelled = {s for s, p, _ in triples if p == ELM33 + "EQFLevel"}
    for offer in listed.offers.values():
        _specification(triples, catalogue, offer, levelled)
    heis = [elm.organisation_id(site, i.slug) for i in identified]
    for hei in heis:
        _institution(triples, hei, f"{hei}-schac")
    _alliance(triples, catalogue, heis)
    return triples


def _specification(
    triples: set[Triple], catalogue: Catalogue, offer: Offer, levelled: set[str]
) -> None:
    site = catalogue.alliance.site_url
    spec = elm.specification_id(site, offer.id)
    opportunity = elm.opportunity_id(site, offer.id)
    ident = f"{spec}-identifier"
    triples |= {
        (spec, RDF_TYPE, QL + "LearningOpportunitySpecification"),
        (opportunity, RDF_TYPE, QL + "LearningOpportunityInstance"),
        (spec, ELM33 + "learningOpportunity", opportunity),
        (spec, ADMS_IDENTIFIER, ident),
        (ident, RDF_TYPE, ELM33 + "Identifier"),
        (ident, SKOS + "notation", Literal(offer.id)),
        (ident, ELM33 + "schemeName", Literal(f"{catalogue.alliance.name} catalogue offer id")),
        (spec, QL + "version", Literal(offer.version)),
    }
    if offer.eqf is not None and spec not in levelled:
        # ELM 3.2 (and `elm.py`) state the EQF level on a Qualification only; the profile wants
        # it on every specification.
        level = vocab.concept("eqf", str(offer.eqf))
        if level.uri:
            scheme = vocab.SCHEME_URIS["eqf"]
            triples |= {
                (spec, ELM33 + "EQFLevel", level.uri),
                (level.uri, RDF_TYPE, SKOS + "Concept"),
                (level.uri, SKOS + "inScheme", scheme),
                (level.uri, SKOS + "prefLabel", _english(level.labels["en"])),
                (scheme, RDF_TYPE, SKOS + "ConceptScheme"),
            }


def _english(text: str) -> Literal:
    return Literal(text, "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "en")


def _institution(triples: set[Triple], hei: str, schac: str) -> None:
    # The profile allows only SCHAC and OrgReg identifiers on an institution: the others (the
    # DEQAR one) are left out here.
    others = {o for s, p, o in triples if s == hei and p == ADMS_IDENTIFIER and o != schac}
    triples -= {t for t in triples if t[0] in others or (t[0] == hei and t[2] in others)}
    triples |= {
        (hei, RDF_TYPE, QL + "HigherEducationInstitution"),
        (schac, RDF_TYPE, QL + "SchacIdentifier"),
        (schac, ELM33 + "schemeId", QL + "Schac"),
    }


def _alliance(triples: set[Triple], catalogue: Catalogue, heis: list[str]) -> None:
    groups = {o for _, p, o in triples if p == ELM33 + "groupMemberOf"}
    if len(heis) < 2 or len(groups) != 1:
        return  # the profile's alliance has at least two identified members
    group = str(next(iter(groups)))
    if (group, RDF_TYPE, ELM33 + "Group") not in triples:  # no offer listed: no ELM group yet
        triples.add((group, RDF_TYPE, ELM33 + "Group"))
        triples.add((group, SKOS + "prefLabel", _english(catalogue.alliance.name)))
    triples.add((group, RDF_TYPE, QL + "EuropeanUniversityAlliance"))
    triples |= {(group, FOAF_MEMBER, hei) for hei in heis}


def manifest(catalogue: Catalogue) -> dict[str, Any]:
    site = catalogue.alliance.site_url
    name = catalogue.alliance.name or "Alliance"
    return {
        "sources": [
            {
                "type": "elm",
                "path": f"{site}{DATASET_TURTLE}",
                "version": DATASET_ELM_VERSION,
                "id": "offers-turtle",
                "name": f"{name} micro-credential offers (ELM {DATASET_ELM_VERSION}, Turtle)",
                "auth": {"type": "none"},
            },
            {
                "type": "elm",
                "path": f"{site}{DATASET_JSONLD}",
                "version": DATASET_ELM_VERSION,
                "id": "offers-jsonld",
                "name": f"{name} micro-credential offers (ELM {DATASET_ELM_VERSION}, JSON-LD;"
                " the same graph as offers-turtle)",
                "auth": {"type": "none"},
            },
        ]
    }


def render_quality_link(catalogue: Catalogue) -> dict[str, bytes]:
    """The manifest (twice: without and with `.json`) and the dataset in Turtle and JSON-LD."""
    triples = dataset_triples(catalogue)
    text = (json.dumps(manifest(catalogue), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return {
        MANIFEST: text,
        MANIFEST_JSON: text,
        DATASET_TURTLE: turtle(triples, PREFIXES),
        DATASET_JSONLD: flat_jsonld(triples, PREFIXES),
    }
