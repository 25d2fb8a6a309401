"""Open Badges 3.0: 1EdTech JSON Schema, strict JSON-LD, eddsa-rdfc-2022, round trip."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import random
from typing import Any

import jsonschema
import pytest

from build_tools.issuing._common import IssuingError
from build_tools.issuing.issue import issue_credentials, list_signer, signing_key_for
from build_tools.issuing.keys import load_private_key
from build_tools.issuing.learners import Learner, check_award
from build_tools.issuing.statuslist import StatusStore
from build_tools.verifier.jsonld import expand_strict

from ._world import ISSUED, NOW, VECTORS, IssuingWorld, failing, verify_report

LEARNER = Learner(
    "Anna",
    "Bērziņa",
    dt.date(2026, 6, 30),
    dt.date(2001, 3, 14),
    "Student ID",
    "AA-0001",
    "Anna@Example.org",
    "9",
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft201909Validator:
    schema = json.loads((VECTORS / "issuing/openbadges/achievementcredential.json").read_text())
    return jsonschema.Draft201909Validator(schema)


def _issue(
    world: IssuingWorld,
    offer: str = "aa-one",
    learner: Learner = LEARNER,
    key: str = "aa-eddsa",
    store: bool = True,
    seed: int = 9,
    **kwargs: Any,
) -> Any:
    catalogue = world.load()
    signing = signing_key_for(catalogue, load_private_key(world.key(key)), at=ISSUED)
    status = (
        StatusStore(
            world.catalogue_dir,
            slug=signing.issuer.slug,
            site_url=catalogue.alliance.site_url,
            issuer_did=signing.verification_method.split("#")[0],
        )
        if store
        else None
    )
    items = issue_credentials(
        catalogue,
        catalogue.offers[offer],
        [learner],
        signing,
        fmt="ob3",
        issued=ISSUED,
        store=status,
        rng=random.Random(seed),
        now=NOW,
        **kwargs,
    )
    if status is not None:
        status.save(list_signer(signing), now=ISSUED)
    return items[0]


@pytest.mark.parametrize("offer", ["aa-one", "aa-passfail", "bb-joint"])
def test_ob3_validates_against_the_1edtech_schema(
    world: IssuingWorld, offer: str, validator: Any
) -> None:
    learner = (
        LEARNER
        if offer != "aa-passfail"
        else Learner("Jānis", "Ozols", dt.date(2026, 6, 30), dt.date(2000, 1, 1))
    )
    item = _issue(world, offer, learner)
    errors = [
        f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(item.document)
    ]
    assert errors == []
    expand_strict(item.document)  # every term defined by the bundled, pinned contexts


def test_the_schema_does_reject_a_broken_badge(world: IssuingWorld, validator: Any) -> None:
    document = copy.deepcopy(_issue(world).document)
    del document["validFrom"]
    document["credentialSubject"]["achievement"]["achievementType"] = "Micro Credential"
    messages = " ".join(e.message for e in validator.iter_errors(document))
    assert "validFrom" in messages and "Micro Credential" in messages


def test_ob3_content(world: IssuingWorld) -> None:
    item = _issue(world)
    doc = item.document
    assert doc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["issuer"]["id"] == "did:web:example.org:credentials:issuers:aa"
    assert doc["validFrom"] == "2026-10-01T09:00:00Z"
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["id"] == "https://example.org/credentials/offers/aa-one/"
    assert achievement["creditsAvailable"] == 3
    assert doc["credentialSubject"]["creditsEarned"] == 3
    assert "0613" in {a["targetCode"] for a in achievement["alignment"]}
    assert achievement["fieldOfStudy"]
    esco = [a for a in achievement["alignment"] if a["targetFramework"] == "ESCO"]
    assert esco[0]["targetUrl"].startswith("http://data.europa.eu/esco/skill/")
    eqf = [a for a in achievement["alignment"] if a["targetType"] == "ext:EQFLevel"]
    assert eqf[0]["targetUrl"] == "http://data.europa.eu/snb/eqf/6"
    # Annex I elements OB 3.0 has no property for: alignments to the ELM vocabularies.
    by_type: dict[str, list[dict[str, Any]]] = {}
    for align in achievement["alignment"]:
        by_type.setdefault(align["targetType"], []).append(align)
    assert [(a["targetCode"], a["targetUrl"]) for a in by_type["ext:AssessmentType"]] == [
        ("project-work", "http://data.europa.eu/snb/assessment/795dac4096"),
        ("written-exam", "http://data.europa.eu/snb/assessment/6e6cb2cc78"),
    ]
    assert [(a["targetCode"], a["targetUrl"]) for a in by_type["ext:LearningMode"]] == [
        ("online", "http://data.europa.eu/snb/learning-assessment/920fbb3cbe")
    ]
    [qa] = by_type["ext:QualityAssurance"]
    assert (qa["targetCode"], qa["targetUrl"]) == (
        "institutional-qa",
        "http://data.europa.eu/snb/accreditation/bb4618238e",
    )
    assert qa["targetName"] == "Institutional Quality Assurance"
    assert qa["targetDescription"] == "Quality assurance body: Test Quality Agency"
    assert doc["credentialSubject"]["result"] == [
        {
            "type": ["Result"],
            "resultDescription": achievement["resultDescription"][0]["id"],
            "value": "9",
        }
    ]
    identity = {i["identityType"]: i for i in doc["credentialSubject"]["identifier"]}
    assert identity["name"]["identityHash"] == "Anna Bērziņa"
    assert identity["ext:StudentID"]["identityHash"] == "AA-0001"
    dob = identity["ext:DateOfBirth"]
    assert (
        dob["hashed"]
        and dob["identityHash"]
        == "sha256$" + hashlib.sha256(("2001-03-14" + dob["salt"]).encode()).hexdigest()
    )
    assert "2001-03-14" not in json.dumps(doc)
    assert identity["emailAddress"]["hashed"]
    proof = doc["proof"][0]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert (
        proof["verificationMethod"] == "did:web:example.org:credentials:issuers:aa#aa-2026-eddsa-1"
    )
    assert proof["proofPurpose"] == "assertionMethod"
    assert doc["credentialStatus"]["type"] == "BitstringStatusListEntry"


def test_pass_fail_offers_have_no_result(world: IssuingWorld) -> None:
    item = _issue(
        world, "aa-passfail", Learner("J", "O", dt.date(2026, 6, 30), dt.date(2000, 1, 1))
    )
    assert "result" not in item.document["credentialSubject"]
    assert "resultDescription" not in item.document["credentialSubject"]["achievement"]


def test_ob3_needs_an_eddsa_key(world: IssuingWorld) -> None:
    with pytest.raises(IssuingError) as info:
        _issue(world, key="aa-es256")
    assert info.value.code == "OB3_NEEDS_EDDSA"


def test_graded_offers_need_a_grade(world: IssuingWorld) -> None:
    learner = Learner(
        "No", "Grade", dt.date(2026, 6, 30), dt.date(2000, 1, 1), file="l.csv", line=3
    )
    with pytest.raises(IssuingError) as info:
        _issue(world, learner=learner)
    assert info.value.code == "LEARNER_GRADE_MISSING" and info.value.line == 3


def test_a_missing_grade_reads_the_same_in_a_batch_and_in_one_credential(
    world: IssuingWorld,
) -> None:
    """The batch check before issuing and the check of each credential built are one rule
    (they used to word it differently)."""
    catalogue = world.load()
    offer = catalogue.offers["aa-one"]
    learner = Learner(
        "No", "Grade", dt.date(2026, 6, 30), dt.date(2000, 1, 1), file="l.csv", line=3
    )
    with pytest.raises(IssuingError) as batch:
        _issue(world, learner=learner)
    with pytest.raises(IssuingError) as single:
        check_award(offer, catalogue.issuers["aa"], learner)
    assert (single.value.code, str(single.value), single.value.hint) == (
        batch.value.code,
        str(batch.value),
        batch.value.hint,
    )
    assert single.value.message == "The offer is graded, but this learner has no grade."


def test_only_awarding_bodies_may_issue(world: IssuingWorld) -> None:
    with pytest.raises(IssuingError) as info:
        _issue(world, offer="aa-one", key="bb-eddsa")
    assert info.value.code == "ISSUER_NOT_AWARDING_BODY"


def test_round_trip_valid_with_the_project_verifier(world: IssuingWorld) -> None:
    item = _issue(world)
    catalogue = world.load()
    report = verify_report(catalogue, item.content)
    assert report["format"] == "vc-di-eddsa-rdfc-2022"
    assert report["verdict"] == "valid", failing(report)
    eu = next(c for c in report["checks"] if c["id"] == "eu_elements")
    assert (eu["status"], eu["code"]) == ("pass", "EU_ELEMENTS_COMPLETE"), eu


def test_joint_offer_issued_by_the_second_awarding_body(world: IssuingWorld) -> None:
    item = _issue(world, "bb-joint", key="aa-eddsa")
    report = verify_report(world.load(), item.content)
    assert report["verdict"] == "valid", failing(report)


def test_round_trip_tampered_expired_and_suspended(world: IssuingWorld) -> None:
    item = _issue(world, valid_until=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    report = verify_report(world.load(), item.content)
    assert report["verdict"] == "invalid" and "validity:fail:VALIDITY_EXPIRED" in failing(report)

    with pytest.raises(IssuingError) as reused:  # same seed: same credential id
        _issue(world, status_purpose="suspension")
    assert reused.value.code == "CREDENTIAL_ID_REUSED"
    fresh = _issue(world, status_purpose="suspension", seed=10)
    assert fresh.document["credentialStatus"]["statusPurpose"] == "suspension"
    tampered = copy.deepcopy(fresh.document)
    tampered["credentialSubject"]["result"][0]["value"] = "10"
    report = verify_report(world.load(), json.dumps(tampered).encode())
    assert report["verdict"] == "invalid"
    assert "signature:fail:SIGNATURE_INVALID" in failing(report)

    args = [
        "--issuer",
        "aa",
        "--credential",
        fresh.credential_id,
        "--key",
        str(world.key("aa-eddsa")),
        "--catalogue",
        str(world.catalogue_dir),
    ]
    assert world.cli("status", "revoke", *args) == 1  # a suspension entry cannot be revoked
    assert world.cli("status", "suspend", *args) == 0
    report = verify_report(world.load(), fresh.content)
    assert report["verdict"] == "invalid", failing(report)
    assert world.cli("status", "unsuspend", *args) == 0
    report = verify_report(world.load(), fresh.content)
    assert report["verdict"] == "valid", failing(report)
