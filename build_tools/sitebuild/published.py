"""The build's worker process: a share of the offer pages, then the published data files.

The build process and the worker split the writing of the build tree: the worker renders and
writes some of the offer pages (`tree.generate_offer_pages`) while the build process writes the
rest, so the tree is ready sooner. Then, while MkDocs builds the site, the worker produces the
published data files (`tree.generate_published_data`: the ELM documents and the verifier
runtime). Those are published byte for byte and no Markdown link points to them, so MkDocs has
nothing to check in them: it would only copy them one by one, a second creation of about 1,100
files and their folders at 1,000 offers (measured: 2 to 3 s of a 12 to 14 s MkDocs run). The
worker writes them into a folder of their own and scans them for private key material;
afterwards `place()` moves them into MkDocs' output with renames (one file system, into the
folders MkDocs made for the pages).

The data folder is flat: file N is `NNNNN-<file name>` (the name keeps its suffix, which the
private key scan looks at) and `manifest.json` lists the site paths in that order, so no folder
is made for the data files before they reach the site. The worker is a fork of the build
process, so it starts with the loaded catalogue and nothing has to be copied to it; where fork
does not exist the same work is done in the build process, in the same order.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path, PurePosixPath
from typing import Any

from build_tools.catalogue.model import Catalogue

from .errors import BuildError
from .scan import scan_named_files
from .tree import generate_offer_pages, generate_published_data, write_files

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PublishedData:
    """What the worker produced: the site paths of the data files written, located findings
    of private key material among them, and the seconds the worker worked (pages, data)."""

    paths: tuple[str, ...]
    leaks: tuple[str, ...]
    seconds: float


def _disk_name(index: int, path: str) -> str:
    return f"{index:05d}-{PurePosixPath(path).name}"


def _write_pages(catalogue: Catalogue, offer_ids: list[str], tree: Path) -> None:
    write_files(tree, generate_offer_pages(catalogue, offer_ids))


def _produce(catalogue: Catalogue, folder: Path) -> tuple[str, ...]:
    """Render, write and scan the published data files into `folder`: the leaks found."""
    files = generate_published_data(catalogue)
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted(files)
    for index, path in enumerate(paths):
        (folder / _disk_name(index, path)).write_bytes(files[path])
    del files
    (folder / MANIFEST).write_text(json.dumps(paths), "utf-8")
    leaks = scan_named_files(
        (folder / _disk_name(index, path), path) for index, path in enumerate(paths)
    )
    return tuple(sorted(leaks))


def _written(folder: Path) -> tuple[str, ...]:
    paths = json.loads((folder / MANIFEST).read_text("utf-8"))
    return tuple(str(p) for p in paths)


def _send_error(conn: Connection, exc: BaseException) -> None:
    text = traceback.format_exc()
    try:
        conn.send(("error", exc, text))
    except Exception:  # the exception cannot be pickled: send its text
        conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), text))


def _work(
    conn: Connection, catalogue: Catalogue, offer_ids: list[str], tree: Path, folder: Path
) -> None:
    """The worker: ("pages",) once its pages are written, then ("ok", leaks, seconds); or
    ("error", exception, traceback) instead of either. Messages are short, so that it never
    waits for the build process to read them and exits as soon as it is done."""
    started = time.perf_counter()
    try:
        try:
            _write_pages(catalogue, offer_ids, tree)
        except BaseException as exc:  # everything goes back to the build process
            _send_error(conn, exc)
            return
        conn.send(("pages",))
        try:
            leaks = _produce(catalogue, folder)
        except BaseException as exc:
            _send_error(conn, exc)
            return
        conn.send(("ok", leaks, time.perf_counter() - started))
    finally:
        conn.close()


class BuildWorker:
    """Writes the pages of `offer_ids` into `tree`, then the published data files into
    `folder`, in a worker process (see the module documentation).

    `pages_written()` waits until the pages are in the tree; `result()` waits for the data
    files and returns their `PublishedData`. Both raise the exception the worker raised.
    `close()` (always called) ends the worker if the build stopped early.
    """

    def __init__(
        self, catalogue: Catalogue, *, offer_ids: list[str], tree: Path, folder: Path
    ) -> None:
        self._catalogue: Catalogue | None = None
        self._folder = folder
        self._result: PublishedData | None = None
        self._error: BaseException | None = None
        self._process: Any = None
        self._conn: Connection | None = None
        self._pages_done = False
        self._seconds = 0.0
        if "fork" not in multiprocessing.get_all_start_methods():
            started = time.perf_counter()
            _write_pages(catalogue, offer_ids, tree)
            self._pages_done = True
            self._catalogue = catalogue  # the data files are produced when asked for
            self._seconds = time.perf_counter() - started
            return
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        # Whatever is still buffered would be written a second time by the worker on exit.
        sys.stdout.flush()
        sys.stderr.flush()
        self._process = context.Process(
            target=_work,
            args=(send, catalogue, offer_ids, tree, folder),
            name="credsite-build-worker",
        )
        self._process.start()
        send.close()
        self._conn = receive

    def _receive(self) -> tuple[Any, ...]:
        assert self._conn is not None
        try:
            message: tuple[Any, ...] = self._conn.recv()
        except EOFError:
            self._conn.close()
            self._conn = None
            raise BuildError(
                "The worker process of the build stopped without a result (exit code "
                f"{self._join()}); nothing was published."
            ) from None
        if message[0] == "error":
            self._conn.close()
            self._conn = None
            self._join()
            error: BaseException = message[1]
            if not isinstance(error, BuildError):
                error.add_note(f"In the worker process of the build:\n{message[2]}")
            raise error
        return message

    def pages_written(self) -> None:
        if self._error is not None:
            raise self._error
        if not self._pages_done:
            try:
                self._receive()
            except BaseException as exc:
                self._error = exc
                raise
            self._pages_done = True

    def result(self) -> PublishedData:
        if self._error is not None:
            raise self._error
        if self._result is None:
            try:
                self.pages_written()
                if self._catalogue is not None:  # no worker process: produce the data here
                    started = time.perf_counter()
                    leaks = _produce(self._catalogue, self._folder)
                    seconds = self._seconds + time.perf_counter() - started
                else:
                    _, leaks, seconds = self._receive()
                    assert self._conn is not None
                    self._conn.close()
                    self._conn = None
                    self._join()
            except BaseException as exc:
                self._error = exc
                raise
            self._result = PublishedData(_written(self._folder), leaks, seconds)
        return self._result

    def _join(self) -> int | None:
        self._process.join()
        code: int | None = self._process.exitcode
        return code

    def close(self) -> None:
        """End the worker if it still runs (the build stopped before asking for the result)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process.close()
            self._process = None


def place(folder: Path, paths: tuple[str, ...], site: Path) -> None:
    """Move the published data files from `folder` into the built `site` (renames)."""
    made: set[Path] = set()
    for index, name in enumerate(paths):
        target = site / name
        if os.path.lexists(target):
            raise BuildError(
                f"Two parts of the build write {name}: MkDocs (from site_src/ or the theme) and "
                "the published data. Rename or remove the hand-written file."
            )
        parent = target.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        os.replace(folder / _disk_name(index, name), target)
