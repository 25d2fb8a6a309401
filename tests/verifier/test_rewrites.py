"""A holder owns every byte of the file: any rewrite that keeps the signed data keeps the
verdict and the facts (docs/adr/0007).

Data Integrity with RDFC-1.0 signs a credential's RDF dataset, so JSON-LD lets a holder
rewrite the JSON without breaking the signature (`_rewrites.py` lists the rewrites). The
checks read the signed data in its canonical compact form, so a revoked credential stays
revoked and an expired one expired, however it is written. The named attacks are also in the
parity corpus (tests/vectors/corpus/rewritten/), which the browser verifier replays.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from build_tools.verifier import Registry, Report, verify
from build_tools.verifier.jsonld import JsonLdStrictError, canonize

from . import _make as m
from . import _rewrites as rw
from .conftest import VECTORS

OK = ("valid", "valid_with_warnings")


SAMPLES = rw.samples()


def _report(doc: dict[str, Any], registry: Any, crypto: Any) -> Report:
    return verify(rw.dumps(doc), registry, now=m.NOW, crypto=crypto)


def _facts(report: Report) -> dict[str, Any]:
    """What must not change: verdict, each check's outcome and code, what the report says
    the credential is (details may name the rewrite and are left out)."""
    return {
        "verdict": report.verdict,
        "checks": [(c.id, c.status, c.code) for c in report.checks],
        "credential": report.credential,
        "credentials": [_facts(r) for r in report.credentials or []],
    }


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _refused(report: Report) -> bool:
    return report.verdict == "invalid" and any(
        c.status == "fail"
        and (c.code == "JSONLD_NOT_COMPACT" or (c.id == "format" and c.code.startswith("FORMAT_")))
        for c in report.checks
    )


def _signed_data(doc: dict[str, Any]) -> tuple[str, ...] | None:
    """What the signatures cover, computed as the verifier does (None if not well defined)."""
    try:
        unsecured = {k: v for k, v in doc.items() if k != "proof"}
        out = [canonize(unsecured)]
        for proof in doc.get("proof") if isinstance(doc.get("proof"), list) else [doc["proof"]]:
            config = {k: v for k, v in proof.items() if k != "proofValue"}
            if "@context" in proof:  # Data Integrity §4.3: a prefix of the document's
                contexts, own = _listed(doc.get("@context")), _listed(proof["@context"])
                if contexts[: len(own)] != own:
                    return None
            config["@context"] = doc.get("@context")
            out.append(canonize(config))
        return tuple(out)
    except (JsonLdStrictError, KeyError, TypeError, AttributeError):
        return None


# --------------------------------------------------------------------------- named attacks


@pytest.mark.parametrize(
    ("sample", "steps", "expected"), [a[1:] for a in rw.ATTACKS], ids=[a[0] for a in rw.ATTACKS]
)
def test_a_named_rewrite_keeps_the_verdict(
    sample: str,
    steps: list[tuple[str, tuple[Any, ...], str]],
    expected: tuple[str, str],
    registry: Any,
    crypto: Any,
) -> None:
    original = SAMPLES[sample]
    rewritten = original
    for kind, path, key in steps:
        rewritten = rw.rewrite(rewritten, kind, path, key)
    assert rewritten != original
    assert _signed_data(rewritten) == _signed_data(original), "the rewrite must keep the data"
    before, after = _report(original, registry, crypto), _report(rewritten, registry, crypto)
    assert after.codes[expected[0]] == expected[1]
    if expected[1] == "JSONLD_NOT_COMPACT":
        assert after.verdict == "invalid"
    else:
        assert _facts(after) == _facts(before)


def test_the_report_says_the_file_was_read_as_signed(registry: Any, crypto: Any) -> None:
    rewritten = rw.rewrite(SAMPLES["revoked"], "nest", (), "credentialStatus")
    report = _report(rewritten, registry, crypto)
    signature = next(c for c in report.checks if c.id == "signature")
    assert "read as signed" in signature.detail and "@nest" in signature.detail
    plain = _report(SAMPLES["revoked"], registry, crypto)
    assert "read as signed" not in next(c for c in plain.checks if c.id == "signature").detail


# --------------------------------------------------------------------------- presentations


def _presentation(credential: dict[str, Any], holder_key: Any) -> dict[str, Any]:
    vp = {
        "@context": [m.V2],
        "type": ["VerifiablePresentation"],
        "holder": holder_key.vm.split("#")[0],
        "verifiableCredential": [credential],
    }
    return m.sign_di(vp, holder_key, purpose="authentication")


def test_a_rewritten_credential_in_a_presentation_stays_revoked(registry: Any, crypto: Any) -> None:
    holder = m.keys()["jyu-ed"]
    hidden = rw.rewrite(SAMPLES["revoked"], "nest", (), "credentialStatus")
    report = _report(_presentation(hidden, holder), registry, crypto)
    assert report.verdict == "invalid"
    assert report.credentials[0].codes["revocation"] == "REVOCATION_REVOKED"


def test_a_signed_presentation_cannot_hide_a_credential_it_signed(
    registry: Any, crypto: Any
) -> None:
    holder = m.keys()["jyu-ed"]
    vp = _presentation(SAMPLES["valid"], holder)
    vp.pop("proof")
    vp["verifiableCredential"].append(SAMPLES["revoked"])
    vp = m.sign_di(vp, holder, purpose="authentication")
    shown, revoked = vp["verifiableCredential"]
    iri = "https://www.w3.org/2018/credentials#verifiableCredential"
    unsigned = {k: v for k, v in vp.items() if k != "proof"}
    unsigned["verifiableCredential"] = [shown]
    hidden = {
        "nest": {**unsigned, "@nest": {"verifiableCredential": revoked}},
        "full IRI": {**unsigned, iri: {"@graph": revoked}},
        "alias": {
            **unsigned,
            "@context": [m.V2, {"vcs": {"@id": iri, "@type": "@id", "@container": "@graph"}}],
            "vcs": revoked,
        },
    }
    assert _report(vp, registry, crypto).verdict == "invalid"
    for name, doc in hidden.items():
        doc["proof"] = vp["proof"]
        assert _signed_data(doc)[0] == _signed_data(vp)[0], name
        report = _report(doc, registry, crypto)
        assert report.verdict == "invalid", name
        assert "JSONLD_NOT_COMPACT" in report.codes.values(), name


# --------------------------------------------------------------------------- the property

_VECTOR_FILES = [
    "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
    "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json",
    "w3c-vc-di-eddsa/proof-set-chain/signedProofChain2.json",
    "w3c-vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
]


def _corpus() -> dict[str, dict[str, Any]]:
    out = dict(SAMPLES)
    for rel in _VECTOR_FILES:
        path = VECTORS / rel
        out[rel] = json.loads(path.read_text("utf-8"))
    return out


CORPUS = _corpus()


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(CORPUS)),
    steps=st.lists(
        st.tuples(st.sampled_from(rw.KINDS), st.integers(0, 10_000)), min_size=1, max_size=3
    ),
)
def test_any_rewrite_that_keeps_the_signed_data_keeps_the_verdict(
    name: str, steps: list[tuple[str, int]], registry: Any, crypto: Any
) -> None:
    original = CORPUS[name]
    doc = original
    for kind, pick in steps:
        # The proof value is the signature itself, not signed data: not rewritten.
        places = [(p, k) for p, k in rw.targets(doc) if k != "proofValue"]
        path, key = places[pick % len(places)]
        try:
            doc = rw.rewrite(doc, kind, path, key, seed=pick)
        except rw.NotApplicable:
            continue
    assume(doc != original)
    before, after = _report(original, registry, crypto), _report(doc, registry, crypto)
    if _signed_data(doc) == _signed_data(original):
        # The same facts, or refused before any fact is read: as rewritten (a shape that
        # splits the facts up), or as not a credential at all (a required key not where the
        # data model puts it).
        assert _refused(after) or _facts(after) == _facts(before)
    else:
        # What the signatures cover changed: the signature cannot hold.
        assert after.verdict not in OK


# --------------------------------------------------------------------------- status list URLs


def test_a_status_list_url_is_found_however_the_registry_spells_it(crypto: Any) -> None:
    url = m.status_url("lu")
    respelled = url.replace("https://alliance.example/", "https://Alliance.EXAMPLE:443/./")
    lists = {respelled: m.dumps(m.status_list(revoked=(42,)))}
    registry = Registry.from_json(m.registry_dict(), status_lists=lists)
    report = _report(SAMPLES["revoked"], registry, crypto)
    assert report.codes["revocation"] == "REVOCATION_REVOKED"


def test_revocation_that_cannot_be_checked_is_never_a_silent_pass(crypto: Any) -> None:
    registry = Registry.from_json(m.registry_dict(), status_lists={})
    report = _report(SAMPLES["valid"], registry, crypto)
    assert report.codes["revocation"] == "REVOCATION_NOT_CHECKED"
    assert report.verdict == "valid_with_warnings"
    unknown = copy.deepcopy(SAMPLES["valid"])
    unknown["credentialStatus"] = {
        "id": m.status_url("lu") + "#7",
        "type": "https://status.example/v#Entry",
    }
    signed = m.sign_di({k: v for k, v in unknown.items() if k != "proof"}, m.keys()["lu-ed"])
    report = _report(signed, Registry.from_json(m.registry_dict()), crypto)
    assert report.codes["revocation"] == "REVOCATION_UNSUPPORTED"
    assert report.verdict == "valid_with_warnings"


def test_a_proof_chain_whose_previous_proof_is_written_as_a_full_iri_still_verifies(
    registry: Any, crypto: Any
) -> None:
    # The chain (Data Integrity §4.5) is read as signed, like every other proof field.
    original = CORPUS["w3c-vc-di-eddsa/proof-set-chain/signedProofChain2.json"]
    index = next(i for i, p in enumerate(original["proof"]) if "previousProof" in p)
    rewritten = rw.rewrite(original, "full_iri", ("proof", index), "previousProof")
    assert _signed_data(rewritten) == _signed_data(original)
    assert _facts(_report(rewritten, registry, crypto)) == _facts(
        _report(original, registry, crypto)
    )
