"""`registry.json`: what the verifier needs to know about this catalogue (format in
docs/interfaces.md and on the site's "Registry format" page).

Issuers with their legal identity, DID and keys; offers with the credential-relevant facts and
a content hash per version; pathways. Keys come from `build_tools.outputs.keys.key_facts`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from build_tools.catalogue.model import Catalogue, Issuer, LangMap, Offer, Pathway
from build_tools.issuing.keys import issuer_did

from .common import dump_json, issuer_url, offer_url, pathway_url
from .elm import specification_id
from .keys import key_facts

FORMAT = "credsite-registry/1"


def _number(value: float | int | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def content_hash(
    *,
    title: LangMap,
    ects: float,
    eqf: int | None,
    learning_outcomes: tuple[LangMap, ...] | list[LangMap],
) -> str:
    """SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of the credential facts.

    Whole-number ECTS are written as integers (5, not 5.0), so the hash does not depend on how
    the YAML spelled the number.
    """
    facts = {
        "title": dict(title),
        "ects": _number(ects),
        "eqf": eqf,
        "learning_outcomes": [dict(o) for o in learning_outcomes],
    }
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _issuer_entry(catalogue: Catalogue, issuer: Issuer) -> dict[str, Any]:
    site = catalogue.alliance.site_url
    key_entries = [key_facts(catalogue, issuer, key) for key in issuer.keys]
    return {
        "slug": issuer.slug,
        "name": issuer.name,
        "legal_name": dict(issuer.legal_name),
        "country": issuer.country,
        "homepage": issuer.homepage,
        "page": issuer_url(issuer.slug),
        "did": issuer_did(site, issuer.slug),
        "identifiers": {
            "erasmus": issuer.erasmus_code,
            "schac": issuer.schac,
            "deqar": issuer.deqar_id,
        },
        "keys": key_entries,
        "status_lists": [
            {
                "url": f"{site}{issuer_url(issuer.slug)}status/{sl.list_id}.json",
                "path": f"{issuer_url(issuer.slug)}status/{sl.list_id}.json",
                "purpose": sl.purpose,
            }
            for sl in issuer.status_lists
        ],
    }


def _offer_entry(catalogue: Catalogue, offer: Offer) -> dict[str, Any]:
    site = catalogue.alliance.site_url
    return {
        "id": offer.id,
        "iri": f"{site}{offer_url(offer.id)}",
        "page": offer_url(offer.id),
        "specification_id": specification_id(site, offer.id),
        "awarding_bodies": list(offer.awarding_bodies),
        "title": dict(offer.title),
        "ects": _number(offer.ects),
        "eqf": offer.eqf,
        "learning_outcomes": [dict(o) for o in offer.learning_outcomes],
        "version": offer.version,
        "content_hash": content_hash(
            title=offer.title,
            ects=offer.ects,
            eqf=offer.eqf,
            learning_outcomes=offer.learning_outcomes,
        ),
        "previous_versions": [
            {
                "version": pv.version,
                "title": dict(pv.title),
                "ects": _number(pv.ects),
                "eqf": pv.eqf,
                "learning_outcomes": [dict(o) for o in pv.learning_outcomes],
                "content_hash": content_hash(
                    title=pv.title, ects=pv.ects, eqf=pv.eqf, learning_outcomes=pv.learning_outcomes
                ),
            }
            for pv in offer.previous_versions
        ],
    }


def _pathway_entry(pathway: Pathway) -> dict[str, Any]:
    return {
        "id": pathway.id,
        "title": dict(pathway.title),
        "page": pathway_url(pathway.id),
        "offers": list(pathway.offers),
        "required": list(pathway.required),
        "min_ects": _number(pathway.min_ects),
        "direction": pathway.direction,
        "type": pathway.type,
    }


def build_registry(catalogue: Catalogue) -> dict[str, Any]:
    alliance = catalogue.alliance
    return {
        "format": FORMAT,
        "site_url": alliance.site_url,
        "alliance": {"name": alliance.name, "demo": alliance.demo},
        "issuers": {slug: _issuer_entry(catalogue, i) for slug, i in catalogue.issuers.items()},
        "offers": {oid: _offer_entry(catalogue, o) for oid, o in catalogue.offers.items()},
        "pathways": {pid: _pathway_entry(p) for pid, p in catalogue.pathways.items()},
    }


def render_registry(catalogue: Catalogue) -> dict[str, bytes]:
    return {"registry.json": dump_json(build_registry(catalogue))}
