"""dcc-registry.json: the issuers in the Digital Credentials Consortium's registry format."""

from __future__ import annotations

import json

from build_tools.catalogue.model import Catalogue
from build_tools.issuing.keys import issuer_did
from build_tools.outputs.dcc_registry import FILE, build_dcc_registry, render_dcc_registry


def test_the_shape_is_the_dcc_registry_format(fixture_catalogue: Catalogue) -> None:
    # {"meta": {"created", "updated"}, "registry": {DID: {"name", "location"?, "url"?}}}, as the
    # DCC's published registries and their client library read it.
    doc = json.loads(render_dcc_registry(fixture_catalogue)[FILE])
    assert set(doc) == {"meta", "registry"}
    assert set(doc["meta"]) == {"created", "updated"}
    for did, entry in doc["registry"].items():
        assert did.startswith("did:web:")
        assert isinstance(entry["name"], str) and entry["name"]
        assert set(entry) <= {"name", "location", "url"}


def test_every_issuer_is_listed_under_the_did_its_open_badges_carry(
    fixture_catalogue: Catalogue,
) -> None:
    registry = build_dcc_registry(fixture_catalogue)["registry"]
    site = fixture_catalogue.alliance.site_url
    assert set(registry) == {issuer_did(site, slug) for slug in fixture_catalogue.issuers}
    lu = registry[issuer_did(site, "lu")]
    assert lu["name"] == "University of Latvia"
    assert lu["location"].endswith("Latvia")
    assert lu["url"] == fixture_catalogue.issuers["lu"].homepage


def test_a_rebuild_gives_the_same_bytes(fixture_catalogue: Catalogue) -> None:
    assert render_dcc_registry(fixture_catalogue) == render_dcc_registry(fixture_catalogue)
