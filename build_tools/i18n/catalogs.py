"""The translation catalogues: `build_tools/locale/messages.pot` (every interface string, with
where it is used) and `build_tools/locale/<lang>.po` (its translations).

`check(langs)` is what the build runs first: every msgid of the template must have a
translation in every language the alliance lists, with the same `{placeholders}`, the same
HTML tags and the same Markdown link targets and code spans; each problem names the `.po` file,
its line, the msgid and where the string is used. `strings_for(lang)` gives the compiled table
(msgid -> translation) of one language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"

# What a translation must keep exactly as the msgid has it.
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")  # every replacement field, attribute access too
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
_CODE = re.compile(r"`[^`]+`")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / f"{lang}.po"


@cache
def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


def template() -> Catalog:
    return _read(TEMPLATE)


@cache
def strings_for(lang: str) -> dict[str, str]:
    """msgid -> translation for `lang` (fuzzy and empty entries left out)."""
    if lang == DEFAULT_LANGUAGE:
        return {}
    path = po_path(lang)
    if not path.is_file():
        return {}
    return {
        str(m.id): str(m.string)
        for m in _read(path)
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def _where(locations: Iterable[tuple[str, int | None]]) -> str:
    places = [f"{path}:{line}" if line else path for path, line in locations]
    return f" (used in {', '.join(places[:3])})" if places else ""


def _kept(pattern: re.Pattern[str], msgid: str, msgstr: str) -> bool:
    return sorted(pattern.findall(msgid)) == sorted(pattern.findall(msgstr))


def check(langs: Iterable[str]) -> list[Problem]:
    """Every problem that stops a build in `langs` (empty: all translations are there)."""
    problems: list[Problem] = []
    pot = template()
    wanted = [(m, m.id) for m in pot if m.id and isinstance(m.id, str)]
    for lang in langs:
        if lang == DEFAULT_LANGUAGE:
            continue
        path = po_path(lang)
        shown = f"build_tools/locale/{lang}.po"
        if not path.is_file():
            problems.append(
                Problem(
                    shown,
                    0,
                    f"no translation catalogue for the language '{lang}' listed in "
                    "alliance.yaml: create it with `credsite translations update` and translate "
                    "it (docs/translating.md)",
                )
            )
            continue
        po = _read(path)
        for m, msgid in wanted:
            entry = po.get(msgid)
            where = _where(m.locations)
            line = entry.lineno if entry is not None and entry.lineno else 0
            if entry is None or not entry.string or entry.fuzzy:
                state = "is marked fuzzy" if entry is not None and entry.fuzzy else "is missing"
                problems.append(
                    Problem(shown, line, f"the translation of {msgid!r} {state}{where}")
                )
                continue
            msgstr = str(entry.string)
            for pattern, what in (
                (_PLACEHOLDER, "{placeholders}"),
                (_TAG, "HTML tags"),
                (_LINK_TARGET, "link targets"),
                (_CODE, "`code`"),
            ):
                if not _kept(pattern, msgid, msgstr):
                    problems.append(
                        Problem(
                            shown,
                            line,
                            f"the translation of {msgid!r} must keep the same {what} as the "
                            f"English text{where}",
                        )
                    )
    return problems


def completeness(lang: str) -> tuple[int, int]:
    """(translated, total) interface strings of `lang`."""
    total = [m.id for m in template() if m.id]
    if lang == DEFAULT_LANGUAGE:
        return len(total), len(total)
    table = strings_for(lang)
    return sum(1 for msgid in total if msgid in table), len(total)


@cache
def script_strings(lang: str, *sources: str) -> dict[str, str]:
    """The translations of the strings used in the given source folders (location prefixes
    such as "site_src/assets/verifier/"): the table a page puts in its `cs-strings` JSON for its
    scripts (site_src/assets/verifier/i18n.mjs)."""
    wanted = {
        str(m.id)
        for m in template()
        if m.id and any(path.startswith(sources) for path, _ in m.locations)
    }
    table = strings_for(lang)
    return {msgid: table[msgid] for msgid in sorted(wanted) if msgid in table}
