"""A forged credential never borrows a registered issuer's name, and keys of small order are
refused whatever their source."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import pytest

from build_tools.verifier import Registry, verify
from build_tools.verifier.codec import ED25519_SMALL_ORDER, b58encode, b64url_encode

from . import _hostile
from . import _make as m


def _result(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """The value of a coroutine of the CPython crypto backend, which never suspends (the same
    way `verify` drives the engine; no event loop, which Playwright may hold in this thread)."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the CPython backend suspended")


def test_an_unregistered_seal_is_reported_as_unregistered(registry: Registry, crypto: Any) -> None:
    report = verify(_hostile._self_signed_x5c(), registry, now=m.NOW, crypto=crypto)
    check = report.check("issuer_key")
    assert check is not None and check.code == "ISSUER_NOT_IN_REGISTRY"
    assert "not one of FORTHEM's universities" in check.message
    assert 'issued to "CN=Stranger seal,O=Elsewhere Ltd,C=EE", is self-signed' in check.message
    assert report.credential is not None
    issuer = report.credential["issuer"]
    assert issuer["from_registry"] is False and issuer["name"] is None
    assert issuer["unverified_certificate_subject"] == "CN=Stranger seal,O=Elsewhere Ltd,C=EE"
    assert issuer["certificate"]["self_signed"] is True
    assert "certificate_subject" not in issuer


@pytest.mark.parametrize(
    ("make", "where"),
    [
        (_hostile._certificate_impersonation, "The signing certificate"),
        (_hostile._name_impersonation, "The credential"),
    ],
)
def test_a_registered_name_with_an_unregistered_key_is_an_impersonation(
    make: Any, where: str, registry: Registry, crypto: Any
) -> None:
    report = verify(make(), registry, now=m.NOW, crypto=crypto)
    check = report.check("issuer_key")
    assert check is not None
    assert (check.status, check.code) == ("fail", "ISSUER_IMPERSONATION")
    assert check.message.startswith(f"{where} claims to be from University of Latvia")
    assert report.verdict == "invalid"
    assert report.credential is not None
    assert report.credential["issuer"]["name"] is None
    assert report.credential["issuer"]["from_registry"] is False


def test_a_registered_identifier_in_the_issuer_object_is_an_impersonation(
    registry: Registry, crypto: Any
) -> None:
    data = m.registry_dict()
    data["issuers"]["lu"]["identifiers"]["erasmus"] = "LV RIGA01"
    registry = Registry.from_json(data)
    cred = _hostile._elsewhere()
    cred["issuer"]["eIDASIdentifier"]["notation"] = "lv  riga01"
    report = verify(m.sign_jades(cred, m.stranger("RSA")), registry, now=m.NOW, crypto=crypto)
    assert report.codes["issuer_key"] == "ISSUER_IMPERSONATION"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("University of Latvia", "ISSUER_IMPERSONATION"),
        ("Someone Else", "ISSUER_NOT_IN_REGISTRY"),
        # Names that read as a registered one: a Cyrillic letter, an invisible character, a
        # fullwidth letter, a Greek capital, no accents.
        ("Universit\u0443 of L\u0430tvia", "ISSUER_IMPERSONATION"),
        ("Univer\u200bsity of Latvia", "ISSUER_IMPERSONATION"),
        ("\uff35niversity of Latvia", "ISSUER_IMPERSONATION"),
        ("UN\u0399VERSITY \u039fF LATVIA", "ISSUER_IMPERSONATION"),
        ("\u039cIT University of Latvia", "ISSUER_NOT_IN_REGISTRY"),
        ("University of Jyvaskyla", "ISSUER_IMPERSONATION"),
    ],
)
def test_an_unregistered_ob3_issuer_is_judged_by_the_name_it_claims(
    name: str, code: str, registry: Registry, crypto: Any
) -> None:
    stranger = m.stranger()
    did = m.did_key(stranger)
    cred = m.ob3_credential()
    cred["issuer"]["id"] = did
    cred["issuer"]["name"] = name
    doc = m.sign_di(cred, stranger, vm=f"{did}#{did[8:]}")
    report = verify(m.dumps(doc), registry, now=m.NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_VALID"
    assert report.codes["issuer_key"] == code
    assert report.credential is not None and report.credential["issuer"]["name"] is None


# --------------------------------------------------------------------------- small order


@pytest.mark.parametrize("point", sorted(ED25519_SMALL_ORDER), ids=lambda p: p.hex()[:8])
def test_a_registered_key_of_small_order_is_refused(
    point: bytes, registry: Registry, crypto: Any
) -> None:
    data = m.registry_dict()
    entry = data["issuers"]["lu"]["keys"][0]
    assert entry["jwk"]["crv"] == "Ed25519"
    entry["jwk"] = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(point)}
    entry["thumbprint"] = None
    doc = m.sign_di(m.ob3_credential(), m.keys()["lu-ed"])
    report = verify(m.dumps(doc), Registry.from_json(data), now=m.NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_KEY_SMALL_ORDER"
    assert report.verdict == "invalid"


def test_the_identity_key_would_accept_a_forgery_and_is_refused(crypto: Any) -> None:
    """With the identity point as public key, R = identity and S = 0 "verify" any message
    (cofactorless check, as OpenSSL does it); the verifier refuses the key before that."""
    identity = bytes.fromhex("01" + "00" * 31)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(identity)}
    forged = identity + bytes(32)

    assert _result(
        crypto.verify_signature(jwk=jwk, alg="EdDSA", message=b"anything", signature=forged)
    )
    did = "did:key:z" + b58encode(b"\xed\x01" + identity)
    doc = m.ob3_credential()
    doc["issuer"]["id"] = did
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-06-01T00:00:00Z",
        "verificationMethod": f"{did}#{did[8:]}",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + b58encode(forged),
    }
    report = verify(m.dumps(doc), Registry.empty(), now=m.NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_KEY_SMALL_ORDER"
    assert report.verdict == "invalid"
