"""Open Badges 3.0 credentials (W3C VC Data Model 2.0) from offer + learner.

`OpenBadgeCredential` with the OB 3.0.3 context; the achievement is the offer
(`achievement.id = {site_url}offers/<id>/`, docs/interfaces.md) with ECTS as `creditsAvailable`,
ISCED-F fields as `fieldOfStudy`, ESCO skills, the EQF level and ISCED fields as alignments,
the assessment types, mode of learning and quality assurance type as alignments to the ELM
vocabularies (so that all 11 Annex I mandatory elements are machine-readable), and a result
when the offer is graded. The issuer is the university's did:web; the proof is a
Data Integrity `eddsa-rdfc-2022` proof (dataintegrity.py), the only Linked Data proof 1EdTech
certifies (OB 3.0 Issuer certification guide). The credential validates against the 1EdTech
OB 3.0 AchievementCredential JSON Schema (tests/issuing/test_ob3.py).

The learner: OB 3.0 has no name property on the subject, so the learner is identified by
`IdentityObject`s: the name in plain text (it is shown to employers), the institution's
identifier in plain text, and the date of birth and e-mail address as salted SHA-256 hashes
(an employer who knows them can confirm them; nobody else learns them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from build_tools.catalogue import vocab
from build_tools.catalogue.model import Catalogue, Issuer, Offer, english

from ._common import format_utc
from .keys import issuer_did
from .learners import Learner, check_award
from .statuslist import StatusEntry

__all__ = ["Ob3Input", "build_ob3", "issuer_profile"]

CONTEXT_VC2 = "https://www.w3.org/ns/credentials/v2"
CONTEXT_OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@dataclass(frozen=True, slots=True)
class Ob3Input:
    catalogue: Catalogue
    offer: Offer
    learner: Learner
    issuer: Issuer
    credential_uuid: str
    issued: dt.datetime
    valid_until: dt.datetime | None = None
    status: StatusEntry | None = None
    salt: str = ""  # for the hashed identifiers; random when empty


def issuer_profile(catalogue: Catalogue, issuer: Issuer) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "id": issuer_did(catalogue.alliance.site_url, issuer.slug),
        "type": ["Profile"],
        "name": issuer.name,
    }
    if issuer.homepage:
        profile["url"] = issuer.homepage
    address: dict[str, Any] = {"type": ["Address"], "addressCountryCode": issuer.country}
    with contextlib.suppress(KeyError):
        address["addressCountry"] = vocab.label("country", issuer.country)
    if issuer.city:
        address["addressLocality"] = issuer.city
    profile["address"] = address
    others = []
    for value, kind in (
        (issuer.erasmus_code, "ext:ErasmusCode"),
        (issuer.schac, "ext:SCHAC"),
        (issuer.deqar_id, "ext:DEQAR"),
    ):
        if value:
            others.append({"type": "IdentifierEntry", "identifier": value, "identifierType": kind})
    if others:
        profile["otherIdentifier"] = others
    return profile


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _ext(text: str) -> str:
    """An OB extension vocabulary value: `ext:` + letters and digits of `text`."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "ext:" + ("".join(w[:1].upper() + w[1:] for w in words) or "Identifier")


def _hashed(kind: str, value: str, salt: str) -> dict[str, Any]:
    digest = hashlib.sha256((value + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": kind,
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def _criteria(catalogue: Catalogue, offer: Offer) -> str:
    lines = ["Learning outcomes:"]
    lines += [f"- {english(outcome)}" for outcome in offer.learning_outcomes]
    types = [
        vocab.label("assessment", t).lower()
        for t in offer.assessment.types
        if vocab.is_code("assessment", t)
    ]
    if types:
        lines += ["", "Assessment: " + ", ".join(types) + "."]
    if len(offer.awarding_bodies) > 1:
        names = [catalogue.issuers[s].name for s in offer.awarding_bodies if s in catalogue.issuers]
        lines += ["", "Awarded jointly by " + ", ".join(names) + "."]
    return "\n".join(lines)


def _alignment(name: str, url: str | None, framework: str, code: str, kind: str) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": url,
        "targetFramework": framework,
        "targetCode": code,
        "targetType": kind,
    }


def _vocab_alignment(
    scheme: str, code: str, framework: str, target_type: str
) -> dict[str, Any] | None:
    """An alignment to an ELM vocabulary concept (None for unknown codes or no URI)."""
    if not vocab.is_code(scheme, code):
        return None
    concept_uri = vocab.uri(scheme, code)
    if not concept_uri:
        return None
    return _alignment(vocab.label(scheme, code), concept_uri, framework, code, target_type)


def _annex_i_alignments(catalogue: Catalogue, offer: Offer) -> list[dict[str, Any]]:
    """Annex I elements OB 3.0 has no property for, as alignments to the ELM vocabularies.

    Type of assessment (one per assessment type), form of participation (the mode of learning
    and assessment) and type of quality assurance (with the agency in `targetDescription`).
    The verifier's `eu_elements` check recognises them by their concept URIs.
    """
    out: list[dict[str, Any]] = []
    for code in offer.assessment.types:
        item = _vocab_alignment("assessment", code, "ELM assessment types", "ext:AssessmentType")
        if item:
            out.append(item)
    item = _vocab_alignment(
        "mode", offer.mode, "ELM modes of learning and assessment", "ext:LearningMode"
    )
    if item:
        out.append(item)
    qa = catalogue.qa_of(offer)
    if qa is not None:
        item = _vocab_alignment(
            "accreditation", qa.type, "ELM quality assurance types", "ext:QualityAssurance"
        )
        if item:
            agency = english(qa.agency)
            if agency:
                item["targetDescription"] = f"Quality assurance body: {agency}"
            out.append(item)
    return out


def _alignments(catalogue: Catalogue, offer: Offer) -> tuple[list[dict[str, Any]], list[str]]:
    """The EQF, ISCED-F, ESCO and Annex I alignments, and the ISCED field names."""
    alignments: list[dict[str, Any]] = []
    if offer.eqf:
        alignments.append(
            _alignment(
                f"EQF level {offer.eqf}",
                f"http://data.europa.eu/snb/eqf/{offer.eqf}",
                "European Qualifications Framework",
                str(offer.eqf),
                "ext:EQFLevel",
            )
        )
    fields = []
    for code in offer.isced:
        if not vocab.is_code("isced", code):
            continue
        name = vocab.label("isced", code)
        fields.append(name)
        alignments.append(
            _alignment(name, vocab.uri("isced", code), "ISCED-F 2013", code, "ext:ISCEDF")
        )
    for skill in offer.esco_skills:
        alignments.append(
            _alignment(
                english(skill.label) or skill.uri,
                skill.uri,
                "ESCO",
                skill.uri.rsplit("/", 1)[-1],
                "ext:ESCOSkill",
            )
        )
    alignments += _annex_i_alignments(catalogue, offer)
    return alignments, fields


def _achievement(catalogue: Catalogue, offer: Offer, achievement_id: str) -> dict[str, Any]:
    alignments, fields = _alignments(catalogue, offer)
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": english(offer.title),
        "description": english(offer.description) or english(offer.title),
        "criteria": {"id": achievement_id, "narrative": _criteria(catalogue, offer)},
        "creditsAvailable": _number(offer.ects),
        "inLanguage": "en",
        "version": offer.version,
    }
    if fields:
        achievement["fieldOfStudy"] = "; ".join(fields)
    if alignments:
        achievement["alignment"] = alignments
    if offer.assessment.grading == "graded":
        achievement["resultDescription"] = [
            {
                "id": f"{achievement_id}#grade",
                "type": ["ResultDescription"],
                "name": english(offer.assessment.grading_scale) or "Grade",
                "resultType": "Result",
            }
        ]
    return achievement


def _identity(learner: Learner, salt: str) -> list[dict[str, Any]]:
    """The learner's IdentityObjects: the name and identifier plain, birth date and email hashed."""
    identity: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": learner.full_name,
        },
    ]
    if learner.identifier:
        identity.append(
            {
                "type": "IdentityObject",
                "identityType": _ext(learner.identifier_scheme),
                "hashed": False,
                "identityHash": learner.identifier,
            }
        )
    if learner.date_of_birth:
        identity.append(_hashed("ext:DateOfBirth", learner.date_of_birth.isoformat(), salt))
    if learner.email:
        identity.append(_hashed("emailAddress", learner.email.lower(), salt))
    return identity


def build_ob3(data: Ob3Input) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential; sign it with `dataintegrity.add_proof`."""
    catalogue, offer, learner, issuer = data.catalogue, data.offer, data.learner, data.issuer
    check_award(offer, issuer, learner)
    achievement_id = f"{catalogue.alliance.site_url}offers/{offer.id}/"
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": _identity(learner, data.salt or secrets.token_hex(16)),
        "achievement": _achievement(catalogue, offer, achievement_id),
        "creditsEarned": _number(offer.ects),
        "activityEndDate": format_utc(learner.completion_date),
    }
    if offer.assessment.grading == "graded":
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": f"{achievement_id}#grade",
                "value": learner.grade,
            }
        ]

    credential: dict[str, Any] = {
        "@context": [CONTEXT_VC2, CONTEXT_OB3],
        "id": f"urn:uuid:{data.credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": english(offer.title),
        "issuer": issuer_profile(catalogue, issuer),
        "validFrom": format_utc(data.issued),
        "awardedDate": format_utc(data.issued),
        "credentialSubject": subject,
    }
    if data.valid_until is not None:
        credential["validUntil"] = format_utc(data.valid_until)
    if data.status is not None:
        credential["credentialStatus"] = data.status.to_json()
    return credential
