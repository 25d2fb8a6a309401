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
    from build_tools.verifier.jsonld import CONTEXT_VERSIONS, CONTEXTS

    # Every version of a URL too: a page started from the snapshot has no data file on disk.
    versions = {v.key for vs in CONTEXT_VERSIONS.values() for v in vs}
    assert len(versions) >= 2 and not versions & set(CONTEXTS)
    assert preload() == len(CONTEXTS) + len(versions)
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


def test_the_rest_of_the_archive_is_fetched_once_and_unpacked_when_an_import_needs_it(
    empty_library: Path,
) -> None:
    import hashlib
    import importlib
    import sys

    from build_tools.verifier.browser import ArchiveOnDemand

    rest = _zip_of({"odl_pkg/__init__.py": "", "odl_pkg/sub.py": "X = 2\n", "odl_pkg/d.txt": "x"})
    calls: list[int] = []

    def fetch() -> bytes:
        calls.append(1)
        return rest

    folder = empty_library.parent / "site-packages"
    folder.mkdir()
    sys.path.append(str(folder))
    finder = ArchiveOnDemand(
        frozenset({"odl_pkg", "odl_pkg.sub"}), fetch, hashlib.sha256(rest).hexdigest(), str(folder)
    )
    sys.meta_path.append(finder)
    try:
        with pytest.raises(ImportError):
            importlib.import_module("odl_other")
        assert calls == []  # a module the archive does not have fetches nothing
        assert importlib.import_module("odl_pkg.sub").X == 2
        assert calls == [1]
        assert (folder / "odl_pkg" / "d.txt").read_text() == "x"  # unpacked whole
    finally:
        sys.path.remove(str(folder))


def test_an_archive_that_does_not_match_its_checksum_is_not_unpacked(empty_library: Path) -> None:
    import importlib
    import sys

    from build_tools.verifier.browser import ArchiveOnDemand

    folder = empty_library.parent / "site-packages"
    folder.mkdir()
    forged = _zip_of({"odl_probe.py": "VALUE = 'forged'\n"})
    sys.meta_path.append(
        ArchiveOnDemand(frozenset({"odl_probe"}), lambda: forged, "0" * 64, str(folder))
    )
    with pytest.raises(ImportError, match=r"verifier archive fetched for odl_probe is not the"):
        importlib.import_module("odl_probe")
    assert list(folder.iterdir()) == []


def test_remember_rest_keeps_the_module_names_of_the_entries() -> None:
    from build_tools.verifier import browser

    saved = browser._REST_MODULES
    try:
        count = browser.remember_rest(
            [
                "asn1crypto/cms.py",
                "asn1crypto/__pycache__/cms.cpython-314.pyc",
                "asn1crypto/__pycache__/tsp.cpython-314.pyc",
                "pyld/documentloader/frozen/__init__.py",
                "pyld/documentloader/frozen/bundled/x.jsonld",
                "frozendict-2.5.1.dist-info/METADATA",
                "odd-name/mod.py",
            ]
        )
        assert (
            frozenset({"asn1crypto.cms", "asn1crypto.tsp", "pyld.documentloader.frozen"})
            == browser._REST_MODULES
        )
        assert count == 3
    finally:
        browser._REST_MODULES = saved


# A fresh interpreter: compact_code() changes every function of the process it runs in.
_COMPACT = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from build_tools.verifier import Registry, verify
from build_tools.verifier.crypto_cpython import CPythonCrypto
from build_tools.verifier import browser, engine

registry = Registry.from_json({})
files = [Path(p).read_bytes() for p in sys.argv[1:]]

def reports():
    now = datetime(2027, 1, 1, tzinfo=UTC)
    return [verify(f, registry, now=now, crypto=CPythonCrypto()).to_dict() for f in files]

before = reports()
verdict = browser.compact_code()
after = reports()
lines = {line for _, _, line in engine.averify.__code__.co_lines()}
print(json.dumps({
    "same": before == after, "count": len(before), "verdict": verdict,
    "one_line": sorted(lines) == [engine.averify.__code__.co_firstlineno],
}))
"""


def test_compact_code_keeps_every_report_and_puts_each_function_on_its_first_line() -> None:
    import subprocess
    import sys

    from build_tools.verifier.browser import _one_line_table

    # The site's samples (JAdES, Data Integrity; no registry here, so their keys are unknown)
    # and a W3C vector whose did:key verifies without one.
    project = Path(__file__).resolve().parents[2]
    files = sorted((project / "site_src" / "samples").glob("*.json*"))
    files.append(project / "bench" / "data" / "w3c-vc-di-eddsa" / "signedDataInt.json")
    out = subprocess.run(
        [sys.executable, "-c", _COMPACT, *map(str, files)],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"same": True, "count": len(files), "verdict": "invalid", "one_line": True}

    def probe(a: int) -> int:
        b = a + 1
        return b * 2

    for units in range(0, 20):
        table = _one_line_table(units)
        assert len(table) == 2 * -(-units // 8)
    code = probe.__code__
    lean = code.replace(co_linetable=_one_line_table(len(code.co_code) // 2))
    spans = list(lean.co_lines())
    assert {line for _, _, line in spans} == {code.co_firstlineno}
    assert spans[0][0] == 0 and spans[-1][1] == len(code.co_code)


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
