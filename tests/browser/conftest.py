"""Shared fixtures for real-browser tests (Playwright for Python with Debian's Chromium).

- `example_site`: the example catalogue built once per session (`credsite build`, strict) into a
  temporary folder; `CREDSITE_TEST_CATALOGUE` may name another catalogue folder.
- `site_server`: that site served by a threading `http.server` on 127.0.0.1 under the sub-path
  of the catalogue's `site_url` (e.g. `/credentials/`), as on GitHub Pages;
  `site_url(path)` gives the absolute local URL of a site path.
- `browser`: one headless Chromium per session (`/usr/bin/chromium`, no network side channels).
- `page`: a fresh page per test that records every request URL (`page.requests`), every
  console error and uncaught page error (`page.console_errors`); `foreign_requests(page)` lists
  requests to any other origin than the test server.
- `axe_violations(page, impacts=...)`: injects axe-core from node_modules and returns its
  violations of the given impacts (default: serious and critical).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from build_tools.sitebuild.build import build_site, load_valid_catalogue
from build_tools.sitebuild.errors import BuildError
from build_tools.sitebuild.serve import make_server, site_prefix

from .chromium import CHROMIUM, CHROMIUM_ARGS

PROJECT = Path(__file__).resolve().parents[2]

AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class BuiltSite:
    root: Path  # the built site folder
    catalogue_dir: Path
    site_url: str  # the catalogue's published URL (absolute, ends with "/")
    catalogue: Any  # the validated Catalogue model


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    catalogue_dir = Path(os.environ.get("CREDSITE_TEST_CATALOGUE", PROJECT / "catalogue"))
    out = tmp_path_factory.mktemp("example-site") / "site"
    try:
        catalogue, _warnings = load_valid_catalogue(catalogue_dir)
        build_site(catalogue_dir=catalogue_dir, out=out, project=PROJECT)
    except BuildError as exc:
        pytest.fail(f"The example site does not build:\n{exc}", pytrace=False)
    return BuiltSite(out, catalogue_dir, catalogue.alliance.site_url, catalogue)


@dataclass(frozen=True)
class SiteServer:
    origin: str  # http://127.0.0.1:PORT
    prefix: str  # /credentials/
    site: BuiltSite

    def url(self, path: str = "") -> str:
        return f"{self.origin}{self.prefix}{path.lstrip('/')}"


@pytest.fixture(scope="session")
def site_server(example_site: BuiltSite) -> Iterator[SiteServer]:
    prefix = site_prefix(example_site.site_url)
    if prefix == "/":
        prefix = "/credentials/"  # always exercise a sub-path, as on a project site
    server = make_server(example_site.root, prefix)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield SiteServer(f"http://{host}:{port}", prefix, example_site)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(site_server: SiteServer) -> Callable[[str], str]:
    return site_server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class RecordingPage:
    """A Playwright page plus what it did: requests and console/page errors."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on(
            "console",
            lambda m: (
                self.console_errors.append(f"{m.text} ({m.location.get('url', '')})")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)


@pytest.fixture
def page(browser: Browser) -> Iterator[RecordingPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    try:
        yield RecordingPage(context.new_page())
    finally:
        context.close()


def foreign_requests(page: RecordingPage, origin: str) -> list[str]:
    """Requests to any origin other than `origin` (data: and blob: URLs stay on the page)."""
    out = []
    for url in page.requests:
        scheme = urlsplit(url).scheme
        if scheme in ("data", "blob", "about"):
            continue
        if not url.startswith(origin + "/"):
            out.append(url)
    return out


def axe_violations(
    page: RecordingPage | Page, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A/AA rules) on the page; violations with the given impacts."""
    target = page.page if isinstance(page, RecordingPage) else page
    # Evaluated through the DevTools protocol rather than added as a <script>, so pages with a
    # strict Content-Security-Policy (the verifier page) can be checked too.
    target.evaluate(AXE.read_text("utf-8") + "\n;undefined")
    result = target.evaluate(
        """async () => await axe.run(document, {
               runOnly: {type: 'tag',
                         values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
               resultTypes: ['violations'],
           })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
