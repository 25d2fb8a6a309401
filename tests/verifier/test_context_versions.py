"""A context URL that served several documents: every bundled version is pinned, and a Data
Integrity signature is checked under each (ADR 0010)."""

from __future__ import annotations

import copy
import hashlib
from importlib import resources
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from build_tools.verifier import Registry, Report, Status, Verdict, verify
from build_tools.verifier import jsonld as _contexts
from build_tools.verifier.crypto_cpython import CPythonCrypto
from build_tools.verifier.jsonld import ContextVersion, JsonLdStrictError, canonize

from ._make import NOW, Key, did_key, dumps, sign_di, sign_ld_jws

OB = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
VERSIONS = _contexts.CONTEXT_VERSIONS[OB]
NEWEST, DRAFT = VERSIONS
DI_CONTEXT = "https://w3id.org/security/data-integrity/v2"


class _DidKeyed(Key):
    """A fresh key that signs as its own did:key."""

    @property
    def vm(self) -> str:
        did = did_key(self)
        return f"{did}#{did.removeprefix('did:key:')}"


def _fresh_key() -> Key:
    return _DidKeyed("test", "k-1", "Ed25519", Ed25519PrivateKey.generate())


def _credential(did: str, **extra: Any) -> dict[str, Any]:
    """An OB credential using only terms both bundled versions define (at the credential's own
    level): `narrative` maps to a different IRI in each."""
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", OB],
        "id": "urn:uuid:2f0e9a51-5b0c-4cf1-9d0b-3b1c1e0ad001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "name": "Context version test",
        "narrative": "Signed under one published version of the context.",
        "credentialSubject": {"id": "did:example:learner", "type": "https://schema.org/Person"},
        **extra,
    }


def _sign_under(
    doc: dict[str, Any], version: ContextVersion, key: Key, suite: str = "di"
) -> dict[str, Any]:
    """`doc` signed as an issuer did whose loader served `version` at the URL."""
    if suite == "di":
        doc = {**doc, "@context": [*doc["@context"], DI_CONTEXT]}
    with _contexts.under_version(doc, (version,)) as read:
        signed = sign_di(read, key) if suite == "di" else sign_ld_jws(read, key, proof_type=suite)
    out: dict[str, Any] = _contexts.published(signed)
    return out


def _check(doc: dict[str, Any]) -> Report:
    return verify(dumps(doc), Registry.empty(), now=NOW, crypto=CPythonCrypto())


def _signature(report: Report) -> Any:
    return next(c for c in report.checks if c.id.value == "signature")


@pytest.mark.parametrize("version", VERSIONS, ids=[v.file for v in VERSIONS])
def test_each_version_file_is_pinned(version: ContextVersion) -> None:
    folder = resources.files("build_tools.verifier._internal.jsonld") / "contexts"
    raw = (folder / version.file).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == version.pin
    assert version.url == OB and version.key != OB


def test_the_url_reads_as_the_newest_version() -> None:
    assert _contexts.CONTEXTS[OB] == (NEWEST.file, NEWEST.pin)


def test_version_keys_are_refused_in_a_credential() -> None:
    """Only the signature check reads a document under a version key; a credential naming one
    uses an unknown context."""
    key = _fresh_key()
    doc = _credential(did_key(key))
    doc["@context"][1] = DRAFT.key
    with pytest.raises(JsonLdStrictError) as err:
        canonize(doc)
    assert err.value.code == "JSONLD_UNKNOWN_CONTEXT"


@pytest.mark.parametrize("version", VERSIONS, ids=[v.file for v in VERSIONS])
@pytest.mark.parametrize("suite", ["di", "Ed25519Signature2018"])
def test_signed_under_a_version_verifies_and_names_it(version: ContextVersion, suite: str) -> None:
    key = _fresh_key()
    signed = _sign_under(_credential(did_key(key)), version, key, suite)
    assert signed["@context"][1] == OB and _contexts.published(signed) == signed
    report = _check(signed)
    check = _signature(report)
    assert check.code == "SIGNATURE_VALID", check.detail
    assert f"{OB} read as {version.name}" in check.detail
    assert report.verdict in (Verdict.VALID, Verdict.VALID_WITH_WARNINGS)


def test_the_versions_read_the_credential_differently() -> None:
    """Otherwise the test above would not show which version verified."""
    doc = _credential("did:example:issuer")
    read = []
    for version in VERSIONS:
        with _contexts.under_version(doc, (version,)) as under:
            read.append(canonize(under))
    assert read[0] != read[1]


# Single-value changes a forger might make, each to signed content.
CHANGES: list[tuple[str, Any]] = [
    ("name", "Context version test!"),
    ("narrative", "Signed under another version."),
    ("issuanceDate", "2026-01-02T00:00:00Z"),
    ("id", "urn:uuid:2f0e9a51-5b0c-4cf1-9d0b-3b1c1e0ad002"),
    ("credentialSubject", {"id": "did:example:someone-else", "type": "https://schema.org/Person"}),
]


@pytest.mark.parametrize("version", VERSIONS, ids=[v.file for v in VERSIONS])
@pytest.mark.parametrize("field,value", CHANGES, ids=[c[0] for c in CHANGES])
def test_any_single_change_fails_under_every_version(
    version: ContextVersion, field: str, value: Any
) -> None:
    key = _fresh_key()
    signed = _sign_under(_credential(did_key(key)), version, key)
    tampered = copy.deepcopy(signed)
    tampered[field] = value
    report = _check(tampered)
    check = _signature(report)
    assert report.verdict == Verdict.INVALID
    assert check.status == Status.FAIL and check.code == "SIGNATURE_INVALID"
    assert f"any of {len(VERSIONS)} versions of {OB}" in check.detail
    assert f"none of the {len(VERSIONS)} published versions" in check.message
    assert "a version of the vocabulary this verifier does not know" in check.message


def test_a_single_version_credential_names_no_version() -> None:
    key = _fresh_key()
    doc = _credential(did_key(key))
    doc["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    doc.pop("narrative")
    doc["type"] = ["VerifiableCredential"]
    doc["validFrom"] = doc.pop("issuanceDate")
    check = _signature(_check(sign_di(doc, key)))
    assert check.code == "SIGNATURE_VALID" and "read as" not in check.detail


def test_readings_are_capped() -> None:
    assert _contexts.readings({"@context": ["https://www.w3.org/ns/credentials/v2"]}) == [()]
    assert len(_contexts.readings(_credential("did:example:x"))) == len(VERSIONS)
    assert len(VERSIONS) <= _contexts.MAX_CONTEXT_READINGS


def test_the_plugfest_2_context_has_the_final_versions_content() -> None:
    """The JFF plugfest-2 context is bundled at its own URL; its terms are those of the Open
    Badges 3.0 final document, so it adds no reading of the unversioned URL (contexts/README.md)."""
    plugfest_2 = (
        "https://w3c-ccg.github.io/vc-ed/plugfest-2-2022/jff-vc-edu-plugfest-2-context.json"
    )
    assert _contexts.bundled_context(plugfest_2) == _contexts.bundled_context(OB)
    assert plugfest_2 not in _contexts.CONTEXT_VERSIONS
