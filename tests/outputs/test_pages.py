"""Generated Markdown pages: key facts, escaping, links, catalogue index data, placeholders."""

from __future__ import annotations

import html.parser
import json
import re
from dataclasses import replace
from pathlib import Path

import markdown
import pytest
import yaml

from build_tools.catalogue.model import Catalogue
from build_tools.outputs import common, pages

from ._fixtures import HOSTILE, hostile_offer, make_catalogue, make_offer

PROJECT = Path(__file__).resolve().parents[2]


def mkdocs_markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions mkdocs.yml enables (as MkDocs would run it)."""
    config = yaml.safe_load((PROJECT / "mkdocs.yml").read_text("utf-8"))
    names, configs = [], {}
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict):
            ((name, cfg),) = ext.items()
            names.append(name)
            configs[name] = cfg
        else:
            names.append(ext)
    return markdown.Markdown(extensions=names, extension_configs=configs)


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert m, "front matter"
    return yaml.safe_load(m.group(1)), text[m.end() :]


def render_html(md_text: str) -> str:
    return mkdocs_markdown().convert(split_front_matter(md_text)[1])


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.hrefs.append(v)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def collect(html_text: str) -> _Collector:
    c = _Collector()
    c.feed(html_text)
    return c


def test_key_facts_have_the_fixed_order_and_labels(fixture_catalogue: Catalogue) -> None:
    assert [label for _, label in pages.KEY_FACTS] == [
        "Title",
        "Country of the awarding body",
        "Awarding body(ies)",
        "Learning outcomes",
        "Workload (ECTS and hours)",
        "Level (EQF, cycle)",
        "Type of assessment",
        "Form of participation",
        "Type of quality assurance",
        "Prerequisites",
        "Supervision and identity verification",
        "Integration/stackability",
        "Further information",
    ]
    files = pages.render_pages(fixture_catalogue)
    for oid in fixture_catalogue.offers:
        text = files[f"offers/{oid}/index.md"].decode()
        labels = re.findall(r"<dt>(.*?)</dt>", text)
        assert labels == [label for _, label in pages.KEY_FACTS], oid
        keys = re.findall(r'data-fact="([a-z-]+)"', text)
        assert keys == [key for key, _ in pages.KEY_FACTS]


def test_key_fact_values(fixture_catalogue: Catalogue) -> None:
    text = pages.render_offer_page(
        fixture_catalogue, fixture_catalogue.offers["european-futures-lab"]
    ).decode()
    facts = dict(re.findall(r'data-fact="([a-z-]+)">\n<dt>.*?</dt>\n<dd>(.*?)</dd>', text, re.S))
    assert facts["country"] == "Latvia, Finland and Norway"
    assert facts["awarding-bodies"].count("<a href=") == 3
    assert 'href="../../issuers/jyu/"' in facts["awarding-bodies"]
    assert facts["workload"] == "6 ECTS (160 hours)"
    assert facts["level"] == "EQF level 7, second cycle (master)"
    assert facts["assessment"].startswith("Project work, Written examination. Graded")
    assert facts["participation"].startswith("Hybrid")
    assert "Institutional Quality Assurance" in facts["quality-assurance"]
    assert "Stackable: counts towards" in facts["stackability"]
    assert 'href="../../pathways/digital-society/"' in facts["stackability"]
    assert facts["supervision"] == "Supervised (online or on site), with identity verification"


def test_hostile_text_is_shown_literally_and_runs_nothing() -> None:
    offer = hostile_offer()
    cat = make_catalogue(offers={offer.id: offer})
    md_text = pages.render_offer_page(cat, offer).decode()
    front, _ = split_front_matter(md_text)
    assert "<script" not in str(front["title"]) and "&lt;script&gt;" in str(front["title"])
    assert "</script" not in str(front["credsite_jsonld"])
    json.loads(str(front["credsite_jsonld"]))  # still valid JSON
    out = render_html(md_text)
    found = collect(out)
    assert "script" not in found.tags
    assert not any(h.lower().startswith("javascript:") for h in found.hrefs)
    text = " ".join(found.text)
    # Each field shows the text as typed, including the markup characters.
    assert (
        "<script>alert(1)</script> *bold* _x_ [link](javascript:alert(1)) | pipe ` tick # &" in text
    )
    assert "# Not a heading" in text
    assert "1. not a list" in text
    assert found.tags.count("h1") == 1
    # The application URL keeps its query and cannot break out of the attribute.
    assert "https://apply.example.org/?a=1&b=%3C2%3E" in found.hrefs


def test_markdown_escaping_round_trips() -> None:
    md = mkdocs_markdown()
    samples = [
        HOSTILE,
        "a_b_c *d* 3.5 part-time",
        "1. x",
        "12) y",
        "- y",
        "+ z",
        "* w",
        "> quote",
        "&amp; <b>",
        "\\",
        "{: .x }",
        "!!! note",
        "| a | b |",
        "C#",
        "![img](x.png)",
        "=== a",
        "a.b-c (d) [e]",
        "<http://x.org>",
        "`code`",
        "***",
        "---",
    ]
    # Markdown context -> (tags it must produce, text it must show)
    contexts = {
        "{}": (["p"], "{}"),
        "- {}": (["ul", "li"], "{}"),
        "## {}": (["h2", "a"], "{}"),
        "Key: {}": (["p"], "Key: {}"),
    }
    for raw in samples:
        for context, (tags, shown) in contexts.items():
            out = md.reset().convert(context.format(common.md_escape(raw)))
            found = collect(out)
            assert found.tags == tags, (context, raw, out)
            text = "".join(found.text).replace("¶", "").strip()
            assert text == shown.format(raw).strip(), (context, raw, out)


def test_relative_urls() -> None:
    assert common.relative_url("offers/", "offers/x/") == "x/"
    assert common.relative_url("offers/x/", "issuers/lu/") == "../../issuers/lu/"
    assert common.relative_url("", "offers/") == "offers/"
    assert common.relative_url("offers/", "assets/javascripts/f.js") == "../assets/javascripts/f.js"
    assert common.md_link_target("offers/x/", "issuers/lu/") == "../../issuers/lu/index.md"
    assert common.md_link_target("", "issuers/lu/") == "issuers/lu/index.md"


def test_safe_url() -> None:
    assert common.safe_url("javascript:alert(1)") == "about:blank"
    assert common.safe_url(" JAVASCRIPT:x") == "about:blank"
    assert common.safe_url("data:text/html,x") == "about:blank"
    assert common.safe_url("https://x.org/a b(c)") == "https://x.org/a%20b%28c%29"
    assert common.safe_url("mailto:a@b.org") == "mailto:a@b.org"


def test_pages_link_only_relatively(fixture_catalogue: Catalogue) -> None:
    site = fixture_catalogue.alliance.site_url
    for path, data in pages.render_pages(fixture_catalogue).items():
        if not path.endswith(".md"):
            continue
        _, body = split_front_matter(data.decode())
        for href in collect(render_html(data.decode())).hrefs:
            assert not href.startswith("/"), (path, href)
            assert not href.startswith(site), (path, href)
        assert "](/" not in body, path


def test_catalogue_index_rows_carry_every_facet(fixture_catalogue: Catalogue) -> None:
    text = pages.render_pages(fixture_catalogue)["offers/index.md"].decode()
    front, _ = split_front_matter(text)
    assert front["credsite_unindexed"] is True  # the offers have their own pages in the search
    rows = re.findall(r"<tr (data-offer=.*?)>", text)
    assert len(rows) == len(fixture_catalogue.offers)
    row = next(r for r in rows if 'data-offer="european-futures-lab"' in r)
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', row))
    assert attrs == {
        "offer": "european-futures-lab",
        "universities": "lu jyu uia",
        "eqf": "7",
        "ects": "6",
        "languages": "en",
        "mode": "hybrid",
        "fields": "03 04",
        "recognition": "automatic",
        "stackable": "yes",
        "start": "2027-02-01",
        "self-paced": "no",
    }
    # Filter controls: each has a label and only values that occur.
    for name in (
        "university",
        "eqf",
        "ects_min",
        "ects_max",
        "language",
        "mode",
        "field",
        "recognition",
        "stackable",
        "soon",
    ):
        control_id = re.search(rf'id="([^"]+)" name="{name}"', text)
        assert control_id, name
        assert f'<label for="{control_id.group(1)}">' in text, name
    assert re.findall(r'<option value="(\d)">EQF level', text) == ["5", "6", "7", "8"]
    assert (
        '<form class="cs-filters" id="cs-filters" role="search" '
        'aria-label="Filter the catalogue">' in text
    )
    # Without JavaScript the filter panel stays hidden (the script reveals it).
    assert '<details class="cs-filter-panel" id="cs-filter-panel" hidden>' in text
    assert 'aria-live="polite"' in text
    assert '<script src="../assets/javascripts/catalogue-filter.js" defer></script>' in text


def test_pathway_and_issuer_pages(fixture_catalogue: Catalogue) -> None:
    files = pages.render_pages(fixture_catalogue)
    pw = files["pathways/digital-humanities/index.md"].decode()
    assert "<svg" in pw and "<figcaption>" in pw
    assert (
        '<a href="../../offers/jgu-digital-humanities-basics/">Digital Humanities Basics</a>' in pw
    )
    assert "Total of the offers: 6 ECTS" in pw
    assert "Automatic recognition" in pw
    lu = files["issuers/lu/index.md"].decode()
    assert "Erasmus code: LV RIGA01" in lu
    assert "[record in DEQAR](https://data.deqar.eu/institution/123)" in lu
    assert '<a href="../../offers/european-futures-lab/">European Futures Lab</a>' in lu
    uia = files["issuers/uia/index.md"].decode()
    assert "Erasmus code: not listed yet" in uia


def test_todo_notes_stay_off_the_public_pages(fixture_catalogue: Catalogue) -> None:
    """Notes for maintainers are `credsite check` warnings, never page content."""
    files = pages.render_pages(fixture_catalogue)
    for slug in ("jyu", "uia"):
        issuer = fixture_catalogue.issuers[slug]
        assert issuer.todo
        text = render_html(files[f"issuers/{slug}/index.md"].decode())
        assert "Identifiers to confirm" not in text
        for note in issuer.todo:
            assert note not in text


def _keys_section(html_text: str) -> str:
    return html_text[html_text.index('<h2 id="keys">') :]


def test_issuer_page_keys_section_is_html_and_links_published_key_listings(
    fixture_catalogue: Catalogue,
) -> None:
    files = pages.render_pages(
        fixture_catalogue, published=["issuers/lu/jwks.json", "issuers/lu/did.json"]
    )
    out = render_html(files["issuers/lu/index.md"].decode())
    keys = collect(_keys_section(out))
    text = " ".join(keys.text)
    # Rendered, not literal Markdown: a table element, no pipes or link syntax in the text.
    assert "table" in keys.tags and "|" not in text and "](" not in text
    assert "jwks.json" in keys.hrefs and "did.json" in keys.hrefs
    assert "../../keys/" in keys.hrefs and "../../registry.json" in keys.hrefs
    # The section's id belongs to its heading alone.
    assert out.count('id="keys"') == 1
    assert "jwks.json" not in files["issuers/jyu/index.md"].decode()


def test_key_tables_shorten_long_values_and_keep_the_full_ones(
    fixture_catalogue: Catalogue,
) -> None:
    from build_tools.outputs.keys import key_facts

    issuer = fixture_catalogue.issuers["lu"]
    facts = key_facts(fixture_catalogue, issuer, issuer.keys[0])
    thumbprint = facts["thumbprint"]
    assert thumbprint and len(thumbprint) == 43
    files = pages.render_pages(fixture_catalogue)
    for path in ("keys/index.md", "issuers/lu/index.md"):
        out = render_html(files[path].decode())
        # Shown shortened in a summary; the whole value is in the opened details and the title.
        summary = re.search(r"<summary><code title=\"([^\"]+)\">([^<]+)</code>", out)
        assert summary, path
        assert summary.group(1) == thumbprint
        assert summary.group(2) == thumbprint[: pages.FINGERPRINT_SHOWN] + "…"
        assert f'<code class="cs-fp-full">{thumbprint}</code>' in out
        # Timestamps are <time> elements that do not wrap, with the full value as datetime.
        assert '<time class="cs-nowrap" datetime="2026-09-01T00:00:00Z">2026-09-01</time>' in out, (
            path
        )


def _how_to_apply(md_text: str) -> _Collector:
    out = render_html(md_text)
    return collect(out[out.index('id="how-to-apply"') :].split("<h2", 1)[0])


def test_apply_button_only_for_an_application_form(fixture_catalogue: Catalogue) -> None:
    from build_tools.catalogue.model import Application

    offer = fixture_catalogue.offers["lu-data-ethics"]
    form = _how_to_apply(pages.render_offer_page(fixture_catalogue, offer).decode())
    assert "https://apply.example.org/lu-data-ethics" in form.hrefs
    assert "Apply for" in " ".join(form.text)
    # A university's home page is no application form: no button that leads there.
    for url in ("https://www.lu.lv/", "https://lu.lv", "https://alliance.example.org/"):
        closed = replace(
            offer, application=Application(url=url, note={"en": "No application is open."})
        )
        section = _how_to_apply(pages.render_offer_page(fixture_catalogue, closed).decode())
        assert url not in section.hrefs, url
        assert "Apply for" not in " ".join(section.text), url
        assert "No application is open." in " ".join(section.text)


def test_every_offer_page_is_reachable_from_the_index_not_the_nav(
    fixture_catalogue: Catalogue,
) -> None:
    index = pages.render_pages(fixture_catalogue)["offers/index.md"].decode()
    for oid in fixture_catalogue.offers:
        assert f'<a href="{oid}/">' in index
    nav = yaml.safe_load((PROJECT / "mkdocs.yml").read_text("utf-8"))["nav"]
    assert len(nav) == 8
    assert [next(iter(n)) for n in nav] == [
        "Home",
        "Catalogue",
        "Pathways",
        "Universities",
        "Verify",
        "Keys",
        "Principles",
        "Maintainers",
    ]


def test_placeholders(fixture_catalogue: Catalogue) -> None:
    blocks = pages.placeholders(fixture_catalogue)
    assert set(blocks) == {"alliance-summary", "demo-notice", "field-reference"}
    assert "Demonstration data" in blocks["demo-notice"]
    assert "**6 micro-credentials**" in blocks["alliance-summary"]
    assert "[University of Latvia](issuers/lu/index.md)" in blocks["alliance-summary"]
    assert "| Code | Meaning |" in blocks["field-reference"]  # from the catalogue's field reference
    real = make_catalogue(alliance=replace(fixture_catalogue.alliance, demo=False))
    assert pages.placeholders(real)["demo-notice"] == ""


def test_rendering_is_deterministic(fixture_catalogue: Catalogue) -> None:
    assert pages.render_pages(fixture_catalogue) == pages.render_pages(make_catalogue())


@pytest.mark.parametrize("ects,expected", [(3, "3"), (1.5, "1.5"), (2.0, "2"), (0.25, "0.25")])
def test_numbers(ects: float, expected: str) -> None:
    assert common.fmt_number(ects) == expected
    offer = make_offer("n", ects=ects)
    text = pages.render_offer_page(make_catalogue(offers={"n": offer}), offer).decode()
    assert f"{expected} ECTS" in text
