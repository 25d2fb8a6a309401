"""One fixture per rule: the minimal catalogue is valid; each case breaks one thing and expects
exactly that finding (code, severity, file and line)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from build_tools.catalogue.rules import CODES

from .factory import NOW, CatalogueFactory, line_of

OFFER = "offers/aa/aa-one.yaml"
TWO = "offers/aa/aa-two.yaml"
JOINT = "offers/bb/bb-joint.yaml"
PATH = "pathways/testa-path.yaml"
ALLIANCE = "alliance.yaml"
ISSUER_A = "issuers/aa.yaml"


def test_minimal_catalogue_is_valid(factory: CatalogueFactory) -> None:
    result = factory.load()
    assert result.findings == []
    assert result.ok
    cat = result.catalogue
    assert cat is not None
    assert list(cat.offers) == ["aa-one", "aa-two", "bb-joint"]
    assert list(cat.issuers) == ["aa", "bb"]
    assert cat.offers["bb-joint"].awarding_bodies == ("bb", "aa")
    assert cat.offers["bb-joint"].issuer_folder == "bb"


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[CatalogueFactory], Any]
    code: str
    file: str
    line_text: str | None  # the expected line contains this text (None: line not checked)
    severity: str = "error"
    occurrence: int = 1


def _set(target: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


def _del(target: dict[str, Any], path: str) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[key]
    del target[keys[-1]]


def offer(path: str, value: Any, offer_id: str = "aa-one") -> Callable[[CatalogueFactory], None]:
    return lambda f: _set(f.offers[offer_id], path, value)


def offer_del(path: str, offer_id: str = "aa-one") -> Callable[[CatalogueFactory], None]:
    return lambda f: _del(f.offers[offer_id], path)


def pathway(path: str, value: Any) -> Callable[[CatalogueFactory], None]:
    return lambda f: _set(f.pathways["testa-path"], path, value)


def issuer(path: str, value: Any, slug: str = "aa") -> Callable[[CatalogueFactory], None]:
    return lambda f: _set(f.issuers[slug], path, value)


def alliance(path: str, value: Any) -> Callable[[CatalogueFactory], None]:
    return lambda f: _set(f.alliance, path, value)


def _both(*fns: Callable[[CatalogueFactory], Any]) -> Callable[[CatalogueFactory], None]:
    def run(f: CatalogueFactory) -> None:
        for fn in fns:
            fn(f)

    return run


def _no_qa(f: CatalogueFactory) -> None:
    f.issuers["aa"]["quality_assurance"] = None


def _no_keys(f: CatalogueFactory) -> None:
    f.keys = {k: v for k, v in f.keys.items() if k[0] != "aa"}


def _cycle(f: CatalogueFactory) -> None:
    # pathway order: aa-two -> bb-joint; prerequisite: bb-joint before aa-two
    f.offers["aa-two"]["prerequisite_offers"] = ["bb-joint"]


def _self_prerequisite(f: CatalogueFactory) -> None:
    f.offers["aa-one"]["prerequisite_offers"] = ["aa-one"]


CASES = [
    # --- structure (loader)
    Case("unknown key", offer("ectz", 3), "UNKNOWN_KEY", OFFER, "ectz:"),
    Case("unknown nested key", offer("schedule.strat", "x"), "UNKNOWN_KEY", OFFER, "strat:"),
    Case("missing required key", offer_del("version"), "MISSING_KEY", OFFER, "id: aa-one"),
    Case("empty required key", offer("version", None), "MISSING_KEY", OFFER, "version:"),
    Case("null EQF", offer("eqf", None), "ANNEX1_EQF_MISSING", OFFER, "eqf:"),
    Case(
        "title not in the lead's national language",
        offer("title", {"en": "Offer aa-one"}),
        "TRANSLATION_MISSING",
        OFFER,
        "title:",
        severity="warning",
    ),
    Case("wrong type: list", offer("isced", "0613"), "TYPE_LIST", OFFER, "isced:"),
    Case("wrong type: mapping", offer("schedule", "soon"), "TYPE_MAPPING", OFFER, "schedule:"),
    Case(
        "wrong type: scalar",
        offer("version", ["1"]),
        "TYPE_SCALAR",
        OFFER,
        "version:",
        occurrence=1,
    ),
    Case("wrong type: number", offer("ects", "three"), "TYPE_NUMBER", OFFER, "ects:"),
    Case("wrong type: integer", offer("eqf", 6.5), "TYPE_INTEGER", OFFER, "eqf:"),
    Case(
        "wrong type: boolean",
        offer("schedule.self_paced", "maybe"),
        "TYPE_BOOLEAN",
        OFFER,
        "self_paced:",
    ),
    Case(
        "wrong type: date",
        offer("last_reviewed", "15.10.2026"),
        "TYPE_DATE",
        OFFER,
        "last_reviewed:",
    ),
    Case(
        "impossible date",
        offer("last_reviewed", "2026-02-30"),
        "TYPE_DATE",
        OFFER,
        "last_reviewed:",
    ),
    Case(
        "literal not allowed",
        offer("recognition.scenario", "automatik"),
        "VALUE_NOT_ALLOWED",
        OFFER,
        "scenario:",
    ),
    Case("unknown mode", offer("mode", "onlien"), "VOCAB_UNKNOWN_CODE", OFFER, "mode:"),
    Case(
        "unknown assessment type",
        offer("assessment.types", ["written-exma"]),
        "VOCAB_UNKNOWN_CODE",
        OFFER,
        "written-exma",
    ),
    Case("unknown ISCED code", offer("isced", ["0699"]), "VOCAB_UNKNOWN_CODE", OFFER, "0699"),
    Case("unknown EQF level", offer("eqf", 9), "VOCAB_UNKNOWN_CODE", OFFER, "eqf:"),
    Case(
        "unknown language", offer("languages.teaching", ["xx"]), "VOCAB_UNKNOWN_CODE", OFFER, "xx"
    ),
    Case("unknown country", issuer("country", "XY"), "VOCAB_UNKNOWN_CODE", ISSUER_A, "country:"),
    Case(
        "unknown QA type",
        issuer("quality_assurance.type", "accredited"),
        "VOCAB_UNKNOWN_CODE",
        ISSUER_A,
        "type:",
    ),
    Case(
        "unknown language map key",
        offer("title", {"en": "T", "english": "T"}),
        "VOCAB_UNKNOWN_CODE",
        OFFER,
        "english",
    ),
    Case(
        "language map without English",
        offer("title", {"lv": "Nosaukums"}),
        "TEXT_ENGLISH_MISSING",
        OFFER,
        "title:",
    ),
    Case(
        "language map as plain text",
        offer("description", "Plain"),
        "LANGMAP_NOT_MAPPING",
        OFFER,
        "description:",
    ),
    Case("empty text", offer("title", {"en": " "}), "TEXT_EMPTY", OFFER, "en: ' '"),
    Case(
        "id differs from file name",
        offer("id", "aa-uno"),
        "ID_FILE_NAME_MISMATCH",
        OFFER,
        "id: aa-uno",
    ),
    # --- Annex I
    Case("no title", offer_del("title"), "ANNEX1_TITLE_MISSING", OFFER, "id: aa-one"),
    Case(
        "no awarding bodies",
        offer("awarding_bodies", []),
        "ANNEX1_AWARDING_BODY_MISSING",
        "offers/aa/aa-one.yaml",
        "awarding_bodies:",
    ),
    Case(
        "no learning outcomes",
        offer("learning_outcomes", []),
        "ANNEX1_LEARNING_OUTCOMES_MISSING",
        OFFER,
        "learning_outcomes:",
    ),
    Case("no ECTS", offer_del("ects"), "ANNEX1_WORKLOAD_MISSING", OFFER, "id: aa-one"),
    Case("no hours", offer_del("workload_hours"), "ANNEX1_WORKLOAD_MISSING", OFFER, "id: aa-one"),
    Case("no EQF", offer_del("eqf"), "ANNEX1_EQF_MISSING", OFFER, "id: aa-one"),
    Case(
        "no assessment", offer_del("assessment"), "ANNEX1_ASSESSMENT_MISSING", OFFER, "id: aa-one"
    ),
    Case(
        "no assessment types",
        offer("assessment.types", []),
        "ANNEX1_ASSESSMENT_MISSING",
        OFFER,
        "types:",
    ),
    Case("no mode", offer_del("mode"), "ANNEX1_MODE_MISSING", OFFER, "id: aa-one"),
    Case("no QA anywhere", _no_qa, "ANNEX1_QA_MISSING", OFFER, "id: aa-one"),
    Case(
        "issuer without country",
        lambda f: _del(f.issuers["aa"], "country"),
        "ANNEX1_COUNTRY_MISSING",
        ISSUER_A,
        "slug: aa",
    ),
    Case(
        "one outcome",
        offer("learning_outcomes", [{"en": "Only one."}]),
        "LEARNING_OUTCOMES_FEW",
        OFFER,
        "learning_outcomes:",
        "warning",
    ),
    # --- policy
    Case("ECTS below minimum", offer("ects", 0.5), "POLICY_ECTS_BELOW_MIN", OFFER, "ects:"),
    Case("ECTS at maximum", offer("ects", 60), "POLICY_ECTS_ABOVE_MAX", OFFER, "ects:"),
    Case("EQF not allowed", offer("eqf", 4), "POLICY_EQF_NOT_ALLOWED", OFFER, "eqf:"),
    Case(
        "hours per ECTS too low",
        offer("workload_hours", 30),
        "POLICY_HOURS_PER_ECTS",
        OFFER,
        "workload_hours:",
        "warning",
    ),
    Case(
        "hours per ECTS too high",
        offer("workload_hours", 200),
        "POLICY_HOURS_PER_ECTS",
        OFFER,
        "workload_hours:",
        "warning",
    ),
    Case(
        "cycle does not match EQF", offer("cycle", "second"), "CYCLE_EQF_MISMATCH", OFFER, "cycle:"
    ),
    Case(
        "policy contradicts itself",
        alliance("policy.ects_min", 70),
        "POLICY_INVALID",
        ALLIANCE,
        "ects_min:",
    ),
    # --- references
    Case(
        "unknown awarding body",
        offer("awarding_bodies", ["aa", "zz"]),
        "REF_UNKNOWN_ISSUER",
        OFFER,
        "- zz",
    ),
    Case(
        "unknown partner",
        offer("recognition.partners", ["bx"], "bb-joint"),
        "REF_UNKNOWN_ISSUER",
        JOINT,
        "- bx",
    ),
    Case(
        "unknown prerequisite",
        offer("prerequisite_offers", ["aa-three"]),
        "REF_UNKNOWN_OFFER",
        OFFER,
        "- aa-three",
    ),
    Case(
        "unknown pathway member",
        pathway("offers", ["aa-two", "bb-joint", "cc-x"]),
        "REF_UNKNOWN_OFFER",
        PATH,
        "- cc-x",
    ),
    Case(
        "unknown stacks_into issuer",
        pathway("stacks_into.awarded_by", ["aa", "cc"]),
        "REF_UNKNOWN_ISSUER",
        PATH,
        "- cc",
    ),
    Case(
        "folder is not an awarding body",
        lambda f: f.folders.update({"aa-one": "bb"}),
        "OFFER_FOLDER_NOT_AWARDING_BODY",
        "offers/bb/aa-one.yaml",
        "awarding_bodies:",
    ),
    Case(
        "duplicate awarding body",
        offer("awarding_bodies", ["aa", "aa"]),
        "DUPLICATE_REFERENCE",
        OFFER,
        "- aa",
        occurrence=2,
    ),
    Case("cycle via prerequisite and pathway order", _cycle, "PATHWAY_CYCLE", TWO, "- bb-joint"),
    Case("offer is its own prerequisite", _self_prerequisite, "PATHWAY_CYCLE", OFFER, "- aa-one"),
    # --- pathways
    Case(
        "pathway with one offer",
        _both(
            pathway("offers", ["aa-two"]),
            pathway("required", ["aa-two"]),
            pathway("min_ects", None),
        ),
        "PATHWAY_TOO_FEW_OFFERS",
        PATH,
        "offers:",
    ),
    Case(
        "required not a member",
        pathway("required", ["aa-two", "bb-joint", "aa-one"]),
        "PATHWAY_REQUIRED_NOT_MEMBER",
        PATH,
        "- aa-one",
    ),
    Case(
        "rigid pathway not all required",
        pathway("required", ["aa-two"]),
        "PATHWAY_RIGID_NOT_ALL_REQUIRED",
        PATH,
        "required:",
    ),
    Case(
        "min_ects unreachable",
        pathway("min_ects", 7),
        "PATHWAY_MIN_ECTS_UNREACHABLE",
        PATH,
        "min_ects:",
    ),
    Case(
        "stackable but in no pathway",
        offer("stackability.integration", "stackable"),
        "STACKABLE_NOT_IN_PATHWAY",
        OFFER,
        "integration:",
    ),
    Case(
        "standalone but in a pathway",
        offer("stackability.integration", "standalone", "aa-two"),
        "STANDALONE_IN_PATHWAY",
        TWO,
        "integration:",
    ),
    # --- recognition
    Case(
        "automatic outside a rigid pathway",
        _both(pathway("type", "elective"), pathway("recognition.scenario", "facilitated")),
        "RECOGNITION_AUTOMATIC_NOT_RIGID",
        TWO,
        "scenario: automatic",
    ),
    Case(
        "automatic pathway not rigid",
        _both(pathway("type", "open"), pathway("required", [])),
        "RECOGNITION_AUTOMATIC_NOT_RIGID",
        PATH,
        "scenario: automatic",
    ),
    Case(
        "automatic without agreement",
        offer("recognition.agreement", "", "aa-two"),
        "RECOGNITION_AGREEMENT_MISSING",
        TWO,
        "recognition:",
    ),
    Case(
        "facilitated without partners",
        offer("recognition.partners", [], "bb-joint"),
        "RECOGNITION_FACILITATED_NO_PARTNERS",
        JOINT,
        "recognition:",
    ),
    Case(
        "recognised but unsupervised",
        offer("assessment.supervision", "unsupervised-no-id", "bb-joint"),
        "RECOGNITION_SUPERVISION_REQUIRED",
        JOINT,
        "supervision:",
    ),
    # --- dates
    Case(
        "end before start",
        offer("schedule.end", dt.date(2027, 1, 20)),
        "DATE_END_BEFORE_START",
        OFFER,
        "end:",
    ),
    Case(
        "deadline after start",
        offer("schedule.application_deadline", dt.date(2027, 2, 2)),
        "DATE_DEADLINE_AFTER_START",
        OFFER,
        "application_deadline:",
    ),
    Case(
        "scheduled without start",
        offer_del("schedule.start"),
        "SCHEDULE_START_MISSING",
        OFFER,
        "schedule:",
    ),
    Case(
        "weekly hours do not fit schedule type",
        offer("schedule.weekly_hours", 20),
        "SCHEDULE_TYPE_HOURS_MISMATCH",
        OFFER,
        "weekly_hours:",
        "warning",
    ),
    Case(
        "review overdue",
        offer("last_reviewed", dt.date(2025, 1, 1)),
        "REVIEW_OVERDUE",
        OFFER,
        "last_reviewed:",
        "warning",
    ),
    Case(
        "review in the future",
        offer("last_reviewed", dt.date(2027, 6, 1)),
        "DATE_IN_FUTURE",
        OFFER,
        "last_reviewed:",
        "warning",
    ),
    # --- identifiers and formats
    Case(
        "offer id not URL-safe",
        _both(offer("id", "AA_One")),
        "SLUG_INVALID",
        "offers/aa/aa-one.yaml",
        "id: AA_One",
    ),
    Case(
        "ESCO URI malformed",
        offer("esco_skills", [{"uri": "https://esco.ec.europa.eu/skill/123"}]),
        "ESCO_URI_INVALID",
        OFFER,
        "uri:",
    ),
    Case(
        "Erasmus code malformed",
        issuer("erasmus_code", "D MAINZ01"),
        "ERASMUS_CODE_INVALID",
        ISSUER_A,
        "erasmus_code:",
    ),
    Case("SCHAC malformed", issuer("schac", "Not A Domain"), "SCHAC_INVALID", ISSUER_A, "schac:"),
    Case(
        "DEQAR id malformed",
        issuer("deqar_id", "DEQAR123"),
        "DEQAR_ID_INVALID",
        ISSUER_A,
        "deqar_id:",
    ),
    Case(
        "identifier unset without todo",
        issuer("erasmus_code", None),
        "IDENTIFIER_UNSET",
        ISSUER_A,
        "erasmus_code:",
        "warning",
    ),
    Case(
        "identifier to confirm",
        _both(issuer("deqar_id", None), issuer("todo", ["Look up the DEQAR id on deqar.eu."])),
        "IDENTIFIER_TO_CONFIRM",
        ISSUER_A,
        "Look up the DEQAR id",
        "warning",
    ),
    Case(
        "application URL is the university's home page",
        offer("application", {"url": "https://aa.example.org/", "note": {"en": "Closed."}}),
        "APPLICATION_URL_HOMEPAGE",
        OFFER,
        "url: https://aa.example.org/",
        "warning",
    ),
    Case(
        "application URL is a site root",
        offer("application", {"url": "https://apply.example.net"}),
        "APPLICATION_URL_HOMEPAGE",
        OFFER,
        "url: https://apply.example.net",
        "warning",
    ),
    Case(
        "homepage not a URL",
        issuer("homepage", "www.aa.example.org"),
        "URL_INVALID",
        ISSUER_A,
        "homepage:",
    ),
    Case(
        "e-mail malformed",
        offer("contact", {"email": "office-at-example"}),
        "EMAIL_INVALID",
        OFFER,
        "email:",
    ),
    Case(
        "site_url without slash",
        alliance("site_url", "https://example.org/credentials"),
        "SITE_URL_INVALID",
        ALLIANCE,
        "site_url:",
    ),
    Case(
        "site_url whose port makes no did:web",
        alliance("site_url", "https://example.org:99999/credentials/"),
        "SITE_URL_INVALID",
        ALLIANCE,
        "site_url:",
    ),
    Case(
        "alliance languages without English",
        alliance("languages", ["lv"]),
        "LANGUAGES_MISSING",
        ALLIANCE,
        "languages:",
    ),
    Case("negative fee", offer("fee.others", -5), "FEE_INVALID", OFFER, "others:"),
    Case("currency malformed", offer("fee.currency", "euro"), "FEE_INVALID", OFFER, "currency:"),
    Case(
        "previous version repeats the version",
        offer(
            "previous_versions",
            [
                {
                    "version": "1.0",
                    "title": {"en": "Old"},
                    "ects": 2,
                    "eqf": 6,
                    "learning_outcomes": [{"en": "X"}],
                }
            ],
        ),
        "VERSION_DUPLICATE",
        OFFER,
        "version:",
        occurrence=1,
    ),
    Case(
        "no teaching languages",
        offer("languages.teaching", []),
        "LANGUAGES_MISSING",
        OFFER,
        "teaching:",
    ),
    # --- keys
    Case("issuer without keys", _no_keys, "ISSUER_NO_ACTIVE_KEY", ISSUER_A, "slug: aa"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule(factory: CatalogueFactory, case: Case) -> None:
    case.mutate(factory)
    result = factory.load()
    assert case.code in CODES
    matching = [f for f in result.findings if f.code == case.code and f.file == case.file]
    assert matching, f"expected {case.code}, got {[str(f) for f in result.findings]}"
    found = matching[0]
    assert found.severity == case.severity
    assert found.file == case.file
    if case.line_text is not None:
        assert found.line == line_of(
            factory.root, case.file, case.line_text, occurrence=case.occurrence
        )
        assert found.column >= 1
    assert found.message and (found.message[0].isupper() or found.message[0] in "'0123456789")
    assert found.message.rstrip().endswith((".", ")"))
    # Each case breaks one thing: no unrelated errors appear.
    others = {f.code for f in result.findings if f.is_error} - {case.code}
    assert others <= _ALLOWED_SIDE_EFFECTS.get(case.name, set()), others
    assert result.ok is (case.severity == "warning")


# Some breakages necessarily trigger a second rule; list them so nothing else slips in.
_ALLOWED_SIDE_EFFECTS: dict[str, set[str]] = {
    "id differs from file name": set(),
    "no awarding bodies": {"OFFER_FOLDER_NOT_AWARDING_BODY"},
    "unknown pathway member": {"PATHWAY_RIGID_NOT_ALL_REQUIRED"},
    "folder is not an awarding body": set(),
    "automatic pathway not rigid": set(),
    "no ECTS": {"POLICY_ECTS_BELOW_MIN"},
    "ECTS at maximum": set(),
    "pathway with one offer": {"STACKABLE_NOT_IN_PATHWAY"},
    "required not a member": {"PATHWAY_RIGID_NOT_ALL_REQUIRED"},
    "standalone but in a pathway": set(),
    "automatic outside a rigid pathway": set(),
    "unknown EQF level": set(),
    "no EQF": set(),
    "unknown QA type": {"ANNEX1_QA_MISSING"},
    "EQF not allowed": {"CYCLE_EQF_MISMATCH"},
    "policy contradicts itself": {"POLICY_ECTS_BELOW_MIN"},
    "unknown assessment type": {"ANNEX1_ASSESSMENT_MISSING"},
    "unknown language": {"LANGUAGES_MISSING"},
    "offer id not URL-safe": {"ID_FILE_NAME_MISMATCH"},
    "min_ects unreachable": set(),
    "no assessment": set(),
}


def test_every_code_has_a_fixture() -> None:
    """Each code is produced by a case here or asserted by name in another test module."""
    here = Path(__file__).parent
    others = "".join(
        p.read_text("utf-8") for p in here.glob("test_*.py") if p.name != Path(__file__).name
    )
    covered = {c.code for c in CASES} | {code for code in CODES if f'"{code}"' in others}
    # Defensive codes that valid Python cannot trigger: a RecursionError/MemoryError in the
    # bounded composer, and a crash inside a rule.
    unreachable = {"YAML_TOO_COMPLEX", "RULE_FAILED"}
    assert set(CODES) - covered == unreachable


def test_findings_are_sorted_and_all_reported(factory: CatalogueFactory) -> None:
    """Accumulate: several problems in several files come back together, sorted by place."""
    factory.offers["aa-one"]["ects"] = 0.5
    factory.offers["aa-one"]["mode"] = "onlien"
    factory.offers["bb-joint"]["eqf"] = 4
    factory.pathways["testa-path"]["min_ects"] = 100
    result = factory.load()
    got = {(f.file, f.code) for f in result.findings}
    assert {
        (OFFER, "POLICY_ECTS_BELOW_MIN"),
        (OFFER, "VOCAB_UNKNOWN_CODE"),
        (JOINT, "POLICY_EQF_NOT_ALLOWED"),
        (PATH, "PATHWAY_MIN_ECTS_UNREACHABLE"),
    } <= got
    keys = [f.sort_key() for f in result.findings]
    assert keys == sorted(keys)


def test_did_you_mean_for_keys_and_codes(factory: CatalogueFactory) -> None:
    factory.offers["aa-one"]["ectz"] = 3
    factory.offers["aa-one"]["assessment"]["types"] = ["written-exma"]
    result = factory.load()
    hints = {f.code: f.hint for f in result.findings}
    assert hints["UNKNOWN_KEY"] == "Did you mean 'ects'?"
    assert hints["VOCAB_UNKNOWN_CODE"] == "Did you mean 'written-exam'?"


def test_policy_is_data(factory: CatalogueFactory) -> None:
    """Changing the policy in alliance.yaml changes the verdict."""
    factory.offers["aa-one"]["ects"] = 2
    factory.offers["aa-one"]["workload_hours"] = 55
    factory.alliance["policy"]["ects_min"] = 2.5
    assert "POLICY_ECTS_BELOW_MIN" in {f.code for f in factory.load().findings}
    factory.alliance["policy"]["ects_min"] = 2
    assert factory.load().ok
    factory.alliance["policy"]["recognition"]["recognition_requires_supervised_id"] = False
    factory.offers["bb-joint"]["assessment"]["supervision"] = "unsupervised-no-id"
    assert factory.load().ok


def test_policy_default_maximum_is_60(factory: CatalogueFactory) -> None:
    del factory.alliance["policy"]
    factory.offers["aa-one"]["ects"] = 59.5
    factory.offers["aa-one"]["workload_hours"] = 1600
    result = factory.load()
    assert result.ok, [str(f) for f in result.findings]
    assert result.catalogue is not None
    assert result.catalogue.alliance.policy.ects_max_exclusive == 60
    factory.offers["aa-one"]["ects"] = 60
    assert "POLICY_ECTS_ABOVE_MAX" in {f.code for f in factory.load().findings}


def test_self_paced_needs_no_dates(factory: CatalogueFactory) -> None:
    factory.offers["aa-one"]["schedule"] = {"self_paced": True}
    assert factory.load().ok


def test_review_age_uses_now(factory: CatalogueFactory) -> None:
    factory.offers["aa-one"]["last_reviewed"] = dt.date(2026, 1, 1)
    assert factory.load(now=NOW).ok  # 374 days > 365 ... only a warning
    codes = {f.code for f in factory.load(now=NOW).findings}
    assert codes == {"REVIEW_OVERDUE"}
    assert factory.load(now=dt.datetime(2026, 10, 20, tzinfo=dt.UTC)).findings == []
