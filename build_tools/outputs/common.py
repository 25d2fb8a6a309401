"""Small helpers shared by the output renderers: URLs, escaping, wording of codes.

Every renderer is a pure function of the catalogue model (and of the active language, see
`build_tools.i18n`); the helpers here are pure too. Label tables hold the English text, marked
with `N_()` for extraction; the accessors (`mode_label()` ...) and the renderers translate it
with `_()` where it is shown.

Catalogue text reaches the renderers as `i18n.Text`, which knows its language: the escaping
helpers for page text (`md_escape`, `html_text`, the paragraph helpers) mark text in another
language than the page's (an English fallback) with `lang`. `html_escape` never does: it is
also the escaping for attribute values.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any
from urllib.parse import quote

from babel.lists import format_list
from markupsafe import Markup, escape

from build_tools import i18n
from build_tools.catalogue import vocab
from build_tools.catalogue.model import Catalogue, LangMap, english
from build_tools.catalogue.model import offer_countries as offer_countries  # used by pages
from build_tools.i18n import N_, _

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


def data_url(from_page: str, path: str) -> str:
    """The relative URL from a page to a file published once, at the site's root (registry.json,
    ELM documents, key listings, the verifier runtime), from a page in any language's tree.

    The default language's pages are at the root; every other language's pages are in a folder
    of their own (`lv/offers/x/`), one level further down. MkDocs does not see these files, so
    link them from raw HTML, not with Markdown links."""
    if i18n.active() == i18n.DEFAULT_LANGUAGE:
        return relative_url(from_page, path)
    return "../" * (from_page.count("/") + 1) + path


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
    block (heading, list, HTML block) of its own. Catalogue text in another language than the
    page's is wrapped in `<span lang="...">`; a `PageText` gives its Markdown.
    """
    if isinstance(text, Markup):
        return text
    if isinstance(text, PageText):
        return text.markdown()
    s = " ".join(str(text).split()).translate(_MD_TABLE)
    m = _MD_LINE_START.match(s)
    if m:  # a list marker, admonition or setext underline if the value starts a line
        s = ("\\" + s) if m.group(1) else f"{m.group(2)}\\{s[len(m.group(2)) :]}"
    lang = fallback_lang(text)
    if lang:
        return Markup(f'<span lang="{escape(lang)}">{s}</span>')
    return Markup(s)


def md_paragraphs(text: object) -> Markup:
    """Multi-paragraph plain text (paragraphs separated by blank lines) as escaped Markdown."""
    paras = [p for p in re.split(r"\n\s*\n", str(text or "")) if p.strip()]
    lang = fallback_lang(text)
    if lang:
        return Markup("\n\n".join(md_escape(i18n.Text(p, lang)) for p in paras))
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
    """Plain text for raw HTML blocks (no Markdown processing happens inside them), in element
    content or an attribute value; a `PageText` gives its HTML (element content only)."""
    if isinstance(text, Markup):
        return text
    if isinstance(text, PageText):
        return text.html()
    return escape(" ".join(str(text).split()))  # markupsafe: quotes too, C-accelerated


def html_text(text: object) -> Markup:
    """Text for the content of an element in a raw HTML block: as `html_escape`, and catalogue
    text in another language than the page's wrapped in `<span lang="...">`. Never for an
    attribute value."""
    lang = fallback_lang(text)
    if lang:
        return Markup(f'<span lang="{escape(lang)}">{html_escape(text)}</span>')
    return html_escape(text)


def lang_attr(text: object) -> Markup:
    """` lang="en"` for an element that holds catalogue text in another language than the
    page's (an English fallback), else nothing."""
    lang = fallback_lang(text)
    return Markup(f' lang="{escape(lang)}"') if lang else Markup("")


def html_paragraphs(text: object) -> Markup:
    """Multi-paragraph plain text as escaped HTML paragraphs (for raw HTML blocks)."""
    paras = [p for p in re.split(r"\n\s*\n", str(text or "")) if p.strip()]
    start = f"<p{lang_attr(text)}>"
    return Markup("".join(f"{start}{html_escape(p)}</p>" for p in paras))


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


def fallback_lang(text: object) -> str | None:
    """The language of catalogue text shown in another language than the page's (the English
    text of an offer not yet translated, say); None for anything else."""
    if isinstance(text, i18n.Text) and text and text.lang != i18n.active():
        return text.lang
    return None


class PageText:
    """An interface string of a template (the templates' `_()`): translated into the active
    language, with `{placeholders}` to fill.

    The template text is trusted like the template around it: Markdown where the template is
    Markdown, HTML inside raw HTML blocks (its tags are checked to be the same in every
    translation). The placeholder values are escaped for where the message is shown:
    `md_escape` (every `{{ }}` of a template) gives its Markdown, `html_escape` (`|html`) its
    HTML, `str()` its plain text (front matter, attribute values through `|attr_text`)."""

    __slots__ = ("params", "template", "trusted")

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.template = _(msgid)
        self.params = params
        self.trusted = None if params else Markup(self.template)

    def __str__(self) -> str:
        return self.template.format(**self.params) if self.params else self.template

    def markdown(self) -> Markup:
        if self.trusted is not None:
            return self.trusted
        return Markup(self.template.format(**{k: md_escape(v) for k, v in self.params.items()}))

    def html(self) -> Markup:
        if self.trusted is not None:
            return self.trusted
        return fmt_html(self.template, **self.params)


def page_text(msgid: str, /, **params: object) -> PageText:
    """The templates' `_()`: a `PageText` (one per language for a sentence without
    placeholders: pages repeat their headings and labels thousands of times)."""
    if params:
        return PageText(msgid, **params)
    return _constant_text(i18n.active(), msgid)


@cache
def _constant_text(lang: str, msgid: str) -> PageText:
    return PageText(msgid)


def fmt_html(template: str, /, **params: object) -> Markup:
    """A translated sentence (`_("...")` without parameters) as HTML, its `{placeholders}`
    filled with escaped text (`html_text`) or `Markup` (links)."""
    if not params:
        return Markup(template)
    return Markup(template.format(**{k: html_text(v) for k, v in params.items()}))


def attr_text(text: object) -> Markup:
    """Any text, a `PageText` too, escaped for an attribute value."""
    return escape(" ".join(str(text).split()))


def en(text: LangMap | None) -> str:
    return english(text)


def fmt_number(value: float | int | None) -> str:
    """3 -> "3", 1.5 -> "1.5", 2.0 -> "2" (language-neutral: for data files; pages use
    `i18n.number`)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def fmt_date(value: dt.date | None) -> str:
    """Unambiguous English date: "1 February 2027" (pages use `i18n.date`)."""
    if value is None:
        return ""
    return f"{value.day} {value.strftime('%B')} {value.year}"


def plural(n: float, word: str, words: str | None = None) -> str:
    return f"{fmt_number(n)} {word if n == 1 else (words or word + 's')}"


def join_words(items: Iterable[str], conj: str = "and") -> str:
    """ "A, B and C" (or "or"); in other languages, the locale's list pattern."""
    parts = [i for i in items if i]
    if len(parts) <= 1:
        return "".join(parts)
    lang = i18n.active()
    if lang != i18n.DEFAULT_LANGUAGE:
        return format_list(parts, style="standard" if conj == "and" else "or", locale=lang)
    return ", ".join(parts[:-1]) + f" {conj} " + parts[-1]


# Learner-facing names for modes (the official labels such as "Presential" read oddly).
MODE_LABELS: dict[str, str] = {
    "online": N_("Online"),
    "onsite": N_("On site"),
    "blended": N_("Blended (online and on site)"),
    "hybrid": N_("Hybrid (join online or on site)"),
    "work-based": N_("Work-based"),
    "project-based": N_("Project-based"),
    "research-lab": N_("Research lab"),
}

SCHEDULE_LABELS: dict[str, str] = {
    "full-time": N_("full time"),
    "part-time-intensive": N_("part time, intensive (8 to 30 hours a week)"),
    "part-time-light": N_("part time, light (under 8 hours a week)"),
}

SUPERVISION_LABELS: dict[str, str] = {
    "unsupervised-no-id": N_("Unsupervised, without identity verification"),
    "unsupervised-with-id": N_("Unsupervised, with identity verification"),
    "supervised-no-id": N_("Supervised, without identity verification"),
    "supervised-with-id": N_("Supervised (online or on site), with identity verification"),
}

RECOGNITION_LABELS: dict[str, str] = {
    "standard": N_("Standard recognition"),
    "facilitated": N_("Facilitated recognition within the alliance"),
    "automatic": N_("Automatic recognition"),
}

RECOGNITION_EXPLANATIONS: dict[str, str] = {
    "standard": N_(
        "Your home institution decides on recognition through its usual procedure "
        "(Lisbon Recognition Convention)."
    ),
    "facilitated": N_(
        "Partner universities of the alliance have agreed to make recognition "
        "easier; ask your home institution's study office."
    ),
    "automatic": N_(
        "Recognised automatically by the partner universities listed, under the "
        "agreement named, when completed as part of the pathway."
    ),
}

OPPORTUNITY_LABELS: dict[str, str] = {
    "course": N_("Course"),
    "module": N_("Module"),
    "mooc": N_("MOOC (open online course)"),
    "short-programme": N_("Short programme"),
    "summer-school": N_("Summer school"),
    "challenge": N_("Challenge-based course"),
}

GRADING_LABELS: dict[str, str] = {"pass-fail": N_("Pass or fail"), "graded": N_("Graded")}

CYCLE_LABELS: dict[str, str] = {
    "short": N_("short cycle"),
    "first": N_("first cycle (bachelor)"),
    "second": N_("second cycle (master)"),
    "third": N_("third cycle (doctoral)"),
}

DIRECTION_LABELS: dict[str, str] = {
    "vertical": N_("Vertical (offers build on each other, in sequence)"),
    "horizontal": N_("Horizontal (related offers at a similar level)"),
}

PATHWAY_TYPE_LABELS: dict[str, str] = {
    "open": N_("Open (any of the offers)"),
    "elective": N_("Elective (choose from the list)"),
    "rigid": N_("Rigid (all offers, in the given order)"),
}

# The official English labels of the assessment types and quality assurance types (the
# vocabularies have no other language), as pages show them: each must be the vocabulary's
# label (sentence case for assessment types); a test compares them.
ASSESSMENT_LABELS: dict[str, str] = {
    "peer-assessment": N_("Peer assessment"),
    "marked-assignment": N_("Marked assignment"),
    "continuous-evaluation": N_("Continuous evaluation"),
    "portfolio": N_("Portfolio"),
    "group-performance": N_("Group performance"),
    "practical": N_("Practical assessment"),
    "written-exam": N_("Written examination"),
    "attendance": N_("Level of attendance"),
    "project-work": N_("Project work"),
    "peer-review": N_("Peer review"),
    "quiz": N_("Quiz"),
    "problem-based": N_("Problem based learning"),
    "oral-exam": N_("Oral examination"),
    "artefact": N_("Artefact assessment"),
    "presentation": N_("Presentation"),
    "self-assessment": N_("Self-assessment"),
    "guided-self-assessment": N_("Guided self-assessment"),
}

QA_LABELS: dict[str, str] = {
    "institutional-qa": N_("Institutional Quality Assurance"),
    "programme-qa": N_("Program Quality Assurance"),
    "institutional-licence": N_("Institutional License"),
    "programme-licence": N_("Program License"),
}

NOT_STATED = N_("Not stated")


def label(table: Mapping[str, str], code: str, default: str = "") -> str:
    """The label of `code` in a label table, in the active language; `default` (translated
    too) for a code the table does not have."""
    text = table.get(code, default)
    return _(text) if text else ""


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def mode_label(code: str) -> str:
    return _(MODE_LABELS[code]) if code in MODE_LABELS else vocab.label("mode", code)


def assessment_label(code: str) -> str:
    if code in ASSESSMENT_LABELS:
        return _(ASSESSMENT_LABELS[code])
    try:
        return sentence_case(vocab.label("assessment", code))
    except KeyError:
        return code


def _label_or_code(scheme: str, code: str, lang: str = "en") -> str:
    """The label of `code` in a vocabulary, or the code itself when it has none."""
    try:
        return vocab.label(scheme, code, lang)
    except KeyError:
        return code


def language_label(code: str) -> str:
    """The name of a language: in English the vocabulary's label, in other languages CLDR's
    name in that language (the English label where CLDR has none)."""
    if i18n.active() != i18n.DEFAULT_LANGUAGE:
        name = i18n.language_name(code)
        if name:
            return name
    return _label_or_code("language", code)


def country_label(code: str) -> str:
    """The name of a country, the way `language_label` names a language."""
    if i18n.active() != i18n.DEFAULT_LANGUAGE:
        name = i18n.country_name(code)
        if name:
            return name
    return _label_or_code("country", code)


def isced_label(code: str) -> str:
    """The ISCED-F label of a field in the active language (the vocabulary has all of them)."""
    return _label_or_code("isced", code, i18n.active())


def isced_broad(code: str) -> str:
    """The ISCED-F broad field (2 digits) a code belongs to."""
    return code[:2]


def qa_label(code: str) -> str:
    if code in QA_LABELS:
        return _(QA_LABELS[code])
    try:
        return vocab.label("accreditation", code)
    except KeyError:
        return code


def eqf_text(level: int | None, cycle: str | None = None) -> str:
    if level is None:
        return _("Not levelled")
    cyc = cycle or _cycle_of(level)
    if cyc in CYCLE_LABELS:
        return _("EQF level {level}, {cycle}", level=level, cycle=_(CYCLE_LABELS[cyc]))
    return _("EQF level {level}", level=level)


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
