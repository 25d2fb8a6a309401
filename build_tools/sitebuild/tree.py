"""The build tree: hand-written pages from `site_src/` plus every generated file, ready for MkDocs.

Generation happens here, outside MkDocs: `generate_files(catalogue)` calls the pure renderers
of `build_tools.outputs` (and the keys and verifier-bundle parts once they exist) and returns
`{docs-relative path: bytes}`; `write_tree()` copies `site_src/` (without the theme overrides),
fills the `<!-- credsite:NAME -->` lines of hand-written pages and writes the generated files.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from build_tools.catalogue.model import Catalogue
from build_tools.outputs.elm import render_elm
from build_tools.outputs.pages import render_pages
from build_tools.outputs.parts import keys_module, verifier_bundle_module
from build_tools.outputs.registry import render_registry

from .errors import BuildError

PLACEHOLDER = re.compile(r"^<!--\s*credsite:([a-z0-9-]+)\s*-->\s*$", re.MULTILINE)

# Used only while the verifier part has not provided `site_src/verify/index.md`, so that the
# header link to the verifier (required on every page) always has a target.
VERIFY_STUB = """---
title: Verify a credential
---

# Verify a credential

The in-browser verifier is not part of this build of the site. The keys that sign this
catalogue's credentials are listed on the [Keys](../keys/index.md) page.
"""


def generate_files(catalogue: Catalogue) -> dict[str, bytes]:
    """Every generated file of the site, by docs-relative path."""
    files: dict[str, bytes] = {}

    def add(part: str, produced: Mapping[str, bytes]) -> None:
        for path, data in produced.items():
            if path in files:
                raise BuildError(f"Two parts of the build generate {path} (the second is {part}).")
            files[path] = data

    keys = keys_module()
    if keys is not None:
        add("key listings", keys.render_issuer_listings(catalogue))
    bundle = verifier_bundle_module()
    if bundle is not None:
        produced = bundle.render_verifier_bundle(catalogue)
        stray = sorted(p for p in produced if not p.startswith("verify/"))
        if stray:
            raise BuildError("The verifier bundle writes outside verify/: " + ", ".join(stray[:5]))
        add("verifier bundle", produced)
    add("ELM files", render_elm(catalogue))
    add("registry", render_registry(catalogue))
    add("pages", render_pages(catalogue, published=files.keys()))
    return files


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
) -> None:
    """Fill `tree` (an empty or missing directory) with hand-written and generated files."""
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
    clashes = sorted(handwritten & set(generated))
    if clashes:
        raise BuildError(
            "Hand-written files in site_src/ have the same path as generated ones: "
            + ", ".join(clashes[:10])
            + ". Rename or remove the hand-written files."
        )
    files = dict(generated)
    if "verify/index.md" not in handwritten and "verify/index.md" not in files:
        files["verify/index.md"] = VERIFY_STUB.encode("utf-8")
    for name, data in files.items():
        out_path = tree / name
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(data)


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
