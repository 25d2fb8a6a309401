"""build_tools/verifier/browser.py, the Python the browser worker calls, under CPython with an
asynchronous backend that really suspends (as WebCrypto does)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from datetime import UTC, datetime
from typing import Any

from build_tools.verifier import Registry, verify
from build_tools.verifier.browser import BrowserVerifier, moment
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
