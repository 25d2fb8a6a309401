"""The net over every built HTML page of the example site: what a reader would see.

The example catalogue is built once per session. Every HTML page is parsed (html.parser) and
checked for literal Markdown in its visible text (table rows, link syntax, heading hashes),
duplicate ids, links and assets that do not resolve (fragments included) and images without
alternative text. University pages must link their published key listings.
"""

from __future__ import annotations

import html.parser
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from build_tools.catalogue.model import Catalogue
from build_tools.sitebuild.build import build_site, load_valid_catalogue

PROJECT = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1/credentials/"

# Text inside these elements is shown as written (code samples) or not shown at all.
_LITERAL = {"script", "style", "code", "pre", "textarea", "template", "noscript", "svg"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
_MARKDOWN = (
    ("a Markdown table row", re.compile(r"^\s*\|.*\|\s*$")),
    ("a Markdown table rule", re.compile(r"\|\s*:?-{3,}:?\s*\|")),
    ("a Markdown link", re.compile(r"\]\(")),
    ("a Markdown heading", re.compile(r"^\s*#{1,6}\s+\S")),
)


@dataclass
class ParsedPage:
    rel: str  # path in the site, e.g. "issuers/lu/index.html"
    ids: list[str] = field(default_factory=list)
    refs: list[tuple[str, str]] = field(default_factory=list)  # (tag, href/src)
    texts: list[str] = field(default_factory=list)  # visible text nodes
    images_without_alt: list[str] = field(default_factory=list)


class _PageParser(html.parser.HTMLParser):
    def __init__(self, page: ParsedPage) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.literal_depth = 0
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.page.ids.append(str(a["id"]))
        for name in ("href", "src"):
            value = a.get(name)
            if value is not None and tag in ("a", "link", "script", "img", "source", "iframe"):
                self.page.refs.append((tag, value))
        if tag == "img" and not (a.get("alt") or "").strip() and a.get("role") != "presentation":
            self.page.images_without_alt.append(str(a.get("src")))
        if tag in _VOID:
            return
        self.stack.append(tag)
        if tag in _LITERAL:
            self.literal_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in _LITERAL:
                self.literal_depth -= 1
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.literal_depth == 0 and data.strip():
            self.page.texts.append(data)


def parse(root: Path, path: Path) -> ParsedPage:
    page = ParsedPage(path.relative_to(root).as_posix())
    parser = _PageParser(page)
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return page


@dataclass(frozen=True)
class ExampleSite:
    root: Path
    catalogue: Catalogue
    pages: dict[str, ParsedPage]


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> ExampleSite:
    out = tmp_path_factory.mktemp("net") / "site"
    catalogue, _warnings = load_valid_catalogue(PROJECT / "catalogue")
    build_site(catalogue_dir=PROJECT / "catalogue", out=out, project=PROJECT)
    pages = {p.relative_to(out).as_posix(): parse(out, p) for p in sorted(out.rglob("*.html"))}
    return ExampleSite(out, catalogue, pages)


def markdown_left_in(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for line in text.splitlines():
            for what, pattern in _MARKDOWN:
                if pattern.search(line):
                    found.append(f"{what}: {line.strip()[:80]!r}")
    return found


def test_the_net_sees_literal_markdown_and_duplicate_ids() -> None:
    """Negative control: the parser reports what the checks look for."""
    page = ParsedPage("x.html")
    _PageParser(page).feed(
        '<h2 id="keys">Keys</h2><div id="keys">\n| Key ID | Alg |\n|---|---|\n'
        "[JSON Web Key Set](jwks.json)</div><table><tr><td>## Find</td></tr></table>"
        "<pre><code>| a | b |\n## kept</code></pre><img src='a.png'>"
    )
    found = markdown_left_in(page.texts)
    assert any("table row" in f for f in found)
    assert any("table rule" in f for f in found)
    assert any("link" in f for f in found)
    assert any("heading" in f and "Find" in f for f in found)
    assert not any("kept" in f for f in found)
    assert [i for i, n in Counter(page.ids).items() if n > 1] == ["keys"]
    assert page.images_without_alt == ["a.png"]


def test_every_page_was_parsed(example: ExampleSite) -> None:
    cat = example.catalogue
    assert "index.html" in example.pages and "keys/index.html" in example.pages
    for oid in cat.offers:
        assert f"offers/{oid}/index.html" in example.pages
    for slug in cat.issuers:
        assert f"issuers/{slug}/index.html" in example.pages
    for pid in cat.pathways:
        assert f"pathways/{pid}/index.html" in example.pages


def test_no_literal_markdown_in_rendered_text(example: ExampleSite) -> None:
    problems = [
        f"{rel}: {f}" for rel, page in example.pages.items() for f in markdown_left_in(page.texts)
    ]
    assert problems == []


def test_no_duplicate_ids(example: ExampleSite) -> None:
    problems = [
        f"{rel}: id {i!r} x{n}"
        for rel, page in example.pages.items()
        for i, n in Counter(page.ids).items()
        if n > 1
    ]
    assert problems == []


def test_every_image_has_alt_text(example: ExampleSite) -> None:
    problems = [
        f"{rel}: {src}" for rel, page in example.pages.items() for src in page.images_without_alt
    ]
    assert problems == []


def _page_url(rel: str) -> str:
    return BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def test_every_internal_link_and_asset_resolves(example: ExampleSite) -> None:
    problems = []
    for rel, page in example.pages.items():
        if rel == "404.html":
            continue  # served at any path: its links are absolute paths from site_url
        for tag, ref in page.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue  # other origins: the browser tests check that nothing loads from them
            target = urlsplit(urljoin(_page_url(rel), ref))
            if not target.path.startswith("/credentials/"):
                problems.append(f"{rel}: {ref} leaves the site")
                continue
            local = unquote(target.path[len("/credentials/") :])
            if local == "" or local.endswith("/"):
                local += "index.html"
            if not (example.root / local).is_file():
                problems.append(f"{rel}: <{tag}> {ref} does not resolve")
                continue
            if target.fragment and local.endswith(".html"):
                other = example.pages.get(local)
                if other is not None and unquote(target.fragment) not in other.ids:
                    problems.append(f"{rel}: {ref}: no element with that id")
    assert problems == []


def test_university_pages_link_their_key_listings(example: ExampleSite) -> None:
    for slug in example.catalogue.issuers:
        rel = f"issuers/{slug}/index.html"
        hrefs = {ref for tag, ref in example.pages[rel].refs if tag == "a"}
        for listing in ("jwks.json", "did.json"):
            assert listing in hrefs, f"{rel} does not link {listing}"
            assert (example.root / "issuers" / slug / listing).is_file()


def test_home_page_find_heading_is_a_heading_in_the_toc(example: ExampleSite) -> None:
    home = example.pages["index.html"]
    assert "find-a-micro-credential" in home.ids
    assert ("a", "#find-a-micro-credential") in home.refs  # the table of contents


def test_no_maintainer_note_is_published(example: ExampleSite) -> None:
    notes = [n for i in example.catalogue.issuers.values() for n in i.todo]
    assert notes, "the example catalogue has todo notes to keep off the site"
    problems = [
        f"{rel}: {note[:40]!r}"
        for rel, page in example.pages.items()
        for note in notes
        if note[:40] in " ".join(" ".join(page.texts).split())
    ]
    assert problems == []
