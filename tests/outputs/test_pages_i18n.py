"""Generated pages in another language than English: interface strings translated, numbers and
dates the locale's way, English fallbacks of catalogue text marked, data files linked from the
language's tree. The translations here are a small fake table (the real ones are the `.po`
files); English pages are covered by the golden files and test_pages.py."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest

from build_tools import i18n
from build_tools.catalogue import vocab
from build_tools.catalogue.model import Catalogue, Stackability
from build_tools.i18n.extract import extract
from build_tools.outputs import common, diagrams, pages

from ._fixtures import HOSTILE, make_catalogue, make_offer
from .test_pages import render_html, split_front_matter

FAKE_LV = {
    "Key facts": "Galvenie fakti",
    "Title": "Nosaukums",
    "Workload (ECTS and hours)": "Slodze (ECTS un stundas)",
    "{ects} ECTS ({hours} hours)": "{ects} ECTS ({hours} stundas)",
    "EQF level {level}": "EKI {level}. līmenis",
    "EQF level {level}, {cycle}": "EKI {level}. līmenis, {cycle}",
    "first cycle (bachelor)": "pirmais cikls (bakalaurs)",
    "Online": "Tiešsaistē",
    "Starts: {date}": "Sākums: {date}",
    "Catalogue": "Katalogs",
    "Mode": "Forma",
    "Any mode": "Jebkura forma",
    "Universities": "Universitātes",
    "This offer is described in English only.": "Šis piedāvājums ir aprakstīts tikai angliski.",
    "This micro-credential is <strong>standalone</strong>.": (
        "Šis mikrokvalifikācijas apliecinājums ir <strong>patstāvīgs</strong>."
    ),
    "Apply for {title}": "Pieteikties: {title}",
    "Keys": "Atslēgas",
    "(none active)": "(neviens nav aktīvs)",
    "{total} micro-credentials.": "{total} mikrokvalifikācijas.",
    "Diagram of the pathway {title}": "Ceļa {title} shēma",
    "required": "obligāts",
}


class _Recording(dict[str, str]):
    """A translation table that notes every msgid looked up."""

    def __init__(self, table: dict[str, str], seen: set[str]) -> None:
        super().__init__(table)
        self.seen = seen

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        self.seen.add(key)
        return super().get(key, default)


@pytest.fixture()
def looked_up(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Latvian from the fake table; yields the msgids the renderers looked up."""
    seen: set[str] = set()
    table = _Recording(FAKE_LV, seen)
    monkeypatch.setattr(i18n, "strings_for", lambda lang: table if lang == "lv" else {})
    with i18n.activate("lv"):
        yield seen


def _facts(text: str) -> dict[str, tuple[str, str]]:
    return {
        key: (label, value)
        for key, label, value in re.findall(
            r'data-fact="([a-z-]+)">\n<dt>(.*?)</dt>\n<dd>(.*?)</dd>', text, re.S
        )
    }


def test_offer_page_in_latvian(looked_up: set[str], fixture_catalogue: Catalogue) -> None:
    offer = replace(
        fixture_catalogue.offers["lu-data-ethics"],
        ects=7.5,
        workload_hours=200,
        # The Latvian title is there, the description is not: the page says so once.
        title={"en": "Data Ethics in Practice", "lv": "Datu ētika praksē"},
        stackability=Stackability(integration="standalone"),
    )
    text = pages.render_offer_page(fixture_catalogue, offer).decode()
    front, body = split_front_matter(text)
    assert front["title"] == "Datu ētika praksē"
    assert "## Galvenie fakti" in body
    facts = _facts(text)
    assert facts["title"] == ("Nosaukums", "Datu ētika praksē")  # no lang: it is Latvian
    assert facts["workload"] == ("Slodze (ECTS un stundas)", "7,5 ECTS (200 stundas)")
    assert facts["level"][1] == "EKI 6. līmenis, pirmais cikls (bakalaurs)"
    # Untranslated labels stay English, never blank.
    assert facts["country"] == ("Country of the awarding body", "Latvija")
    # English fallbacks carry their language; translated text does not.
    outcomes = facts["learning-outcomes"][1]
    assert outcomes.count('<li><span lang="en">') == len(offer.learning_outcomes)
    assert '<p lang="en">A practical course on the ethics' in text
    assert text.count("Šis piedāvājums ir aprakstīts tikai angliski.") == 1
    assert "<strong>patstāvīgs</strong>" in text
    assert "<li>Sākums: 2027. gada 1. februāris</li>" in text
    assert "Pieteikties: Datu ētika praksē" in text
    # Latvian names of languages and ISCED-F fields.
    assert "Angļu" in text and "Latviešu" in text
    assert vocab.label("isced", "0613", "lv") in text
    # The ELM document is published once, at the root: one level further up from /lv/.
    assert front["credsite_elm"] == "../../../offers/lu-data-ethics/elm.jsonld"
    assert '<a href="../../../offers/lu-data-ethics/elm.jsonld">' in text
    # Page links stay within the language's tree.
    assert 'href="../../issuers/lu/"' in text
    html = render_html(text)
    assert '<span lang="en">' in html


def test_offer_in_english_only_is_marked(looked_up: set[str], fixture_catalogue: Catalogue) -> None:
    offer = fixture_catalogue.offers["european-futures-lab"]  # English title only
    text = pages.render_offer_page(fixture_catalogue, offer).decode()
    front, body = split_front_matter(text)
    assert front["title"] == "European Futures Lab"  # front matter: plain text
    assert body.count("Šis piedāvājums ir aprakstīts tikai angliski.") == 1
    assert '# <span lang="en">European Futures Lab</span>' in body
    assert _facts(text)["title"][1] == '<span lang="en">European Futures Lab</span>'
    # The diagram's title is English in a Latvian sentence; its box says which language.
    assert "Ceļa Digital Society shēma" in text
    assert 'class="cs-d-title" lang="en">' in text


def test_pathway_page_in_latvian(looked_up: set[str], fixture_catalogue: Catalogue) -> None:
    text = pages.render_pages(fixture_catalogue)["pathways/digital-humanities/index.md"].decode()
    assert "· obligāts" in text  # the diagram's boxes
    assert "<title" in text and "Ceļa Digital Humanities shēma" in text
    assert "EKI 7. līmenis" in text  # what the pathway stacks into


def test_fully_translated_offer_has_no_note(
    looked_up: set[str], fixture_catalogue: Catalogue
) -> None:
    offer = replace(
        fixture_catalogue.offers["lu-data-ethics"],
        title={"en": "Data Ethics in Practice", "lv": "Datu ētika praksē"},
        description={"en": "A course.", "lv": "Kurss."},
    )
    text = pages.render_offer_page(fixture_catalogue, offer).decode()
    assert "Šis piedāvājums" not in text
    assert "<p>Kurss.</p>" in text


def test_catalogue_in_latvian(looked_up: set[str], fixture_catalogue: Catalogue) -> None:
    files = pages.render_pages(fixture_catalogue)
    text = files["offers/index.md"].decode()
    front, _ = split_front_matter(text)
    assert front["title"] == "Katalogs"
    assert '<option value="">Jebkura forma</option>' in text
    assert '<option value="online">Tiešsaistē</option>' in text
    assert '<option value="7">EKI 7. līmenis</option>' in text
    assert '<label for="cs-f-mode">Forma</label>' in text
    assert 'data-label="Universitātes"' in text
    # The script is published once at the root.
    assert '<script src="../../assets/javascripts/catalogue-filter.js" defer>' in text
    # Rows: an English title gets the lang attribute, a Latvian one none.
    assert '<a href="european-futures-lab/" lang="en">European Futures Lab</a>' in text
    assert '<a href="lu-data-ethics/">Datu ētika praksē</a>' in text
    # Machine-readable row data stays language-neutral.
    assert 'data-ects="1.5"' in text or 'data-ects="6"' in text
    doc = json.loads(files["offers/index.json"])
    by_id = {o[0]: o for o in doc["o"]}
    assert by_id["european-futures-lab"][13] == "en"
    assert len(by_id["lu-data-ethics"]) == 13
    assert ["online", "Tiešsaistē"] in doc["m"]


def test_data_links_point_to_the_root(looked_up: set[str], fixture_catalogue: Catalogue) -> None:
    published = ["issuers/lu/jwks.json", "issuers/lu/did.json"]
    files = pages.render_pages(fixture_catalogue, published=published)
    issuer = files["issuers/lu/index.md"].decode()
    assert '<a href="../../../issuers/lu/jwks.json">' in issuer
    assert '<a href="../../../issuers/lu/did.json">' in issuer
    assert '<a href="../../../registry.json">registry.json</a>' in issuer
    keys = files["keys/index.md"].decode()
    assert "# Atslēgas" in keys
    assert '<a href="../../registry.json">registry.json</a>' in keys
    assert "([format](../maintainers/registry-format.md))" in keys  # a page: MkDocs link


def test_english_data_links(fixture_catalogue: Catalogue) -> None:
    files = pages.render_pages(fixture_catalogue, published=["issuers/lu/jwks.json"])
    assert '<a href="jwks.json">JSON Web Key Set</a>' in files["issuers/lu/index.md"].decode()
    keys = files["keys/index.md"].decode()
    assert 'The same data, for programs: <a href="../registry.json">registry.json</a>' in keys


def test_every_string_shown_is_extracted(looked_up: set[str], fixture_catalogue: Catalogue) -> None:
    """Every msgid the renderers translate is in the extracted template, so it can be
    translated (an unmarked label passed to _() would be missing)."""
    pages.render_pages(fixture_catalogue, published=["issuers/lu/jwks.json"])
    pages.placeholders(fixture_catalogue)
    for pathway in fixture_catalogue.pathways.values():
        diagrams.pathway_description(fixture_catalogue, pathway)
    extracted = {m.id for m in extract() if m.id}
    assert looked_up, "nothing was translated"
    assert looked_up <= extracted, sorted(looked_up - extracted)


def test_placeholders_in_latvian(looked_up: set[str], fixture_catalogue: Catalogue) -> None:
    blocks = pages.placeholders(fixture_catalogue)
    assert "| Latvija |" in blocks["alliance-summary"]


def test_message_escapes_its_values_for_where_it_is_shown() -> None:
    msg = common.PageText("Apply for **{title}** <em>now</em>", title=HOSTILE)
    md = str(common.md_escape(msg))
    assert md.startswith("Apply for **") and "<em>now</em>" in md
    assert "<script>" not in md and "\\*bold\\*" in md
    html = str(common.html_escape(msg))
    assert "<em>now</em>" in html and "&lt;script&gt;" in html and "\\*bold" not in html
    assert str(msg) == f"Apply for **{HOSTILE}** <em>now</em>"
    assert "<" not in str(common.attr_text(msg))


def test_fallback_marks_only_other_languages() -> None:
    with i18n.activate("lv"):
        en = i18n.text({"en": "Data <ethics>"})
        lv = i18n.text({"en": "Data", "lv": "Dati"})
        assert str(common.md_escape(en)) == '<span lang="en">Data &lt;ethics&gt;</span>'
        assert str(common.html_text(en)) == '<span lang="en">Data &lt;ethics&gt;</span>'
        assert str(common.html_escape(en)) == "Data &lt;ethics&gt;"  # attribute-safe
        assert str(common.md_escape(lv)) == "Dati"
        assert str(common.html_paragraphs(i18n.Text("A\n\nB", "en"))) == (
            '<p lang="en">A</p><p lang="en">B</p>'
        )
    assert str(common.md_escape(i18n.text({"en": "Data"}))) == "Data"


def test_label_tables_keep_the_vocabularies_english_labels() -> None:
    for code in vocab.codes("assessment"):
        assert common.ASSESSMENT_LABELS[code] == common.sentence_case(
            vocab.label("assessment", code)
        )
    for code in vocab.codes("accreditation"):
        assert common.QA_LABELS[code] == vocab.label("accreditation", code)


def test_lists_and_numbers_in_latvian() -> None:
    with i18n.activate("lv"):
        assert common.join_words(["A", "B", "C"]) == "A, B un C"
        assert i18n.number(7.5) == "7,5"
        assert i18n.date(dt.date(2027, 2, 1)) == "2027. gada 1. februāris"
        assert common.country_label("NO") == "Norvēģija"
    assert common.join_words(["A", "B", "C"]) == "A, B and C"
    assert common.country_label("NO") == "Norway"


def test_hostile_offer_in_latvian(looked_up: set[str]) -> None:
    offer = make_offer("hostile", title={"en": "T " + HOSTILE}, description={"en": HOSTILE})
    cat = make_catalogue(offers={offer.id: offer})
    text = pages.render_offer_page(cat, offer).decode()
    _, body = split_front_matter(text)
    assert "<script>" not in body
    html = render_html(text)
    assert "<script>alert" not in html


def test_schema_org_data_stays_in_english(
    looked_up: set[str], fixture_catalogue: Catalogue
) -> None:
    offer = fixture_catalogue.offers["european-futures-lab"]
    text = pages.render_offer_page(fixture_catalogue, offer).decode()
    front, _ = split_front_matter(text)
    data = json.loads(str(front["credsite_jsonld"]))
    assert data["educationalLevel"] == "EQF level 7, second cycle (master)"
