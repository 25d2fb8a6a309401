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

import re
import shutil
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from build_tools.catalogue.model import Catalogue
from build_tools.outputs import verifier_bundle
from build_tools.outputs.dcc_registry import render_dcc_registry
from build_tools.outputs.elm import render_elm
from build_tools.outputs.keys import render_issuer_listings
from build_tools.outputs.pages import render_offer_pages, render_pages
from build_tools.outputs.quality_link import render_quality_link
from build_tools.outputs.registry import render_registry

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
    """The generated MkDocs inputs: every page, and the data files that pages link to.

    `offer_pages`: the offers whose pages to include (the build writes the others from a
    worker process with `generate_offer_pages`); None: all of them."""
    files: dict[str, bytes] = {}
    _add(files, "key listings", render_issuer_listings(catalogue))
    _add(files, "registry", render_registry(catalogue))
    _add(files, "DCC issuer registry", render_dcc_registry(catalogue))
    _add(files, "pages", render_pages(catalogue, published=files.keys(), offer_ids=offer_pages))
    return files


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


def write_tree(
    tree: Path,
    *,
    site_src: Path,
    generated: Mapping[str, bytes],
    blocks: Mapping[str, str],
    elsewhere: Iterable[str] = (),
) -> set[str]:
    """Fill `tree` (an empty or missing directory) with hand-written and generated files;
    the paths of the hand-written ones. `elsewhere`: generated files that another process
    writes into the tree (checked for clashes like the others)."""
    tree.mkdir(parents=True, exist_ok=True)
    handwritten: set[str] = set()
    if site_src.is_dir():
        for src in sorted(site_src.rglob("*")):
            rel = src.relative_to(site_src)
            if rel.parts[0] == "overrides" or not src.is_file():
                continue
            dest = tree / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            key = rel.as_posix()
            handwritten.add(key)
            if src.suffix == ".md":
                text = src.read_text("utf-8")
                dest.write_text(fill_placeholders(text, blocks, source=f"site_src/{key}"), "utf-8")
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


def mkdocs_config(
    project: Path, *, tree: Path, site_dir: Path, catalogue: Catalogue
) -> dict[str, Any]:
    """The project's mkdocs.yml with the catalogue's identity and the build paths filled in."""
    path = project / "mkdocs.yml"
    try:
        config = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot read the MkDocs configuration: {exc}") from exc
    if not isinstance(config, dict):
        raise BuildError(f"{path}: the MkDocs configuration is not a mapping.")
    alliance = catalogue.alliance
    config["site_name"] = (
        f"{alliance.name} micro-credentials" if alliance.name else config.get("site_name")
    )
    if alliance.site_url:
        config["site_url"] = alliance.site_url
    config["docs_dir"] = str(tree)
    config["site_dir"] = str(site_dir)
    theme = dict(config.get("theme") or {})
    custom = theme.get("custom_dir")
    if custom:
        theme["custom_dir"] = str((project / custom).resolve())
    config["theme"] = theme
    extra = dict(config.get("extra") or {})
    extra["alliance"] = alliance.name
    extra["demo"] = bool(alliance.demo)
    config["extra"] = extra
    return config
