"""`credsite build`: catalogue -> build tree -> `mkdocs build --strict` -> site, swapped in.

Steps (each failure stops the build and leaves the previous site untouched):

1. load and validate the catalogue (all findings reported with file and line);
2. generate the pages and the files they link to (pure renderers in `build_tools.outputs`);
3. write them with `site_src/` into a build tree in a temporary folder, in memory (/dev/shm)
   when there is room, else next to `--out` (a worker process renders and writes half of the
   offer pages meanwhile);
4. run MkDocs with `strict: true` (link validation on: any warning fails); meanwhile the worker
   generates the ELM documents and the verifier runtime, which MkDocs would only copy, writes
   them and scans them for private key material (`published.py`);
5. scan MkDocs' output for private key material and index it for the site search (Pagefind,
   `search.py`); meanwhile the other languages of alliance.yaml are built, two at a time, each
   by MkDocs in a process of its own, indexed and scanned there (docs/adr/0008-languages.md);
6. move the published data files and the other languages in, write each verify page's
   service worker (`offline.py`) and the `.br`/`.gz` copies of the files it stores and of the
   runtime (`precompress.py`, docs/hosting.md);
7. swap the new site in: rename the old output aside, rename the new one into place, delete
   the old one. Both renames stay on one file system (MkDocs builds the site in a temporary
   folder next to `--out`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from build_tools import i18n
from build_tools.catalogue.loader import load_catalogue
from build_tools.catalogue.model import Catalogue
from build_tools.findings import format_text
from build_tools.i18n import catalogs
from build_tools.outputs.pages import offer_page_path

from .errors import BuildError
from .offline import offline_site_files, write_service_worker
from .precompress import Precompressed, precompress
from .published import BuildWorker, place
from .scan import Scan, start_scan
from .search import SearchIndex, start_search_index
from .tree import check_no_clash, generate_files, mkdocs_config, page_blocks, write_tree

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


def load_valid_catalogue(catalogue_dir: Path) -> tuple[Catalogue, list[str]]:
    """The validated catalogue and its warnings; BuildError listing every error otherwise.

    Findings are written as `credsite check` writes them (`build_tools.findings`)."""
    result = load_catalogue(catalogue_dir)
    errors = [format_text([f]) for f in result.errors]
    warnings = [format_text([f]) for f in result.warnings]
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


# A folder in memory (tmpfs) for the build tree when the system has one with room to spare.
# The tree is scratch (written, read once by MkDocs, deleted), and creating its thousands of
# files and folders on a disk file system is most of the cost of writing it (measured: 1.5 s
# on the disk against 0.04 s in memory for 1,000 offers). The site itself is still built next
# to `--out`, so that it can be renamed into place.
MEMORY_FOLDER = Path("/dev/shm")
_TREE_BYTES_PER_OFFER = 32 * 1024  # pages and registry entries take about 12 kB per offer


def _scratch_folder(catalogue: Catalogue) -> Path | None:
    """A new private folder in MEMORY_FOLDER for the build tree, or None to use the disk."""
    try:
        if not MEMORY_FOLDER.is_dir():
            return None
        stat = os.statvfs(MEMORY_FOLDER)
        needed = _TREE_BYTES_PER_OFFER * len(catalogue.offers) + 16 * 2**20
        if needed * 4 > stat.f_bavail * stat.f_frsize:  # take at most a quarter of the room
            return None
        return Path(tempfile.mkdtemp(prefix="credsite-tree-", dir=MEMORY_FOLDER))
    except OSError:
        return None


def _prepare_out(out: Path) -> Path:
    """`out` resolved, with its parent made; refused when it holds something else than a site."""
    out = out.resolve()
    if not _looks_like_site(out):
        raise BuildError(
            f"{out} exists and is not a site built by credsite (no index.html and registry.json); "
            "choose another --out or remove it."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _run_mkdocs(config_path: Path, worker: BuildWorker) -> None:
    try:
        run_mkdocs(config_path)
    except BuildError:
        worker.result()  # a failure to produce the data files happened first: report it
        raise


def _generate(
    catalogue: Catalogue, offer_ids: list[str], their_pages: list[str]
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The generated files (with this process's share of the offer pages) and the placeholders."""
    generated = generate_files(catalogue, offer_pages=offer_ids)
    twice = sorted(set(their_pages) & set(generated))
    if twice:
        raise BuildError(f"Two parts of the build generate {twice[0]}.")
    return generated, page_blocks(catalogue)


def _write_mkdocs_config(
    project: Path, catalogue: Catalogue, *, tree: Path, site: Path, config_path: Path
) -> None:
    config = mkdocs_config(project, tree=tree, site_dir=site, catalogue=catalogue)
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")


def _delete_in_background(tree: Path) -> threading.Thread:
    cleaner = threading.Thread(
        target=shutil.rmtree, args=(tree,), kwargs={"ignore_errors": True}, daemon=True
    )
    cleaner.start()
    return cleaner


def _refuse_leaks(leaks: list[str]) -> None:
    if leaks:
        raise BuildError(
            "Private key material found in the built site; nothing was published.", sorted(leaks)
        )


def _stop(
    worker: BuildWorker | None,
    scan: Scan | None,
    search: SearchIndex | None,
    cleaner: threading.Thread | None,
) -> None:
    """Close what a build started, in this order, whether it finished or not."""
    if worker is not None:
        worker.close()
    if scan is not None:
        scan.close()
    if search is not None:
        search.close()
    if cleaner is not None:
        cleaner.join()


def _remove_folders(*folders: Path) -> None:
    for folder in dict.fromkeys(folders):
        shutil.rmtree(folder, ignore_errors=True)


def _other_languages(catalogue: Catalogue) -> list[str]:
    return [x for x in catalogue.alliance.languages if x != i18n.DEFAULT_LANGUAGE]


def check_translations(catalogue: Catalogue) -> None:
    """BuildError naming each missing or broken translation of the alliance's languages."""
    problems = catalogs.check(catalogue.alliance.languages)
    if problems:
        raise BuildError(
            f"{len(problems)} interface string(s) are not translated into every language of "
            "alliance.yaml; nothing was built (docs/translating.md).",
            [str(p) for p in problems],
        )


def _build_language(
    catalogue: Catalogue, lang: str, project: Path, *, scratch: Path, out: Path
) -> tuple[int, list[str]]:
    """One more language: its pages built by MkDocs into `out/<lang>/`, indexed for the search
    there (a Pagefind bundle of its own, `<lang>/pagefind/`) and scanned for private key
    material; (its page count, the scan's findings).

    The language's tree holds its pages only: data files, the samples and the verifier's
    scripts are published once, at the root, and its pages link there (tree.py)."""
    tree, config_path = scratch / f"docs-{lang}", scratch / f"mkdocs-{lang}.yml"
    site = out / lang
    with i18n.activate(lang):
        generated = generate_files(catalogue)
        write_tree(
            tree,
            site_src=project / "site_src",
            generated=generated,
            blocks=page_blocks(catalogue),
        )
        pages = sum(1 for p in generated if p.endswith(".md"))
        del generated
        _write_mkdocs_config(project, catalogue, tree=tree, site=site, config_path=config_path)
    try:
        run_mkdocs(config_path)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    leaks = start_scan(site, workers=1).result()
    start_search_index(site).result()
    return pages, leaks


# What the processes that build the other languages read (set before they are forked).
_LANGUAGE_JOB: dict[str, Any] = {}


def _language_job(lang: str) -> tuple[int, list[str]]:
    job = _LANGUAGE_JOB
    return _build_language(
        job["catalogue"], lang, job["project"], scratch=job["scratch"], out=job["out"]
    )


def _build_languages(
    catalogue: Catalogue, langs: list[str], project: Path, *, scratch: Path, out: Path
) -> tuple[int, list[str]]:
    """The other languages (`_build_language`), two at a time, each in a process of its own:
    a fork of this one (it starts with the catalogue, nothing is copied), whose memory goes back
    to the system when it ends (MkDocs keeps every page of a run in memory, and this process's
    memory would only grow from language to language); (their page count, scan findings)."""
    if not langs:
        return 0, []
    if "fork" not in multiprocessing.get_all_start_methods() or len(langs) == 1:
        done = [
            _build_language(catalogue, lang, project, scratch=scratch, out=out) for lang in langs
        ]
    else:
        _LANGUAGE_JOB.update(catalogue=catalogue, project=project, scratch=scratch, out=out)
        try:
            workers = max(1, min(len(langs), os.cpu_count() or 1, 2))
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                done = list(pool.map(_language_job, langs))
        finally:
            _LANGUAGE_JOB.clear()
    return sum(pages for pages, _ in done), [leak for _, leaks in done for leak in leaks]


def _start_worker(
    catalogue: Catalogue, *, tree: Path, folder: Path
) -> tuple[BuildWorker, list[str], list[str]]:
    """The worker, with the offers whose pages it writes; (worker, this process's offers, the
    worker's page paths). Every other offer page is written by the worker, which then goes on
    to the published data files while MkDocs runs (published.py). This process renders the
    other offer pages, the index pages and the linked data files (a larger share for the
    worker measured no better at 1,000 offers)."""
    offer_ids = list(catalogue.offers)
    theirs = offer_ids[1::2]
    worker = BuildWorker(catalogue, offer_ids=theirs, tree=tree, folder=folder)
    return worker, offer_ids[::2], [offer_page_path(oid) for oid in theirs]


def _freeze_for_mkdocs(gc_was_enabled: bool) -> bool:
    """What is alive now (the catalogue, the modules) stays alive through MkDocs: keep it out
    of the collector's way, so that MkDocs' collections cost what they cost in a plain
    `mkdocs build` (measured: about 0.6 s of CPU at 1,000 offers). Generation leaves hardly
    any garbage in cycles (a few hundred objects at 1,000 offers), so no collection first:
    they are collected after MkDocs, when the objects are unfrozen. True (frozen)."""
    gc.freeze()
    if gc_was_enabled:
        gc.enable()
    return True


def _move_languages_in(catalogue: Catalogue, languages: Path, site: Path) -> list[str]:
    """Move the other languages' folders into the site, then write each verify page's service
    worker, which lists the built files themselves (offline.py); the verify pages."""
    for lang in _other_languages(catalogue):
        os.replace(languages / lang, site / lang)
    pages = []
    for lang in catalogue.alliance.languages:
        prefix = "" if lang == i18n.DEFAULT_LANGUAGE else f"{lang}/"
        write_service_worker(site, f"{prefix}verify/")
        pages.append(f"{prefix}verify/")
    return pages


def _precompress_verifier(site: Path, pages: list[str], project: Path) -> list[Precompressed]:
    """The `.br` and `.gz` copies of every file the verify pages' service workers store and of
    every file of the runtime (precompress.py), cached beside the verifier bundle's caches in
    node_modules (none without node_modules)."""
    paths = {path for page in pages for path in offline_site_files(site, page)}
    runtime = site / "verify" / "runtime"
    for file in runtime.rglob("*") if runtime.is_dir() else ():
        sibling = file.suffix in (".br", ".gz") and file.with_suffix("").is_file()
        if file.is_file() and not sibling:
            paths.add(file.relative_to(site).as_posix())
    modules = project / "node_modules"
    cache = modules / ".cache" / "credsite-precompressed" if modules.is_dir() else None
    return precompress(site, paths, cache=cache)


def build_catalogue_site(
    catalogue: Catalogue,
    *,
    out: Path,
    project: Path | None = None,
    report: Reporter = _quiet,
) -> BuildResult:
    """Build the site of an already validated catalogue into `out` (atomically)."""
    project = project or find_project()
    check_translations(catalogue)
    out = _prepare_out(out)
    result = BuildResult(out=out)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    site, data_dir, languages = work / "site", work / "data", work / "languages"
    scratch = _scratch_folder(catalogue) or work
    tree, config_path = scratch / "docs", scratch / "mkdocs.yml"
    gc_was_enabled = gc.isenabled()
    worker: BuildWorker | None = None
    scan: Scan | None = None
    search: SearchIndex | None = None
    cleaner: threading.Thread | None = None
    frozen = False
    try:
        t0 = time.perf_counter()
        # Generation allocates many objects that all stay alive until written; the cyclic
        # collector would scan them again and again (measured: a third of the time at 5,000
        # offers), and it finds no cycles here.
        gc.disable()
        worker, mine, their_pages = _start_worker(catalogue, tree=tree, folder=data_dir)
        generated, blocks = _generate(catalogue, mine, their_pages)
        t1 = time.perf_counter()
        handwritten = write_tree(
            tree,
            site_src=project / "site_src",
            generated=generated,
            blocks=blocks,
            elsewhere=their_pages,
        )
        _write_mkdocs_config(project, catalogue, tree=tree, site=site, config_path=config_path)
        result.pages = sum(1 for p in generated if p.endswith(".md")) + len(their_pages)
        generated_paths = [*generated, *their_pages]
        del generated, blocks  # written: free the memory before MkDocs needs its own
        frozen = _freeze_for_mkdocs(gc_was_enabled)
        worker.pages_written()
        t2 = time.perf_counter()
        report(f"Generated {result.pages} pages; running MkDocs (strict).")
        _run_mkdocs(config_path, worker)
        scan = start_scan(site)  # MkDocs' output (the worker scanned the data files)
        # The scan has listed the pages: the search index is written next to them meanwhile
        # (Pagefind reads only the HTML pages, which are all there now).
        search = start_search_index(site)
        # The other languages are built beside the site, each indexed and scanned on its own
        # (one Pagefind over every language would hold them all in memory at once), and move
        # in afterwards.
        others = _other_languages(catalogue)
        if others:
            report(f"Building the pages in {', '.join(others)}.")
        pages, language_leaks = _build_languages(
            catalogue, others, project, scratch=scratch, out=languages
        )
        result.pages += pages
        t3 = time.perf_counter()
        gc.unfreeze()
        frozen = False
        # MkDocs is done with the build tree: delete it while the output is scanned (the
        # deletions are system calls, which let the scan run meanwhile).
        cleaner = _delete_in_background(tree)
        data = worker.result()
        check_no_clash(data.paths, generated=generated_paths, handwritten=handwritten)
        # The scan has listed MkDocs' output already: the data files, scanned by the worker,
        # can move in meanwhile (nothing is published before both scans are clean).
        place(data_dir, data.paths, site)
        search.result()
        verify_pages = _move_languages_in(catalogue, languages, site)
        _refuse_leaks([*data.leaks, *scan.result(), *language_leaks])
        result.files = len(generated_paths) + len(data.paths)
        t4 = time.perf_counter()
        _precompress_verifier(site, verify_pages, project)
        t5 = time.perf_counter()
        swap_into_place(site, out)
        result.seconds = {
            "generate": t1 - t0,
            "write": t2 - t1,
            "mkdocs (all languages)": t3 - t2,
            "worker (in parallel)": data.seconds,
            "scan, index and move": t4 - t3,
            "compress": t5 - t4,
            "swap": time.perf_counter() - t5,
        }
        return result
    finally:
        _stop(worker, scan, search, cleaner)
        if frozen:
            gc.unfreeze()
        if gc_was_enabled:
            gc.enable()
        _remove_folders(work, scratch)


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
