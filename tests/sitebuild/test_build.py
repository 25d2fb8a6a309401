"""The site build: atomic output, strict MkDocs, refusal of private keys, located errors."""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from _throwaway_keys import pkcs8_pem, private_jwk
from outputs._fixtures import make_catalogue

from build_tools import cli
from build_tools.catalogue.model import Catalogue
from build_tools.sitebuild.build import build_catalogue_site, build_site, swap_into_place
from build_tools.sitebuild.errors import BuildError
from build_tools.sitebuild.tree import fill_placeholders

PROJECT = Path(__file__).resolve().parents[2]
PEM = pkcs8_pem()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return make_catalogue()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    build_catalogue_site(catalogue, out=out, project=PROJECT)
    return out


def project_copy(tmp_path: Path) -> Path:
    """A copy of mkdocs.yml and site_src/ that a test may break."""
    proj = tmp_path / "project"
    proj.mkdir()
    shutil.copy(PROJECT / "mkdocs.yml", proj / "mkdocs.yml")
    shutil.copytree(PROJECT / "site_src", proj / "site_src")
    return proj


def listing(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_build_writes_the_whole_site(built: Path, catalogue: Catalogue) -> None:
    for path in (
        "index.html",
        "registry.json",
        "catalogue.jsonld",
        "sitemap.xml",
        "offers/index.html",
        "principles/index.html",
        "maintainers/fields/index.html",
        "maintainers/registry-format/index.html",
        "keys/index.html",
        "verify/index.html",
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        "assets/javascripts/catalogue-filter.js",
        "assets/stylesheets/credsite.css",
    ):
        assert (built / path).is_file(), path
    # Search indexes every page with content of its own: all but the catalogue's list pages
    # (each offer has its own page) and the 404 page; each language in a bundle of its own.
    languages = catalogue.alliance.languages
    for lang in languages:
        root = built if lang == "en" else built / lang
        entry = json.loads((root / "pagefind" / "pagefind-entry.json").read_bytes())
        assert list(entry["languages"]) == [lang]
        pages = [
            p
            for p in root.rglob("index.html")
            if p.parent.name != "pagefind"
            and (lang != "en" or p.relative_to(built).parts[0] not in languages)
        ]
        lists = [p for p in pages if p.parent == root / "offers" or "page" in p.parent.parts]
        assert entry["languages"][lang]["page_count"] == len(pages) - len(lists), lang
    for oid in catalogue.offers:
        assert (built / "offers" / oid / "index.html").is_file()
        assert json.loads((built / "offers" / oid / "elm.jsonld").read_bytes())["@graph"]
    for slug in catalogue.issuers:
        assert (built / "issuers" / slug / "index.html").is_file()
    for pid in catalogue.pathways:
        assert (built / "pathways" / pid / "index.html").is_file()
    registry = json.loads((built / "registry.json").read_bytes())
    assert set(registry["offers"]) == set(catalogue.offers)
    # mkdocs.yml enables the extension that takes the generated HTML sections as they are:
    # none of their marker lines reaches a page.
    for page in built.rglob("*.html"):
        assert "credsite:raw-html" not in page.read_text("utf-8"), page
    # Nothing is left next to the output.
    assert sorted(p.name for p in built.parent.iterdir()) == ["site"]


def test_the_verifier_files_have_pre_compressed_siblings(built: Path, catalogue: Catalogue) -> None:
    import gzip

    import brotli

    from build_tools.sitebuild.build import _precompress_verifier
    from build_tools.sitebuild.offline import offline_site_files

    pages = [
        ("" if lang == "en" else f"{lang}/") + "verify/" for lang in catalogue.alliance.languages
    ]
    listed = {path for page in pages for path in offline_site_files(built, page)}
    runtime = {p.relative_to(built).as_posix() for p in (built / "verify/runtime").iterdir()}
    assert {"verify/runtime/pyodide.asm.wasm", "verify/runtime/pyodide.asm.mjs"} <= runtime
    assert "lv/verify/index.html" in listed
    originals = listed | {p for p in runtime if not p.endswith((".br", ".wasm.gz", ".mjs.gz"))}
    for path in ("verify/runtime/pyodide.asm.wasm", "verify/index.html", "lv/verify/index.html"):
        data = (built / path).read_bytes()
        assert brotli.decompress((built / f"{path}.br").read_bytes()) == data, path
        assert gzip.decompress((built / f"{path}.gz").read_bytes()) == data, path
    # Siblings only beside the verify pages' files and the runtime (and MkDocs' own
    # sitemap.xml.gz, the same bytes compressed).
    siblings = {
        p.relative_to(built).as_posix()
        for p in built.rglob("*")
        if p.suffix in (".br", ".gz") and p.with_suffix("").is_file() and p.stem != "sitemap.xml"
    }
    assert siblings and {s.rsplit(".", 1)[0] for s in siblings} <= originals
    # Run again on the built site (the cache answers): nothing changes, nothing is added.
    before = listing(built)
    _precompress_verifier(built, pages, PROJECT)
    assert listing(built) == before


def test_offer_pages_are_not_in_the_navigation(built: Path, catalogue: Catalogue) -> None:
    """Pages that do not link to offers carry none in their navigation (the index is the way in)."""
    for page in ("principles/index.html", "keys/index.html", "maintainers/index.html"):
        text = (built / page).read_text("utf-8")
        for oid in catalogue.offers:
            assert f"offers/{oid}/" not in text, (page, oid)
    offer = (built / "offers" / "lu-data-ethics" / "index.html").read_text("utf-8")
    nav = offer.split('<nav class="md-nav md-nav--primary')[1].split(
        '<nav class="md-nav md-nav--secondary"'
    )[0]
    assert "jyu-ai-in-education" not in nav


def test_demo_banner_and_theme_fonts(built: Path) -> None:
    home = (built / "index.html").read_text("utf-8")
    assert "Demonstration data." in home
    # theme.font is false: no web-font stylesheet or preconnect to any host; every stylesheet
    # and script is the site's own (the browser tests also watch the request log).
    assert 'rel="preconnect"' not in home
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', home)
    external = [url for pair in assets for url in pair if url.startswith(("http:", "https:", "//"))]
    assert assets
    assert external == []


class _Refs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            if v and (k in ("href", "src") or (tag == "link" and k == "href")):
                self.refs.append((tag, v))


def test_every_local_reference_resolves_under_a_sub_path(built: Path) -> None:
    """Crawl every HTML page: relative links and assets exist; nothing points at another origin."""
    base = "http://127.0.0.1/credentials/"
    problems = []
    for page in built.rglob("*.html"):
        rel = page.relative_to(built).as_posix()
        if rel.rpartition("/")[2] == "404.html":
            continue  # served for any path, so it uses site_url-based absolute paths
        page_url = base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        parser = _Refs()
        parser.feed(page.read_text("utf-8"))
        for tag, ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme in ("mailto", "about", "data") or ref.startswith("#"):
                continue
            if parts.scheme in ("http", "https"):
                # Only <link rel=canonical> may name the public site; nothing is loaded from it.
                loads = tag in ("script", "img", "link", "iframe", "source")
                canonical = tag == "link" and ref.startswith("https://alliance.example.org/")
                if loads and not canonical:
                    problems.append(f"{rel}: loads {ref}")
                continue
            if ref.startswith("/"):
                problems.append(f"{rel}: absolute path {ref}")
                continue
            target = urlsplit(urljoin(page_url, ref)).path
            assert target.startswith("/credentials/"), (rel, ref)
            local = built / target[len("/credentials/") :]
            if target.endswith("/"):
                local = local / "index.html"
            if not local.exists():
                problems.append(f"{rel}: broken {ref}")
    assert problems == []


def test_a_failed_build_leaves_the_previous_site_untouched(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    out = tmp_path / "site"
    build_catalogue_site(catalogue, out=out, project=PROJECT)
    before = listing(out)
    proj = project_copy(tmp_path)
    (proj / "site_src" / "principles.md").write_text(
        "# Principles\n\nSee [a missing page](missing.md).\n", "utf-8"
    )
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=out, project=proj)
    assert "missing.md" in str(exc.value)
    assert listing(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"], (
        "no temporary folder left"
    )


def test_private_key_material_in_the_output_fails_the_build(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    out = tmp_path / "site"
    build_catalogue_site(catalogue, out=out, project=PROJECT)
    before = listing(out)
    proj = project_copy(tmp_path)
    (proj / "site_src" / "assets" / "notes.txt").write_bytes(b"keep this safe\n" + PEM)
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=out, project=proj)
    assert "Private key material" in exc.value.message
    assert any("assets/notes.txt" in d for d in exc.value.details)
    assert listing(out) == before


def test_private_jwk_in_the_output_fails_the_build(tmp_path: Path, catalogue: Catalogue) -> None:
    proj = project_copy(tmp_path)
    jwk = private_jwk()
    (proj / "site_src" / "assets" / "key.json").write_text(json.dumps(jwk), "utf-8")
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=tmp_path / "site", project=proj)
    assert any("assets/key.json" in d for d in exc.value.details)
    assert not (tmp_path / "site").exists()


def test_refuses_to_replace_a_folder_that_is_not_a_site(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    out = tmp_path / "important"
    out.mkdir()
    (out / "thesis.txt").write_text("do not delete", "utf-8")
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=out, project=PROJECT)
    assert "not a site built by credsite" in str(exc.value)
    assert (out / "thesis.txt").read_text("utf-8") == "do not delete"


def test_swap_restores_the_old_site_if_the_new_one_cannot_move(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old", "utf-8")
    with pytest.raises(OSError):
        swap_into_place(tmp_path / "does-not-exist", out)
    assert (out / "index.html").read_text("utf-8") == "old"


def test_unknown_placeholder_is_a_located_error() -> None:
    with pytest.raises(BuildError) as exc:
        fill_placeholders(
            "# Title\n\n<!-- credsite:no-such-block -->\n", {"a": "b"}, source="site_src/x.md"
        )
    assert "site_src/x.md:3" in str(exc.value)
    assert fill_placeholders("x\n<!-- credsite:a -->\ny", {"a": "B\n"}, source="s") == "x\nB\ny"


def test_a_placeholder_keeps_the_blank_line_after_it() -> None:
    """A block ending in a table must not swallow the heading after it into the table."""
    import markdown

    page = "<!-- credsite:t -->\n\n## Next\n"
    filled = fill_placeholders(page, {"t": "| A |\n|---|\n| 1 |\n"}, source="s")
    assert filled == "| A |\n|---|\n| 1 |\n\n## Next\n"
    html = markdown.markdown(filled, extensions=["tables"])
    assert "<h2>Next</h2>" in html and "</table>\n<h2>" in html


def test_hand_written_file_may_not_hide_a_generated_one(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    proj = project_copy(tmp_path)
    (proj / "site_src" / "registry.json").write_text("{}", "utf-8")
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=tmp_path / "site", project=proj)
    assert "registry.json" in str(exc.value)


def test_invalid_catalogue_stops_with_located_errors(tmp_path: Path) -> None:
    cat = tmp_path / "catalogue"
    shutil.copytree(PROJECT / "catalogue", cat)
    offer = next((cat / "offers").rglob("*.yaml"))
    text = offer.read_text("utf-8")
    offer.write_text(text.replace("\nects:", "\nectz:", 1), "utf-8")
    out = tmp_path / "site"
    with pytest.raises(BuildError) as exc:
        build_site(catalogue_dir=cat, out=out, project=PROJECT)
    rel = offer.relative_to(cat).as_posix()
    assert any(d.startswith(f"{rel}:") for d in exc.value.details), exc.value.details
    assert not out.exists()


def test_cli_build_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cat = tmp_path / "catalogue"
    shutil.copytree(PROJECT / "catalogue", cat)
    (cat / "alliance.yaml").write_text("name: [broken\n", "utf-8")
    assert cli.main(["build", "--catalogue", str(cat), "--out", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "alliance.yaml:" in err
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_cli_builds_the_example_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = os.getcwd()
    os.chdir(PROJECT)
    try:
        assert cli.main(["build", "--out", str(tmp_path / "site")]) == 0
    finally:
        os.chdir(old)
    assert "Built " in capsys.readouterr().out
    assert (tmp_path / "site" / "registry.json").is_file()


def test_quality_link_manifest_is_published_and_points_into_the_site(
    built: Path, catalogue: Catalogue
) -> None:
    """MkDocs leaves dot-folders out of its docs_dir: the manifest reaches the site anyway, and
    each dataset URL it names is a file of this site."""
    manifest_bytes = (built / ".well-known" / "quality-link-manifest").read_bytes()
    assert (built / ".well-known" / "quality-link-manifest.json").read_bytes() == manifest_bytes
    manifest = json.loads(manifest_bytes)
    site = catalogue.alliance.site_url
    sources = manifest["sources"]
    assert len(sources) == 2
    for source in sources:
        assert source["path"].startswith(site)
        assert (built / source["path"][len(site) :]).is_file(), source["path"]


def test_catalogue_findings_in_a_failed_build_read_as_credsite_check_writes_them(
    tmp_path: Path,
) -> None:
    """The build wrote catalogue findings its own way (`file:line:col: error: CODE: message
    (hint)`); it now uses the one formatter, as `credsite check` does."""
    from build_tools.catalogue.loader import load_catalogue
    from build_tools.findings import format_text

    cat = tmp_path / "catalogue"
    shutil.copytree(PROJECT / "catalogue", cat)
    offer = next((cat / "offers").rglob("*.yaml"))
    offer.write_text(offer.read_text("utf-8").replace("\nects:", "\nectz:", 1), "utf-8")
    with pytest.raises(BuildError) as exc:
        build_site(catalogue_dir=cat, out=tmp_path / "site", project=PROJECT)
    expected = [format_text([f]) for f in load_catalogue(cat).errors]
    assert exc.value.details == expected
    assert any(
        re.match(r"offers/.+\.yaml:\d+:\d+: error: .+ \[UNKNOWN_KEY\]\n    Did", d)
        for d in exc.value.details
    ), exc.value.details


# --------------------------------------------------------------------------------------------
# Languages (docs/adr/0008-languages.md)


def _html_lang(page: Path) -> str:
    m = re.search(r'<html lang="([^"]+)"', page.read_text("utf-8"))
    assert m, page
    return m.group(1)


def test_every_language_has_every_page_in_its_folder(built: Path, catalogue: Catalogue) -> None:
    english = sorted(
        p.relative_to(built).as_posix()
        for p in built.rglob("index.html")
        if p.relative_to(built).parts[0] not in catalogue.alliance.languages
    )
    assert _html_lang(built / "index.html") == "en"
    for lang in catalogue.alliance.languages[1:]:
        tree = built / lang
        assert sorted(p.relative_to(tree).as_posix() for p in tree.rglob("index.html")) == [
            p for p in english if not p.startswith(("samples/", "assets/"))
        ]
        for page in ("index.html", "offers/index.html", "verify/index.html", "keys/index.html"):
            assert _html_lang(tree / page) == lang, (lang, page)
        # Data is published once: no registry, ELM file, sample or verifier script per language.
        assert not (tree / "registry.json").exists()
        assert not list(tree.rglob("*.jsonld"))
        assert not (tree / "samples").exists() and not (tree / "assets" / "verifier").exists()


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.switcher: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "md-select__link" in a.get("class", ""):
            self.switcher.append(a)


def test_the_switcher_keeps_the_reader_on_the_same_page(built: Path, catalogue: Catalogue) -> None:
    offer = next(iter(catalogue.offers))
    languages = catalogue.alliance.languages
    for lang in ("en", "lv"):
        folder = built if lang == "en" else built / lang
        page = folder / "offers" / offer / "index.html"
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        assert [a["hreflang"] for a in parser.switcher] == list(languages)
        assert [a["lang"] for a in parser.switcher] == list(languages)
        current = [a["hreflang"] for a in parser.switcher if a.get("aria-current") == "true"]
        assert current == [lang]
        for a in parser.switcher:
            target = (page.parent / a["href"]).resolve() / "index.html"
            expected = built if a["hreflang"] == "en" else built / a["hreflang"]
            assert target == (expected / "offers" / offer / "index.html").resolve(), a


def test_each_language_sitemap_lists_the_alternates(built: Path, catalogue: Catalogue) -> None:
    site = catalogue.alliance.site_url
    offer = next(iter(catalogue.offers))
    for lang in ("en", "fi"):
        sitemap = (built / ("" if lang == "en" else lang) / "sitemap.xml").read_text("utf-8")
        prefix = "" if lang == "en" else f"{lang}/"
        assert f"<loc>{site}{prefix}offers/{offer}/</loc>" in sitemap
        for other in catalogue.alliance.languages:
            other_prefix = "" if other == "en" else f"{other}/"
            link = f'hreflang="{other}" href="{site}{other_prefix}offers/{offer}/"'
            assert link in sitemap
        assert f'hreflang="x-default" href="{site}offers/{offer}/"' in sitemap


def test_pages_in_another_language_speak_it(built: Path) -> None:
    home = (built / "lv" / "index.html").read_text("utf-8")
    english = (built / "index.html").read_text("utf-8")
    # The hand-written page, the nav and the theme's own strings are in Latvian.
    from build_tools.i18n.catalogs import strings_for

    lv = strings_for("lv")
    for msgid in ("Micro-credentials of the alliance", "Catalogue", "Demonstration data."):
        assert msgid in english
        assert lv[msgid] in home and msgid not in home.replace(lv[msgid], "")
    # The scripts' strings in the page's language.
    m = re.search(r'<script type="application/json" id="cs-strings">(.*?)</script>', home)
    assert (
        m
        and json.loads(m.group(1))["The search could not be loaded."]
        == lv["The search could not be loaded."]
    )
    # The maintainers' pages are English in every language, and say so.
    guide = (built / "lv" / "maintainers" / "index.html").read_text("utf-8")
    assert lv["This page is available in English only."] in guide
    assert 'data-pagefind-body lang="en"' in guide
    # Its translations summary: per language, offers written in it and who reviewed it.
    summary = (built / "maintainers" / "index.html").read_text("utf-8")
    assert "<strong>Latvian</strong> (<code>lv</code>)" in summary
    assert "not yet reviewed by a native speaker" in summary


def test_a_missing_translation_stops_the_build_with_its_file_and_msgid(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    from dataclasses import replace

    swedish = replace(catalogue, alliance=replace(catalogue.alliance, languages=("en", "sv")))
    with pytest.raises(BuildError) as info:
        build_catalogue_site(swedish, out=tmp_path / "site", project=PROJECT)
    assert "build_tools/locale/sv.po" in "\n".join(info.value.details)
    assert not (tmp_path / "site").exists()
