"""What a credential says: title, learner, credits, level, outcomes, offer links, image,
Annex I.

Read from the decoded (signed) document only. EDC (ELM v3) and Open Badges 3.0 shapes.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from ..messages import msg
from .nodes import as_list, lang_text, lang_values, node_id, types_of

ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
EQF_PREFIX = "http://data.europa.eu/snb/eqf/"


@dataclass
class Facts:
    kind: str  # "edc" | "ob3" | "vc"
    title: Any = None
    learner: str | None = None
    ects: float | None = None
    eqf: int | None = None
    outcomes: list[set[str]] = field(default_factory=list)
    offer_refs: list[str] = field(default_factory=list)


def _first_dict(value: Any) -> dict[str, Any]:
    for item in as_list(value):
        if isinstance(item, dict):
            return item
    return {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def decimal(text: str) -> bool:
    """Whether `int(text)` reads `text` as a short number of ASCII digits (`isdigit` alone
    also accepts "²", which `int` refuses)."""
    return text.isascii() and text.isdigit() and len(text) <= 20


def is_edc(doc: dict[str, Any]) -> bool:
    return "EuropeanDigitalCredential" in types_of(doc)


def _edc_claims(doc: dict[str, Any]) -> list[dict[str, Any]]:
    subject = _first_dict(doc.get("credentialSubject"))
    return [c for c in as_list(subject.get("hasClaim")) if isinstance(c, dict)]


def _edc_person_name(subject: dict[str, Any]) -> str | None:
    full = lang_text(subject.get("fullName"))
    if full:
        return full
    parts = [lang_text(subject.get("givenName")), lang_text(subject.get("familyName"))]
    joined = " ".join(p for p in parts if p)
    return joined or None


def extract(doc: dict[str, Any]) -> Facts:
    if is_edc(doc):
        return _extract_edc(doc)
    subject = _first_dict(doc.get("credentialSubject"))
    achievement = _first_dict(subject.get("achievement"))
    if achievement:
        return _extract_ob3(doc, subject, achievement)
    return Facts(
        kind="vc",
        title=doc.get("name"),
        learner=lang_text(subject.get("name")) or node_id(subject),
    )


def _extract_edc(doc: dict[str, Any]) -> Facts:
    subject = _first_dict(doc.get("credentialSubject"))
    claims = _edc_claims(doc)
    claim = claims[0] if claims else {}
    spec = _first_dict(claim.get("specifiedBy"))
    facts = Facts(
        kind="edc", title=claim.get("title") or spec.get("title"), learner=_edc_person_name(subject)
    )
    for credit in as_list(spec.get("creditPoint")) + as_list(claim.get("creditReceived")):
        if isinstance(credit, dict) and node_id(credit.get("framework")) == ECTS_FRAMEWORK:
            facts.ects = _number(credit.get("point"))
            break
    level = node_id(spec.get("eqfLevel"))
    if level and level.startswith(EQF_PREFIX) and decimal(level[len(EQF_PREFIX) :]):
        facts.eqf = int(level[len(EQF_PREFIX) :])
    for outcome in as_list(spec.get("learningOutcome")):
        if isinstance(outcome, dict):
            facts.outcomes.append(lang_values(outcome.get("title")))
    for item in claims:
        for ref in (node_id(item.get("specifiedBy")), node_id(item.get("learningOpportunity"))):
            if ref:
                facts.offer_refs.append(ref)
    return facts


def _extract_ob3(
    doc: dict[str, Any], subject: dict[str, Any], achievement: dict[str, Any]
) -> Facts:
    facts = Facts(kind="ob3", title=achievement.get("name") or doc.get("name"))
    facts.learner = lang_text(subject.get("name"))
    if facts.learner is None:
        for ident in as_list(subject.get("identifier")):
            if isinstance(ident, dict) and ident.get("hashed") is False:
                facts.learner = lang_text(ident.get("identityHash"))
                break
    facts.ects = _number(achievement.get("creditsAvailable"))
    for align in as_list(achievement.get("alignment")):
        if not isinstance(align, dict):
            continue
        framework = (
            str(align.get("targetFramework") or "") + " " + str(align.get("targetUrl") or "")
        )
        if "EQF" in framework.upper() or EQF_PREFIX in framework:
            code = str(align.get("targetCode") or align.get("targetUrl") or "")
            match = re.search(r"([0-9]{1,20})\s*$", code)
            if match:
                facts.eqf = int(match.group(1))
        elif align.get("targetType") in ("LearningOutcome", "ceterms:Competency", "CFItem") or (
            "outcome" in framework.lower()
        ):
            facts.outcomes.append(lang_values(align.get("targetName")))
    ref = node_id(achievement)
    if ref:
        facts.offer_refs.append(ref)
    return facts


def self_name(doc: dict[str, Any]) -> str | None:
    """The name the credential gives its issuer (`name`, else `legalName`, as the ELM writes
    it): what the issuer calls itself, never a name to show as verified."""
    issuer = doc.get("issuer")
    if not isinstance(issuer, dict):
        return None
    for key in ("name", "legalName"):
        text = lang_text(issuer.get(key))
        if text and text.strip():
            return text.strip()[:200]
    return None


# --------------------------------------------------------------------------- image

# Raster images only, recognised by their first bytes whatever the credential declares: an SVG
# is a document that can carry script and links, so it is never passed on.
MAX_IMAGE_BYTES = 2_000_000
_DATA_URL = re.compile(r"data:(image/[a-z0-9.+-]+)(?:;[a-z0-9=._-]+)*;base64,(.*)", re.I | re.S)


def sniff_image(data: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF or WebP image by its magic bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _raster(text: Any) -> dict[str, str] | None:
    """{"media_type", "data_base64"} from a raster data: URL or bare base64 text, else None."""
    if not isinstance(text, str) or len(text) > (MAX_IMAGE_BYTES * 4) // 3 + 200:
        return None
    declared = None
    match = _DATA_URL.fullmatch(text.strip())
    if match:
        declared, text = match.group(1).lower(), match.group(2)
    elif text.strip().startswith("data:"):
        return None
    plain = _plain_base64(text)
    if plain is not None:
        head, size = plain
    else:
        try:
            data = binascii.a2b_base64("".join(text.split()), strict_mode=True)
        except (binascii.Error, ValueError):
            return None
        head, size = data[:16], len(data)
    kind = sniff_image(head)
    if kind is None or size > MAX_IMAGE_BYTES:
        return None
    if declared is not None and declared.replace("image/jpg", "image/jpeg") != kind:
        return None
    encoded = text if plain is not None else base64.b64encode(data).decode("ascii")
    return {"media_type": kind, "data_base64": encoded}


_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_BYTES = _B64_ALPHABET.encode("ascii")


def _plain_base64(text: str) -> tuple[bytes, int] | None:
    """(its first 12 bytes, its length) when `text` is plain base64: the base64 alphabet only,
    padded with "=" to a multiple of four, the unused bits of the last character zero, so
    encoding its bytes again gives `text` back. Else None (the caller then decodes it).

    Credentials carry pictures of tens of kilobytes, almost always as plain base64; this
    checks that in C (one `bytes.translate`) without decoding the picture, which took longer
    than any other step of summing up a credential."""
    if not text.isascii() or len(text) % 4:
        return None
    padding = 2 if text.endswith("==") else 1 if text.endswith("=") else 0
    body = len(text) - padding
    if text.encode("ascii").translate(None, _B64_BYTES) != b"=" * padding:
        return None
    unused = 0x0F if padding == 2 else 0x03 if padding == 1 else 0
    if body and _B64_ALPHABET.index(text[body - 1]) & unused:
        return None
    return binascii.a2b_base64(text[:16], strict_mode=True), body * 3 // 4


def _page_number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def image(doc: dict[str, Any]) -> dict[str, str] | None:
    """The credential's picture: the EDC display image (first page), or the Open Badge
    achievement's image; raster data only (never fetched from a URL)."""
    if is_edc(doc):
        display = _first_dict(doc.get("displayParameter"))
        for individual in as_list(display.get("individualDisplay")):
            if not isinstance(individual, dict):
                continue
            details = [d for d in as_list(individual.get("displayDetail")) if isinstance(d, dict)]
            details.sort(key=lambda d: _page_number(d.get("page")))
            for detail in details:
                media = _first_dict(detail.get("image"))
                found = _raster(media.get("content"))
                if found:
                    return found
        return None
    achievement = _first_dict(_first_dict(doc.get("credentialSubject")).get("achievement"))
    picture = achievement.get("image")
    if isinstance(picture, dict):
        picture = picture.get("id")
    if isinstance(picture, str) and picture.strip().startswith("data:"):
        return _raster(picture)
    return None


def summary(doc: dict[str, Any], facts: Facts | None = None) -> dict[str, Any]:
    """Display facts of `doc`; `facts` is `extract(doc)` when the caller already has it."""
    if facts is None:
        facts = extract(doc)
    issued = doc.get("issued") or doc.get("issuanceDate") or doc.get("validFrom")
    out: dict[str, Any] = {
        "id": doc.get("id") if isinstance(doc.get("id"), str) else None,
        "title": lang_text(facts.title),
        "learner": facts.learner,
        "issued": issued if isinstance(issued, str) else None,
        "valid_until": next(
            (doc[k] for k in ("validUntil", "expirationDate") if isinstance(doc.get(k), str)), None
        ),
        "ects": facts.ects,
        "eqf": facts.eqf,
        "types": types_of(doc),
        "image": image(doc),
    }
    if out["ects"] is not None and float(out["ects"]).is_integer():
        out["ects"] = int(out["ects"])
    return out


# --------------------------------------------------------------------------- Annex I

# Council Recommendation 2022/C 243/02, Annex I, mandatory elements (order as in the Annex).
ANNEX_I = (
    ("learner", msg("identification of the learner")),
    ("title", msg("title of the micro-credential")),
    ("country", msg("country or region of the issuer")),
    ("awarding_body", msg("awarding body")),
    ("date", msg("date of issuing")),
    ("outcomes", msg("learning outcomes")),
    ("workload", msg("notional workload (ECTS)")),
    ("level", msg("level (EQF) of the learning experience")),
    ("assessment", msg("type of assessment")),
    ("participation", msg("form of participation")),
    ("quality_assurance", msg("type of quality assurance")),
)


def _has_country(org: dict[str, Any]) -> bool:
    for location in as_list(org.get("location")):
        if isinstance(location, dict):
            for address in as_list(location.get("address")):
                if isinstance(address, dict) and node_id(address.get("countryCode")):
                    return True
            if node_id(location.get("spatialCode")):
                return True
    return False


def annex_i(doc: dict[str, Any]) -> dict[str, bool]:
    """Which Annex I mandatory elements an EDC carries (mapping: ELM 3.2 paths, see docs)."""
    subject = _first_dict(doc.get("credentialSubject"))
    claims = _edc_claims(doc)
    claim = claims[0] if claims else {}
    spec = _first_dict(claim.get("specifiedBy"))
    bodies = [
        body
        for process in as_list(claim.get("awardedBy"))
        if isinstance(process, dict)
        for body in as_list(process.get("awardingBody"))
        if isinstance(body, dict)
    ]
    raw_issuer = doc.get("issuer")
    issuer: dict[str, Any] = raw_issuer if isinstance(raw_issuer, dict) else {}
    assessments = [a for a in as_list(claim.get("provenBy")) if isinstance(a, dict)]
    activities = [a for a in as_list(claim.get("influencedBy")) if isinstance(a, dict)]
    quality = bool(spec.get("accreditation")) or any(b.get("accreditation") for b in bodies)
    for evidence in as_list(doc.get("evidence")):
        if isinstance(evidence, dict) and evidence.get("accreditation"):
            quality = True
    for note in as_list(spec.get("additionalNote")) + as_list(claim.get("additionalNote")):
        if (
            isinstance(note, dict)
            and "quality" in " ".join(lang_values(note.get("subject"))).lower()
        ):
            quality = True
    return {
        "learner": bool(_edc_person_name(subject))
        and bool(
            subject.get("id")
            or subject.get("identifier")
            or subject.get("nationalID")
            or subject.get("dateOfBirth")
        ),
        "title": bool(lang_values(claim.get("title"))),
        "country": any(_has_country(b) for b in bodies) or _has_country(issuer),
        "awarding_body": any(lang_values(b.get("legalName")) for b in bodies),
        "date": bool(doc.get("issued") or doc.get("issuanceDate")),
        "outcomes": bool(
            as_list(spec.get("learningOutcome")) or spec.get("learningOutcomeSummary")
        ),
        "workload": bool(
            as_list(spec.get("creditPoint"))
            or spec.get("volumeOfLearning")
            or as_list(claim.get("creditReceived"))
        ),
        "level": bool(spec.get("eqfLevel") or spec.get("nqfLevel")),
        "assessment": any(
            _first_dict(a.get("specifiedBy")).get("dcType")
            or _first_dict(a.get("specifiedBy")).get("mode")
            for a in assessments
        ),
        "participation": bool(spec.get("mode") or spec.get("learningSetting"))
        or any(_first_dict(a.get("specifiedBy")).get("mode") for a in activities),
        "quality_assurance": quality,
    }


# Open Badges 3.0 micro-credentials (`achievementType: MicroCredential`). OB 3.0 has a property
# for eight of the elements; type of assessment, form of participation and type of quality
# assurance are recognised from alignments to the ELM vocabularies (by concept URI).
ELM_ASSESSMENT_PREFIX = "http://data.europa.eu/snb/assessment/"
ELM_MODE_PREFIX = "http://data.europa.eu/snb/learning-assessment/"
ELM_ACCREDITATION_PREFIX = "http://data.europa.eu/snb/accreditation/"


def _ob3_achievement(doc: dict[str, Any]) -> dict[str, Any]:
    return _first_dict(_first_dict(doc.get("credentialSubject")).get("achievement"))


def is_ob3_micro_credential(doc: dict[str, Any]) -> bool:
    """An Open Badges 3.0 credential whose achievement is a micro-credential (not an EDC)."""
    return not is_edc(doc) and _ob3_achievement(doc).get("achievementType") == "MicroCredential"


def _aligned_to(alignments: list[dict[str, Any]], prefix: str) -> bool:
    """An alignment whose targetUrl is a concept (not the scheme) under `prefix`."""
    for align in alignments:
        url = align.get("targetUrl")
        if isinstance(url, str) and url.startswith(prefix) and len(url) > len(prefix):
            return True
    return False


def _has_text(value: Any) -> bool:
    text = lang_text(value)
    return bool(text and text.strip())


def annex_i_ob3(doc: dict[str, Any]) -> dict[str, bool]:
    """Which Annex I mandatory elements an OB 3.0 micro-credential carries (see docs)."""
    subject = _first_dict(doc.get("credentialSubject"))
    achievement = _ob3_achievement(doc)
    raw_issuer = doc.get("issuer")
    issuer: dict[str, Any] = raw_issuer if isinstance(raw_issuer, dict) else {}
    address = _first_dict(issuer.get("address"))
    alignments = [a for a in as_list(achievement.get("alignment")) if isinstance(a, dict)]
    named = _has_text(subject.get("name")) or any(
        isinstance(ident, dict)
        and ident.get("identityType") == "name"
        and ident.get("hashed") is False
        and _has_text(ident.get("identityHash"))
        for ident in as_list(subject.get("identifier"))
    )
    criteria = _first_dict(achievement.get("criteria"))
    level = any(
        re.fullmatch(re.escape(EQF_PREFIX) + r"[1-8]", str(align.get("targetUrl") or ""))
        for align in alignments
    )
    return {
        "learner": named,
        "title": _has_text(achievement.get("name")),
        "country": _has_text(address.get("addressCountryCode"))
        or _has_text(address.get("addressCountry")),
        "awarding_body": _has_text(issuer.get("name")),
        "date": bool(doc.get("validFrom") or doc.get("awardedDate") or doc.get("issuanceDate")),
        "outcomes": _has_text(criteria.get("narrative"))
        or any(
            align.get("targetType") in ("LearningOutcome", "ceterms:Competency", "CFItem")
            for align in alignments
        ),
        "workload": _number(achievement.get("creditsAvailable")) is not None,
        "level": level,
        "assessment": _aligned_to(alignments, ELM_ASSESSMENT_PREFIX),
        "participation": _aligned_to(alignments, ELM_MODE_PREFIX),
        "quality_assurance": _aligned_to(alignments, ELM_ACCREDITATION_PREFIX),
    }


def annex_i_elements(doc: dict[str, Any]) -> tuple[str, dict[str, bool]] | None:
    """(mapping name, element -> present) for an EDC or an OB 3.0 micro-credential, else None."""
    if is_edc(doc):
        return "European Learning Model 3.2", annex_i(doc)
    if is_ob3_micro_credential(doc):
        return "Open Badges 3.0 micro-credential", annex_i_ob3(doc)
    return None
