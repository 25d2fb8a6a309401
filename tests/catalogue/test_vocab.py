"""Every vocabulary code maps to an official URI of the right pattern; gaps are exact."""

from __future__ import annotations

import re
import typing

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_tools.catalogue import model as m
from build_tools.catalogue import vocab

URI_PATTERNS = {
    "eqf": r"http://data\.europa\.eu/snb/eqf/[1-8]",
    "isced": r"http://data\.europa\.eu/snb/isced-f/\d{2,4}",
    "mode": r"http://data\.europa\.eu/snb/learning-assessment/(?:[0-9a-f]{10}|c_[0-9a-f]{8})",
    "assessment": r"http://data\.europa\.eu/snb/assessment/(?:[0-9a-f]{10}|c_[0-9a-f]{8})",
    "schedule": r"http://data\.europa\.eu/snb/learning-schedule/[0-9a-f]{10}",
    "opportunity-type": r"http://data\.europa\.eu/snb/learning-opportunity/(?:[0-9a-f]{10}|c_[0-9a-f]{8})",
    "accreditation": r"http://data\.europa\.eu/snb/accreditation/[0-9a-f]{10}",
    "supervision": r"http://data\.europa\.eu/snb/supervision-verification/[0-9a-f]{10}",
    "language": r"http://publications\.europa\.eu/resource/authority/language/[A-Z]{3}",
    "country": r"http://publications\.europa\.eu/resource/authority/country/(?:[A-Z]{3}|1A0)",
}

# The only codes without a concept URI (documented in vocab.py, data/README.md and ADR 0002).
GAPS = {("supervision", "supervised-no-id"), ("supervision", "supervised-with-id")}

ALL_CODES = [(s, c) for s in vocab.SCHEMES for c in vocab.codes(s)]


def test_every_scheme_has_a_pattern() -> None:
    assert set(URI_PATTERNS) == set(vocab.SCHEMES)


@pytest.mark.parametrize(("scheme", "code"), ALL_CODES, ids=[f"{s}:{c}" for s, c in ALL_CODES])
def test_code_maps_to_official_uri(scheme: str, code: str) -> None:
    uri = vocab.uri(scheme, code)
    if (scheme, code) in GAPS:
        assert uri is None
        assert "no concept URI" in vocab.concept(scheme, code).note
    else:
        assert uri is not None and re.fullmatch(URI_PATTERNS[scheme], uri), uri
    assert vocab.label(scheme, code)


@given(st.sampled_from([(s, c) for s, c in ALL_CODES if (s, c) not in GAPS]))
def test_uri_round_trip(pair: tuple[str, str]) -> None:
    scheme, code = pair
    uri = vocab.uri(scheme, code)
    assert uri is not None
    back = vocab.code_for_uri(scheme, uri)
    # summer-school shares the Short learning programme concept; the first code wins
    assert back == code or (scheme, code) == ("opportunity-type", "summer-school")


def test_gaps_are_exactly_the_documented_ones() -> None:
    assert {(s, c) for s, c in ALL_CODES if vocab.uri(s, c) is None} == GAPS
    assert vocab.concept("opportunity-type", "summer-school").uri == vocab.uri(
        "opportunity-type", "short-programme"
    )


def test_unknown_code_raises_key_error() -> None:
    with pytest.raises(KeyError, match="not a known assessment type"):
        vocab.uri("assessment", "written-exma")
    with pytest.raises(KeyError, match="unknown vocabulary scheme"):
        vocab.codes("colours")


@pytest.mark.parametrize(
    ("literal", "scheme"),
    [
        (m.Mode, "mode"),
        (m.ScheduleType, "schedule"),
        (m.Supervision, "supervision"),
        (m.QaType, "accreditation"),
        (m.OpportunityType, "opportunity-type"),
    ],
)
def test_model_codes_equal_vocabulary(literal: object, scheme: str) -> None:
    assert set(typing.get_args(literal)) == set(vocab.codes(scheme))


def test_assessment_codes_match_the_format() -> None:
    assert vocab.codes("assessment") == (
        "peer-assessment",
        "marked-assignment",
        "continuous-evaluation",
        "portfolio",
        "group-performance",
        "practical",
        "written-exam",
        "attendance",
        "project-work",
        "peer-review",
        "quiz",
        "problem-based",
        "oral-exam",
        "artefact",
        "presentation",
        "self-assessment",
        "guided-self-assessment",
    )


def test_eqf_and_cycles() -> None:
    assert vocab.codes("eqf") == tuple(str(n) for n in range(1, 9))
    assert [vocab.eqf_cycle(n) for n in range(1, 9)] == [None] * 4 + [
        "short",
        "first",
        "second",
        "third",
    ]
    assert set(typing.get_args(m.Cycle)) == {"short", "first", "second", "third"}


def test_isced_is_complete_and_multilingual() -> None:
    codes = vocab.codes("isced")
    assert len(codes) == 220
    levels = {"broad": 2, "narrow": 3, "detailed": 4}
    for code in codes:
        c = vocab.concept("isced", code)
        assert len(code) == levels[c.extra["level"]]
        assert set(c.labels) == set(vocab.ISCED_LANGUAGES), code
        if c.extra["parent"]:
            assert code.startswith(c.extra["parent"]) and c.extra["parent"] in codes
    assert vocab.label("isced", "0613") == "Software and applications development and analysis"
    assert vocab.label("isced", "0613", "de") != vocab.label("isced", "0613")
    assert vocab.label("isced", "0613", "xx") == vocab.label("isced", "0613")  # English fallback


EU_OFFICIAL = [
    "bg",
    "hr",
    "cs",
    "da",
    "nl",
    "en",
    "et",
    "fi",
    "fr",
    "de",
    "el",
    "hu",
    "ga",
    "it",
    "lv",
    "lt",
    "mt",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "es",
    "sv",
]


def test_languages() -> None:
    codes = set(vocab.codes("language"))
    assert set(EU_OFFICIAL) <= codes
    assert {"nb", "nn", "no", "ca", "is", "uk", "tr"} <= codes
    assert (
        vocab.uri("language", "lv")
        == "http://publications.europa.eu/resource/authority/language/LAV"
    )
    assert vocab.language_authority_code("nb") == "NOB"
    assert vocab.label("language", "el") == "Greek"
    assert all(re.fullmatch(r"[a-z]{2}", c) for c in codes)


EU_AND_EEA = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "IS",
    "LI",
    "NO",
]


def test_countries() -> None:
    codes = set(vocab.codes("country"))
    assert set(EU_AND_EEA) <= codes
    assert {"CH", "GB", "UA", "TR", "RS", "AL", "BA", "ME", "MK", "MD", "XK"} <= codes
    assert (
        vocab.uri("country", "LV") == "http://publications.europa.eu/resource/authority/country/LVA"
    )
    assert vocab.country_alpha3("NO") == "NOR"
    assert vocab.country_alpha3("XK") == ""  # Kosovo: no ISO alpha-3; EU authority code 1A0
    assert vocab.uri(
        "country",
        "XK",
    ).endswith("/1A0")  # type: ignore[union-attr]
    assert vocab.label("country", "FI") == "Finland"
    for code in codes:
        alpha3 = vocab.country_alpha3(code)
        assert alpha3 == "" or vocab.uri("country", code).endswith("/" + alpha3)  # type: ignore[union-attr]


def test_data_folder_documents_origin_and_licence() -> None:
    from importlib import resources

    readme = (
        resources.files("build_tools.catalogue").joinpath("data", "README.md").read_text("utf-8")
    )
    for name in ("eqf.csv", "isced-f.csv", "elm-schemes.csv", "languages.csv", "countries.csv"):
        assert name in readme
    assert "CC BY 4.0" in readme
