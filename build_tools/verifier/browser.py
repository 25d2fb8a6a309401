"""What the browser worker (site_src/assets/verifier/worker.mjs) calls, in Pyodide.

The worker downloads the registry and the status lists it names, hands them to
`set_registry`, and calls `verify` for each file; the report comes back as JSON text. Values
from JavaScript arrive as Pyodide proxies (`to_py()`, `to_bytes()`); plain Python values are
accepted too, so the same code runs and is tested under CPython.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.machinery
import json
import sys
import zipimport
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from .crypto import CryptoBackend
from .engine import averify
from .registry import Registry

__all__ = ["BrowserVerifier", "LibraryOnDemand", "moment", "preload", "remember_library", "start"]


def _bytes(value: Any) -> bytes:
    """Bytes from a JavaScript Uint8Array proxy or any Python bytes-like value."""
    to_bytes = getattr(value, "to_bytes", None)
    return bytes(to_bytes()) if callable(to_bytes) else bytes(value)


def _list(value: Any) -> list[Any]:
    """A Python list from a JavaScript array proxy or any Python iterable."""
    to_py = getattr(value, "to_py", None)
    return list(to_py()) if callable(to_py) else list(value)


def moment(at: str | None) -> datetime:
    """The moment to verify at: `at` (ISO 8601, used by the parity tests) or now."""
    if not at:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class BrowserVerifier:
    """One registry (with its status lists) and one crypto backend, for a worker's lifetime."""

    def __init__(self, crypto: CryptoBackend) -> None:
        self.crypto = crypto
        self.registry = Registry.from_json({})
        self.messages: dict[str, str] = {}

    def set_messages(self, text: str) -> int:
        """The page language's translations of the check messages (a JSON object, English
        template -> translation; `messages.translated`); the number of entries."""
        try:
            table = json.loads(text or "{}")
        except ValueError:
            table = {}
        self.messages = (
            {str(k): str(v) for k, v in table.items() if isinstance(v, str)}
            if isinstance(table, dict)
            else {}
        )
        return len(self.messages)

    def set_registry(self, text: str, urls: Iterable[Any], buffers: Iterable[Any]) -> int:
        """Load registry.json's text and the status lists fetched for `urls`; the number of
        issuers."""
        # A JavaScript array proxy iterates as its items (here Uint8Array proxies).
        lists = {str(u): _bytes(b) for u, b in zip(_list(urls), list(buffers), strict=False)}
        self.registry = Registry.from_json(json.loads(text), status_lists=lists)
        return len(self.registry.issuers)

    async def verify(self, data: Any, at: str | None = None) -> str:
        """The report on one file, as JSON text."""
        report = await averify(_bytes(data), self.registry, now=moment(at), crypto=self.crypto)
        return json.dumps(report.to_dict(self.messages))


#: Modules that verification imports only when a file needs them (X.509 for JAdES, IDNA and
#: Unicode tables for identifiers, importlib's readers for the bundled contexts). The start-up
#: snapshot is taken after `preload()`, so the browser has them in memory from the start; the
#: standard start-up path still imports them on first use (importing them there would only
#: make it slower). Missing one here costs time, never correctness.
LAZY_MODULES = (
    "asn1crypto.keys",
    "asn1crypto.x509",
    "encodings.idna",
    "encodings.utf_16_be",
    "fractions",
    "importlib.readers",
    "importlib.resources.readers",
    "stringprep",
    "unicodedata",
)


def preload() -> int:
    """Import `LAZY_MODULES` and read and check every bundled JSON-LD context; the number of
    contexts. Called once at build time, in Pyodide under Node, before the start-up snapshot
    (build_tools/outputs/snapshot.mjs); keeps no JavaScript object."""
    import importlib

    from ._internal.jsonld.contexts import CONTEXTS, bundled_context

    for name in LAZY_MODULES:
        importlib.import_module(name)
    for url in CONTEXTS:
        bundled_context(url)
    _warm_up()
    return len(CONTEXTS)


class _RefusingCrypto:
    """A crypto backend that finds every signature wrong (for `_warm_up` only)."""

    async def verify_signature(
        self, *, jwk: dict[str, Any], alg: str, message: bytes, signature: bytes
    ) -> bool:
        return False


#: An Open Badge of the usual shape with a proof that cannot verify (its key is the W3C
#: eddsa-rdfc-2022 specification's example key; the backend above refuses every signature).
_WARM_UP_BADGE = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Warm-up",
    "issuer": {
        "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "type": ["Profile"],
        "name": "Warm-up",
    },
    "validFrom": "2020-01-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "type": ["Achievement"],
            "name": "Warm-up",
            "description": "Warm-up",
            "criteria": {"narrative": "Warm-up"},
        },
    },
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2020-01-01T00:00:00Z",
        "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 64,  # 64 zero bytes, base58btc
    },
}


def _warm_up() -> str:
    """Verify `_WARM_UP_BADGE` once (it fails on its signature), so that the start-up snapshot
    holds the verifier with its first-use work done (JSON-LD contexts processed, memos and
    compiled patterns in place) and a page's first verification is as quick as the next. Only
    pure, bounded caches are filled; nothing about any signature is kept. The verdict."""
    data = json.dumps(_WARM_UP_BADGE).encode()
    crypto: Any = _RefusingCrypto()
    run = averify(data, Registry.from_json({}), now=datetime(2024, 1, 1, tzinfo=UTC), crypto=crypto)
    try:
        run.send(None)
    except StopIteration as done:
        return str(done.value.verdict.value)
    run.close()  # waited on something else: nothing more to warm
    return ""


#: Top-level module names of the standard library the start-up snapshot was made with
#: (`remember_library`, at build time); empty on the standard start.
_LIBRARY_NAMES: frozenset[str] = frozenset()


def remember_library(names: Iterable[str]) -> int:
    """Keep the top-level module names of the standard library's zip (its entry names), for
    `LibraryOnDemand`. Called at build time, before the start-up snapshot; the count."""
    global _LIBRARY_NAMES
    tops = set()
    for name in names:
        top = str(name).split("/", 1)[0]
        tops.add(top[:-3] if top.endswith(".py") else top)
    _LIBRARY_NAMES = frozenset(t for t in tops if t.isidentifier())
    return len(_LIBRARY_NAMES)


class LibraryOnDemand(importlib.abc.MetaPathFinder):
    """The standard library, fetched the first time something outside the snapshot needs it.

    A page started from the start-up snapshot mounts an empty zip where the standard library
    goes: everything the verifier imports is already in memory. Should a module of the library
    be imported all the same (a code path `preload()` did not cover), this finder, last on
    `sys.meta_path`, fetches the library once with `fetch()` (the worker's synchronous request),
    checks it against `sha256`, writes it to `path` and lets the normal finders retry. A failed
    fetch or check is an ImportError, which the verifier reports like any internal failure.
    """

    def __init__(
        self, names: frozenset[str], fetch: Callable[[], Any], sha256: str, path: str
    ) -> None:
        self.names = names
        self.fetch = fetch
        self.sha256 = sha256
        self.path = path
        self.fetched = False

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if self.fetched or fullname.partition(".")[0] not in self.names:
            return None
        self.fetched = True
        data = _bytes(self.fetch())
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise ImportError(
                f"the standard library fetched for {fullname} is not the published one"
            )
        with open(self.path, "wb") as library:
            library.write(data)
        zipimport._zip_directory_cache.clear()  # type: ignore[attr-defined]
        for entry in [p for p in sys.path_importer_cache if p.startswith(self.path)]:
            del sys.path_importer_cache[entry]
        importlib.invalidate_caches()
        return importlib.machinery.PathFinder.find_spec(fullname, path, target)


def start(
    library_fetch: Callable[[], Any] | None = None, library_sha256: str = ""
) -> BrowserVerifier:
    """The worker's verifier, with the browser's WebCrypto. From the start-up snapshot, the
    worker passes how to fetch the standard library (`LibraryOnDemand`)."""
    from .webcrypto import WebCryptoBackend

    zips = [p for p in sys.path if p.endswith(".zip")]
    if library_fetch is not None and _LIBRARY_NAMES and zips:
        sys.meta_path.append(
            LibraryOnDemand(_LIBRARY_NAMES, library_fetch, library_sha256, zips[0])
        )
    return BrowserVerifier(WebCryptoBackend())
