"""The verify page in other languages than English (docs/adr/0008-languages.md): the verifier
explains a tampered sample in the page's language, the page passes axe in two languages, and
no English interface text is left on the Latvian page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools.i18n.catalogs import strings_for, template
from build_tools.verifier import Registry

from ..conftest import RecordingPage, SiteServer, axe_violations
from .test_page import cpython_registry, no_violations, open_verifier, wait_results

TAMPERED = "edc-tampered.jsonld"


def _verify_sample(page: RecordingPage, site_server: SiteServer, lang: str, sample: str) -> None:
    open_verifier(page, site_server.url(f"{lang}/verify/"))
    page.locator(f"#cv-samples button[data-sample='{sample}']").click()
    wait_results(page, 1)


def _cpython_messages(root: Path, registry: Registry, sample: str, lang: str) -> list[str]:
    import datetime as dt

    from build_tools.verifier import verify
    from build_tools.verifier.crypto_cpython import CPythonCrypto

    data = (root / "samples" / sample).read_bytes()
    report = verify(data, registry, now=dt.datetime.now(dt.UTC), crypto=CPythonCrypto())
    return [c["message"] for c in report.to_dict(strings_for(lang))["checks"]]


@pytest.mark.parametrize("lang", ["lv", "fi"])
def test_a_tampered_sample_is_explained_in_the_page_language(
    page: RecordingPage, site_server: SiteServer, lang: str
) -> None:
    root = site_server.site.root
    _verify_sample(page, site_server, lang, TAMPERED)
    table = strings_for(lang)
    card = page.locator("#cv-results > .cv-result").first
    assert card.get_attribute("data-verdict") == "invalid"
    assert card.locator(".cv-banner__label").inner_text() == table["Not valid"]
    shown = card.locator(":scope > .cv-checks > li .cv-check__message").all_inner_texts()
    expected = _cpython_messages(root, cpython_registry(root), TAMPERED, lang)
    assert shown == expected
    english = _cpython_messages(root, cpython_registry(root), TAMPERED, "en")
    assert all(a != b for a, b in zip(shown, english, strict=True)), shown
    # The signature check explains the tampering in that language, with the same code.
    codes = card.locator(":scope > .cv-checks > li code").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    assert "SIGNATURE_INVALID" in codes
    assert page.evaluate("() => document.documentElement.lang") == lang
    no_violations(page)
    assert page.console_errors == []


@pytest.mark.parametrize("lang", ["lv", "de"])
def test_axe_is_clean_in_other_languages(
    page: RecordingPage, site_server: SiteServer, lang: str
) -> None:
    _verify_sample(page, site_server, lang, "ob3-valid.json")
    page.locator("#cv-results details").first.evaluate("d => { d.open = true; }")
    assert axe_violations(page) == []
    page.goto(site_server.url(f"{lang}/offers/"))
    assert axe_violations(page) == []


def _english_strings(lang: str) -> list[str]:
    """English interface strings (ours and the theme's) that `lang` translates differently."""
    table = strings_for(lang)
    ours = [str(m.id) for m in template() if m.id and table.get(str(m.id), str(m.id)) != str(m.id)]
    theme = Path(__import__("material").__file__).parent / "templates" / "partials" / "languages"
    en = dict(re.findall(r'"([\w.]+)": "([^"]+)"', (theme / "en.html").read_text("utf-8")))
    other = dict(re.findall(r'"([\w.]+)": "([^"]+)"', (theme / f"{lang}.html").read_text("utf-8")))
    theirs = [text for key, text in en.items() if other.get(key) not in (None, text)]
    # A sentence with a {placeholder}: its fixed parts.
    parts = [p.strip() for s in ours + theirs for p in re.split(r"\{\w+\}", s)]
    return sorted({p for p in parts if len(p) >= 12 and " " in p})


def test_no_english_is_left_on_the_latvian_verify_page(
    page: RecordingPage, site_server: SiteServer
) -> None:
    _verify_sample(page, site_server, "lv", TAMPERED)
    page.locator("#cv-results details").first.evaluate("d => { d.open = true; }")
    text = " ".join(page.evaluate("() => document.body.innerText").split())
    left = [s for s in _english_strings("lv") if " ".join(s.split()) in text]
    assert left == [], left
    # The page reads as Latvian: its most frequent long words are Latvian interface words.
    assert strings_for("lv")["Check a credential"] in text


def test_the_english_page_shows_english(page: RecordingPage, site_server: SiteServer) -> None:
    """The comparison above can see English: on the English page the same strings are found."""
    _verify_sample(page, site_server, "", TAMPERED)
    text = " ".join(page.evaluate("() => document.body.innerText").split())
    found = [s for s in _english_strings("lv") if " ".join(s.split()) in text]
    assert len(found) > 20, found
