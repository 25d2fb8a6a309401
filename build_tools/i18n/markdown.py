"""Hand-written Markdown pages, translated block by block.

A page is cut into blocks: the `title` and `description` of its front matter, each heading,
each paragraph and each list item. The English text of a block (its lines joined by spaces,
without the heading's `#`s or the item's marker) is its msgid; `translate()` puts each block's
translation back in place with the same marker. Lines that are not prose stay as they are:
`<!-- credsite:NAME -->` placeholders, HTML comments, fenced code, tables, raw HTML and the
other front-matter keys.

`extract()` is the Babel extractor for these pages (see `extract.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import IO, Any

_FRONT_KEYS = ("title", "description")
_HEADING = re.compile(r"^(#{1,6}\s+)(.*?)\s*$")
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*)$")
_KEEP = re.compile(r"^\s*(?:<|\||```|~~~|!!!|\?\?\?|\{)")


def _blocks(text: str) -> Iterator[tuple[int, str, str, int]]:
    """(index of the first line, prefix, msgid, number of lines) of each translatable block."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            key, sep, value = lines[i].partition(":")
            if sep and key.strip() in _FRONT_KEYS and value.strip():
                yield i, f"{key}: ", value.strip(), 1
            i += 1
        i += 1
    fenced = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            i += 1
            continue
        if fenced or not line.strip() or _KEEP.match(line):
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            yield i, heading.group(1), heading.group(2), 1
            i += 1
            continue
        item = _ITEM.match(line)
        prefix = item.group(1) if item else ""
        start, parts = i, [item.group(2) if item else line.strip()]
        i += 1
        while i < len(lines) and lines[i].strip() and not _KEEP.match(lines[i]):
            if _ITEM.match(lines[i]) or _HEADING.match(lines[i]):
                break
            parts.append(lines[i].strip())
            i += 1
        yield start, prefix, " ".join(parts), i - start


def msgids(text: str) -> list[tuple[int, str]]:
    """(line number, msgid) of every block of a page."""
    return [(start + 1, msgid) for start, _, msgid, _ in _blocks(text)]


def translate(text: str, gettext: Callable[[str], str]) -> str:
    """The page with every block replaced by `gettext(msgid)` (the same text if untranslated)."""
    lines = text.split("\n")
    out: list[str] = []
    done = 0
    for start, prefix, msgid, count in _blocks(text):
        out.extend(lines[done:start])
        translated = gettext(msgid)
        if prefix.startswith(_FRONT_KEYS):
            translated = '"' + translated.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out.append(prefix + translated)
        done = start + count
    out.extend(lines[done:])
    return "\n".join(out)


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extraction method: one message per block."""
    for line, msgid in msgids(fileobj.read().decode("utf-8")):
        yield line, "", msgid, []
