"""Each page type on a phone (390 x 844) and a laptop (1366 x 900), in real Chromium: no sideways
scrolling, no word broken inside itself, key elements visible, catalogue cards on phones and a
table on laptops, legible pathway diagrams, and axe-core in light and dark mode.

Screenshots of the same pages for looking at: bench/screenshots.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .conftest import SiteServer, axe_violations

PHONE = (390, 844)
LAPTOP = (1366, 900)
SIZES = {"phone": PHONE, "laptop": LAPTOP}

OFFER = "lu-jyu-uia-resilient-communities-challenge"

# Page type -> (path, selectors that must be visible inside the viewport's width).
PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "home": ("", ("h1", "#find-a-micro-credential")),
    "catalogue": ("offers/", ("h1", "#cs-filter-panel > summary", "#cs-offers tbody a")),
    "offer": (f"offers/{OFFER}/", ("h1", "#cs-key-facts", "#how-to-apply")),
    "pathway": (
        "pathways/forthem-digital-society/",
        ("h1", ".cs-figure svg.cs-diagram >> visible=true", ".cs-members a"),
    ),
    "university": ("issuers/lu/", ("h1", "#keys", ".cs-keys-table", "a[href='jwks.json']")),
    "keys": ("keys/", ("h1", ".cs-keys-table")),
    "verify": ("verify/", ("h1",)),
    "principles": ("principles/", ("h1",)),
    "maintainers": ("maintainers/", ("h1",)),
}

# Words of the content whose first and last letters render on different lines. A break at a
# hyphen ("E-", "Book") is allowed: hyphens split the words first. Code is not prose.
_BROKEN_WORDS = """() => {
  const root = document.querySelector("article.md-content__inner");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const broken = [];
  const range = document.createRange();
  let node;
  while ((node = walker.nextNode())) {
    const parent = node.parentElement;
    const skip = "code, pre, svg, script, style, [hidden], details:not([open]) > :not(summary)";
    if (!parent || parent.closest(skip)) continue;
    if (!parent.offsetParent && parent.tagName !== "BODY") continue;
    const text = node.textContent;
    const re = /[^\\s\\-\\u2010\\u2011\\u2013\\u2014\\/]{4,}/g;
    let m;
    while ((m = re.exec(text))) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
      if (rects.length > 1 && Math.abs(rects[0].top - rects[rects.length - 1].top) > 2) {
        broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture(params=list(SIZES), scope="module")
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return SIZES[request.param]


def _context_page(browser: Browser, size: tuple[int, int], scheme: str = "light") -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def sized_page(browser: Browser, size: tuple[int, int]) -> Iterator[Page]:
    yield from _context_page(browser, size)


def _open(page: Page, site_server: SiteServer, path: str) -> None:
    page.goto(site_server.url(path))
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("kind", list(PAGES))
def test_page_fits_the_screen(
    sized_page: Page, site_server: SiteServer, size: tuple[int, int], kind: str
) -> None:
    path, selectors = PAGES[kind]
    _open(sized_page, site_server, path)
    overflow = sized_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{kind} scrolls sideways by {overflow} px at {size}"
    assert sized_page.evaluate(_BROKEN_WORDS) == [], f"words broken inside on {kind} at {size}"
    for selector in selectors:
        el = sized_page.locator(selector).first
        assert el.is_visible(), (kind, selector)
        box: Any = el.bounding_box()
        assert box["x"] >= -1 and box["x"] + box["width"] <= size[0] + 1, (kind, selector, box)


def _diagram_text_sizes(page: Page) -> list[float]:
    """Rendered font sizes (px) of the visible diagrams' text."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.cs-figure svg.cs-diagram'))
             .filter(svg => svg.getBoundingClientRect().width > 0)
             .flatMap(svg => Array.from(svg.querySelectorAll('text')).map(t =>
               parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a))"""
    )


@pytest.mark.parametrize(
    "path", ["pathways/forthem-digital-society/", "offers/lu-data-ethics-practice/"]
)
def test_pathway_diagrams_stay_legible(
    sized_page: Page, site_server: SiteServer, size: tuple[int, int], path: str
) -> None:
    _open(sized_page, site_server, path)
    sizes = _diagram_text_sizes(sized_page)
    assert sizes, "a diagram is visible"
    assert min(sizes) >= 11.5, f"diagram text of {min(sizes):.1f} px at {size}"
    # One diagram per pathway is shown (the other layout is not rendered).
    visible = sized_page.locator(".cs-figure svg.cs-diagram:visible").count()
    assert visible == sized_page.locator(".cs-figure").count()


def test_catalogue_cards_on_a_phone_and_a_table_on_a_laptop(
    sized_page: Page, site_server: SiteServer, size: tuple[int, int]
) -> None:
    _open(sized_page, site_server, "offers/")
    row = sized_page.locator("#cs-offers tbody tr").first
    display = row.evaluate("r => getComputedStyle(r).display")
    labels = row.evaluate(
        "r => Array.from(r.querySelectorAll('td')).map(td => getComputedStyle(td, '::before')"
        ".content)"
    )
    if size == PHONE:
        assert display == "block"
        # Each card names its values: university, ECTS, EQF, languages, mode, dates.
        assert labels == [
            '"Universities: "',
            '"ECTS: "',
            '"EQF: "',
            '"Languages: "',
            '"Mode: "',
            '"Dates: "',
        ]
        assert sized_page.locator("#cs-offers thead").bounding_box()["height"] <= 1  # type: ignore[index]
    else:
        assert display == "table-row"
        assert sized_page.locator("#cs-offers thead").is_visible()


def test_filters_are_a_collapsible_panel_that_counts_active_filters(
    sized_page: Page, site_server: SiteServer, size: tuple[int, int]
) -> None:
    _open(sized_page, site_server, "offers/")
    panel = sized_page.locator("#cs-filter-panel")
    summary = panel.locator("summary")
    assert "(none active)" in summary.inner_text()
    if size == PHONE:
        # Collapsed: the first result is near the top, not after every filter.
        assert not panel.evaluate("p => p.open")
        first = sized_page.locator("#cs-offers tbody tr").first.bounding_box()
        assert first is not None and first["y"] < size[1]
        summary.click()
    assert panel.evaluate("p => p.open")
    sized_page.get_by_label("Level", exact=True).select_option("7")
    sized_page.get_by_label("Mode", exact=True).select_option("hybrid")
    assert "(2 active)" in summary.inner_text()


def test_keys_table_fits_a_laptop(browser: Browser, site_server: SiteServer) -> None:
    for page in _context_page(browser, LAPTOP):
        _open(page, site_server, "keys/")
        widths = page.eval_on_selector_all(
            ".cs-table-wrap",
            "ws => ws.map(w => [w.scrollWidth, w.clientWidth])",
        )
        assert widths and all(scroll <= client + 1 for scroll, client in widths), widths
        # Timestamps keep to one line.
        heights = page.eval_on_selector_all(
            ".cs-keys-table time", "ts => ts.map(t => t.getClientRects().length)"
        )
        assert heights and set(heights) == {1}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_at_both_sizes_and_schemes(
    browser: Browser, site_server: SiteServer, size: tuple[int, int], kind: str, scheme: str
) -> None:
    for page in _context_page(browser, size, scheme):
        _open(page, site_server, PAGES[kind][0])
        assert axe_violations(page) == [], (kind, size, scheme)
