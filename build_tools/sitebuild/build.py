"""`credsite build`: catalogue -> build tree -> `mkdocs build --strict` -> site, swapped in.

Steps (each failure stops the build and leaves the previous site untouched):

1. load and validate the catalogue (all findings reported with file and line);
2. generate every page and data file (pure renderers in `build_tools.outputs`);
3. write them with `site_src/` into a build tree in a temporary directory next to `--out`;
4. run MkDocs with `strict: true` (link validation on: any warning fails);
5. scan the built site for private key material;
6. swap the new site in: rename the old output aside, rename the new one into place, delete
   the old one. Both renames stay on one file system (the temporary directory is a sibling).
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from build_tools.catalogue.model import Catalogue

from .errors import BuildError
from .scan import find_private_key_material
from .tree import generate_files, mkdocs_config, write_tree

LOADER_MODULE = "build_tools.catalogue.loader"

Reporter = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class BuildResult:
    out: Path
    pages: int = 0
    files: int = 0
    warnings: list[str] = field(default_factory=list)  # catalogue warnings (not fatal)
    seconds: dict[str, float] = field(default_factory=dict)


def find_project(start: Path | None = None) -> Path:
    """The folder holding mkdocs.yml and site_src/: the current directory if it has them,
    else the checkout this package was installed from."""
    candidates = [start or Path.cwd(), Path(__file__).resolve().parents[2]]
    for candidate in candidates:
        if (candidate / "mkdocs.yml").is_file() and (candidate / "site_src").is_dir():
            return candidate.resolve()
    raise BuildError(
        "Cannot find mkdocs.yml and site_src/: run the command from the project folder."
    )


def _format_finding(f: Any) -> str:
    where = str(getattr(f, "file", "") or "")
    line = getattr(f, "line", 0) or 0
    col = getattr(f, "column", 0) or 0
    if line:
        where += f":{line}" + (f":{col}" if col else "")
    severity = getattr(f, "severity", "error")
    text = f"{where}: {severity}: {getattr(f, 'code', '')}: {getattr(f, 'message', f)}"
    hint = getattr(f, "hint", "")
    return text + (f" ({hint})" if hint else "")


def load_valid_catalogue(catalogue_dir: Path) -> tuple[Catalogue, list[str]]:
    """The validated catalogue and its warnings; BuildError listing every error otherwise."""
    from importlib import import_module

    try:
        loader = import_module(LOADER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == LOADER_MODULE:
            raise BuildError(
                "The catalogue loader is not installed; cannot read the catalogue."
            ) from exc
        raise
    result = loader.load_catalogue(catalogue_dir)
    findings = list(result.findings)
    errors = [_format_finding(f) for f in findings if getattr(f, "severity", "error") == "error"]
    warnings = [_format_finding(f) for f in findings if getattr(f, "severity", "") == "warning"]
    if errors or not result.ok or result.catalogue is None:
        raise BuildError(
            f"The catalogue in {catalogue_dir} has {len(errors)} error(s); nothing was built.",
            errors or ["The catalogue could not be read."],
        )
    return result.catalogue, warnings


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def run_mkdocs(config_path: Path) -> None:
    """`mkdocs build --strict` on a generated configuration, in this process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        config = load_config(str(config_path), strict=True)
        build(config)
    except MkDocsException as exc:
        raise BuildError(f"MkDocs stopped: {exc}", handler.messages) from exc
    except SystemExit as exc:  # MkDocs raises SystemExit on some configuration errors
        raise BuildError("MkDocs stopped on a configuration error.", handler.messages) from exc
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    if handler.messages:  # strict mode aborts on warnings; anything left is still a failure
        raise BuildError("MkDocs reported problems.", handler.messages)


def _looks_like_site(path: Path) -> bool:
    if not path.exists():
        return True
    if not path.is_dir():
        return False
    entries = list(path.iterdir())
    return not entries or ((path / "index.html").is_file() and (path / "registry.json").is_file())


def swap_into_place(new: Path, out: Path) -> None:
    """Replace `out` by `new` with two renames; if the second fails, the old site comes back."""
    old: Path | None = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}-{time.monotonic_ns()}"
        os.replace(out, old)
    try:
        os.replace(new, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_catalogue_site(
    catalogue: Catalogue,
    *,
    out: Path,
    project: Path | None = None,
    report: Reporter = _quiet,
) -> BuildResult:
    """Build the site of an already validated catalogue into `out` (atomically)."""
    project = project or find_project()
    out = out.resolve()
    if not _looks_like_site(out):
        raise BuildError(
            f"{out} exists and is not a site built by credsite (no index.html and registry.json); "
            "choose another --out or remove it."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    result = BuildResult(out=out)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    gc_was_enabled = gc.isenabled()
    try:
        t0 = time.perf_counter()
        # Generation allocates many objects that all stay alive until written; the cyclic
        # collector would scan them again and again (measured: a third of the time at 5,000
        # offers), and it finds no cycles here.
        gc.disable()
        generated = generate_files(catalogue)
        from build_tools.outputs.pages import placeholders

        blocks = placeholders(catalogue)
        t1 = time.perf_counter()
        tree = work / "docs"
        site = work / "site"
        write_tree(tree, site_src=project / "site_src", generated=generated, blocks=blocks)
        config = mkdocs_config(project, tree=tree, site_dir=site, catalogue=catalogue)
        config_path = work / "mkdocs.yml"
        config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
        result.pages = sum(1 for p in generated if p.endswith(".md"))
        result.files = len(generated)
        del generated, blocks  # written: free the memory before MkDocs needs its own
        if gc_was_enabled:
            gc.enable()
        gc.collect()
        t2 = time.perf_counter()
        report(f"Generated {result.files} files; running MkDocs (strict).")
        run_mkdocs(config_path)
        t3 = time.perf_counter()
        leaks = find_private_key_material(site)
        if leaks:
            raise BuildError(
                "Private key material found in the built site; nothing was published.", leaks
            )
        t4 = time.perf_counter()
        swap_into_place(site, out)
        result.seconds = {
            "generate": t1 - t0,
            "write": t2 - t1,
            "mkdocs": t3 - t2,
            "scan": t4 - t3,
            "swap": time.perf_counter() - t4,
        }
        return result
    finally:
        if gc_was_enabled:
            gc.enable()
        shutil.rmtree(work, ignore_errors=True)


def build_site(
    *,
    catalogue_dir: Path,
    out: Path,
    project: Path | None = None,
    report: Reporter = _quiet,
) -> BuildResult:
    """Validate the catalogue in `catalogue_dir` and build its site into `out`."""
    t0 = time.perf_counter()
    catalogue, warnings = load_valid_catalogue(catalogue_dir)
    for w in warnings:
        report(w)
    t1 = time.perf_counter()
    result = build_catalogue_site(catalogue, out=out, project=project, report=report)
    result.warnings = warnings
    result.seconds = {"load": t1 - t0, **result.seconds}
    return result
