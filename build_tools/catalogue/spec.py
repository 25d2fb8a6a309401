"""What the model's fields mean as YAML keys: required keys, vocabularies, file-only fields.

The loader, the JSON Schema generator and the field reference all read the dataclasses of
`model.py` plus these tables, so the three never drift apart (tests check that every model
field has a description here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

from build_tools.catalogue import model as m

# Fields that are not YAML keys: positions, things derived from the file's place, and data
# loaded from other files (keys/, status/).
NOT_IN_YAML: frozenset[tuple[type, str]] = frozenset(
    {
        (m.Offer, "issuer_folder"),
        (m.Issuer, "keys"),
        (m.Issuer, "status_lists"),
    }
)

# YAML key names that differ from the field name.
YAML_NAMES: dict[tuple[type, str], str] = {(m.IssuerKey, "certificate_pem"): "certificate"}

# Keys that must be present.
REQUIRED: dict[type, frozenset[str]] = {
    m.Alliance: frozenset({"name", "full_name", "site_url", "languages"}),
    m.Policy: frozenset(),
    m.RecognitionPolicy: frozenset(),
    m.Contact: frozenset(),
    m.QualityAssurance: frozenset({"type", "agency"}),
    m.IssuerKey: frozenset({"kid", "alg", "use", "status", "valid_from"}),
    m.Issuer: frozenset({"slug", "legal_name", "country", "homepage"}),
    m.Skill: frozenset({"uri"}),
    m.Languages: frozenset({"teaching", "assessment"}),
    m.Assessment: frozenset({"types", "grading"}),
    m.Schedule: frozenset(),
    m.Fee: frozenset(),
    m.Recognition: frozenset({"scenario"}),
    m.Stackability: frozenset({"integration"}),
    m.Application: frozenset(),
    m.PreviousVersion: frozenset({"version", "title", "ects", "learning_outcomes"}),
    m.Offer: frozenset(
        {
            "id",
            "version",
            "title",
            "description",
            "opportunity_type",
            "awarding_bodies",
            "learning_outcomes",
            "ects",
            "workload_hours",
            "eqf",
            "isced",
            "languages",
            "mode",
            "assessment",
            "schedule",
            "last_reviewed",
        }
    ),
    m.StacksInto: frozenset({"title"}),
    m.Pathway: frozenset({"id", "title", "description", "direction", "type", "offers"}),
}

# Missing keys that are elements of Annex I of the Council Recommendation on micro-credentials
# (2022/C 243/02) get their own codes, so a maintainer sees which EU element is missing.
MISSING_CODES: dict[tuple[type, str], str] = {
    (m.Offer, "title"): "ANNEX1_TITLE_MISSING",
    (m.Offer, "awarding_bodies"): "ANNEX1_AWARDING_BODY_MISSING",
    (m.Offer, "learning_outcomes"): "ANNEX1_LEARNING_OUTCOMES_MISSING",
    (m.Offer, "ects"): "ANNEX1_WORKLOAD_MISSING",
    (m.Offer, "workload_hours"): "ANNEX1_WORKLOAD_MISSING",
    (m.Offer, "eqf"): "ANNEX1_EQF_MISSING",
    (m.Offer, "assessment"): "ANNEX1_ASSESSMENT_MISSING",
    (m.Assessment, "types"): "ANNEX1_ASSESSMENT_MISSING",
    (m.Offer, "mode"): "ANNEX1_MODE_MISSING",
    (m.Issuer, "country"): "ANNEX1_COUNTRY_MISSING",
    (m.QualityAssurance, "type"): "ANNEX1_QA_MISSING",
}

# Fields whose values are codes of a vocabulary (vocab.py scheme).
FIELD_SCHEMES: dict[tuple[type, str], str] = {
    (m.Alliance, "languages"): "language",
    (m.Policy, "eqf_levels"): "eqf",
    (m.Issuer, "country"): "country",
    (m.QualityAssurance, "type"): "accreditation",
    (m.Offer, "opportunity_type"): "opportunity-type",
    (m.Offer, "eqf"): "eqf",
    (m.Offer, "isced"): "isced",
    (m.Offer, "mode"): "mode",
    (m.Languages, "teaching"): "language",
    (m.Languages, "assessment"): "language",
    (m.Assessment, "types"): "assessment",
    (m.Assessment, "supervision"): "supervision",
    (m.Schedule, "schedule_type"): "schedule",
    (m.PreviousVersion, "eqf"): "eqf",
    (m.StacksInto, "eqf"): "eqf",
}

# Mappings that are data, not language maps.
PLAIN_MAPPINGS: frozenset[tuple[type, str]] = frozenset({(m.IssuerKey, "jwk")})


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    owner: type
    name: str  # the dataclass field
    key: str  # the YAML key
    type: Any  # resolved type hint
    required: bool  # the key must be present
    nullable: bool  # `null` is a meaningful value (an optional type not listed in REQUIRED)
    scheme: str | None
    has_default: bool
    default: Any


@cache
def fields_of(cls: type) -> tuple[FieldSpec, ...]:
    """The YAML keys of a model class, in declaration order."""
    hints = typing.get_type_hints(cls, vars(m))
    out = []
    for f in dataclasses.fields(cls):
        if f.name in ("source", "positions"):
            continue
        if (cls, f.name) in NOT_IN_YAML:
            continue
        has_default = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        default: Any = (
            f.default
            if f.default is not dataclasses.MISSING
            else (f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
        )
        out.append(
            FieldSpec(
                owner=cls,
                name=f.name,
                key=YAML_NAMES.get((cls, f.name), f.name),
                type=hints[f.name],
                required=f.name in REQUIRED.get(cls, frozenset()) or not has_default,
                nullable=optional_inner(hints[f.name]) is not None
                and f.name not in REQUIRED.get(cls, frozenset()),
                scheme=FIELD_SCHEMES.get((cls, f.name)),
                has_default=has_default,
                default=default,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Type helpers shared by the loader and the schema generator


def optional_inner(tp: Any) -> Any | None:
    """For `X | None` return X; otherwise None."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def is_mapping(tp: Any) -> bool:
    return typing.get_origin(tp) in (Mapping, dict, typing.Mapping)


def is_tuple(tp: Any) -> bool:
    return typing.get_origin(tp) is tuple


def tuple_item(tp: Any) -> Any:
    return typing.get_args(tp)[0]


def is_literal(tp: Any) -> bool:
    return typing.get_origin(tp) is typing.Literal


def literal_values(tp: Any) -> tuple[str, ...]:
    return tuple(str(a) for a in typing.get_args(tp))


def is_model_class(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


DATE_TYPES = (dt.date, dt.datetime)


# --------------------------------------------------------------------------------------------
# Descriptions (JSON Schema `description`, the field reference for maintainers)

CLASS_DESCRIPTIONS: dict[type, str] = {
    m.Alliance: (
        "The alliance: identity, site address, languages and the policy every offer must meet."
    ),
    m.Policy: (
        "The alliance policy, as data: ECTS bounds, EQF levels, hours per ECTS, reviews, "
        "recognition."
    ),
    m.RecognitionPolicy: "Recognition rules of the alliance.",
    m.Contact: "A contact point: e-mail, name and/or web page.",
    m.QualityAssurance: (
        "The quality assurance behind an offer (Annex I: type of quality assurance)."
    ),
    m.IssuerKey: "A public key or eSeal certificate of an issuer (never private material).",
    m.Issuer: "A university that awards micro-credentials.",
    m.Skill: "An ESCO skill the offer develops.",
    m.Languages: "Languages of teaching and of assessment (ISO 639-1 codes).",
    m.Assessment: (
        "How learning is assessed (Annex I: type of assessment; supervision and identity "
        "verification)."
    ),
    m.Schedule: "When the offer runs, or that it is self-paced.",
    m.Fee: "What the offer costs.",
    m.Recognition: "How partner universities recognise the credential.",
    m.Stackability: (
        "Whether the credential stacks into a larger one (Annex I: integration/stackability)."
    ),
    m.Application: "How to apply.",
    m.PreviousVersion: "The credential-relevant facts of an earlier published version.",
    m.Offer: "One micro-credential offer, with every element of Annex I of the EU recommendation.",
    m.StacksInto: "The larger credential a pathway leads to.",
    m.Pathway: "A stackable pathway: offers that together lead to a larger credential.",
}

DESCRIPTIONS: dict[tuple[type, str], str] = {
    # Alliance
    (m.Alliance, "name"): "Short name of the alliance, e.g. FORTHEM.",
    (m.Alliance, "full_name"): "Full name (language map).",
    (m.Alliance, "description"): "What the alliance is, for the site's home page (language map).",
    (m.Alliance, "site_url"): "Absolute https address where the site is published; ends with '/'.",
    (m.Alliance, "homepage"): "The alliance's own website.",
    (m.Alliance, "languages"): "Languages of the site (ISO 639-1); must include en.",
    (m.Alliance, "demo"): "true for example data: the site shows a demo banner.",
    (m.Alliance, "contact"): "Contact of the micro-credential office.",
    (m.Alliance, "policy"): "The policy every offer is checked against.",
    # Policy
    (m.Policy, "ects_min"): "Smallest allowed workload in ECTS (inclusive).",
    (m.Policy, "ects_max_exclusive"): (
        "Workload must be below this many ECTS. Default 60: below the smallest volume of a "
        "short-cycle (EQF 5) degree."
    ),
    (m.Policy, "eqf_levels"): "EQF levels offers may have.",
    (
        m.Policy,
        "hours_per_ects_min",
    ): "Lowest expected hours of work per ECTS (outside the range: warning).",
    (
        m.Policy,
        "hours_per_ects_max",
    ): "Highest expected hours of work per ECTS (outside the range: warning).",
    (m.Policy, "review_max_age_days"): "An offer not reviewed for longer than this gets a warning.",
    (m.Policy, "recognition"): "Recognition rules.",
    (m.RecognitionPolicy, "automatic_requires_rigid_pathway"): (
        "Automatic recognition only for offers in a rigid pathway."
    ),
    (
        m.RecognitionPolicy,
        "facilitated_requires_partners",
    ): "Facilitated recognition must name partners.",
    (m.RecognitionPolicy, "recognition_requires_supervised_id"): (
        "Facilitated or automatic recognition requires supervised assessment with identity "
        "verification."
    ),
    # Contact
    (m.Contact, "email"): "E-mail address.",
    (m.Contact, "name"): "Name of the person or office.",
    (m.Contact, "url"): "Web page (absolute https address).",
    # QA
    (m.QualityAssurance, "type"): "Type of quality assurance (ELM accreditation type).",
    (m.QualityAssurance, "agency"): "The quality assurance agency (language map).",
    (m.QualityAssurance, "agency_url"): "The agency's website.",
    (m.QualityAssurance, "description"): "What the quality assurance covers (language map).",
    # Keys
    (m.IssuerKey, "kid"): "Key id: URL-safe, unique within the issuer, equal to the file name.",
    (m.IssuerKey, "alg"): "ES256, EdDSA or RS256 (follows from the key).",
    (
        m.IssuerKey,
        "use",
    ): "signing (a project key with a jwk) or eseal (an external eSeal certificate).",
    (
        m.IssuerKey,
        "status",
    ): (
        "active, retired (stopped signing at valid_until) or compromised (nothing it signed is "
        "trusted)."
    ),
    (m.IssuerKey, "valid_from"): "When the key started signing (date and time with time zone).",
    (m.IssuerKey, "valid_until"): "When the key stopped signing; null while in use.",
    (m.IssuerKey, "jwk"): "The public key as a JWK (no private members).",
    (m.IssuerKey, "certificate_pem"): "The certificate, PEM (YAML key: certificate).",
    # Issuer
    (
        m.Issuer,
        "slug",
    ): "Short URL-safe name, equal to the file name (e.g. lu). Never change it once published.",
    (m.Issuer, "legal_name"): "Legal name (language map).",
    (m.Issuer, "short_name"): "Common abbreviation, e.g. UL.",
    (m.Issuer, "country"): "Country (ISO 3166-1 alpha-2, e.g. LV). Annex I: country of the issuer.",
    (m.Issuer, "city"): "City.",
    (
        m.Issuer,
        "erasmus_code",
    ): "Erasmus (ECHE) code, e.g. 'LV RIGA01', 'D  MAINZ01'; null with a todo note if unknown.",
    (
        m.Issuer,
        "schac",
    ): "SCHAC code (the institution's domain, e.g. lu.lv); null with a todo note if unknown.",
    (
        m.Issuer,
        "deqar_id",
    ): "DEQAR institution id (DEQARINST followed by digits); null with a todo note if unknown.",
    (m.Issuer, "homepage"): "The university's website.",
    (m.Issuer, "contact"): "Contact for micro-credentials.",
    (
        m.Issuer,
        "quality_assurance",
    ): "Institutional quality assurance; applies to offers that do not state their own.",
    (m.Issuer, "todo"): "Notes on identifiers still to confirm.",
    # Offer parts
    (m.Skill, "uri"): "ESCO skill URI: http://data.europa.eu/esco/skill/<uuid>.",
    (m.Skill, "label"): "The skill's name (language map).",
    (m.Languages, "teaching"): "Languages of teaching (ISO 639-1).",
    (m.Languages, "assessment"): "Languages in which learners may be assessed (ISO 639-1).",
    (m.Assessment, "types"): "Types of assessment (Annex I).",
    (m.Assessment, "description"): "How the assessment works (language map).",
    (m.Assessment, "grading"): "pass-fail or graded.",
    (m.Assessment, "grading_scale"): "The grading scale, if graded (language map).",
    (
        m.Assessment,
        "supervision",
    ): "Supervision and identity verification during assessment (Annex I, optional).",
    (m.Schedule, "self_paced"): "true: learners start any time; start and end are optional.",
    (m.Schedule, "start"): "First day (YYYY-MM-DD); required unless self-paced.",
    (m.Schedule, "end"): "Last day (YYYY-MM-DD); not before start.",
    (m.Schedule, "application_deadline"): "Last day to apply (YYYY-MM-DD); not after start.",
    (
        m.Schedule,
        "schedule_type",
    ): "full-time (> 30 h a week), part-time-intensive (8-30 h) or part-time-light (< 8 h).",
    (m.Schedule, "weekly_hours"): "Typical hours of work per week.",
    (m.Fee, "alliance_students"): "Fee for students of alliance universities (0 = free).",
    (m.Fee, "others"): "Fee for everyone else.",
    (m.Fee, "currency"): "ISO 4217 currency code, e.g. EUR.",
    (m.Fee, "note"): "Anything else about the fee (language map).",
    (
        m.Recognition,
        "scenario",
    ): (
        "standard, facilitated (partners commit to recognise) or automatic (rigid pathway + "
        "agreement)."
    ),
    (m.Recognition, "partners"): "Issuer slugs of the universities that recognise the credential.",
    (
        m.Recognition,
        "agreement",
    ): "Reference of the recognition agreement (required for automatic).",
    (m.Recognition, "note"): "Details for learners (language map).",
    (
        m.Stackability,
        "integration",
    ): "standalone, or stackable (then a pathway must list the offer).",
    (m.Stackability, "note"): "How it stacks (language map).",
    (m.Application, "url"): "Where to apply.",
    (m.Application, "note"): "How to apply (language map).",
    (m.PreviousVersion, "version"): "The earlier version number.",
    (m.PreviousVersion, "title"): "Its title (language map).",
    (m.PreviousVersion, "ects"): "Its workload in ECTS.",
    (m.PreviousVersion, "eqf"): "Its EQF level.",
    (m.PreviousVersion, "learning_outcomes"): "Its learning outcomes.",
    # Offer
    (m.Offer, "id"): "URL-safe id, equal to the file name; never change it once published.",
    (m.Offer, "version"): 'Version of the offer, e.g. "1.0" (quote it).',
    (m.Offer, "title"): "Title (Annex I; language map).",
    (m.Offer, "description"): "Two or more sentences for learners (language map).",
    (m.Offer, "opportunity_type"): "Kind of learning opportunity.",
    (
        m.Offer,
        "awarding_bodies",
    ): (
        "Issuer slugs awarding the credential (Annex I); the first is the lead; several = joint "
        "offer."
    ),
    (
        m.Offer,
        "learning_outcomes",
    ): "What a learner knows or can do afterwards (Annex I; at least two recommended).",
    (m.Offer, "ects"): "Workload in ECTS credits (Annex I); decimals allowed.",
    (m.Offer, "workload_hours"): "Workload in hours of learner work (Annex I); 25-30 h per ECTS.",
    (m.Offer, "eqf"): "EQF level 1-8 (Annex I).",
    (
        m.Offer,
        "cycle",
    ): "Study cycle, must match the EQF level: short (5), first (6), second (7), third (8).",
    (m.Offer, "isced"): 'ISCED-F 2013 field codes, quoted (e.g. "0613").',
    (m.Offer, "esco_skills"): "ESCO skills the offer develops.",
    (m.Offer, "languages"): "Languages of teaching and assessment.",
    (m.Offer, "mode"): "Form of participation (Annex I).",
    (m.Offer, "assessment"): "Assessment (Annex I).",
    (
        m.Offer,
        "quality_assurance",
    ): "Only if it differs from the lead awarding body's quality assurance (Annex I).",
    (m.Offer, "prerequisites"): "Prerequisites in words (Annex I, optional; language map).",
    (m.Offer, "prerequisite_offers"): "Offer ids a learner must complete first.",
    (m.Offer, "stackability"): "Stackability / integration (Annex I, optional).",
    (m.Offer, "further_information"): "Further information (Annex I, optional; language map).",
    (m.Offer, "target_group"): "Who the offer is for (language map).",
    (m.Offer, "schedule"): "Dates, or self-paced.",
    (m.Offer, "fee"): "Fees.",
    (m.Offer, "recognition"): "Recognition scenario.",
    (m.Offer, "application"): "How to apply.",
    (m.Offer, "contact"): "Contact for questions about this offer.",
    (m.Offer, "last_reviewed"): "When the content was last checked (YYYY-MM-DD).",
    (
        m.Offer,
        "previous_versions",
    ): "Credential-relevant facts of earlier versions (credentials issued then still verify).",
    # Pathway
    (m.StacksInto, "title"): "Title of the larger credential (language map).",
    (m.StacksInto, "description"): "What it is (language map).",
    (m.StacksInto, "ects"): "Its ECTS.",
    (m.StacksInto, "eqf"): "Its EQF level.",
    (m.StacksInto, "awarded_by"): "Issuer slugs that award it.",
    (m.StacksInto, "url"): "More information.",
    (m.Pathway, "id"): "URL-safe id, equal to the file name.",
    (m.Pathway, "title"): "Title (language map).",
    (m.Pathway, "description"): "What the pathway leads to (language map).",
    (
        m.Pathway,
        "direction",
    ): "vertical (offers in sequence, building on each other) or horizontal (broadening).",
    (
        m.Pathway,
        "type",
    ): "open (any members), elective (some required) or rigid (all required, in advance).",
    (m.Pathway, "offers"): "Member offer ids; for vertical pathways in sequence.",
    (m.Pathway, "required"): "Members every learner must complete; rigid: all of them.",
    (m.Pathway, "min_ects"): "ECTS needed from the members to complete the pathway.",
    (m.Pathway, "stacks_into"): "The larger credential.",
    (m.Pathway, "recognition"): "Recognition of the whole pathway.",
}


def description(cls: type, name: str) -> str:
    return DESCRIPTIONS.get((cls, name), "")
