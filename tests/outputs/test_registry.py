"""registry.json: the format of docs/interfaces.md, content hashes, DIDs and keys."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest

from build_tools.catalogue.model import Catalogue
from build_tools.issuing.keys import issuer_did
from build_tools.outputs import registry
from build_tools.outputs.keys import key_facts

from ._fixtures import make_alliance, make_catalogue


def test_top_level_and_issuer_entries(fixture_catalogue: Catalogue) -> None:
    reg = registry.build_registry(fixture_catalogue)
    assert reg["format"] == "credsite-registry/1"
    assert reg["site_url"] == "https://alliance.example.org/credentials/"
    assert reg["alliance"] == {"name": "EXAMPLE", "demo": True}
    assert set(reg["issuers"]) == set(fixture_catalogue.issuers)
    lu = reg["issuers"]["lu"]
    assert lu["name"] == "University of Latvia"
    assert lu["legal_name"] == {"en": "University of Latvia", "lv": "Latvijas Universitāte"}
    assert lu["country"] == "LV"
    assert lu["page"] == "issuers/lu/"
    assert lu["did"] == "did:web:alliance.example.org:credentials:issuers:lu"
    assert lu["identifiers"] == {"erasmus": "LV RIGA01", "schac": "lu.lv", "deqar": "DEQARINST0123"}
    assert lu["status_lists"] == [
        {
            "url": "https://alliance.example.org/credentials/issuers/lu/status/1.json",
            "path": "issuers/lu/status/1.json",
            "purpose": "revocation",
        }
    ]
    assert reg["issuers"]["uia"]["identifiers"]["erasmus"] is None


def test_keys_come_from_the_keys_part(fixture_catalogue: Catalogue) -> None:
    lu = registry.build_registry(fixture_catalogue)["issuers"]["lu"]
    issuer = fixture_catalogue.issuers["lu"]
    assert lu["keys"] == [key_facts(fixture_catalogue, issuer, k) for k in issuer.keys]
    assert lu["keys"][0]["kid"] == "lu-2026-es256-1"


def test_offer_entries_and_content_hash(fixture_catalogue: Catalogue) -> None:
    reg = registry.build_registry(fixture_catalogue)
    offer = fixture_catalogue.offers["jgu-digital-humanities-basics"]
    entry = reg["offers"][offer.id]
    site = fixture_catalogue.alliance.site_url
    assert entry["iri"] == f"{site}offers/{offer.id}/"
    assert entry["page"] == f"offers/{offer.id}/"
    assert entry["specification_id"] == f"{site}offers/{offer.id}/elm.jsonld#specification"
    assert entry["awarding_bodies"] == ["jgu"]
    assert entry["ects"] == 2 and isinstance(entry["ects"], int)
    assert entry["version"] == "1.1"
    # Computed independently from the definition in docs/interfaces.md.
    facts = {
        "title": dict(offer.title),
        "ects": 2,
        "eqf": 5,
        "learning_outcomes": [dict(o) for o in offer.learning_outcomes],
    }
    canonical = json.dumps(
        facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert entry["content_hash"] == "sha256:" + hashlib.sha256(canonical).hexdigest()
    (prev,) = entry["previous_versions"]
    assert prev["version"] == "0.9" and prev["ects"] == 1.5
    prev_facts = {
        "title": {"en": "Digital Humanities: First Steps"},
        "ects": 1.5,
        "eqf": 5,
        "learning_outcomes": [{"en": "Name common digital humanities methods."}],
    }
    prev_canonical = json.dumps(
        prev_facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert prev["content_hash"] == "sha256:" + hashlib.sha256(prev_canonical).hexdigest()
    assert prev["content_hash"] != entry["content_hash"]


def test_content_hash_ignores_how_whole_numbers_are_written() -> None:
    a = registry.content_hash(title={"en": "T"}, ects=5, eqf=6, learning_outcomes=({"en": "x"},))
    b = registry.content_hash(title={"en": "T"}, ects=5.0, eqf=6, learning_outcomes=[{"en": "x"}])
    c = registry.content_hash(title={"en": "T"}, ects=5.5, eqf=6, learning_outcomes=[{"en": "x"}])
    assert a == b != c


def test_pathway_entries(fixture_catalogue: Catalogue) -> None:
    entry = registry.build_registry(fixture_catalogue)["pathways"]["digital-humanities"]
    assert entry == {
        "id": "digital-humanities",
        "title": {"en": "Digital Humanities"},
        "page": "pathways/digital-humanities/",
        "offers": ["jgu-digital-humanities-basics", "jgu-digital-humanities-advanced"],
        "required": ["jgu-digital-humanities-basics", "jgu-digital-humanities-advanced"],
        "min_ects": 6,
        "direction": "vertical",
        "type": "rigid",
    }


@pytest.mark.parametrize(
    ("site_url", "did"),
    [
        ("https://x.example/", "did:web:x.example:issuers:jgu"),
        ("https://Example.ORG/creds/", "did:web:example.org:creds:issuers:jgu"),
        ("https://example.org:8443/a/b/", "did:web:example.org%3A8443:a:b:issuers:jgu"),
        ("https://example.org:443/a%20b/", "did:web:example.org:a%20b:issuers:jgu"),
    ],
)
def test_registry_did_is_the_one_the_keys_and_credentials_use(site_url: str, did: str) -> None:
    cat = make_catalogue(alliance=replace(make_alliance(), site_url=site_url))
    entry = registry.build_registry(cat)["issuers"]["jgu"]
    assert entry["did"] == did == issuer_did(site_url, "jgu")
    assert all(key["did_url"].startswith(did + "#") for key in entry["keys"])


def test_rendered_file_is_the_registry(fixture_catalogue: Catalogue) -> None:
    files = registry.render_registry(fixture_catalogue)
    assert list(files) == ["registry.json"]
    assert json.loads(files["registry.json"]) == registry.build_registry(fixture_catalogue)
