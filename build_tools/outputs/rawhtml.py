"""Raw HTML that the generated pages hand to Markdown as it is, without having it parsed.

Python-Markdown finds raw HTML blocks by running an HTML parser over the whole page text, which
is most of its work on the generated pages (their section bodies are HTML, already escaped by
the templates): measured, about a sixth of `mkdocs build` for 1,000 offer pages. The templates
instead put each such body between two marker lines (`rawhtml` filter); this Markdown extension,
listed in mkdocs.yml, stores the lines between the markers in Markdown's raw-HTML stash before
that parser runs, exactly as the parser would have stored them, so the output is the same.

A start marker without its end marker leaves the text to Markdown as if there were no markers.
"""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markupsafe import Markup

START = "<!--credsite:raw-html-->"
END = "<!--/credsite:raw-html-->"


def wrap(html: object) -> Markup:
    """`html` (already escaped) between the marker lines; nothing for blank text."""
    body = str(html).strip("\n")
    if not body.strip():
        return Markup("")
    return Markup(f"{START}\n{body}\n{END}\n")


class _StashMarkedHtml(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i, n = 0, len(lines)
        while i < n:
            line = lines[i]
            if line != START:
                out.append(line)
                i += 1
                continue
            try:
                end = lines.index(END, i + 1)
            except ValueError:  # unterminated: Markdown handles the rest as usual
                out.extend(lines[i:])
                break
            placeholder = self.md.htmlStash.store("\n".join(lines[i + 1 : end]))
            out.extend(("", placeholder, ""))
            i = end + 1
        return out


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After whitespace normalisation (30), before the raw HTML block parser (20).
        md.preprocessors.register(_StashMarkedHtml(md), "credsite_raw_html", 25)


def makeExtension(**kwargs: Any) -> RawHtmlExtension:
    return RawHtmlExtension(**kwargs)
