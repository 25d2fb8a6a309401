"""Small helpers shared by the output renderers: URLs, escaping, wording of codes.

Every renderer is a pure function of the catalogue model; the helpers here are pure too.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from build_tools.catalogue import vocab
from build_tools.catalogue.model import Catalogue, LangMap, english
from build_tools.catalogue.model import offer_countries as offer_countries  # used by pages

# --------------------------------------------------------------------------------------------
# Site paths. Pages are directories (MkDocs `use_directory_urls`), so a page URL ends with "/".


def offer_url(offer_id: str) -> str:
    return f"offers/{offer_id}/"


def issuer_url(slug: str) -> str:
    return f"issuers/{slug}/"


def pathway_url(pathway_id: str) -> str:
    return f"pathways/{pathway_id}/"


def relative_url(from_page: str, to: str) -> str:
    """The relative URL from the page at site path `from_page` to site path `to`.

    Both are paths from the site root without a leading "/"; a page path ends with "/" (or is
    "" for the home page), a file path does not. `relative_url("offers/", "offers/x/")` is
    `"x/"`; `relative_url("pathways/p/", "offers/x/")` is `"../../offers/x/"`. Raw HTML links are
    not rewritten by MkDocs, so the renderers compute them here; the site must work under any
    sub-path.
    """
    base = from_page.split("/")[:-1]  # the folders of the page
    target = to.split("/")
    common = 0
    while common < len(base) and common < len(target) - 1 and base[common] == target[common]:
        common += 1
    rel = "../" * (len(base) - common) + "/".join(target[common:])
    return rel or "./"


def page_source(url: str) -> str:
    """The Markdown file (docs-relative) behind a page URL: "offers/x/" -> "offers/x/index.md"."""
    return (url + "index.md") if url.endswith("/") else url


def md_link_target(from_page: str, to_url: str) -> Markup:
    """A Markdown link target to another generated page, as a relative path to its .md source.

    MkDocs validates such links in strict mode and rewrites them to page URLs.
    """
    folder = (
        from_page
        if from_page.endswith("/") or not from_page
        else posixpath.dirname(from_page) + "/"
    )
    return Markup(quote(relative_url(folder, page_source(to_url)), safe="/._-~"))


# --------------------------------------------------------------------------------------------
# Escaping

# Characters that start inline Markdown anywhere in a line (code, emphasis, links and images,
# attribute lists, table cells, escapes, closing "#"s of a heading) get a backslash; HTML's
# "<", ">" and "&" become entities. Characters that matter only at the start of a line ("-",
# "+", ">", "!", a number followed by "." or ")") are escaped there. Python-Markdown renders a
# backslash before any of these characters as the character itself.
_MD_TABLE = str.maketrans(
    {c: "\\" + c for c in "\\`*_{}[]#|"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
)
_MD_LINE_START = re.compile(r"^(?:([-+!])|(\d+)([.)]))")


def md_escape(text: object) -> Markup:
    """Plain text as Markdown that renders exactly that text (HTML-escaped, syntax neutralised).

    Whitespace runs (newlines included) collapse to one space, so a value can never start a
    block (heading, list, HTML block) of its own.
    """
    if isinstance(text, Markup):
        return text
    s = " ".join(str(text).split()).translate(_MD_TABLE)
    m = _MD_LINE_START.match(s)
    if m:  # a list marker, admonition or setext underline if the value starts a line
        s = ("\\" + s) if m.group(1) else f"{m.group(2)}\\{s[len(m.group(2)) :]}"
    return Markup(s)


def md_paragraphs(text: object) -> Markup:
    """Multi-paragraph plain text (paragraphs separated by blank lines) as escaped Markdown."""
    paras = [p for p in re.split(r"\n\s*\n", str(text or "")) if p.strip()]
    return Markup("\n\n".join(md_escape(p) for p in paras))


_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_url(url: object) -> Markup:
    """A URL for a link target (Markdown or HTML attribute): absolute http(s) or mailto only.

    Other schemes (javascript:, data:) become `about:blank`; spaces, quotes, angle brackets and
    parentheses are percent-encoded so the URL cannot end the link or the attribute early.
    """
    s = str(url or "").strip()
    if not s.lower().startswith(_SAFE_SCHEMES):
        return Markup("about:blank")
    for ch, enc in (
        (" ", "%20"),
        ('"', "%22"),
        ("'", "%27"),
        ("<", "%3C"),
        (">", "%3E"),
        ("(", "%28"),
        (")", "%29"),
        ("\\", "%5C"),
        ("`", "%60"),
    ):
        s = s.replace(ch, enc)
    return Markup(s)


def html_escape(text: object) -> Markup:
    """Plain text for raw HTML blocks (no Markdown processing happens inside them)."""
    if isinstance(text, Markup):
        return text
    return escape(" ".join(str(text).split()))  # markupsafe: quotes too, C-accelerated


def html_paragraphs(text: object) -> Markup:
    """Multi-paragraph plain text as escaped HTML paragraphs (for raw HTML blocks)."""
    paras = [p for p in re.split(r"\n\s*\n", str(text or "")) if p.strip()]
    return Markup("".join(f"<p>{html_escape(p)}</p>" for p in paras))


def json_for_html(data: Any) -> str:
    """JSON safe to place inside <script type="application/ld+json"> (no "</script>" break-out)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def dump_json(data: Any) -> bytes:
    """Compact UTF-8 JSON with a final newline (the C encoder; indenting is several times slower
    and the files are for programs)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# Wording


def en(text: LangMap | None) -> str:
    return english(text)


def fmt_number(value: float | int | None) -> str:
    """3 -> "3", 1.5 -> "1.5", 2.0 -> "2"."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def fmt_date(value: dt.date | None) -> str:
    """Unambiguous English date: "1 February 2027"."""
    if value is None:
        return ""
    return f"{value.day} {value.strftime('%B')} {value.year}"


def plural(n: float, word: str, words: str | None = None) -> str:
    return f"{fmt_number(n)} {word if n == 1 else (words or word + 's')}"


def join_words(items: Iterable[str], conj: str = "and") -> str:
    parts = [i for i in items if i]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conj} " + parts[-1]


# Learner-facing names for modes (the official labels such as "Presential" read oddly).
MODE_LABELS: dict[str, str] = {
    "online": "Online",
    "onsite": "On site",
    "blended": "Blended (online and on site)",
    "hybrid": "Hybrid (join online or on site)",
    "work-based": "Work-based",
    "project-based": "Project-based",
    "research-lab": "Research lab",
}

SCHEDULE_LABELS: dict[str, str] = {
    "full-time": "full time",
    "part-time-intensive": "part time, intensive (8 to 30 hours a week)",
    "part-time-light": "part time, light (under 8 hours a week)",
}

SUPERVISION_LABELS: dict[str, str] = {
    "unsupervised-no-id": "Unsupervised, without identity verification",
    "unsupervised-with-id": "Unsupervised, with identity verification",
    "supervised-no-id": "Supervised, without identity verification",
    "supervised-with-id": "Supervised (online or on site), with identity verification",
}

RECOGNITION_LABELS: dict[str, str] = {
    "standard": "Standard recognition",
    "facilitated": "Facilitated recognition within the alliance",
    "automatic": "Automatic recognition",
}

RECOGNITION_EXPLANATIONS: dict[str, str] = {
    "standard": "Your home institution decides on recognition through its usual procedure "
    "(Lisbon Recognition Convention).",
    "facilitated": "Partner universities of the alliance have agreed to make recognition "
    "easier; ask your home institution's study office.",
    "automatic": "Recognised automatically by the partner universities listed, under the "
    "agreement named, when completed as part of the pathway.",
}

OPPORTUNITY_LABELS: dict[str, str] = {
    "course": "Course",
    "module": "Module",
    "mooc": "MOOC (open online course)",
    "short-programme": "Short programme",
    "summer-school": "Summer school",
    "challenge": "Challenge-based course",
}

GRADING_LABELS: dict[str, str] = {"pass-fail": "Pass or fail", "graded": "Graded"}

CYCLE_LABELS: dict[str, str] = {
    "short": "short cycle",
    "first": "first cycle (bachelor)",
    "second": "second cycle (master)",
    "third": "third cycle (doctoral)",
}

DIRECTION_LABELS: dict[str, str] = {
    "vertical": "Vertical (offers build on each other, in sequence)",
    "horizontal": "Horizontal (related offers at a similar level)",
}

PATHWAY_TYPE_LABELS: dict[str, str] = {
    "open": "Open (any of the offers)",
    "elective": "Elective (choose from the list)",
    "rigid": "Rigid (all offers, in the given order)",
}


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def mode_label(code: str) -> str:
    return MODE_LABELS.get(code) or vocab.label("mode", code)


def assessment_label(code: str) -> str:
    try:
        return sentence_case(vocab.label("assessment", code))
    except KeyError:
        return code


def _label_or_code(scheme: str, code: str) -> str:
    """The English label of `code` in a vocabulary, or the code itself when it has none."""
    try:
        return vocab.label(scheme, code)
    except KeyError:
        return code


def language_label(code: str) -> str:
    return _label_or_code("language", code)


def country_label(code: str) -> str:
    return _label_or_code("country", code)


def isced_label(code: str) -> str:
    return _label_or_code("isced", code)


def isced_broad(code: str) -> str:
    """The ISCED-F broad field (2 digits) a code belongs to."""
    return code[:2]


def qa_label(code: str) -> str:
    try:
        return vocab.label("accreditation", code)
    except KeyError:
        return code


def eqf_text(level: int | None, cycle: str | None = None) -> str:
    if level is None:
        return "Not levelled"
    cyc = cycle or _cycle_of(level)
    return f"EQF level {level}" + (f", {CYCLE_LABELS[cyc]}" if cyc in CYCLE_LABELS else "")


def _cycle_of(level: int) -> str | None:
    try:
        return vocab.eqf_cycle(level)
    except (KeyError, ValueError):
        return None


def issuer_name(catalogue: Catalogue, slug: str) -> str:
    issuer = catalogue.issuers.get(slug)
    return issuer.name if issuer else slug


def deqar_url(deqar_id: str | None) -> str:
    """The DEQAR linked-data page of an institution ("DEQARINST0123" -> .../institution/123)."""
    if not deqar_id:
        return ""
    m = re.fullmatch(r"DEQARINST0*(\d+)", deqar_id)
    return f"https://data.deqar.eu/institution/{m.group(1)}" if m else ""


def first_text(*maps: Mapping[str, str] | None) -> str:
    for m in maps:
        if m and m.get("en"):
            return m["en"]
    return ""
