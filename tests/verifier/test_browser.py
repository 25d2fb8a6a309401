"""build_tools/verifier/browser.py, the Python the browser worker calls, under CPython with an
asynchronous backend that really suspends (as WebCrypto does)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from build_tools.verifier import Registry, verify
from build_tools.verifier.browser import BrowserVerifier, LibraryOnDemand, moment, remember_library
from build_tools.verifier.crypto_cpython import CPythonCrypto

from . import _make as m
from .conftest import lists
from .test_engine import SuspendingCrypto


class _JsArray(list[Any]):
    """What a JavaScript array looks like from Pyodide: iterable, with `to_py()`."""

    def to_py(self) -> list[Any]:
        return list(self)


class _JsBytes:
    """What a Uint8Array looks like from Pyodide: `to_bytes()`, and nothing bytes-like."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def to_bytes(self) -> bytes:
        return self._data


def _run(coro: Any) -> Any:
    # A fresh thread has no event loop, whatever other tests (Playwright) left in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _loaded(crypto: Any) -> BrowserVerifier:
    verifier = BrowserVerifier(crypto)
    supplied = lists()
    count = verifier.set_registry(
        json.dumps(m.registry_dict()),
        _JsArray(supplied),
        _JsArray(_JsBytes(data) for data in supplied.values()),
    )
    assert count == len(m.registry_dict()["issuers"])
    return verifier


def test_the_worker_entry_points_give_the_cpython_report() -> None:
    crypto = SuspendingCrypto()
    verifier = _loaded(crypto)
    data = m.dumps(m.sign_di(m.ob3_credential(status_index=42), m.keys()["lu-ed"]))
    text = _run(verifier.verify(_JsBytes(data), m.iso(m.NOW)))
    expected = verify(
        data,
        Registry.from_json(m.registry_dict(), status_lists=lists()),
        now=m.NOW,
        crypto=CPythonCrypto(),
    )
    assert json.loads(text) == expected.to_dict()
    assert json.loads(text)["verdict"] == "invalid"  # index 42 of lu's list is revoked
    assert crypto.calls >= 2  # the credential and its status list, each suspending


def test_plain_python_values_are_accepted_too() -> None:
    verifier = BrowserVerifier(SuspendingCrypto())
    assert verifier.set_registry("{}", [], []) == 0
    report = json.loads(_run(verifier.verify(b'{"broken": ', None)))
    assert report["verdict"] == "invalid"
    assert report["checks"][0]["code"] == "FORMAT_INVALID_JSON"


def test_the_moment_defaults_to_now_and_reads_iso_8601() -> None:
    assert moment("2030-01-02T03:04:05Z") == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert moment("2030-01-02T03:04:05") == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert abs((moment(None) - datetime.now(UTC)).total_seconds()) < 60


def test_preload_imports_the_lazy_modules_and_reads_every_bundled_context() -> None:
    import sys

    from build_tools.verifier.browser import LAZY_MODULES, preload
    from build_tools.verifier.jsonld import CONTEXTS

    assert preload() == len(CONTEXTS)
    assert set(LAZY_MODULES) <= set(sys.modules)


# --------------------------------------------------------------------------- library on demand


def _zip_of(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.fixture
def empty_library(tmp_path: Path) -> Iterator[Path]:
    """An empty zip on sys.path, where a page started from the snapshot has its library."""
    import importlib
    import sys

    path = tmp_path / "python-lib.zip"
    path.write_bytes(_zip_of({}))
    sys.path.append(str(path))
    before = list(sys.meta_path)
    try:
        yield path
    finally:
        sys.meta_path[:] = before
        sys.path.remove(str(path))
        for name in [n for n in sys.modules if n.split(".")[0] in {"odl_probe", "odl_pkg"}]:
            del sys.modules[name]
        for entry in [p for p in sys.path_importer_cache if p.startswith(str(path))]:
            del sys.path_importer_cache[entry]
        importlib.invalidate_caches()


def test_the_library_is_fetched_once_when_something_outside_the_snapshot_needs_it(
    empty_library: Path,
) -> None:
    import hashlib
    import importlib
    import sys

    full = _zip_of(
        {"odl_probe.py": "VALUE = 7\n", "odl_pkg/__init__.py": "", "odl_pkg/sub.py": "X = 1\n"}
    )
    calls: list[int] = []

    def fetch() -> bytes:
        calls.append(1)
        return full

    names = frozenset({"odl_probe", "odl_pkg"})
    digest = hashlib.sha256(full).hexdigest()
    sys.meta_path.append(LibraryOnDemand(names, fetch, digest, str(empty_library)))
    with pytest.raises(ImportError):
        importlib.import_module("odl_not_in_the_library")
    assert calls == []  # a name the library does not have fetches nothing
    assert importlib.import_module("odl_probe").VALUE == 7
    assert importlib.import_module("odl_pkg.sub").X == 1
    assert calls == [1]
    assert empty_library.read_bytes() == full


def test_a_library_that_does_not_match_its_checksum_is_not_used(empty_library: Path) -> None:
    import importlib
    import sys

    bad = _zip_of({"odl_probe.py": "VALUE = 'forged'\n"})
    sys.meta_path.append(
        LibraryOnDemand(frozenset({"odl_probe"}), lambda: bad, "0" * 64, str(empty_library))
    )
    with pytest.raises(ImportError, match="not the published one"):
        importlib.import_module("odl_probe")
    assert empty_library.read_bytes() == _zip_of({})


def test_remember_library_keeps_top_level_names() -> None:
    from build_tools.verifier import browser

    saved = browser._LIBRARY_NAMES
    try:
        count = remember_library(["json/__init__.py", "json/decoder.py", "os.py", "README.txt"])
        assert frozenset({"json", "os"}) == browser._LIBRARY_NAMES and count == 2
    finally:
        browser._LIBRARY_NAMES = saved


def test_the_snapshot_warm_up_reaches_the_signature_and_verifies_nothing() -> None:
    # preload() runs it before the start-up snapshot: the badge goes through reading, JSON-LD
    # and canonicalisation, and its signature is refused by a backend that refuses everything.
    from build_tools.verifier import browser

    assert browser._warm_up() == "invalid"
    report = verify(
        json.dumps(browser._WARM_UP_BADGE).encode(),
        Registry.from_json({}),
        now=datetime(2024, 1, 1, tzinfo=UTC),
        crypto=CPythonCrypto(),
    )
    assert [c.code for c in report.checks][:3] == ["FORMAT_OK", "JSONLD_OK", "SIGNATURE_INVALID"]
