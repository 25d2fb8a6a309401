"""`build_tools.verifier.codec`: did:web and the normal form issuer identifiers are compared in,
and the verifier resolving every equivalent spelling of a registered issuer to that issuer."""

from __future__ import annotations

from typing import Any

import pytest

from build_tools.verifier import Registry, verify
from build_tools.verifier.codec import did_web, did_web_url, normalize_identifier

from . import _make as m


@pytest.mark.parametrize(
    ("site_url", "did"),
    [
        ("https://example.org/", "did:web:example.org"),
        ("https://Example.ORG/creds/", "did:web:example.org:creds"),
        ("https://example.org:443/creds", "did:web:example.org:creds"),
        ("https://example.org:8443/a/b/", "did:web:example.org%3A8443:a:b"),
        ("https://example.org/a%20b/", "did:web:example.org:a%20b"),
        ("https://example.org/a b/", "did:web:example.org:a%20b"),
        ("https://example.org/caf%c3%a9/", "did:web:example.org:caf%C3%A9"),
        ("http://localhost:8000/site/", "did:web:localhost%3A8000:site"),
    ],
)
def test_did_web_of_a_url(site_url: str, did: str) -> None:
    assert did_web(site_url) == did
    assert did_web(site_url, "issuers", "lu") == did + ":issuers:lu"


@pytest.mark.parametrize("bad", ["/credentials/", "ftp://example.org/", "https://example.org:x/"])
def test_did_web_refuses_what_is_not_an_absolute_http_url(bad: str) -> None:
    with pytest.raises(ValueError):
        did_web(bad)


def test_did_web_document_url() -> None:
    assert did_web_url("did:web:example.org") == "https://example.org/.well-known/did.json"
    assert (
        did_web_url("did:web:example.org%3A8443:a%20b:issuers:lu#k")
        == "https://example.org:8443/a%20b/issuers/lu/did.json"
    )
    with pytest.raises(ValueError):
        did_web_url("did:key:z6Mk")


DID = "did:web:alliance.example:credentials:issuers:lu"


@pytest.mark.parametrize(
    "spelling",
    [
        "did:web:Alliance.Example:credentials:issuers:lu",
        "did:web:alliance.example%3A443:credentials:issuers:lu",
        "did:web:alliance.example%3a443:credentials:issuers:lu",
        "did:web:alliance.example:credentials:issuers:%6Cu",
    ],
)
def test_equivalent_did_web_spellings_have_one_normal_form(spelling: str) -> None:
    assert normalize_identifier(spelling) == DID
    assert normalize_identifier(spelling + "#k-1") == DID + "#k-1"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://alliance.example/credentials/issuers/lu/",
        "https://alliance.example/credentials/issuers/lu",
        "HTTPS://ALLIANCE.example:443/credentials/issuers/lu/",
        "https://alliance.example/credentials/issuers/%6cu/",
    ],
)
def test_equivalent_url_spellings_have_one_normal_form(spelling: str) -> None:
    assert normalize_identifier(spelling) == "https://alliance.example/credentials/issuers/lu"


@pytest.mark.parametrize(
    "other",
    [
        "did:web:alliance.example%3A8443:credentials:issuers:lu",
        "did:web:alliance.example:credentials:issuers:LU",
        "did:web:alliance.example:credentials:issuers",
        "https://alliance.example:8443/credentials/issuers/lu/",
        "http://alliance.example:443/credentials/issuers/lu/",
        "did:web:alliance.example%3Ax:credentials:issuers:lu",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    ],
)
def test_different_identifiers_stay_different(other: str) -> None:
    assert normalize_identifier(other) not in (
        DID,
        "https://alliance.example/credentials/issuers/lu",
    )


# --------------------------------------------------------------------------- in the verifier

SPELLINGS = [
    "did:web:Alliance.Example:credentials:issuers:lu",
    "did:web:alliance.example%3A443:credentials:issuers:lu",
    "did:web:alliance.example:credentials:issuers:%6Cu",
]


def _registered_with(did: str) -> Registry:
    """The test registry with lu's DID and key ids written as `did`."""
    data = m.registry_dict()
    lu = data["issuers"]["lu"]
    lu["did"] = did
    for key in lu["keys"]:
        key["did_url"] = f"{did}#{key['kid']}"
    return Registry.from_json(data)


def _ob3(issuer_id: str, vm: str) -> bytes:
    cred = m.ob3_credential()
    cred["issuer"]["id"] = issuer_id
    return m.dumps(m.sign_di(cred, m.keys()["lu-ed"], vm=vm))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_credential_spelling_the_registered_did_otherwise_is_lus(
    spelling: str, registry: Registry, crypto: Any
) -> None:
    report = verify(_ob3(spelling, f"{spelling}#lu-ed-1"), registry, now=m.NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_VALID"
    assert report.codes["issuer_key"] == "ISSUER_KEY_REGISTERED"
    assert report.credential is not None and report.credential["issuer"]["slug"] == "lu"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_registry_spelling_the_did_otherwise_still_finds_lu(spelling: str, crypto: Any) -> None:
    report = verify(
        _ob3(DID, f"{DID}#lu-ed-1"), _registered_with(spelling), now=m.NOW, crypto=crypto
    )
    assert report.codes["issuer_key"] == "ISSUER_KEY_REGISTERED"


def test_an_unpublished_key_under_a_respelled_did_is_refused(
    registry: Registry, crypto: Any
) -> None:
    spelling = SPELLINGS[1]
    report = verify(_ob3(spelling, f"{spelling}#not-a-key"), registry, now=m.NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_KEY_NOT_PUBLISHED"
    assert report.verdict == "invalid"


def test_a_respelled_issuer_with_another_issuers_key_is_refused(
    registry: Registry, crypto: Any
) -> None:
    jyu = "did:web:ALLIANCE.example:credentials:issuers:jyu"
    cred = m.ob3_credential()
    cred["issuer"]["id"] = SPELLINGS[0]
    report = verify(
        m.dumps(m.sign_di(cred, m.keys()["jyu-ed"], vm=f"{jyu}#jyu-ed-1")),
        registry,
        now=m.NOW,
        crypto=crypto,
    )
    assert report.codes["issuer_key"] == "ISSUER_KEY_WRONG_ISSUER"


def test_a_different_port_is_another_issuer(registry: Registry, crypto: Any) -> None:
    other = "did:web:alliance.example%3A8443:credentials:issuers:lu"
    report = verify(_ob3(other, f"{other}#lu-ed-1"), registry, now=m.NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_KEY_UNAVAILABLE"
    assert report.verdict == "unverifiable"
