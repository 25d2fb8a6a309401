"""Extraction: every interface string of the project into `build_tools/locale/messages.pot`,
and each language's `.po` brought up to date with it (`credsite translations update`).

Where strings come from:
- Python: `_()`, `N_()` (build_tools/outputs, build_tools/sitebuild) and the verifier's
  check messages (`msg()` and literal messages, `VERIFIER_KEYWORDS`);
- Jinja2 templates: the page templates and the theme overrides, `_()` calls;
- JavaScript: `t()` calls in the site's scripts;
- Markdown: every block of the hand-written pages (`markdown.py`).
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .catalogs import LOCALE_DIR, TEMPLATE, po_path

PROJECT = LOCALE_DIR.parents[1]

# (folder, method map) pairs; paths are relative to the folder.
SOURCES: tuple[tuple[str, list[tuple[str, str]]], ...] = (
    (
        "build_tools",
        [
            ("outputs/templates/**.j2", "jinja2"),
            ("outputs/**.py", "python"),
            ("sitebuild/**.py", "python"),
        ],
    ),
    ("build_tools/verifier", [("**.py", "python")]),
    (
        "site_src",
        [
            ("overrides/**.html", "jinja2"),
            ("assets/**.mjs", "javascript"),
            ("assets/**.js", "javascript"),
            ("**.md", "build_tools.i18n.markdown:extract"),
            ("samples/index.json", "build_tools.i18n.extract:extract_samples"),
        ],
    ),
)
KEYWORDS = {"_": None, "N_": None, "msg": None, "t": None, "tParts": None}
# The verifier's messages: `msg()`, and the literal message argument of the calls that make a
# check result or an input error (the argument's position).
VERIFIER_KEYWORDS = {
    "msg": None,
    "result": (4,),
    "_fail": (2,),
    "InputError": (2,),
    "JsonLdStrictError": (2,),
    "KeyProblem": (3,),
}
_OPTIONS = {
    "**.j2": {"trimmed": "true"},
    "**.html": {"trimmed": "true"},
    # t() calls inside `${...}` of template literals too
    "**.mjs": {"parse_template_string": "true"},
    "**.js": {"parse_template_string": "true"},
}
# The maintainers' pages are written for the people who run the catalogue, in English
# (docs/translating.md); they are published in every language tree as they are.
UNTRANSLATED = ("maintainers/",)


def extract_samples(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extraction method for samples/index.json: the words the verify page shows for each
    sample (its kind, case and description)."""
    text = fileobj.read().decode("utf-8")
    index = json.loads(text)
    for sample in index.get("samples", []) if isinstance(index, dict) else []:
        for key in ("kind", "case", "description"):
            value = sample.get(key) if isinstance(sample, dict) else None
            if isinstance(value, str) and value:
                line = text.count("\n", 0, text.find(json.dumps(value, ensure_ascii=False))) + 1
                yield line, "", value, []


def _visible(dirname: str) -> bool:
    """Folders to read: all but hidden ones and caches (Babel's default also skips `_internal`)."""
    name = Path(dirname).name
    return not name.startswith(".") and name != "__pycache__"


def extract(project: Path = PROJECT) -> Catalog:
    """A fresh template catalogue of every interface string in `project`."""
    catalog = Catalog(project="credsite", fuzzy=False)
    # Babel notes every f-string among a call's arguments; the verifier's calls carry their
    # technical detail (English on purpose) as one. A message built at run time is caught by
    # tests/verifier/test_messages_translatable.py instead.
    with contextlib.redirect_stderr(io.StringIO()):
        _extract_into(catalog, project)
    return catalog


def _extract_into(catalog: Catalog, project: Path) -> None:
    for folder, method_map in SOURCES:
        root = project / folder
        for filename, lineno, message, comments, _context in extract_from_dir(
            str(root),
            method_map=method_map,
            options_map=_OPTIONS,
            keywords=VERIFIER_KEYWORDS if folder == "build_tools/verifier" else KEYWORDS,
            strip_comment_tags=True,
            directory_filter=_visible,
        ):
            if folder == "site_src" and filename.startswith(UNTRANSLATED):
                continue
            if not message or not isinstance(message, str):
                continue
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments)


def _pot_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=True, sort_output=False)
    return buf.getvalue()


def _set_header(po: Catalog, lang: str) -> None:
    """The file's header: what it is and where its rules are, without the template's
    placeholders (translators are credited in reviews.yaml and the git history)."""
    from babel import Locale

    name = Locale.parse(lang).get_display_name("en") or lang
    po.header_comment = (
        f"# {name} translations of credsite's interface strings.\n"
        "# How to correct or add one: docs/translating.md. Who reviewed them:\n"
        "# build_tools/locale/reviews.yaml.\n"
        "# This file is distributed under the same licence as credsite (EUPL-1.2)."
    )
    po.project = "credsite"
    po.version = "0.1"
    po.msgid_bugs_address = ""
    po.last_translator = ""
    po.language_team = name
    po.revision_date = po.creation_date


def update(langs: list[str], project: Path = PROJECT) -> list[str]:
    """Write messages.pot from the sources and merge it into each language's `.po` (new
    strings empty, changed ones fuzzy); the files written."""
    catalog = extract(project)
    TEMPLATE.write_bytes(_pot_bytes(catalog))
    written = [str(TEMPLATE.relative_to(project))]
    for lang in langs:
        if lang == "en":
            continue
        path = po_path(lang)
        if path.is_file():
            with path.open("rb") as f:
                po = read_po(f, locale=lang)
        else:
            po = Catalog(locale=lang, project="credsite", fuzzy=False)
        po.update(catalog, no_fuzzy_matching=False)
        po.obsolete.clear()
        _set_header(po, lang)
        buf = io.BytesIO()
        write_po(buf, po, width=100, omit_header=False, sort_output=False)
        path.write_bytes(buf.getvalue())
        written.append(str(path.relative_to(project)))
    return written


def current(project: Path = PROJECT) -> bool:
    """Whether the committed messages.pot holds exactly the strings the sources use."""
    fresh = {m.id for m in extract(project) if m.id}
    with TEMPLATE.open("rb") as f:
        committed = {m.id for m in read_po(f) if m.id}
    return fresh == committed
