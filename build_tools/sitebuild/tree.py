"""The build tree: hand-written pages from `site_src/` plus the generated pages, ready for MkDocs.

Generation happens here, outside MkDocs, in two parts (each `{site-relative path: bytes}` from
the pure renderers of `build_tools.outputs`):

- `generate_files(catalogue)`: what MkDocs must see: every Markdown page, and the data files
  that pages link to with Markdown links (registry.json, the issuers' key listings), because
  MkDocs checks those links. The build has a worker process write a share of the offer pages
  (`generate_offer_pages`) and this function render the rest (`offer_pages`);
- `generate_published_data(catalogue)`: files published exactly as generated that no Markdown
  link points to: the ELM documents (`offers/<id>/elm.jsonld`, `catalogue.jsonld`, linked from
  raw HTML only), the QualityLink manifest and dataset (`.well-known/` is a dot-folder, which
  MkDocs would leave out of its docs_dir) and the verifier runtime (`verify/runtime/`, fetched
  by scripts). MkDocs would only copy them, file by file; the build writes them beside MkDocs'
  output instead (see `published.py`). MkDocs does not see them, so a Markdown link to one of
  them fails the strict build: link them from raw HTML, or move the part that makes them to
  `generate_files`.

`write_tree()` copies `site_src/` (without the theme overrides), fills the
`<!-- credsite:NAME -->` lines of hand-written pages and writes the generated files.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from babel import Locale

from build_tools import i18n
from build_tools.catalogue.model import Catalogue
from build_tools.i18n import N_, _
from build_tools.i18n import markdown as i18n_markdown
from build_tools.i18n.catalogs import script_strings
from build_tools.outputs import verifier_bundle
from build_tools.outputs.common import data_url, json_for_html
from build_tools.outputs.dcc_registry import render_dcc_registry
from build_tools.outputs.elm import render_elm
from build_tools.outputs.keys import render_issuer_listings
from build_tools.outputs.pages import placeholders, render_offer_pages, render_pages
from build_tools.outputs.quality_link import render_quality_link
from build_tools.outputs.registry import render_registry
from build_tools.outputs.translations import render_translations_summary

from .errors import BuildError

PLACEHOLDER = re.compile(r"^<!--[ \t]*credsite:([a-z0-9-]+)[ \t]*-->[ \t]*$", re.MULTILINE)


def _add(files: dict[str, bytes], part: str, produced: Mapping[str, bytes]) -> None:
    for path, data in produced.items():
        if path in files:
            raise BuildError(f"Two parts of the build generate {path} (the second is {part}).")
        files[path] = data


def generate_files(
    catalogue: Catalogue, *, offer_pages: Collection[str] | None = None
) -> dict[str, bytes]:
    """The generated MkDocs inputs in the active language: every page, and (in the default
    language) the data files that pages link to.

    `offer_pages`: the offers whose pages to include (the build writes the others from a
    worker process with `generate_offer_pages`); None: all of them."""
    files: dict[str, bytes] = {}
    listings = render_issuer_listings(catalogue)
    if i18n.active() == i18n.DEFAULT_LANGUAGE:  # data files: published once, at the root
        _add(files, "key listings", listings)
        _add(files, "registry", render_registry(catalogue))
        _add(files, "DCC issuer registry", render_dcc_registry(catalogue))
    _add(files, "pages", render_pages(catalogue, published=listings.keys(), offer_ids=offer_pages))
    _add(files, "verifier worker entry", {"verify/worker.mjs": _worker_entry()})
    return files


def _worker_entry() -> bytes:
    """`verify/worker.mjs` of the active language: the verifier's Web Worker starts beside its
    page, because a dedicated worker is served by the page's service worker (sw.js, beside it)
    only when the worker's own URL is inside its scope; the code is the one
    assets/verifier/worker.mjs at the root (docs/adr/0009-start-up-snapshot-and-offline.md)."""
    target = data_url("verify/", "assets/verifier/worker.mjs")
    return (
        "// The verifier's Web Worker starts here, beside the verify page, inside its service\n"
        "// worker's scope; the code is at the site root (written by credsite build).\n"
        f'import "{target}";\n'
    ).encode()


def page_blocks(catalogue: Catalogue) -> dict[str, str]:
    """The generated blocks that hand-written pages include with `<!-- credsite:NAME -->`."""
    return {**placeholders(catalogue), "translations": render_translations_summary(catalogue)}


def generate_offer_pages(catalogue: Catalogue, offer_ids: Iterable[str]) -> dict[str, bytes]:
    """The pages of some offers, as `generate_files` includes them."""
    return render_offer_pages(catalogue, offer_ids)


def generate_published_data(catalogue: Catalogue) -> dict[str, bytes]:
    """The generated files that bypass MkDocs: ELM documents and the verifier runtime."""
    files: dict[str, bytes] = {}
    try:
        produced = verifier_bundle.render_verifier_bundle(catalogue)
    except verifier_bundle.VerifierBundleError as exc:  # e.g. `npm ci` not run: say what to do
        raise BuildError(
            "The browser verifier cannot be built; nothing was published.", [exc.message]
        ) from None
    stray = sorted(p for p in produced if not p.startswith("verify/"))
    if stray:
        raise BuildError("The verifier bundle writes outside verify/: " + ", ".join(stray[:5]))
    _add(files, "verifier bundle", produced)
    _add(files, "ELM files", render_elm(catalogue))
    _add(files, "QualityLink manifest and dataset", render_quality_link(catalogue))
    pages = sorted(p for p in files if p.endswith(".md"))
    if pages:  # a Markdown file here would be published as it is, not as a page
        raise BuildError("Published data files may not be Markdown pages: " + ", ".join(pages[:5]))
    return files


def check_no_clash(
    data: Iterable[str], *, generated: Iterable[str], handwritten: Iterable[str]
) -> None:
    """Published data files may share no path with generated or hand-written MkDocs inputs."""
    names = set(data)
    same = sorted(names & set(generated))
    if same:
        raise BuildError(
            f"Two parts of the build generate {same[0]} (the second is the published data)."
        )
    clashes = sorted(names & set(handwritten))
    if clashes:
        raise BuildError(
            "Hand-written files in site_src/ have the same path as generated ones: "
            + ", ".join(clashes[:10])
            + ". Rename or remove the hand-written files."
        )


def write_files(root: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` under `root`, creating each folder once."""
    made: set[Path] = set()
    for name, data in files.items():
        out_path = root / name
        folder = out_path.parent
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        out_path.write_bytes(data)


def fill_placeholders(text: str, blocks: Mapping[str, str], *, source: str) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in blocks:
            line = text.count("\n", 0, m.start()) + 1
            known = ", ".join(sorted(blocks))
            raise BuildError(
                f"{source}:{line}: unknown placeholder credsite:{name} (known: {known})."
            )
        return blocks[name].rstrip("\n")

    return PLACEHOLDER.sub(repl, text)


# Hand-written files that only the default language's tree holds: the sample credentials and
# the verifier's scripts, which the verify page of every language loads from the site root
# (the worker finds the runtime relative to itself).
ROOT_ONLY = ("samples/", "assets/verifier/")
# Hand-written pages published in English in every language (docs/translating.md).
ENGLISH_ONLY = ("maintainers/",)


def _hand_written_page(text: str, key: str, blocks: Mapping[str, str]) -> str:
    """A hand-written Markdown page in the active language, its placeholders filled."""
    lang = i18n.active()
    if lang != i18n.DEFAULT_LANGUAGE:
        if key.startswith(ENGLISH_ONLY):
            text = _mark_english(text)
        else:
            text = i18n_markdown.translate(text, _)
        text = _root_data_links(text, key)
    return fill_placeholders(text, blocks, source=f"site_src/{key}")


# A Markdown link to a data file (not a page): `[text](../registry.json)`.
_DATA_LINK = re.compile(
    r"\[([^\]\n]+)\]\(((?![a-z][a-z0-9+.-]*:)[^)\s#]+\.(?:json|jsonld|ttl|xml))\)"
)


def _root_data_links(text: str, key: str) -> str:
    """In another language's tree, Markdown links to data files published once at the root
    become HTML links there (MkDocs checks Markdown links against the tree, which does not
    hold those files)."""
    folder = posixpath.dirname(key)
    url = folder if posixpath.basename(key) == "index.md" else key[: -len(".md")]
    up = "../" * (url.count("/") + 1 if url else 0) + "../"  # the page's URL is a folder

    def repl(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(folder, m.group(2)))
        if target.startswith("../"):
            return m.group(0)
        return f'<a href="{html.escape(up + target)}">{m.group(1)}</a>'

    return _DATA_LINK.sub(repl, text)


def _mark_english(text: str) -> str:
    """Front matter that tells the theme to mark the page's content `lang="en"` and say so."""
    if text.startswith("---\n"):
        return "---\ncredsite_lang: en\n" + text[4:]
    return "---\ncredsite_lang: en\n---\n" + text


def write_tree(
    tree: Path,
    *,
    site_src: Path,
    generated: Mapping[str, bytes],
    blocks: Mapping[str, str],
    elsewhere: Iterable[str] = (),
) -> set[str]:
    """Fill `tree` (an empty or missing directory) with hand-written and generated files, in
    the active language; the paths of the hand-written ones. `elsewhere`: generated files that
    another process writes into the tree (checked for clashes like the others)."""
    tree.mkdir(parents=True, exist_ok=True)
    handwritten: set[str] = set()
    default = i18n.active() == i18n.DEFAULT_LANGUAGE
    if site_src.is_dir():
        for src in sorted(site_src.rglob("*")):
            rel = src.relative_to(site_src)
            key = rel.as_posix()
            if rel.parts[0] == "overrides" or not src.is_file():
                continue
            if not default and key.startswith(ROOT_ONLY):
                continue
            dest = tree / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            handwritten.add(key)
            if src.suffix == ".md":
                page = _hand_written_page(src.read_text("utf-8"), key, blocks)
                dest.write_text(page, "utf-8")
            else:
                shutil.copyfile(src, dest)
    clashes = sorted(handwritten & {*generated, *elsewhere})
    if clashes:
        raise BuildError(
            "Hand-written files in site_src/ have the same path as generated ones: "
            + ", ".join(clashes[:10])
            + ". Rename or remove the hand-written files."
        )
    write_files(tree, generated)
    return handwritten


# The titles of mkdocs.yml's nav, for extraction (they are translated in `mkdocs_config`).
NAV_TITLES = (
    N_("Home"),
    N_("Catalogue"),
    N_("Pathways"),
    N_("Universities"),
    N_("Verify"),
    N_("Keys"),
    N_("Principles"),
    N_("Maintainers"),
)


def _translated_nav(nav: Any) -> Any:
    if isinstance(nav, list):
        return [_translated_nav(item) for item in nav]
    if isinstance(nav, dict):
        return {_(str(title)): _translated_nav(value) for title, value in nav.items()}
    return nav


def _language_names(languages: Iterable[str]) -> list[dict[str, str]]:
    """Each language with its name in that language ("Latviešu"), for the switcher."""
    out = []
    for code in languages:
        name = Locale.parse(code).get_display_name(code) or code
        out.append({"code": code, "name": name[:1].upper() + name[1:]})
    return out


# Where the strings that scripts show are written (`t()` calls and, for the verify page, the
# samples' words and the verifier's check messages, which its worker words in the page's
# language).
PAGE_SCRIPTS = ("site_src/assets/javascripts/",)
VERIFY_PAGE_SCRIPTS = ("site_src/assets/verifier/", "site_src/samples/", "build_tools/verifier/")


def _strings_json(lang: str, *sources: str) -> str:
    return json_for_html(script_strings(lang, *sources))


def mkdocs_config(
    project: Path, *, tree: Path, site_dir: Path, catalogue: Catalogue
) -> dict[str, Any]:
    """The project's mkdocs.yml for the active language, with the catalogue's identity and the
    build paths filled in."""
    path = project / "mkdocs.yml"
    try:
        config = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot read the MkDocs configuration: {exc}") from exc
    if not isinstance(config, dict):
        raise BuildError(f"{path}: the MkDocs configuration is not a mapping.")
    alliance = catalogue.alliance
    lang = i18n.active()
    default = lang == i18n.DEFAULT_LANGUAGE
    config["site_name"] = (
        _("{alliance} micro-credentials", alliance=alliance.name)
        if alliance.name
        else config.get("site_name")
    )
    if alliance.site_url:
        config["site_url"] = alliance.site_url + ("" if default else f"{lang}/")
    config["docs_dir"] = str(tree)
    config["site_dir"] = str(site_dir)
    theme = dict(config.get("theme") or {})
    custom = theme.get("custom_dir")
    if custom:
        theme["custom_dir"] = str((project / custom).resolve())
    theme["language"] = lang
    config["theme"] = theme
    config["hooks"] = [
        *(str((project / h).resolve()) for h in config.get("hooks") or []),
        str(Path(__file__).with_name("theme_i18n.py")),
    ]
    if "nav" in config:
        config["nav"] = _translated_nav(config["nav"])
    extra = dict(config.get("extra") or {})
    extra["alliance"] = alliance.name
    extra["demo"] = bool(alliance.demo)
    # What the theme overrides need to speak this language (main.html, partials/alternate.html,
    # verify.html, sitemap.xml): the languages, the way up from this language's tree to the
    # site root where data files are published once, and the strings the scripts show.
    extra["i18n"] = {
        "lang": lang,
        "default": i18n.DEFAULT_LANGUAGE,
        "languages": _language_names(alliance.languages),
        "up": "" if default else "../",
        "site_url": alliance.site_url or "",
        "strings": _strings_json(lang, *PAGE_SCRIPTS),
        "verifier_strings": _strings_json(lang, *PAGE_SCRIPTS, *VERIFY_PAGE_SCRIPTS),
    }
    config["extra"] = extra
    return config
