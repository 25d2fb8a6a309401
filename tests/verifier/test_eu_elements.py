"""eu_elements: Annex I elements of EDCs and of Open Badges 3.0 micro-credentials."""

from __future__ import annotations

import copy
from typing import Any

from build_tools.verifier import Registry, verify

from . import _make as m

ALIGNMENTS: list[dict[str, Any]] = [
    {
        "type": ["Alignment"],
        "targetName": "EQF level 6",
        "targetUrl": "http://data.europa.eu/snb/eqf/6",
        "targetCode": "6",
        "targetType": "ext:EQFLevel",
    },
    {
        "type": ["Alignment"],
        "targetName": "project work",
        "targetUrl": "http://data.europa.eu/snb/assessment/795dac4096",
        "targetType": "ext:AssessmentType",
    },
    {
        "type": ["Alignment"],
        "targetName": "Online",
        "targetUrl": "http://data.europa.eu/snb/learning-assessment/920fbb3cbe",
        "targetType": "ext:LearningMode",
    },
    {
        "type": ["Alignment"],
        "targetName": "Institutional Quality Assurance",
        "targetUrl": "http://data.europa.eu/snb/accreditation/bb4618238e",
        "targetType": "ext:QualityAssurance",
        "targetDescription": "Quality assurance body: AIC",
    },
]


def _micro(
    alignments: list[dict[str, Any]] | None = None, *, country: bool = True
) -> dict[str, Any]:
    cred = m.ob3_credential()
    achievement = cred["credentialSubject"]["achievement"]
    achievement["achievementType"] = "MicroCredential"
    achievement["alignment"] = copy.deepcopy(ALIGNMENTS if alignments is None else alignments)
    if country:
        cred["issuer"]["address"] = {"type": ["Address"], "addressCountryCode": "LV"}
    return cred


def _eu(cred: dict[str, Any], registry: Registry, crypto: Any) -> Any:
    report = verify(m.dumps(m.sign_di(cred, m.keys()["lu-ed"])), registry, now=m.NOW, crypto=crypto)
    check = report.check("eu_elements")
    assert check is not None
    return report, check


def test_complete_ob3_micro_credential_passes(registry: Registry, crypto: Any) -> None:
    report, eu = _eu(_micro(), registry, crypto)
    assert report.verdict == "valid", report.to_dict()["checks"]
    assert (eu.status, eu.code) == ("pass", "EU_ELEMENTS_COMPLETE")
    assert "mapping: Open Badges 3.0 micro-credential" in eu.detail
    assert "type of quality assurance" in eu.detail and eu.detail.endswith("missing: none")


def test_missing_elements_are_listed_as_a_warning(registry: Registry, crypto: Any) -> None:
    alignments = [a for a in ALIGNMENTS if a["targetType"] != "ext:QualityAssurance"]
    cred = _micro(alignments, country=False)
    del cred["credentialSubject"]["achievement"]["creditsAvailable"]
    report, eu = _eu(cred, registry, crypto)
    assert (eu.status, eu.code) == ("warn", "EU_ELEMENTS_MISSING")
    assert report.verdict == "valid_with_warnings"
    assert "8 of the 11" in eu.message
    assert eu.message.endswith(
        "missing: country or region of the issuer, notional workload "
        "(ECTS), type of quality assurance."
    )
    assert "present: identification of the learner, title of the micro-credential" in eu.detail


def test_only_elm_concepts_count_for_assessment_mode_and_quality(
    registry: Registry, crypto: Any
) -> None:
    # Names alone (or a scheme URI instead of a concept) are not machine-readable elements.
    vague = [dict(a, targetUrl=a["targetUrl"].rsplit("/", 1)[0] + "/") for a in ALIGNMENTS]
    _, eu = _eu(_micro(vague), registry, crypto)
    assert eu.code == "EU_ELEMENTS_MISSING"
    for label in (
        "level (EQF)",
        "type of assessment",
        "form of participation",
        "type of quality assurance",
    ):
        assert label in eu.message


def test_other_open_badges_keep_the_skip(registry: Registry, crypto: Any) -> None:
    cred = _micro()
    cred["credentialSubject"]["achievement"]["achievementType"] = "Course"
    report, eu = _eu(cred, registry, crypto)
    assert (eu.status, eu.code) == ("skip", "EU_ELEMENTS_NOT_EDC")
    assert report.verdict == "valid"


def test_elements_added_after_signing_do_not_count(registry: Registry, crypto: Any) -> None:
    signed = m.sign_di(_micro([], country=False), m.keys()["lu-ed"])
    signed["credentialSubject"]["achievement"]["alignment"] = copy.deepcopy(ALIGNMENTS)
    report = verify(m.dumps(signed), registry, now=m.NOW, crypto=crypto)
    assert report.verdict == "invalid"
    assert report.codes["eu_elements"] == "NOT_APPLICABLE"
