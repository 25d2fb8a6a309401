"""The language machinery: active language, locale formatting, catalogue text fallbacks,
Markdown pages block by block, the checks on translation catalogues, and the committed
catalogues themselves."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from build_tools import i18n
from build_tools.catalogue.loader import load_catalogue
from build_tools.i18n import catalogs, markdown
from build_tools.i18n.extract import current

PROJECT = Path(__file__).resolve().parents[2]


def test_numbers_and_dates_follow_the_active_locale() -> None:
    assert (i18n.number(7.5), i18n.number(2.0), i18n.number(1500)) == ("7.5", "2", "1500")
    assert i18n.date(dt.date(2027, 2, 1)) == "1 February 2027"
    with i18n.activate("lv"):
        assert i18n.number(7.5) == "7,5"
        assert i18n.date(dt.date(2027, 2, 1)) == "2027. gada 1. februāris"
    with i18n.activate("de"):
        assert i18n.number(1500) == "1500"  # no grouping: ECTS and hours stay short
        assert i18n.date(dt.date(2027, 2, 1)) == "1. Februar 2027"
    assert i18n.active() == "en"


def test_catalogue_text_falls_back_to_english_and_says_so() -> None:
    title = {"en": "Data ethics", "lv": "Datu ētika"}
    with i18n.activate("lv"):
        assert (i18n.text(title), i18n.text(title).lang) == ("Datu ētika", "lv")
    with i18n.activate("fi"):
        shown = i18n.text(title)
        assert (shown, shown.lang) == ("Data ethics", "en")
        assert i18n.text({"de": "Nur Deutsch"}).lang == "de"  # never a blank
        assert i18n.text(None) == ""


def test_names_of_countries_and_languages_in_the_reader_language() -> None:
    with i18n.activate("lv"):
        assert i18n.country_name("DE") == "Vācija"
    with i18n.activate("nb"):
        assert i18n.language_name("lv") == "Latvisk"


def test_untranslated_strings_fall_back_to_the_english_msgid() -> None:
    with i18n.activate("lv"):
        assert i18n._("A string nobody wrote {n}", n=3) == "A string nobody wrote 3"


PAGE = """---
title: Verify a credential
description: Check a "credential".
template: verify.html
---

# Verify a credential

<!-- credsite:demo-notice -->

Check a digital credential
from an institution.

- [Browse](offers/index.md) by university,
  level and credits.
- Second item.

```
credsite verify file.json
```

| a | b |
"""


def test_markdown_pages_are_cut_into_blocks() -> None:
    assert [m for _, m in markdown.msgids(PAGE)] == [
        "Verify a credential",
        'Check a "credential".',
        "Verify a credential",
        "Check a digital credential from an institution.",
        "[Browse](offers/index.md) by university, level and credits.",
        "Second item.",
    ]


def test_markdown_translation_keeps_structure_and_quotes_front_matter() -> None:
    out = markdown.translate(PAGE, lambda s: f"«{s}»")
    assert 'title: "«Verify a credential»"' in out
    assert 'description: "«Check a \\"credential\\".»"' in out
    assert "template: verify.html" in out
    assert "# «Verify a credential»" in out
    assert "<!-- credsite:demo-notice -->" in out
    assert "- «[Browse](offers/index.md) by university, level and credits.»" in out
    assert "credsite verify file.json" in out and "| a | b |" in out
    assert markdown.translate(PAGE, lambda s: s).count("\n") <= PAGE.count("\n")


@pytest.fixture
def locale_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pot = Catalog()
    pot.add("Key facts", locations=[("build_tools/outputs/templates/offer.md.j2", 23)])
    pot.add("{n} offers", locations=[("x.py", 1)])
    pot.add("It is <strong>stackable</strong>.", locations=[("y.j2", 2)])
    pot.add("[Browse](offers/index.md) now.", locations=[("site_src/index.md", 25)])
    pot.add("Missing one", locations=[("z.py", 9)])
    pot.add("From {issuer}.", locations=[("w.py", 3)])
    buf = io.BytesIO()
    write_po(buf, pot)
    (tmp_path / "messages.pot").write_bytes(buf.getvalue())
    po = Catalog(locale="lv")
    po.add("Key facts", "Galvenie fakti")
    po.add("{n} offers", "{skaits} piedāvājumi")
    po.add("It is <strong>stackable</strong>.", "Tas ir apvienojams.")
    po.add("[Browse](offers/index.md) now.", "[Pārlūkot](offers/) tagad.")
    po.add("From {issuer}.", "No {issuer.__class__}.")  # a field that reads an attribute
    buf = io.BytesIO()
    write_po(buf, po)
    (tmp_path / "lv.po").write_bytes(buf.getvalue())
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(catalogs, "TEMPLATE", tmp_path / "messages.pot")
    catalogs._read.cache_clear()
    catalogs.strings_for.cache_clear()
    yield tmp_path
    catalogs._read.cache_clear()
    catalogs.strings_for.cache_clear()


def test_check_names_file_line_msgid_and_where_it_is_used(locale_dir: Path) -> None:
    problems = [str(p) for p in catalogs.check(["en", "lv", "sv"])]
    text = "\n".join(problems)
    assert "'Missing one' is missing (used in z.py:9)" in text
    assert "'{n} offers' must keep the same {placeholders}" in text
    assert "must keep the same HTML tags" in text
    assert "must keep the same link targets" in text
    assert "no translation catalogue for the language 'sv'" in text
    assert "'From {issuer}.' must keep the same {placeholders}" in text
    located = [p for p in catalogs.check(["lv"]) if "placeholders" in p.message]
    assert located and located[0].file == "build_tools/locale/lv.po" and located[0].line > 0
    assert catalogs.completeness("lv") == (5, 6)


def test_committed_template_lists_exactly_the_strings_of_the_sources() -> None:
    assert current(), "run `credsite translations update`"


def test_every_interface_string_is_translated_in_every_language_of_the_example() -> None:
    result = load_catalogue(PROJECT / "catalogue")
    assert result.catalogue is not None
    languages = result.catalogue.alliance.languages
    assert len(languages) == 10
    problems = catalogs.check(languages)
    assert problems == [], "\n".join(str(p) for p in problems[:20])
