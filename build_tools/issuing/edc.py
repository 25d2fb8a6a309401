"""European Digital Credentials (ELM v3 / EDC) for micro-credentials, from offer + learner.

Shape: W3C VC Data Model 1.1 with the ELM `edc-ap` context, types VerifiableCredential +
EuropeanDigitalCredential, credential profile "Generic", `credentialSchema` edc-generic-full,
and the mandatory display parameters with a rendered page image. It conforms to the official
EDC-generic-full 3.2 SHACL shapes (tests/issuing/test_edc_shacl.py) and carries all eleven
Annex I mandatory elements of the Council Recommendation on micro-credentials (2022/C 243/02)
plus the optional ones the offer has; `ANNEX_I` maps each to its place (the verifier's
`eu_elements` check confirms them). The offer's specification node comes from
`build_tools.catalogue.elm`, the same builder as the site's `elm.jsonld`, and so do the
organisation nodes (with the sealer's eIDAS identifier added, which only credentials need).

Node ids: the specification is the offer's own `{site_url}offers/<id>/elm.jsonld#specification`
and its outcomes `…#outcome-<n>` (docs/interfaces.md), organisations are
`{site_url}issuers/<slug>/#org`; everything that belongs to this one credential gets a
`urn:epass:<kind>:<credential uuid>` id, so that two credentials never share a node by mistake
(ELM notes §2.11).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from build_tools.catalogue import elm, vocab
from build_tools.catalogue.elm import vc_keys
from build_tools.catalogue.model import Catalogue, Issuer, Offer, english
from build_tools.verifier.sharelink import id_link

from ._common import format_utc
from .learners import Learner, check_award
from .render import CardText, render_card_png
from .statuslist import StatusEntry

__all__ = ["ANNEX_I", "EdcInput", "build_edc", "card_text"]

CONTEXT_VC1 = "https://www.w3.org/2018/credentials/v1"
CONTEXT_EDC = "http://data.europa.eu/snb/model/context/edc-ap"
CONTEXT_STATUS = "https://www.w3.org/ns/credentials/status/v1"
PROFILE_GENERIC = "http://data.europa.eu/snb/credential/e34929035b"
SCHEMA_GENERIC_FULL = "http://data.europa.eu/snb/model/ap/edc-generic-full"
BASE64 = "http://data.europa.eu/snb/encoding/6146cde7dd"
PNG = "http://publications.europa.eu/resource/authority/file-type/PNG"

# Annex I mandatory element -> where it sits in the credential (JSON path).
ANNEX_I: dict[str, str] = {
    "identification of the learner": "credentialSubject.{fullName, dateOfBirth | identifier}",
    "title": "credentialSubject.hasClaim.title and .specifiedBy.title",
    "country of the issuer": "hasClaim.awardedBy.awardingBody.location.address.countryCode",
    "awarding body": "credentialSubject.hasClaim.awardedBy.awardingBody",
    "date of issuing": "issued",
    "learning outcomes": "credentialSubject.hasClaim.specifiedBy.learningOutcome",
    "notional workload": "hasClaim.specifiedBy.creditPoint (ECTS) and .volumeOfLearning",
    "level": "hasClaim.specifiedBy.eqfLevel and .nqfLevel (+ QF-EHEA cycle note)",
    "type of assessment": "hasClaim.provenBy.specifiedBy.dcType (or its parts)",
    "form of participation": "hasClaim.specifiedBy.mode",
    "type of quality assurance": "hasClaim.specifiedBy.accreditation.dcType",
}


@dataclass(frozen=True, slots=True)
class EdcInput:
    catalogue: Catalogue
    offer: Offer
    learner: Learner
    issuer: Issuer  # the sealing issuer (an awarding body of the offer)
    credential_uuid: str
    issued: dt.datetime
    valid_until: dt.datetime | None = None
    status: StatusEntry | None = None


def _concept(scheme: str, code: str | int) -> dict[str, Any] | None:
    node = elm.vocab_concept(scheme, code)
    return vc_keys(node) if node else None


def _raw_concept(uri: str, scheme: str, label: str) -> dict[str, Any]:
    return vc_keys(elm.concept(uri, scheme, {"en": label}))


_lang = elm.lang


def _site(catalogue: Catalogue) -> str:
    return catalogue.alliance.site_url


def org_id(catalogue: Catalogue, slug: str) -> str:
    return elm.organisation_id(_site(catalogue), slug)


def _organisation(catalogue: Catalogue, issuer: Issuer, *, sealer: bool) -> dict[str, Any]:
    """The site's node of the organisation; the sealer's also carries its eIDAS identifier."""
    return vc_keys(elm.organisation(catalogue, issuer, eidas_identifier=sealer))


def _note(node_id: str, text: Mapping[str, str]) -> dict[str, Any]:
    return vc_keys(elm.note(node_id, text))


def card_text(data: EdcInput) -> CardText:
    catalogue, offer, learner = data.catalogue, data.offer, data.learner
    bodies = []
    for slug in offer.awarding_bodies:
        body = catalogue.issuers.get(slug)
        if body:
            bodies.append(f"{body.name} ({body.country})")
    facts = [
        f"Workload: {elm.number(offer.ects)} ECTS credits"
        + (f" ({elm.number(offer.workload_hours)} hours)" if offer.workload_hours else "")
    ]
    if offer.eqf:
        cycle = vocab.eqf_cycle(offer.eqf)
        facts.append(f"Level: EQF {offer.eqf}" + (f" (QF-EHEA {cycle} cycle)" if cycle else ""))
    types = ", ".join(
        vocab.label("assessment", t).lower()
        for t in offer.assessment.types
        if vocab.is_code("assessment", t)
    )
    mode = vocab.label("mode", offer.mode) if vocab.is_code("mode", offer.mode) else offer.mode
    facts.append(f"Assessment: {types or 'see the offer'}; form of participation: {mode.lower()}")
    facts.append(
        f"Completed {learner.completion_date.isoformat()} · issued {data.issued.date().isoformat()}"
    )
    if learner.grade:
        scale = english(offer.assessment.grading_scale)
        facts.append(f"Grade: {learner.grade}" + (f" ({scale})" if scale else ""))
    return CardText(
        alliance=catalogue.alliance.name or "Micro-credential",
        title=english(offer.title),
        learner=learner.full_name,
        awarding_bodies=", ".join(bodies),
        facts=tuple(facts),
        credential_id=f"urn:credential:{data.credential_uuid}",
        verify_hint=f"Check this credential at {_site(catalogue)}verify/",
        demo=catalogue.alliance.demo,
        qr_link=id_link(_site(catalogue), f"urn:credential:{data.credential_uuid}"),
    )


def build_edc(data: EdcInput, *, image_png: bytes | None = None) -> dict[str, Any]:
    """The unsigned EDC (a JSON-LD dict); seal it with `jades.seal`."""
    catalogue, issuer = data.catalogue, data.issuer
    check_award(data.offer, issuer, data.learner)
    uid = data.credential_uuid
    if image_png is None:
        image_png = render_card_png(card_text(data))
    issued = format_utc(data.issued)
    contexts: list[str] = [CONTEXT_VC1, CONTEXT_EDC]
    if data.status is not None:
        contexts.append(CONTEXT_STATUS)
    credential: dict[str, Any] = {
        "@context": contexts,
        "id": f"urn:credential:{uid}",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialProfiles": _raw_concept(
            PROFILE_GENERIC, "http://data.europa.eu/snb/credential/25831c2", "Generic"
        ),
        "credentialSchema": {"id": SCHEMA_GENERIC_FULL, "type": "ShaclValidator2017"},
        "issuer": _organisation(catalogue, issuer, sealer=True),
        "issued": issued,
        "issuanceDate": issued,
        "validFrom": issued,
    }
    if data.valid_until is not None:
        credential["validUntil"] = format_utc(data.valid_until)
        credential["expirationDate"] = format_utc(data.valid_until)
    credential["displayParameter"] = _display(data.offer, uid, image_png)
    credential["credentialSubject"] = _person(data.learner, uid, _achievement(data))
    if data.status is not None:
        credential["credentialStatus"] = data.status.to_json(edc=True)
    return credential


def _achievement(data: EdcInput) -> dict[str, Any]:
    """The learning achievement: awarded by the awarding process, proven by the assessment,
    specified by the offer's own node."""
    catalogue, offer, learner, issuer = data.catalogue, data.offer, data.learner, data.issuer
    uid = data.credential_uuid
    bodies = [catalogue.issuers[s] for s in offer.awarding_bodies if s in catalogue.issuers]
    awarding_process = {
        "id": f"urn:epass:awardingProcess:{uid}",
        "type": "AwardingProcess",
        "awardingBody": [_organisation(catalogue, b, sealer=b.slug == issuer.slug) for b in bodies],
        "awardingDate": format_utc(learner.completion_date),
    }

    # -- the specification: the offer's own node, as the site's ELM file has it (Annex I:
    # title, learning outcomes, workload, level, type of assessment, form of participation,
    # type of quality assurance)
    spec = vc_keys(elm.specification(catalogue, offer, esco_scheme=True))
    assessment: dict[str, Any] = {
        "id": f"urn:epass:learningAssessment:{uid}",
        "type": "LearningAssessment",
        "title": {"en": "Assessment of " + english(offer.title)},
        "awardedBy": {"id": awarding_process["id"]},
        "grade": _note(f"urn:epass:note:grade:{uid}", {"en": learner.grade or "Pass"}),
        "specifiedBy": spec["provenBy"],
    }
    if offer.assessment.supervision:
        supervision = _concept("supervision", offer.assessment.supervision)
        if supervision:
            assessment["idVerification"] = supervision

    return {
        "id": f"urn:epass:learningAchievement:{uid}",
        "type": "LearningAchievement",
        "title": _lang(offer.title),
        "awardedBy": awarding_process,
        "provenBy": assessment,
        "specifiedBy": spec,
        "creditReceived": {
            "id": f"urn:epass:creditPoint:received:{uid}",
            "type": "CreditPoint",
            "framework": spec["creditPoint"]["framework"],
            "point": elm.number(offer.ects),
        },
    }


def _person(learner: Learner, uid: str, achievement: dict[str, Any]) -> dict[str, Any]:
    """The learner (Annex I: identification of the learner), who holds `achievement`."""
    person: dict[str, Any] = {
        "id": f"urn:epass:person:{uid}",
        "type": "Person",
        "givenName": {"en": learner.given_name},
        "familyName": {"en": learner.family_name},
        "fullName": {"en": learner.full_name},
    }
    if learner.date_of_birth:
        person["dateOfBirth"] = format_utc(learner.date_of_birth)
    if learner.identifier:
        person["identifier"] = {
            "id": f"urn:epass:identifier:learner:{uid}",
            "type": "Identifier",
            "schemeName": learner.identifier_scheme,
            "notation": learner.identifier,
        }
    if learner.email:
        person["contactPoint"] = {
            "id": f"urn:epass:contactPoint:{uid}",
            "type": "ContactPoint",
            "emailAddress": {"id": f"mailto:{learner.email}", "type": "Mailbox"},
        }
    person["hasClaim"] = achievement
    return person


def _display(offer: Offer, uid: str, image_png: bytes) -> dict[str, Any]:
    """How the credential is shown: its title, description and card image."""
    english_concept = _concept("language", "en")
    return {
        "id": f"urn:epass:displayParameter:{uid}",
        "type": "DisplayParameter",
        "title": _lang(offer.title),
        "description": {"en": "Micro-credential: " + english(offer.title)},
        "language": english_concept,
        "primaryLanguage": english_concept,
        "individualDisplay": {
            "id": f"urn:epass:individualDisplay:{uid}",
            "type": "IndividualDisplay",
            "language": english_concept,
            "displayDetail": {
                "id": f"urn:epass:displayDetail:{uid}",
                "type": "DisplayDetail",
                "page": 1,
                "image": {
                    "id": f"urn:epass:mediaObject:{uid}",
                    "type": "MediaObject",
                    "content": base64.b64encode(image_png).decode("ascii"),
                    "contentEncoding": _raw_concept(
                        BASE64, "http://data.europa.eu/snb/encoding/25831c2", "base64"
                    ),
                    "contentType": _raw_concept(
                        PNG, "http://publications.europa.eu/resource/authority/file-type", "PNG"
                    ),
                },
            },
        },
    }
