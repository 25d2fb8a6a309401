"""Controlled vocabularies: short readable codes in the YAML, official URIs in the outputs.

The tables are package data (`data/*.csv`, origin and licence in `data/README.md`). Schemes:

- `eqf`: "1" .. "8" -> http://data.europa.eu/snb/eqf/<n>
- `isced`: "06", "061", "0613" (220 codes) -> http://data.europa.eu/snb/isced-f/<code>
- `mode`: online, onsite, blended, ... -> http://data.europa.eu/snb/learning-assessment/<id>
- `assessment`: written-exam, project-work, ... -> http://data.europa.eu/snb/assessment/<id>
- `schedule`: full-time, ... -> http://data.europa.eu/snb/learning-schedule/<id>
- `opportunity-type`: course, mooc, ... -> http://data.europa.eu/snb/learning-opportunity/<id>
- `accreditation`: institutional-qa, ... -> http://data.europa.eu/snb/accreditation/<id>
- `supervision`: supervised-with-id, ... -> http://data.europa.eu/snb/supervision-verification/<id>
- `language`: en, lv, nb (ISO 639-1) -> http://publications.europa.eu/resource/authority/language/LAV
- `country`: LV, NO (ISO 3166-1 alpha-2) -> http://publications.europa.eu/resource/authority/country/LVA

Known gaps: `supervised-no-id` and `supervised-with-id` have no published concept URI that we
could confirm, so `uri("supervision", ...)` returns None for them; `summer-school` has no
concept of its own and maps to "Short learning programme".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

SCHEMES: tuple[str, ...] = (
    "eqf",
    "isced",
    "mode",
    "assessment",
    "schedule",
    "opportunity-type",
    "accreditation",
    "supervision",
    "language",
    "country",
)

# The concept scheme (or authority table) each of our schemes draws from.
SCHEME_URIS: dict[str, str] = {
    "eqf": "http://data.europa.eu/snb/eqf/25831c2",
    "isced": "http://data.europa.eu/snb/isced-f/25831c2",
    "mode": "http://data.europa.eu/snb/learning-assessment/25831c2",
    "assessment": "http://data.europa.eu/snb/assessment/25831c2",
    "schedule": "http://data.europa.eu/snb/learning-schedule/25831c2",
    "opportunity-type": "http://data.europa.eu/snb/learning-opportunity/25831c2",
    "accreditation": "http://data.europa.eu/snb/accreditation/25831c2",
    "supervision": "http://data.europa.eu/snb/supervision-verification/25831c2",
    "language": "http://publications.europa.eu/resource/authority/language",
    "country": "http://publications.europa.eu/resource/authority/country",
}

# Human names of the schemes, for messages ("... is not a known assessment type").
SCHEME_NAMES: dict[str, str] = {
    "eqf": "EQF level",
    "isced": "ISCED-F 2013 field code",
    "mode": "mode of learning and assessment",
    "assessment": "assessment type",
    "schedule": "schedule type",
    "opportunity-type": "opportunity type",
    "accreditation": "quality assurance type",
    "supervision": "supervision and identity verification value",
    "language": "language code (ISO 639-1)",
    "country": "country code (ISO 3166-1 alpha-2)",
}

ISCED_LANGUAGES: tuple[str, ...] = ("en", "lv", "de", "es", "fr", "it", "fi", "pl", "ro", "nb")


@dataclass(frozen=True, slots=True)
class Concept:
    scheme: str
    code: str
    uri: str | None  # None only for the documented gaps
    labels: dict[str, str] = field(default_factory=dict)  # by language code; "en" always present
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # scheme-specific columns


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("build_tools.catalogue").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# Schemes with a file of their own: the file, and its scheme-specific columns (`Concept.extra`).
_OWN_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "eqf": ("eqf.csv", ("cycle", "cycle_label")),
    "isced": ("isced-f.csv", ("level", "parent")),
    "language": ("languages.csv", ("authority_code",)),
    "country": ("countries.csv", ("alpha3", "authority_code")),
}


@cache
def _table(scheme: str) -> dict[str, Concept]:
    if scheme not in SCHEMES:
        raise KeyError(f"unknown vocabulary scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    out: dict[str, Concept] = {}
    if scheme in _OWN_FILES:
        name, columns = _OWN_FILES[scheme]
        languages = ISCED_LANGUAGES if scheme == "isced" else ()
        for r in _rows(name):
            # English always; ISCED-F also in the languages its file has labels for
            labels = {"en": r["label_en"]}
            labels.update(
                {lang: r[f"label_{lang}"] for lang in languages if r.get(f"label_{lang}")}
            )
            extra = {column: r[column] for column in columns}
            out[r["code"]] = Concept(scheme, r["code"], r["uri"], labels, extra=extra)
    else:
        for r in _rows("elm-schemes.csv"):
            if r["scheme"] == scheme:
                out[r["code"]] = Concept(
                    scheme, r["code"], r["uri"] or None, {"en": r["label_en"]}, note=r["note"]
                )
    return out


def codes(scheme: str) -> tuple[str, ...]:
    """All codes of a scheme, in table order."""
    return tuple(_table(scheme))


def is_code(scheme: str, code: object) -> bool:
    return isinstance(code, str) and code in _table(scheme)


def concept(scheme: str, code: str) -> Concept:
    """The concept behind a code; KeyError for an unknown code."""
    try:
        return _table(scheme)[code]
    except KeyError:
        raise KeyError(f"{code!r} is not a known {SCHEME_NAMES[scheme]}") from None


def uri(scheme: str, code: str | int) -> str | None:
    """The official URI of a code (None for the documented supervision gaps)."""
    return concept(scheme, str(code)).uri


def label(scheme: str, code: str | int, lang: str = "en") -> str:
    """The label of a code in `lang`, falling back to English."""
    labels = concept(scheme, str(code)).labels
    return labels.get(lang) or labels["en"]


def code_for_uri(scheme: str, concept_uri: str) -> str | None:
    """Reverse lookup: the first code whose URI is `concept_uri`."""
    for c in _table(scheme).values():
        if c.uri == concept_uri:
            return c.code
    return None


def eqf_cycle(level: int) -> str | None:
    """The QF-EHEA cycle of an EQF level (short, first, second, third), None below 5."""
    return _table("eqf")[str(level)].extra["cycle"] or None


def country_alpha3(code: str) -> str:
    """ISO 3166-1 alpha-3 of an alpha-2 code ("" for Kosovo, which has none)."""
    return concept("country", code).extra["alpha3"]


def language_authority_code(code: str) -> str:
    """The EU language authority code (e.g. "LAV") of an ISO 639-1 code."""
    return concept("language", code).extra["authority_code"]


@cache
def _nqf_table() -> dict[tuple[str, int], tuple[str, str]]:
    return {
        (r["country"], int(r["eqf"])): (r["uri"], r["label_en"]) for r in _rows("nqf-levels.csv")
    }


def nqf_levels(countries: Iterable[str], eqf: int) -> list[tuple[str, str]]:
    """(uri, label) of the national framework level referenced to `eqf` in each country that
    has one (`data/nqf-levels.csv`; ELM LOQ needs one on every Qualification)."""
    table = _nqf_table()
    out: list[tuple[str, str]] = []
    for country in countries:
        row = table.get((country, eqf))
        if row and row not in out:
            out.append(row)
    return out
