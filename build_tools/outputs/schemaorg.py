"""schema.org `Course` JSON-LD for an offer page (in a `<script type="application/ld+json">`).

Search engines and aggregators read it; nothing loads the schema.org context (it is data only).
"""

from __future__ import annotations

from typing import Any

from build_tools.catalogue.model import Catalogue, Offer

from .common import (
    MODE_LABELS,
    assessment_label,
    eqf_text,
    fmt_number,
    isced_label,
    issuer_url,
    offer_url,
)

# schema.org `courseMode` values in common use for each catalogue mode.
_COURSE_MODE: dict[str, str] = {
    "online": "online",
    "onsite": "onsite",
    "blended": "blended",
    "hybrid": "blended",
    "work-based": "onsite",
    "project-based": "blended",
    "research-lab": "onsite",
}


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def course(catalogue: Catalogue, offer: Offer) -> dict[str, Any]:
    site = catalogue.alliance.site_url
    iri = f"{site}{offer_url(offer.id)}"
    providers = []
    for slug in offer.awarding_bodies:
        issuer = catalogue.issuers.get(slug)
        if issuer is None:
            continue
        org: dict[str, Any] = {
            "@type": "CollegeOrUniversity",
            "@id": f"{site}{issuer_url(slug)}#org",
            "name": issuer.name,
            "address": {"@type": "PostalAddress", "addressCountry": issuer.country},
        }
        if issuer.homepage:
            org["sameAs"] = issuer.homepage
        providers.append(org)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": iri,
        "url": iri,
        "name": offer.title.get("en", offer.id),
        "description": offer.description.get("en", ""),
        "courseCode": offer.id,
        "version": offer.version,
        "provider": providers,
        "inLanguage": list(offer.languages.teaching),
        "educationalCredentialAwarded": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "Micro-credential",
            "name": offer.title.get("en", offer.id),
            "educationalLevel": eqf_text(offer.eqf, offer.cycle),
        },
        "numberOfCredits": {
            "@type": "StructuredValue",
            "value": _number(offer.ects),
            "unitText": "ECTS",
        },
        "teaches": [o.get("en", "") for o in offer.learning_outcomes],
        "educationalLevel": eqf_text(offer.eqf, offer.cycle),
        "about": [isced_label(code) for code in offer.isced],
        "assesses": [assessment_label(t) for t in offer.assessment.types],
        "sameAs": f"{iri}elm.jsonld",
    }
    if offer.workload_hours:
        data["timeRequired"] = f"PT{fmt_number(offer.workload_hours)}H"
    if offer.prerequisites.get("en") if offer.prerequisites else False:
        data["coursePrerequisites"] = offer.prerequisites["en"]
    if offer.esco_skills:
        data["teaches"] += [
            {
                "@type": "DefinedTerm",
                "@id": s.uri,
                "name": s.label.get("en", s.uri),
                "inDefinedTermSet": "https://esco.ec.europa.eu/",
            }
            for s in offer.esco_skills
        ]
    instance: dict[str, Any] = {
        "@type": "CourseInstance",
        "courseMode": _COURSE_MODE.get(offer.mode, "online"),
        "name": MODE_LABELS.get(offer.mode, offer.mode),
    }
    s = offer.schedule
    if s.start:
        instance["startDate"] = s.start.isoformat()
    if s.end:
        instance["endDate"] = s.end.isoformat()
    if offer.workload_hours:
        instance["courseWorkload"] = f"PT{fmt_number(offer.workload_hours)}H"
    data["hasCourseInstance"] = [instance]
    fee = offer.fee
    data["offers"] = [
        {
            "@type": "Offer",
            "category": "Students of the alliance's universities",
            "price": _number(fee.alliance_students),
            "priceCurrency": fee.currency,
        },
        {
            "@type": "Offer",
            "category": "Other learners",
            "price": _number(fee.others),
            "priceCurrency": fee.currency,
            **({"url": offer.application.url} if offer.application.url else {}),
        },
    ]
    return data
