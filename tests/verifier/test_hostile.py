"""Every hostile input ends in a report with its specific code, never an exception."""

from __future__ import annotations

from datetime import UTC

import pytest

from build_tools.verifier import Registry, verify

from . import _hostile
from . import _make as m
from .conftest import lists


@pytest.mark.parametrize("case", _hostile.CASES, ids=[c.name for c in _hostile.CASES])
def test_hostile_input_gives_specific_code(case: _hostile.Case, crypto: object) -> None:
    registry = Registry.from_json(m.registry_dict(), status_lists=lists(case.status_list))
    report = verify(case.make(), registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    check = report.check(case.check)
    assert check is not None, report.to_dict()
    assert (check.code, report.verdict) == (case.code, case.verdict), report.to_dict()["checks"]
    # Whatever failed, the report is complete and serialisable.
    assert report.to_dict()["verdict"] == case.verdict
    if (
        report.verdict == "invalid"
        and report.credentials is None
        and check.id in ("format", "jsonld", "signature")
    ):
        later = [
            c
            for c in report.checks
            if c.id in ("issuer_key", "validity", "revocation", "catalogue", "eu_elements")
        ]
        assert all(c.status == "skip" for c in later)


def test_presentation_mixing_valid_and_invalid(crypto: object, registry: Registry) -> None:
    report = verify(_hostile._presentation_mixed(), registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert report.format == "vp"
    assert report.verdict == "invalid"
    assert report.credentials is not None
    assert [r.verdict for r in report.credentials] == ["valid", "invalid"]
    assert report.credentials[1].codes["signature"] == "SIGNATURE_INVALID"
    shape = report.to_dict()
    assert set(shape) == {"verdict", "format", "credentials", "checks", "unsigned"}


def test_dropped_terms_would_verify_without_the_jsonld_check(
    crypto: object, registry: Registry
) -> None:
    """The signature over dropped terms is intact (they are not signed): `jsonld` catches it."""
    report = verify(_hostile._dropped_terms_after_signing(), registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert report.codes["jsonld"] == "JSONLD_DROPPED_TERM"
    assert "degreeAwarded" in report.check("jsonld").detail  # type: ignore[union-attr]
    assert report.credential is not None and report.credential["verified"] is False


def test_unsigned_wrapper_fields_are_named(crypto: object, registry: Registry) -> None:
    import json

    doc = json.loads(m.dumps(m.sign_di(m.ob3_credential(), m.keys()["lu-ed"])))
    data = json.dumps({"credential": doc, "deliveryDetails": {"deliveryAddress": "x@y"}}).encode()
    report = verify(data, registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert report.verdict == "valid"
    assert any("deliveryDetails" in u for u in report.unsigned)


def test_retired_key_before_retirement_is_accepted(crypto: object, registry: Registry) -> None:
    from datetime import datetime

    when = datetime(2026, 2, 1, tzinfo=UTC)
    doc = m.sign_di(m.ob3_credential(issued=when), m.keys()["lu-old"], created=when)
    report = verify(m.dumps(doc), registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert report.codes["issuer_key"] == "ISSUER_KEY_REGISTERED"
    assert "retired" in report.check("issuer_key").message  # type: ignore[union-attr]
    assert report.verdict == "valid"


def test_backdated_credential_with_compromised_key_still_fails(
    crypto: object, registry: Registry
) -> None:
    report = verify(_hostile._compromised(), registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert report.codes["issuer_key"] == "ISSUER_KEY_COMPROMISED"


@pytest.mark.parametrize(
    ("count", "code"), [(5, "REVOCATION_REVOKED"), (9, "REVOCATION_ENTRY_INVALID")]
)
def test_every_status_entry_counts_and_too_many_are_refused(
    count: int, code: str, crypto: object, registry: Registry
) -> None:
    """A revoked entry after other entries is found; past the limit, the entries are refused
    rather than some of them skipped."""
    cred = m.ob3_credential(status_index=42)  # 42: revoked in lu's list
    revoked = cred["credentialStatus"]
    cred["credentialStatus"] = [
        {**revoked, "id": m.status_url("lu") + f"#{i}", "statusListIndex": str(i)}
        for i in range(1, count)
    ] + [revoked]
    report = verify(m.dumps(m.sign_di(cred, m.keys()["lu-ed"])), registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert (report.codes["revocation"], report.verdict) == (code, "invalid")


def test_a_jwt_with_both_a_vc_and_a_vp_claim_is_refused(crypto: object, registry: Registry) -> None:
    key = m.keys()["lu-ed"]
    valid = m.sign_di(m.ob3_credential(status_index=7), key)
    revoked = m.sign_di(m.ob3_credential(status_index=42), key)
    vp = {"@context": [m.V2], "type": ["VerifiablePresentation"], "verifiableCredential": [revoked]}
    token = m.sign_jwt({"iss": key.did, "vc": valid, "vp": vp}, key, header={"typ": "JWT"})
    report = verify(token.encode(), registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert (report.codes["format"], report.verdict) == ("FORMAT_JWT_CLAIMS", "invalid")
