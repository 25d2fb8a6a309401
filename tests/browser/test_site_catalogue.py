"""The catalogue index in a real browser: filters, shared URLs, keyboard use, no-JavaScript list."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser

from .conftest import BuiltSite, RecordingPage, SiteServer


def visible_offers(page: RecordingPage) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "#cs-offers tbody tr[data-offer]",
            "rows => rows.filter(r => !r.hidden && r.offsetParent !== null)"
            ".map(r => r.dataset.offer)",
        )
    )


def offers_where(site: BuiltSite, predicate: object) -> set[str]:
    return {o.id for o in site.catalogue.offers.values() if predicate(o)}  # type: ignore[operator]


def test_eqf7_filter_shows_exactly_the_eqf7_offers(
    page: RecordingPage, site_server: SiteServer
) -> None:
    page.goto(site_server.url("offers/"))
    all_offers = set(site_server.site.catalogue.offers)
    assert visible_offers(page) == all_offers
    page.get_by_label("Level", exact=True).select_option("7")
    expected = offers_where(site_server.site, lambda o: o.eqf == 7)
    assert expected, "the example catalogue has EQF 7 offers"
    assert expected != all_offers
    assert visible_offers(page) == expected
    assert (
        page.locator("#cs-count").inner_text()
        == f"Showing {len(expected)} of {len(all_offers)} micro-credentials."
    )
    assert page.locator("#cs-count").get_attribute("aria-live") == "polite"
    assert parse_qs(urlsplit(page.url).query) == {"eqf": ["7"]}
    assert page.console_errors == []


def test_shared_filtered_url_restores_the_filter(
    page: RecordingPage, site_server: SiteServer
) -> None:
    site = site_server.site
    page.goto(site_server.url("offers/"))
    page.get_by_label("Level", exact=True).select_option("7")
    page.get_by_label("Teaching language", exact=True).select_option("en")
    page.get_by_label("Mode", exact=True).select_option("hybrid")
    shared = page.url
    expected = offers_where(
        site, lambda o: o.eqf == 7 and "en" in o.languages.teaching and o.mode == "hybrid"
    )
    assert expected
    assert visible_offers(page) == expected

    other = page.context.new_page()
    other.goto(shared)
    assert other.get_by_label("Level", exact=True).input_value() == "7"
    assert other.get_by_label("Teaching language", exact=True).input_value() == "en"
    assert other.get_by_label("Mode", exact=True).input_value() == "hybrid"
    assert (
        set(
            other.eval_on_selector_all(
                "#cs-offers tbody tr[data-offer]",
                "rows => rows.filter(r => !r.hidden).map(r => r.dataset.offer)",
            )
        )
        == expected
    )


def test_every_filter_narrows_by_its_facet(page: RecordingPage, site_server: SiteServer) -> None:
    site = site_server.site
    page.goto(site_server.url("offers/?university=jgu"))
    assert visible_offers(page) == offers_where(site, lambda o: "jgu" in o.awarding_bodies)
    page.goto(site_server.url("offers/?ects_min=4&ects_max=5"))
    assert visible_offers(page) == offers_where(site, lambda o: 4 <= o.ects <= 5)
    page.goto(site_server.url("offers/?field=04"))
    assert visible_offers(page) == offers_where(
        site, lambda o: any(c.startswith("04") for c in o.isced)
    )
    page.goto(site_server.url("offers/?recognition=automatic"))
    assert visible_offers(page) == offers_where(
        site, lambda o: o.recognition.scenario == "automatic"
    )
    page.goto(site_server.url("offers/?stackable=yes"))
    assert visible_offers(page) == offers_where(
        site, lambda o: o.stackability.integration == "stackable"
    )
    page.goto(site_server.url("offers/?stackable=no"))
    assert visible_offers(page) == offers_where(
        site, lambda o: o.stackability.integration != "stackable"
    )
    # An unknown value is ignored rather than hiding everything.
    page.goto(site_server.url("offers/?eqf=12"))
    assert page.get_by_label("Level", exact=True).input_value() == ""
    assert visible_offers(page) == set(site.catalogue.offers)


def test_starting_soon_uses_the_visitors_date(page: RecordingPage, site_server: SiteServer) -> None:
    site = site_server.site
    # Pin the browser's clock so the expectation does not depend on the day the test runs.
    page.clock.set_fixed_time("2027-01-05T10:00:00")
    page.goto(site_server.url("offers/?soon=1"))
    import datetime as dt

    today, limit = dt.date(2027, 1, 5), dt.date(2027, 1, 5) + dt.timedelta(days=92)
    expected = offers_where(
        site,
        lambda o: (
            o.schedule.self_paced
            or (o.schedule.start is not None and today <= o.schedule.start <= limit)
        ),
    )
    assert visible_offers(page) == expected
    assert page.get_by_label(
        "Starting in the next 3 months (or self-paced)", exact=True
    ).is_checked()


def test_filters_work_with_the_keyboard_and_have_labels(
    page: RecordingPage, site_server: SiteServer
) -> None:
    page.goto(site_server.url("offers/"))
    for name in (
        "University",
        "Level",
        "From",
        "to",
        "Teaching language",
        "Mode",
        "Field (ISCED-F)",
        "Recognition",
        "Stackable",
        "Starting in the next 3 months (or self-paced)",
    ):
        assert page.get_by_label(name, exact=True).count() == 1, name
    level = page.get_by_label("Level", exact=True)
    level.focus()
    # Move through the options with the keyboard only until EQF 7 is selected.
    for _ in range(10):
        if level.input_value() == "7":
            break
        page.keyboard.press("ArrowDown")
    assert level.input_value() == "7"
    assert visible_offers(page) == offers_where(site_server.site, lambda o: o.eqf == 7)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "cs-f-ects-min"
    page.keyboard.type("5")
    assert visible_offers(page) == offers_where(
        site_server.site, lambda o: o.eqf == 7 and o.ects >= 5
    )
    page.get_by_role("button", name="Clear filters").press("Enter")
    # The form resets its values after the reset event; the list follows once they are.
    page.wait_for_function("window.location.search === ''")
    assert urlsplit(page.url).query == ""
    assert visible_offers(page) == set(site_server.site.catalogue.offers)


def test_without_javascript_the_catalogue_is_a_plain_list(
    browser: Browser, site_server: SiteServer
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        p = context.new_page()
        p.goto(site_server.url("offers/?eqf=7"))
        assert not p.locator("#cs-filters").is_visible()
        rows = p.eval_on_selector_all(
            "#cs-offers tbody tr[data-offer]", "rows => rows.map(r => r.dataset.offer)"
        )
        assert set(rows) == set(site_server.site.catalogue.offers)
        assert p.locator("#cs-offers tbody tr:visible").count() == len(rows)
        first = p.locator("#cs-offers tbody a").first
        first.click()
        assert p.locator("#cs-key-facts").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_catalogue_table_fits_small_and_large_screens(
    browser: Browser, site_server: SiteServer, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        p = context.new_page()
        p.goto(site_server.url("offers/"))
        overflow = p.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1  # the table scrolls inside its wrapper, the page does not
    finally:
        context.close()
