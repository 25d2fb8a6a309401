"""The typed catalogue model: what the YAML files mean once loaded and validated.

The loader (`loader.py`) turns `catalogue/**/*.yaml` into these objects and records where each
value came from, so that rules running on the model can still name file, line and column.
Every later stage (pages, ELM, registry, issuing) reads only these objects, never the YAML.

YAML keys are the field names below. Text fields are language maps (`{en: ..., lv: ...}`,
English required). Controlled values are short readable codes (`online`, `written-exam`,
`"0613"`, `lv`) that `vocab.py` maps to official URIs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from build_tools.findings import Location

# --------------------------------------------------------------------------------------------
# Locations


@dataclass(frozen=True, slots=True)
class Located:
    """Mixin data: the file an object came from and where each of its keys sits.

    `where("ects")` gives the location of the `ects` value; nested keys use dots
    (`where("schedule.start")`, `where("learning_outcomes.2")`). Unknown paths fall back to the
    closest known parent, then to the object itself.
    """

    source: Location = Location("<memory>")
    positions: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def where(self, path: str = "") -> Location:
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path.rpartition(".")[0]
        return self.source


# A language map: {"en": "...", "lv": "..."}; loader guarantees an "en" entry.
LangMap = Mapping[str, str]


def english(text: LangMap | None) -> str:
    """The English text of a language map ("" for None)."""
    return "" if not text else text.get("en", "")


# --------------------------------------------------------------------------------------------
# Controlled code types (the vocabulary tables in vocab.py map each to an official URI)

Mode = Literal[
    "online", "onsite", "blended", "hybrid", "work-based", "project-based", "research-lab"
]
ScheduleType = Literal["full-time", "part-time-intensive", "part-time-light"]
Supervision = Literal[
    "unsupervised-no-id", "unsupervised-with-id", "supervised-no-id", "supervised-with-id"
]
QaType = Literal["institutional-qa", "programme-qa", "institutional-licence", "programme-licence"]
RecognitionScenario = Literal["standard", "facilitated", "automatic"]
Integration = Literal["standalone", "stackable"]
PathwayDirection = Literal["vertical", "horizontal"]
PathwayType = Literal["open", "elective", "rigid"]
Cycle = Literal["short", "first", "second", "third"]
KeyStatus = Literal["active", "retired", "compromised"]
KeyUse = Literal["signing", "eseal"]
OpportunityType = Literal[
    "course", "module", "mooc", "short-programme", "summer-school", "challenge"
]


# --------------------------------------------------------------------------------------------
# Alliance (catalogue/alliance.yaml)


@dataclass(frozen=True, slots=True)
class RecognitionPolicy:
    automatic_requires_rigid_pathway: bool = True
    facilitated_requires_partners: bool = True
    # FORTHEM decision: recognised credentials need supervised assessment with ID verification.
    recognition_requires_supervised_id: bool = True


@dataclass(frozen=True, slots=True)
class Policy(Located):
    ects_min: float = 1
    # Exclusive upper bound: below the volume at which an EQF/NQF level 5 (short-cycle) degree
    # starts. See docs/adr/0002-catalogue-model.md for the default.
    ects_max_exclusive: float = 60
    eqf_levels: tuple[int, ...] = (5, 6, 7, 8)
    hours_per_ects_min: float = 25
    hours_per_ects_max: float = 30
    review_max_age_days: int = 365
    recognition: RecognitionPolicy = RecognitionPolicy()


@dataclass(frozen=True, slots=True)
class Contact:
    email: str = ""
    name: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Alliance(Located):
    name: str = ""  # short name, e.g. "FORTHEM"
    full_name: LangMap = field(default_factory=dict)
    description: LangMap = field(default_factory=dict)
    site_url: str = ""  # absolute, ends with "/"
    homepage: str = ""
    languages: tuple[str, ...] = ("en",)
    demo: bool = False
    contact: Contact = Contact()
    policy: Policy = Policy()


# --------------------------------------------------------------------------------------------
# Issuers (catalogue/issuers/<slug>.yaml, keys in catalogue/issuers/<slug>/keys/<kid>.yaml)


@dataclass(frozen=True, slots=True)
class QualityAssurance:
    type: QaType
    agency: LangMap = field(default_factory=dict)
    agency_url: str = ""
    description: LangMap = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IssuerKey(Located):
    """A public key or eSeal certificate of an issuer. Never holds private material."""

    kid: str = ""
    alg: str = ""  # ES256 | EdDSA | RS256
    use: KeyUse = "signing"
    status: KeyStatus = "active"
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    jwk: Mapping[str, str] = field(default_factory=dict)  # public JWK ({} for eseal-only)
    certificate_pem: str = ""


@dataclass(frozen=True, slots=True)
class StatusListFile(Located):
    """A signed status list committed under catalogue/issuers/<slug>/status/<list_id>.json."""

    list_id: str = ""
    path: str = ""  # relative to the catalogue root
    purpose: str = "revocation"


@dataclass(frozen=True, slots=True)
class Issuer(Located):
    slug: str = ""
    legal_name: LangMap = field(default_factory=dict)
    short_name: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    city: str = ""
    erasmus_code: str | None = None
    schac: str | None = None
    deqar_id: str | None = None
    homepage: str = ""
    contact: Contact = Contact()
    quality_assurance: QualityAssurance | None = None
    todo: tuple[str, ...] = ()  # notes on identifiers not yet confirmed
    keys: tuple[IssuerKey, ...] = ()
    status_lists: tuple[StatusListFile, ...] = ()

    @property
    def name(self) -> str:
        return english(self.legal_name)


# --------------------------------------------------------------------------------------------
# Offers (catalogue/offers/<issuer>/<id>.yaml)


@dataclass(frozen=True, slots=True)
class Skill:
    uri: str  # http://data.europa.eu/esco/skill/<uuid>
    label: LangMap = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Languages:
    teaching: tuple[str, ...] = ()  # ISO 639-1 codes
    assessment: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    types: tuple[str, ...] = ()  # assessment codes, e.g. "written-exam", "project-work"
    description: LangMap = field(default_factory=dict)
    grading: Literal["pass-fail", "graded"] = "pass-fail"
    grading_scale: LangMap = field(default_factory=dict)
    supervision: Supervision | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    self_paced: bool = False
    start: dt.date | None = None
    end: dt.date | None = None
    application_deadline: dt.date | None = None
    schedule_type: ScheduleType | None = None
    weekly_hours: float | None = None


@dataclass(frozen=True, slots=True)
class Fee:
    alliance_students: float = 0
    others: float = 0
    currency: str = "EUR"
    note: LangMap = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recognition:
    scenario: RecognitionScenario = "standard"
    partners: tuple[str, ...] = ()  # issuer slugs that recognise it
    agreement: str = ""  # reference of the recognition agreement (automatic scenario)
    note: LangMap = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stackability:
    integration: Integration = "standalone"
    note: LangMap = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Application:
    url: str = ""
    note: LangMap = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PreviousVersion:
    """The credential-relevant facts of an earlier published version of an offer."""

    version: str
    title: LangMap
    ects: float
    eqf: int | None
    learning_outcomes: tuple[LangMap, ...]


@dataclass(frozen=True, slots=True)
class Offer(Located):
    id: str = ""  # equals the file name without .yaml; URL-safe slug
    issuer_folder: str = ""  # the <issuer> folder the file lives in (must be an awarding body)
    version: str = "1.0"
    title: LangMap = field(default_factory=dict)
    description: LangMap = field(default_factory=dict)
    opportunity_type: OpportunityType = "course"
    awarding_bodies: tuple[str, ...] = ()  # issuer slugs; several = joint offer
    learning_outcomes: tuple[LangMap, ...] = ()
    ects: float = 0
    workload_hours: float = 0
    eqf: int | None = None
    cycle: Cycle | None = None
    isced: tuple[str, ...] = ()  # ISCED-F 2013 codes as strings ("0613")
    esco_skills: tuple[Skill, ...] = ()
    languages: Languages = Languages()
    mode: Mode = "online"
    assessment: Assessment = Assessment()
    quality_assurance: QualityAssurance | None = None  # None: the lead awarding body's QA applies
    prerequisites: LangMap = field(default_factory=dict)
    prerequisite_offers: tuple[str, ...] = ()
    stackability: Stackability = Stackability()
    further_information: LangMap = field(default_factory=dict)
    target_group: LangMap = field(default_factory=dict)
    schedule: Schedule = Schedule()
    fee: Fee = Fee()
    recognition: Recognition = Recognition()
    application: Application = Application()
    contact: Contact = Contact()
    last_reviewed: dt.date | None = None
    previous_versions: tuple[PreviousVersion, ...] = ()

    @property
    def lead_issuer(self) -> str:
        return self.awarding_bodies[0] if self.awarding_bodies else self.issuer_folder


# --------------------------------------------------------------------------------------------
# Pathways (catalogue/pathways/<id>.yaml)


@dataclass(frozen=True, slots=True)
class StacksInto:
    """The larger credential a pathway leads to."""

    title: LangMap = field(default_factory=dict)
    description: LangMap = field(default_factory=dict)
    ects: float | None = None
    eqf: int | None = None
    awarded_by: tuple[str, ...] = ()  # issuer slugs
    url: str = ""


@dataclass(frozen=True, slots=True)
class Pathway(Located):
    id: str = ""
    title: LangMap = field(default_factory=dict)
    description: LangMap = field(default_factory=dict)
    direction: PathwayDirection = "horizontal"
    type: PathwayType = "open"
    offers: tuple[str, ...] = ()  # member offers; for vertical pathways in sequence
    required: tuple[str, ...] = ()  # members every learner must complete (rigid: all of them)
    min_ects: float | None = None  # ECTS needed from the members to complete the pathway
    stacks_into: StacksInto = StacksInto()
    recognition: Recognition = Recognition()


# --------------------------------------------------------------------------------------------
# The whole catalogue


@dataclass(frozen=True, slots=True)
class Catalogue:
    root: str  # the catalogue folder, as given
    alliance: Alliance
    issuers: Mapping[str, Issuer]  # by slug, sorted
    offers: Mapping[str, Offer]  # by id, sorted
    pathways: Mapping[str, Pathway]  # by id, sorted

    def offers_of(self, slug: str) -> list[Offer]:
        """Offers that the issuer awards (alone or jointly), by id."""
        return [o for o in self.offers.values() if slug in o.awarding_bodies]

    def pathways_of(self, offer_id: str) -> list[Pathway]:
        """Pathways that list the offer as a member."""
        return [p for p in self.pathways.values() if offer_id in p.offers]

    def qa_of(self, offer: Offer) -> QualityAssurance | None:
        """The QA that underpins an offer: its own, else its lead awarding body's."""
        if offer.quality_assurance is not None:
            return offer.quality_assurance
        lead = self.issuers.get(offer.lead_issuer)
        return lead.quality_assurance if lead else None

    def application_form(self, offer: Offer) -> str:
        """The offer's application URL if it can lead to applying: "" when it is unset or only
        a home page (a site root, or an awarding body's or the alliance's home page), which a
        learner cannot apply through."""
        url = offer.application.url.strip()
        if not url:
            return ""
        homes = {self.alliance.homepage} | {
            self.issuers[s].homepage for s in offer.awarding_bodies if s in self.issuers
        }
        parts = urlsplit(url)
        if _same_page(url, homes) or (parts.path in ("", "/") and not parts.query):
            return ""
        return url


def _same_page(url: str, others: set[str]) -> bool:
    def norm(u: str) -> str:
        parts = urlsplit(u.strip())
        return f"{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}?{parts.query}"

    return norm(url) in {norm(o) for o in others if o}


def offer_countries(catalogue: Catalogue, offer: Offer) -> list[str]:
    """Country codes of the awarding bodies, in awarding-body order, without repeats."""
    seen: list[str] = []
    for slug in offer.awarding_bodies:
        issuer = catalogue.issuers.get(slug)
        if issuer and issuer.country and issuer.country not in seen:
            seen.append(issuer.country)
    return seen
