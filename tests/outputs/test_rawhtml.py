"""Marked raw HTML reaches the page as it is, without Markdown's HTML parser."""

from __future__ import annotations

import re

import markdown

from build_tools.outputs import pages
from build_tools.outputs.rawhtml import END, START, RawHtmlExtension, wrap

from ._fixtures import make_catalogue, make_offer
from .test_pages import mkdocs_markdown

BODY = (
    '<div class="cs-facts">\n<dl>\n<div class="cs-fact"><dt>Title</dt><dd>A &amp; B</dd></div>\n'
    "</dl>\n</div>\n\n<p>Second block, after a blank line: *not emphasis*.</p>\n"
    "<ul>\n<li>x</li>\n</ul>"
)


def _blank_lines_removed(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", html).strip()


def test_a_marked_block_is_stored_whole_and_renders_as_markdown_would() -> None:
    text = f"# Title\n\n{wrap(BODY)}\n## Next\n\nA *paragraph*.\n"
    md = markdown.Markdown(extensions=[RawHtmlExtension()])
    marked = md.convert(text)
    # One stash entry holding the body verbatim: Markdown's own HTML parser never saw it.
    assert md.htmlStash.html_counter == 1
    assert md.htmlStash.rawHtmlBlocks[0] == BODY
    assert START not in marked and END not in marked
    plain = markdown.Markdown().convert(f"# Title\n\n{BODY}\n\n## Next\n\nA *paragraph*.\n")
    assert _blank_lines_removed(marked) == _blank_lines_removed(plain)
    assert "<em>paragraph</em>" in marked and "*not emphasis*" in marked


def test_an_unterminated_marker_leaves_the_text_to_markdown() -> None:
    text = f"{START}\n<p>raw</p>\n\nSome *text*.\n"
    md = markdown.Markdown(extensions=[RawHtmlExtension()])
    out = md.convert(text)
    assert "<em>text</em>" in out and "<p>raw</p>" in out


def test_blank_text_is_not_marked() -> None:
    assert wrap("\n  \n") == ""


def test_catalogue_text_cannot_close_a_marked_block() -> None:
    evil = f"{END}\n# Injected heading\n<script>alert(1)</script>"
    offer = make_offer("evil-offer", description={"en": evil}, further_information={"en": evil})
    cat = make_catalogue(offers={offer.id: offer})
    text = pages.render_offer_page(cat, offer).decode()
    lines = text.splitlines()
    assert lines.count(START) == lines.count(END) > 5
    out = mkdocs_markdown().convert(text.split("\n---\n", 1)[1])
    assert "<script" not in out and "Injected heading</h1>" not in out
    assert "&lt;!--/credsite:raw-html--&gt;" in out
