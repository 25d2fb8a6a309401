"""Offer, pathway, university and other pages in a real browser: key facts, machine-readable
data, console errors, requests to other origins, accessibility (axe-core)."""

from __future__ import annotations

import json

import pytest

from build_tools.outputs.pages import KEY_FACTS, KEY_FACTS_MANDATORY

from .conftest import RecordingPage, SiteServer, axe_violations, foreign_requests

JOINT_OFFER = "lu-jyu-uia-resilient-communities-challenge"


def representative_pages(site_server: SiteServer) -> dict[str, str]:
    cat = site_server.site.catalogue
    pathway = next(iter(cat.pathways))
    return {
        "home": "",
        "catalogue": "offers/",
        "offer": f"offers/{JOINT_OFFER}/",
        "pathways": "pathways/",
        "pathway": f"pathways/{pathway}/",
        "universities": "issuers/",
        "issuer": "issuers/lu/",
        "keys": "keys/",
        "principles": "principles/",
        "maintainers": "maintainers/",
        "fields": "maintainers/fields/",
        "registry format": "maintainers/registry-format/",
    }


def test_offer_page_shows_every_key_fact_in_order(
    page: RecordingPage, site_server: SiteServer
) -> None:
    offer = site_server.site.catalogue.offers[JOINT_OFFER]
    page.goto(site_server.url(f"offers/{JOINT_OFFER}/"))
    facts = page.locator("#cs-key-facts .cs-fact")
    assert facts.count() == len(KEY_FACTS)
    labels = facts.locator("dt").all_inner_texts()
    assert labels == [label for _, label in KEY_FACTS]
    values = dict(zip(labels, facts.locator("dd").all_inner_texts(), strict=True))
    for _, label in KEY_FACTS_MANDATORY:
        assert values[label].strip(), label
    assert values["Title"] == offer.title["en"]
    for slug in offer.awarding_bodies:
        assert site_server.site.catalogue.issuers[slug].name in values["Awarding body(ies)"]
    assert (
        "Latvia" in values["Country of the awarding body"]
        and "Norway" in values["Country of the awarding body"]
    )
    assert values["Workload (ECTS and hours)"].startswith("6 ECTS")
    assert f"EQF level {offer.eqf}" in values["Level (EQF, cycle)"]
    outcomes = page.locator('[data-fact="learning-outcomes"] li').all_inner_texts()
    assert outcomes == [o["en"] for o in offer.learning_outcomes]
    # The awarding bodies link to their university pages, relative to the sub-path.
    page.locator('[data-fact="awarding-bodies"] a').first.click()
    assert page.url.startswith(site_server.url("issuers/"))


def test_offer_page_machine_readable_data(page: RecordingPage, site_server: SiteServer) -> None:
    page.goto(site_server.url(f"offers/{JOINT_OFFER}/"))
    data = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert data["@type"] == "Course"
    assert data["@id"] == f"{site_server.site.site_url}offers/{JOINT_OFFER}/"
    assert len(data["provider"]) == 3
    href = page.locator('link[rel="describedby"][type="application/ld+json"]').get_attribute("href")
    assert href == "elm.jsonld"
    response = page.request.get(site_server.url(f"offers/{JOINT_OFFER}/elm.jsonld"))
    assert response.ok
    elm = response.json()
    assert elm["@context"] == "http://data.europa.eu/snb/model/context/edc-ap"
    page.get_by_role("link", name="European Learning Model (ELM v3) JSON-LD").click()
    assert page.url == site_server.url(f"offers/{JOINT_OFFER}/elm.jsonld")


def test_pathway_page_has_an_accessible_diagram(
    page: RecordingPage, site_server: SiteServer
) -> None:
    cat = site_server.site.catalogue
    pathway = next(iter(cat.pathways.values()))
    page.goto(site_server.url(f"pathways/{pathway.id}/"))
    # Two layouts in the page (wide and narrow), one shown.
    assert page.locator("svg.cs-diagram").count() == 2
    svg = page.locator("svg.cs-diagram >> visible=true")
    assert svg.count() == 1
    assert svg.get_attribute("role") == "img"
    title = svg.locator("title").text_content() or ""
    desc = svg.locator("desc").text_content() or ""
    assert pathway.title["en"] in title
    for oid in pathway.offers:
        assert cat.offers[oid].title["en"] in desc
        assert page.get_by_role("link", name=cat.offers[oid].title["en"], exact=True).count() >= 1


def test_every_page_has_the_verify_tab(page: RecordingPage, site_server: SiteServer) -> None:
    for path in representative_pages(site_server).values():
        page.goto(site_server.url(path))
        link = page.locator("nav.md-tabs a", has_text="Verify")
        assert link.count() == 1, path
        link.click()
        assert page.url == site_server.url("verify/"), path


def test_no_console_errors_and_no_foreign_requests(
    page: RecordingPage, site_server: SiteServer
) -> None:
    for name, path in representative_pages(site_server).items():
        page.goto(site_server.url(path))
        page.wait_for_load_state("networkidle")
        assert page.console_errors == [], name
    assert page.requests, "the request log is recorded"
    assert foreign_requests(page, site_server.origin) == []


def test_verify_page_loads_nothing_from_other_origins(
    page: RecordingPage, site_server: SiteServer
) -> None:
    page.goto(site_server.url("verify/"))
    page.wait_for_load_state("networkidle")
    assert foreign_requests(page, site_server.origin) == []


def test_search_finds_an_offer_offline_from_the_keyboard(
    page: RecordingPage, site_server: SiteServer
) -> None:
    """The header search (Pagefind) loads nothing until it is used, then finds the offer by a
    word of its title, links to its page under the site's sub-path, and works from the keyboard."""
    offer = site_server.site.catalogue.offers[JOINT_OFFER]
    page.goto(site_server.url("principles/"))
    page.wait_for_load_state("networkidle")
    assert not [u for u in page.requests if "/pagefind/" in u], "nothing loads before a search"
    box = page.get_by_role("searchbox", name="Search the site")
    box.focus()
    page.keyboard.type("Resilient")
    first = page.locator("#cs-search-results a").first
    first.wait_for()
    assert first.get_attribute("href") == site_server.url(f"offers/{JOINT_OFFER}/")
    assert first.inner_text() == offer.title["en"]
    excerpt = page.locator("#cs-search-results .cs-search__excerpt").first
    assert excerpt.locator("mark").first.inner_text().lower() == "resilient"
    assert "result" in page.get_by_role("status").inner_text()
    assert axe_violations(page) == []
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.href") == site_server.url(f"offers/{JOINT_OFFER}/")
    page.keyboard.press("Enter")
    page.wait_for_url(site_server.url(f"offers/{JOINT_OFFER}/"))
    assert [u for u in page.requests if "/pagefind/" in u]
    assert foreign_requests(page, site_server.origin) == []
    assert page.console_errors == []


def test_search_says_when_nothing_matches(page: RecordingPage, site_server: SiteServer) -> None:
    page.goto(site_server.url(""))
    page.get_by_role("searchbox", name="Search the site").fill("qxzvlorbnk")
    status = page.get_by_role("status")
    status.get_by_text("No results").wait_for()
    assert "qxzvlorbnk" in status.inner_text()
    assert page.locator("#cs-search-results a").count() == 0
    page.keyboard.press("Escape")
    assert page.locator("#cs-search-results").is_hidden()
    assert page.console_errors == []


def test_search_works_under_the_verify_page_policy(
    page: RecordingPage, site_server: SiteServer
) -> None:
    """The verifier page's Content-Security-Policy lets the search load its WebAssembly."""
    page.goto(site_server.url("verify/"))
    page.get_by_role("searchbox", name="Search the site").fill("Resilient")
    page.locator("#cs-search-results a").first.wait_for()
    assert page.console_errors == []


@pytest.mark.parametrize("kind", ["catalogue", "offer", "pathway", "issuer", "home", "keys"])
def test_axe_reports_no_serious_or_critical_violations(
    page: RecordingPage, site_server: SiteServer, kind: str
) -> None:
    page.goto(site_server.url(representative_pages(site_server)[kind]))
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("lang", "query", "offer", "title"),
    [
        ("lv", "ētika", "lu-data-ethics-practice", "Datu ētika praksē"),
        # German stemming: the plural finds the compound's singular form.
        ("de", "Forschungsdatenmanagements", "jgu-research-data-management", None),
    ],
)
def test_search_in_another_language_finds_pages_of_that_language(
    page: RecordingPage, site_server: SiteServer, lang: str, query: str, offer: str, title: str
) -> None:
    """Pagefind keeps an index per language (the pages' <html lang>): a reader of the Latvian
    site finds Latvian pages, with the stemmer of the language where Pagefind has one."""
    from build_tools.i18n.catalogs import strings_for

    page.goto(site_server.url(f"{lang}/"))
    page.get_by_role("searchbox", name=strings_for(lang)["Search the site"]).fill(query)
    first = page.locator("#cs-search-results a").first
    first.wait_for()
    hrefs = page.locator("#cs-search-results a").evaluate_all("els => els.map(a => a.href)")
    assert all(h.startswith(site_server.url(f"{lang}/")) for h in hrefs), hrefs
    assert site_server.url(f"{lang}/offers/{offer}/") in hrefs
    if title:
        assert title in page.locator("#cs-search-results").inner_text()
    assert page.console_errors == []
