"""`dcc-registry.json`: the alliance's issuers in the Digital Credentials Consortium's issuer
registry format, so that verifiers that read DCC registries (VerifierPlus, the Learner
Credential Wallet) recognise the universities' Open Badges.

The format is the one the DCC's public registries use (`digitalcredentials/issuer-registry`,
read by `@digitalcredentials/issuer-registry-client`): `meta` with `created` and `updated`
times, and `registry`, a map from each issuer's DID to its `name`, `location` and `url`. Such a
registry names issuers only; the keys stay in each issuer's DID document (`did:web`, published
beside `registry.json`). A verifier adds the file's URL to its list of known registries.
"""

from __future__ import annotations

from typing import Any

from build_tools.catalogue import vocab
from build_tools.catalogue.model import Catalogue, Issuer
from build_tools.issuing.keys import issuer_did

from .common import dump_json

FILE = "dcc-registry.json"


def _location(issuer: Issuer) -> str:
    country = vocab.label("country", issuer.country) if issuer.country else ""
    return ", ".join(part for part in (issuer.city, country) if part)


def build_dcc_registry(catalogue: Catalogue) -> dict[str, Any]:
    """The registry. Its `meta` times are the latest review date of an offer (the catalogue
    has no other date of its own), so a rebuild of the same catalogue gives the same bytes."""
    registry: dict[str, dict[str, str]] = {}
    for slug, issuer in sorted(catalogue.issuers.items()):
        entry = {"name": issuer.name}
        location = _location(issuer)
        if location:
            entry["location"] = location
        if issuer.homepage:
            entry["url"] = issuer.homepage
        registry[issuer_did(catalogue.alliance.site_url, slug)] = entry
    reviewed = [o.last_reviewed for o in catalogue.offers.values() if o.last_reviewed]
    stamp = f"{max(reviewed).isoformat()}T00:00:00+00:00" if reviewed else None
    return {"meta": {"created": stamp, "updated": stamp}, "registry": registry}


def render_dcc_registry(catalogue: Catalogue) -> dict[str, bytes]:
    return {FILE: dump_json(build_dcc_registry(catalogue))}
