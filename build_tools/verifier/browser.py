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

__all__ = [
    "ArchiveOnDemand",
    "BrowserVerifier",
    "LibraryOnDemand",
    "compact_code",
    "moment",
    "preload",
    "remember_library",
    "remember_rest",
    "start",
]


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


#: Modules imported only when needed: by `start` (the WebCrypto backend, which touches
#: JavaScript only when first used), or by verification when a file needs them (X.509 for JAdES,
#: IDNA and Unicode tables for identifiers, importlib's readers for the bundled contexts). The
#: start-up snapshot is taken after `preload()`, so the browser has them in memory from the
#: start; the standard start-up path still imports them on first use (importing them there
#: would only make it slower). Missing one here costs time (its files are fetched when it is
#: imported), never correctness.
LAZY_MODULES = (
    "asn1crypto.keys",
    "asn1crypto.x509",
    "build_tools.verifier.webcrypto",
    "encodings.idna",
    "encodings.utf_16_be",
    "fractions",
    "importlib.readers",
    "importlib.resources.readers",
    "stringprep",
    "unicodedata",
)


def preload() -> int:
    """Import `LAZY_MODULES` and read and check every bundled JSON-LD document (each version
    included: a page started from the snapshot reads no data file); the number of documents.
    Called once at build time, in Pyodide under Node, before the start-up snapshot
    (build_tools/outputs/snapshot.mjs); keeps no JavaScript object."""
    import importlib

    from ._internal.jsonld.contexts import read_every_context

    for name in LAZY_MODULES:
        importlib.import_module(name)
    count = read_every_context()
    _warm_up()
    return count


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


def _one_line_table(units: int) -> bytes:
    """A location table (CPython 3.11+ format) placing all `units` code units on the code's
    first line: entries of up to 8 units, each of kind 13 (line only) with a line delta of 0."""
    full, rest = divmod(units, 8)
    table = bytes((0x80 | 13 << 3 | 7, 0)) * full
    return table + (bytes((0x80 | 13 << 3 | (rest - 1), 0)) if rest else b"")


def compact_code() -> str:
    """Make what Python holds smaller before the start-up snapshot (build time, in Pyodide,
    after `preload()`; never in a process that goes on to do anything else).

    Every function gets a copy of its code without its docstring (where the interpreter marks
    docstrings, CPython 3.14+: `inspect.CO_HAS_DOCSTRING`) and with all its instructions on its
    first line, and classes and modules lose their docstrings: about 0.25 MB less to download
    (Brotli), no change in behaviour. The price: a traceback in the browser names the right
    function but its first line. Then `_warm_up()` runs on the new code, both to specialise it
    again and as a self-test; its verdict is returned, for the caller to compare with the one
    before (the snapshot is not taken when they differ)."""
    import contextlib
    import gc
    import inspect
    import types

    has_doc = int(getattr(inspect, "CO_HAS_DOCSTRING", 0))
    # Old code objects are freed as soon as nothing uses them (so the new ones reuse their
    # memory); an id is only ever looked up for code still in use, so none is looked up after
    # its object was freed and the id given to another.
    done: dict[int, types.CodeType] = {}

    def lean(code: types.CodeType) -> types.CodeType:
        if id(code) in done:
            return done[id(code)]
        consts = tuple(lean(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
        flags = code.co_flags
        if has_doc and flags & has_doc:
            consts, flags = (None, *consts[1:]), flags & ~has_doc
        table = _one_line_table(len(code.co_code) // 2)
        new = code.replace(co_consts=consts, co_flags=flags, co_linetable=table)
        done[id(code)] = new
        return new

    for thing in gc.get_objects():
        if isinstance(thing, types.FunctionType):
            thing.__code__ = lean(thing.__code__)
            if has_doc:
                thing.__doc__ = None
        elif (
            has_doc
            and isinstance(thing, type | types.ModuleType)
            and isinstance(vars(thing).get("__doc__"), str)
        ):
            # A class that does not allow it (a built-in type) keeps its docstring.
            with contextlib.suppress(AttributeError, TypeError):
                thing.__doc__ = None
    done.clear()
    gc.collect()
    return _warm_up()


#: Top-level module names of the standard library the start-up snapshot was made with
#: (`remember_library`, at build time); empty on the standard start.
_LIBRARY_NAMES: frozenset[str] = frozenset()

#: Modules of the verifier's archive that the start-up snapshot has not loaded (`remember_rest`,
#: at build time): they are in `verifier-rest.zip`, fetched when one is imported.
_REST_MODULES: frozenset[str] = frozenset()


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


def remember_rest(names: Iterable[str]) -> int:
    """Keep the names of the modules among the entries of `verifier-rest.zip` (sources and
    bytecode), for `ArchiveOnDemand`. Called at build time, before the start-up snapshot; the
    count."""
    global _REST_MODULES
    modules = set()
    for name in names:
        folder, _, file = str(name).rpartition("/")
        if folder.endswith("__pycache__") and file.endswith(".pyc"):
            folder, file = folder[: -len("__pycache__")].rstrip("/"), file.split(".", 1)[0] + ".py"
        if not file.endswith(".py"):
            continue
        parts = [p for p in folder.split("/") if p] + [file[:-3]]
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            modules.add(".".join(parts))
    _REST_MODULES = frozenset(modules)
    return len(_REST_MODULES)


class _OnDemand(importlib.abc.MetaPathFinder):
    """Python files a page started from the start-up snapshot does not download up front,
    fetched the first time an import needs them.

    Last on `sys.meta_path`: when no other finder has the module and `_wants` it, it fetches
    the files once with `fetch()` (the worker's synchronous request; an import cannot wait for
    a promise), checks them against `sha256`, installs them and lets the normal finders retry.
    A failed fetch or check is an ImportError, which the verifier reports like any internal
    failure.
    """

    what = ""

    def __init__(
        self, names: frozenset[str], fetch: Callable[[], Any], sha256: str, place: str
    ) -> None:
        self.names = names
        self.fetch = fetch
        self.sha256 = sha256
        self.place = place
        self.fetched = False

    def _wants(self, fullname: str) -> bool:
        raise NotImplementedError

    def _install(self, data: bytes) -> None:
        raise NotImplementedError

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if self.fetched or not self._wants(fullname):
            return None
        self.fetched = True
        data = _bytes(self.fetch())
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise ImportError(f"the {self.what} fetched for {fullname} is not the published one")
        self._install(data)
        importlib.invalidate_caches()
        return importlib.machinery.PathFinder.find_spec(fullname, path, target)


class LibraryOnDemand(_OnDemand):
    """The standard library: the page mounts an empty zip at `place` where the library goes
    (everything the verifier imports is in the snapshot already); should a module of the
    library be imported all the same (a code path `preload()` did not cover), the library is
    written there."""

    what = "standard library"

    def _wants(self, fullname: str) -> bool:
        return fullname.partition(".")[0] in self.names

    def _install(self, data: bytes) -> None:
        with open(self.place, "wb") as library:
            library.write(data)
        zipimport._zip_directory_cache.clear()  # type: ignore[attr-defined]
        for entry in [p for p in sys.path_importer_cache if p.startswith(self.place)]:
            del sys.path_importer_cache[entry]


class ArchiveOnDemand(_OnDemand):
    """The modules of the verifier's archive that the snapshot has not loaded (modules no
    verification has imported so far), unpacked into `place` (site-packages) from
    `verifier-rest.zip`. The snapshot holds every data file verification reads (`preload()`),
    so only an import can need them."""

    what = "verifier archive"

    def _wants(self, fullname: str) -> bool:
        return fullname in self.names

    def _install(self, data: bytes) -> None:
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(self.place)


def start(
    library_fetch: Callable[[], Any] | None = None,
    library_sha256: str = "",
    rest_fetch: Callable[[], Any] | None = None,
    rest_sha256: str = "",
    site_packages: str = "",
) -> BrowserVerifier:
    """The worker's verifier, with the browser's WebCrypto. From the start-up snapshot, the
    worker passes how to fetch the standard library (`LibraryOnDemand`) and the rest of the
    verifier's archive (`ArchiveOnDemand`)."""
    from .webcrypto import WebCryptoBackend

    zips = [p for p in sys.path if p.endswith(".zip")]
    if library_fetch is not None and _LIBRARY_NAMES and zips:
        sys.meta_path.append(
            LibraryOnDemand(_LIBRARY_NAMES, library_fetch, library_sha256, zips[0])
        )
    if rest_fetch is not None and _REST_MODULES and site_packages:
        sys.meta_path.append(ArchiveOnDemand(_REST_MODULES, rest_fetch, rest_sha256, site_packages))
    return BrowserVerifier(WebCryptoBackend())
