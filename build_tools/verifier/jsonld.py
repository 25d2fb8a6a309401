"""Strict JSON-LD processing over bundled, pinned contexts.

Everything that turns a credential into RDF goes through this module: the verifier and the
issuing part both use `canonize()` so that what is signed and what is verified are produced by
the same code.

Rules (Data Integrity §2.4 "Validating Contexts", §2.5 "Securing Data Losslessly"):

- contexts are served only from the copies in `contexts/`, each checked against its SHA-256
  pin when first read; any other URL fails closed (no network, ever);
- a property that expansion drops (an undefined term) is an error, not silence;
- relative IRIs are an error: pyld resolves them against a default base, so we pass a sentinel
  base and reject any IRI that carries it;
- an inline context may not redefine a term that a bundled context already defines;
- the facts of a document signed over its RDF dataset are read from the compact form of that
  dataset under its pinned contexts, where every key means what those contexts say
  (`compact_form`, docs/adr/0007);
- canonicalisation work is bounded (quads, blank nodes and RDFC-1.0 steps), because
  RDFC-1.0 has exponential worst cases ("dataset poisoning", RDFC-1.0 §4.4).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import re
import sys
import types
from collections import OrderedDict
from collections.abc import Iterator
from importlib import resources
from typing import Any


def _stub_lxml() -> None:
    """pyld imports `lxml.html` at module level but needs it only for HTML input.

    Pyodide has no lxml; a stub keeps pyld importable there. HTML input is never passed.
    """
    try:
        import lxml.html  # noqa: F401
    except ImportError:
        lxml_mod = types.ModuleType("lxml")
        html_mod = types.ModuleType("lxml.html")

        def _no_html(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("HTML input is not supported")

        html_mod.fromstring = _no_html  # type: ignore[attr-defined]
        lxml_mod.html = html_mod  # type: ignore[attr-defined]
        sys.modules.setdefault("lxml", lxml_mod)
        sys.modules.setdefault("lxml.html", html_mod)


def _pyld_without_its_loaders() -> None:
    """In the browser, let pyld's modules import without its package `__init__`.

    pyld/__init__.py imports every document loader, and its file loader imports urllib.request,
    which brings http.client and the email package. Pyodide's standard library ships as source,
    so that is a quarter of a second of compiling at every start of the browser verifier, for
    loaders the verifier never uses (its own loader serves the bundled contexts). There, the
    package module is created from its spec without running `__init__`; its submodules
    (pyld.jsonld, pyld.canon, ...) import as usual. CPython keeps the whole package.
    """
    if sys.platform != "emscripten" or "pyld" in sys.modules:
        return
    spec = importlib.util.find_spec("pyld")
    if spec is not None and spec.submodule_search_locations is not None:
        sys.modules["pyld"] = importlib.util.module_from_spec(spec)


_stub_lxml()
_pyld_without_its_loaders()

from frozendict import frozendict as _frozendict  # noqa: E402
from pyld import jsonld as _pyld  # noqa: E402
from pyld.canon import URDNA2015 as _URDNA2015  # noqa: E402
from pyld.identifier_issuer import IdentifierIssuer as _IdentifierIssuer  # noqa: E402
from pyld.nquads import RDF_LANGSTRING as _RDF_LANGSTRING  # noqa: E402
from pyld.nquads import XSD_STRING as _XSD_STRING  # noqa: E402
from pyld.nquads import escape as _nquads_escape  # noqa: E402

from . import rdf_fast as _rdf_fast  # noqa: E402

__all__ = [
    "CONTEXTS",
    "LIMIT_CODES",
    "SENTINEL_BASE",
    "JsonLdStrictError",
    "bundled_context",
    "canonize",
    "check_size",
    "check_terms",
    "compact_form",
    "document_loader",
    "expand_strict",
    "first_difference",
    "is_bundled",
]

# Base IRI that no real document uses: any IRI that starts with it was relative in the input.
SENTINEL_BASE = "https://relative-iri.invalid/"

# URL -> (file in contexts/, SHA-256 of the file bytes). Origins and licences: contexts/README.md.
CONTEXTS: dict[str, tuple[str, str]] = {
    "https://www.w3.org/2018/credentials/v1": (
        "credentials-v1.jsonld",
        "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
    ),
    "https://www.w3.org/ns/credentials/v2": (
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    "https://www.w3.org/ns/credentials/examples/v2": (
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
    "https://w3id.org/security/data-integrity/v1": (
        "data-integrity-v1.jsonld",
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    ),
    "https://w3id.org/security/data-integrity/v2": (
        "data-integrity-v2.jsonld",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
    ),
    "https://w3id.org/security/multikey/v1": (
        "multikey-v1.jsonld",
        "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
    ),
    "https://w3id.org/security/jwk/v1": (
        "jwk-v1.jsonld",
        "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece",
    ),
    "https://www.w3.org/ns/credentials/status/v1": (
        "credentials-status-v1.jsonld",
        "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7",
    ),
    "https://w3id.org/vc/status-list/2021/v1": (
        "status-list-2021-v1.jsonld",
        "6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4",
    ),
    "https://w3id.org/security/suites/ed25519-2020/v1": (
        "ed25519-2020-v1.jsonld",
        "3db5c19efb0047a6edfd3b36e24346a8a3caad369d749e3c2d69e862696403e5",
    ),
    "https://w3id.org/security/suites/jws-2020/v1": (
        "jws-2020-v1.jsonld",
        "d648e05ddc6577827ca2bfd5e931f53e9ebc6e52a57a8da81df4ec8c46ffcd1e",
    ),
    "https://www.w3.org/ns/cid/v1": (
        "cid-v1.jsonld",
        "ea216ecc1cb02cd39b693dba2250141e270ba0bf95890be107dd9a9e8e43de85",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": (
        "ob-v3p0-context-3.0.1.json",
        "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": (
        "ob-v3p0-context-3.0.2.json",
        "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "ob-v3p0-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    # ELM 3.2 EDC application profile context, as served at this URL.
    "http://data.europa.eu/snb/model/context/edc-ap": (
        "edc-ap-context.v3.2.jsonld",
        "fde0b3fd92e98a8870c173fb98baff361be6dd07e44653a9a5ac6c0fe626b411",
    ),
}

# Limits on canonicalisation work. Real credentials stay far below them (the EU micro-credential
# sample has ~350 quads); a hostile graph hits them quickly instead of running for hours.
MAX_QUADS = 20_000
MAX_BLANK_NODES = 5_000
MAX_RDFC_STEPS = 20_000
MAX_SAME_HASH_GROUP = 8  # permutations of a group grow as n!; 8! = 40,320


# Limits on the JSON-LD document itself, checked in one pass before any JSON-LD processing
# (docs/adr/0003): each far above any real credential (the EU's 150 kB EDC samples have about
# 330 objects, no array over 31 items and no inline context), and low enough that every path
# through pyld stays within a few seconds in the browser (bench/hostile_inputs.py).
MAX_VALUES = 40_000  # JSON values (objects, arrays, strings, numbers, ...) in the document
MAX_OBJECTS = 10_000  # of which JSON objects (node and value objects)
MAX_ARRAY_LENGTH = 10_000  # items in one array
MAX_CONTEXTS = 500  # entries of @context values (URLs and inline contexts), all levels
MAX_CONTEXT_TERMS = 2_000  # keys of all inline contexts, scoped ones included
# Their codes: a document over a limit is refused in every format (not only a warning, as
# undefined terms are in signed JOSE bytes), since nothing in it was checked.
LIMIT_CODES = frozenset(
    {"JSONLD_TOO_MANY_NODES", "JSONLD_ARRAY_TOO_LONG", "JSONLD_TOO_MANY_CONTEXTS"}
)


class JsonLdStrictError(Exception):
    """A document that strict processing refuses; `code` is a stable verifier check code."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


_DOCUMENTS: dict[str, Any] = {}
_TERMS: dict[str, frozenset[str]] = {}


def is_bundled(url: str) -> bool:
    return url in CONTEXTS


def bundled_context(url: str) -> Any:
    """The parsed bundled context for `url` (pin checked on first read); KeyError if unknown."""
    doc = _DOCUMENTS.get(url)
    if doc is None:
        name, pin = CONTEXTS[url]
        raw = resources.files(__package__).joinpath("contexts", name).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != pin:
            # A modified bundled file is a packaging fault, never something to work around.
            raise JsonLdStrictError(
                "JSONLD_CONTEXT_PIN_MISMATCH",
                "A bundled JSON-LD context does not match its pinned hash.",
                f"{name}: sha256 {digest} != pinned {pin}",
            )
        doc = json.loads(raw.decode("utf-8"))
        _DOCUMENTS[url] = doc
    return doc


def _context_terms(url: str) -> frozenset[str]:
    """Terms a bundled context defines at its top level (used to refuse inline redefinitions)."""
    terms = _TERMS.get(url)
    if terms is None:
        ctx = bundled_context(url).get("@context", {})
        found: set[str] = set()
        for part in ctx if isinstance(ctx, list) else [ctx]:
            if isinstance(part, dict):
                found.update(k for k in part if not k.startswith("@"))
        terms = frozenset(found)
        _TERMS[url] = terms
    return terms


class _UnknownContext(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: bundled contexts only; everything else fails closed.

    `tag: 'static'` lets pyld keep the processed context in its shared cache (without it every
    call re-processes the contexts; see bench/verify_speed.py).
    """
    if url not in CONTEXTS:
        raise _UnknownContext(url)
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": bundled_context(url),
        "tag": "static",
    }


def _iter_contexts(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        yield from value
    else:
        yield value


def _too_complex(code: str, what: str, limit: int) -> JsonLdStrictError:
    return JsonLdStrictError(
        code,
        "The credential is far larger or more complex than any real credential, so it was not "
        "checked.",
        f"more than {limit} {what}",
    )


def check_size(doc: Any) -> None:
    """Refuse documents over the limits above, before pyld (whose work grows faster than the
    document) or the term walker see them. One walk with an explicit stack (nesting is
    bounded when the JSON is read)."""
    values = 1
    objects = contexts = context_terms = 0
    stack = [doc]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        if type(value) is list:
            if len(value) > MAX_ARRAY_LENGTH:
                raise _too_complex("JSONLD_ARRAY_TOO_LONG", "items in one array", MAX_ARRAY_LENGTH)
            values += len(value)
            stack.extend(value)
        elif type(value) is dict:
            objects += 1
            values += len(value)
            if objects > MAX_OBJECTS:
                raise _too_complex("JSONLD_TOO_MANY_NODES", "objects", MAX_OBJECTS)
            for key, item in value.items():
                if key == "@context":
                    for ctx in item if type(item) is list else (item,):
                        contexts += 1
                        if type(ctx) is dict:
                            context_terms += len(ctx)
                if type(item) is list or type(item) is dict:
                    push(item)
            if values > MAX_VALUES:
                raise _too_complex("JSONLD_TOO_MANY_NODES", "values", MAX_VALUES)
            if contexts > MAX_CONTEXTS:
                raise _too_complex("JSONLD_TOO_MANY_CONTEXTS", "vocabularies", MAX_CONTEXTS)
            if context_terms > MAX_CONTEXT_TERMS:
                raise _too_complex(
                    "JSONLD_TOO_MANY_CONTEXTS", "inline term definitions", MAX_CONTEXT_TERMS
                )


def _check_contexts(doc: Any, *, depth: int = 0, inherited: frozenset[str] = frozenset()) -> None:
    """Refuse unknown context URLs and inline redefinitions of bundled terms, anywhere."""
    if depth > 200:
        raise JsonLdStrictError("JSONLD_INVALID", "The document is nested too deeply.")
    if isinstance(doc, list):
        for item in doc:
            _check_contexts(item, depth=depth + 1, inherited=inherited)
        return
    if not isinstance(doc, dict):
        return
    bundled: set[str] = set(inherited)
    if "@context" in doc:
        for ctx in _iter_contexts(doc["@context"]):
            if isinstance(ctx, str):
                if ctx not in CONTEXTS:
                    raise JsonLdStrictError(
                        "JSONLD_UNKNOWN_CONTEXT",
                        "The credential uses a vocabulary (JSON-LD context) this verifier "
                        "does not know, so its meaning cannot be checked.",
                        f"context not bundled: {ctx}",
                    )
                bundled.update(_context_terms(ctx))
            elif isinstance(ctx, dict):
                redefined = sorted(k for k in ctx if not k.startswith("@") and k in bundled)
                aliases = sorted(
                    k
                    for k, v in ctx.items()
                    if k in ("id", "type") or (isinstance(v, str) and v in ("@id", "@type"))
                )
                if redefined or aliases:
                    raise JsonLdStrictError(
                        "JSONLD_TERM_REDEFINED",
                        "The credential redefines the meaning of standard terms.",
                        "inline context redefines: " + ", ".join(redefined or aliases),
                    )
                if "@import" in ctx:
                    raise JsonLdStrictError(
                        "JSONLD_UNKNOWN_CONTEXT",
                        "The credential imports a vocabulary this verifier does not know.",
                        f"@import: {ctx['@import']!r}",
                    )
            elif ctx is not None:
                raise JsonLdStrictError(
                    "JSONLD_INVALID", "The credential's @context is malformed.", repr(ctx)[:200]
                )
    terms = frozenset(bundled)
    for key, value in doc.items():
        if key != "@context":
            _check_contexts(value, depth=depth + 1, inherited=terms)


def _options(loader: Any) -> dict[str, Any]:
    return {
        "base": SENTINEL_BASE,
        "documentLoader": loader,
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


def _translate(exc: BaseException) -> JsonLdStrictError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, _UnknownContext):
            return JsonLdStrictError(
                "JSONLD_UNKNOWN_CONTEXT",
                "The credential uses a vocabulary (JSON-LD context) this verifier does not know.",
                f"context not bundled: {cause.url}",
            )
        if isinstance(cause, JsonLdStrictError):
            return cause
        if isinstance(cause, _pyld.JsonLdError) and cause.code == "protected term redefinition":
            return JsonLdStrictError(
                "JSONLD_TERM_REDEFINED",
                "The credential redefines the meaning of protected standard terms.",
                str(cause.args[0]) if cause.args else "protected term redefinition",
            )
        cause = cause.__cause__ or cause.__context__
    first = exc.args[0] if exc.args else type(exc).__name__
    return JsonLdStrictError(
        "JSONLD_INVALID",
        "The credential is not valid JSON-LD.",
        f"{type(exc).__name__}: {str(first)[:300]}",
    )


_PROCESSED: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
_PROCESSED_MAX = 1024


class _CachingProcessor(_pyld.JsonLdProcessor):
    """pyld processor that remembers processed scoped contexts across calls.

    pyld re-processes type- and property-scoped contexts (e.g. the DataIntegrityProof one) on
    every call, which is most of the time spent on small credentials (bench/verify_speed.py).
    Results are keyed by the active context's identity (`_uuid`, stable for pyld's cached
    contexts) and the local context object; the object is kept alive and compared by identity,
    so a recycled `id()` can never produce a false hit. Only successful results are cached.
    """

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        uuid = active_ctx.get("_uuid") if hasattr(active_ctx, "get") else None
        if uuid is None or cycles:
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
        local_key = local_ctx if isinstance(local_ctx, str) else id(local_ctx)
        key = (uuid, local_key, override_protected, propagate, validate_scoped, options.get("base"))
        hit = _PROCESSED.get(key)
        if hit is not None and (isinstance(local_ctx, str) or hit[0] is local_ctx):
            _PROCESSED.move_to_end(key)
            return hit[1]
        processed = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        _PROCESSED[key] = (local_ctx, processed)
        if len(_PROCESSED) > _PROCESSED_MAX:
            _PROCESSED.popitem(last=False)
        return processed

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        """pyld's IRI expansion, remembered for processed (frozen) active contexts.

        Expansion calls this for every key and IRI value; outside context processing
        (`local_ctx` is None) the result depends only on the active context, which pyld never
        changes once frozen (new definitions go into a clone). The context object is kept in
        the entry and compared by identity, as in `_process_context`.
        """
        if local_ctx is not None or type(active_ctx) is not _frozendict or type(value) is not str:
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (id(active_ctx), value, base, vocab)
        hit = _IRIS.get(key)
        if hit is not None and hit[0] is active_ctx:
            return hit[1]
        expanded = super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        if len(_IRIS) >= _IRIS_MAX:
            _IRIS.clear()
        _IRIS[key] = (active_ctx, expanded)
        return expanded

    def _create_node_map(self, *args: Any, **kwargs: Any) -> Any:
        """pyld's node map, with its duplicate test made linear (see `_indexed_has_value`).

        The node map adds every value of a subject's property with `has_value`, which compares
        it with each value already there: quadratic in the number of values one subject gets
        for one property (an 88 kB credential with one long array ran for 13 s). pyld calls
        `JsonLdProcessor.has_value` by name, so the indexed version stands in for it while the
        outermost node map is built, and the index goes with it."""
        if _NODE_MAP_DEPTH[0]:
            return super()._create_node_map(*args, **kwargs)
        original = _pyld.JsonLdProcessor.__dict__["has_value"]
        _pyld.JsonLdProcessor.has_value = staticmethod(_indexed_has_value)
        _NODE_MAP_DEPTH[0] = 1
        try:
            return super()._create_node_map(*args, **kwargs)
        finally:
            _pyld.JsonLdProcessor.has_value = original
            _NODE_MAP_DEPTH[0] = 0
            _VALUE_INDEX.clear()

    def _graph_to_rdf(self, graph: Any, issuer: Any, options: Any) -> list[dict[str, Any]]:
        """pyld's `_graph_to_rdf`, with the per-item checks on subject and predicate made once
        per property (they do not depend on the item). Same triples, in the same order."""
        triples: list[dict[str, Any]] = []
        generalized = options["produceGeneralizedRdf"]
        for id_, node in sorted(graph.items()):
            subject_ok = _pyld_absolute(id_)
            subject_type = "blank node" if id_.startswith("_:") else "IRI"
            for prop, items in sorted(node.items()):
                if prop == "@type":
                    prop = _pyld.RDF_TYPE
                elif _pyld._is_keyword(prop):
                    continue
                # pyld skips each item of a relative subject or predicate, and each item of
                # a blank node predicate unless producing generalized RDF.
                if not (subject_ok and _pyld_absolute(prop)):
                    continue
                if prop.startswith("_:"):
                    if not generalized:
                        continue
                    predicate_type = "blank node"
                else:
                    predicate_type = "IRI"
                for item in items:
                    obj = self._object_to_rdf(item, issuer, triples, options)
                    if obj is not None:
                        # fresh component dicts per triple: URDNA2015 relabels them in place
                        triples.append(
                            {
                                "subject": {"type": subject_type, "value": id_},
                                "predicate": {"type": predicate_type, "value": prop},
                                "object": obj,
                            }
                        )
        return triples


# pyld's `_is_absolute_iri` (same pattern, compiled once) for string values.
_PYLD_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")


def _pyld_absolute(value: Any) -> bool:
    return isinstance(value, str) and _PYLD_ABSOLUTE.match(value) is not None


_NODE_MAP_DEPTH = [0]
# id(list of values) -> (the list, how many of its items are indexed, keys of those items,
# items that have no key); the list is kept so that a recycled id() never matches.
_VALUE_INDEX: dict[int, tuple[list[Any], list[int], set[Any], list[Any]]] = {}
_INDEX_FROM = 16  # shorter lists are scanned, as pyld does


def _value_key(value: Any) -> Any:
    """A hashable key that two values share exactly when pyld's `compare_values` finds them
    equal, or None when the value must be compared one by one (NaN, lists, objects that are
    neither value objects nor node references)."""
    kind = type(value)
    if kind is str:
        return ("s", value)
    if kind is bool:
        return ("b", value)
    if kind is int or kind is float:
        return ("n", value) if value == value else None  # 1 == 1.0, as in pyld
    if value is None:
        return ("0",)
    if kind is dict:
        if "@value" in value:
            inner = _value_key(value["@value"])
            meta = (value.get("@type"), value.get("@language"), value.get("@index"))
            if (
                inner is None
                or "@id" in value
                or not all(m is None or type(m) is str for m in meta)
            ):
                return None
            return ("v", meta, inner)
        node_id = value.get("@id")
        if type(node_id) is str:
            return ("i", node_id)
    return None


def _indexed_has_value(subject: Any, prop: Any, value: Any) -> bool:
    """pyld's `JsonLdProcessor.has_value`, with a hash index for long lists of values."""
    values: Any = subject.get(prop) if isinstance(subject, dict) else None
    if _pyld._is_list(values):
        values = values["@list"]
    if type(values) is not list or len(values) < _INDEX_FROM:
        return bool(_ORIGINAL_HAS_VALUE(subject, prop, value))
    entry = _VALUE_INDEX.get(id(values))
    if entry is None or entry[0] is not values or entry[1][0] > len(values):
        entry = (values, [0], set(), [])
        _VALUE_INDEX[id(values)] = entry
    _, done, keys, unkeyed = entry
    for item in values[done[0] :]:
        key = _value_key(item)
        if key is None:
            unkeyed.append(item)
        else:
            keys.add(key)
    done[0] = len(values)
    key = _value_key(value)
    if key is not None and key in keys:
        return True
    compare = _pyld.JsonLdProcessor.compare_values
    return any(compare(value, item) for item in unkeyed) or (
        key is None and any(compare(value, item) for item in values)
    )


_ORIGINAL_HAS_VALUE = _pyld.JsonLdProcessor.has_value

_IRIS: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_IRIS_MAX = 20_000


def _json_copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars), several times faster than
    `copy.deepcopy`; anything else is handed to `copy.deepcopy`."""
    kind = type(value)
    if kind is dict:
        return {k: _json_copy(v) for k, v in value.items()}
    if kind is list:
        return [_json_copy(v) for v in value]
    if value is None or kind is str or kind is int or kind is float or kind is bool:
        return value
    return copy.deepcopy(value)


class _Doc(dict[str, Any]):
    """The input document as handed to pyld, which deep-copies it before expanding; the copy
    is a plain JSON copy (see `_json_copy`)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {k: _json_copy(v) for k, v in self.items()}


def _input(doc: Any) -> Any:
    return _Doc(doc) if type(doc) is dict else doc


def _processor(dropped: list[str]) -> Any:
    def on_dropped(prop: Any) -> None:
        dropped.append(str(prop))

    return _CachingProcessor(on_property_dropped=on_dropped)


def _raise_dropped(dropped: list[str]) -> None:
    if dropped:
        names = sorted(set(dropped))
        raise JsonLdStrictError(
            "JSONLD_DROPPED_TERM",
            "The credential contains fields that are not defined by its vocabulary, so they "
            "are not covered by the signature.",
            "undefined terms: " + ", ".join(names[:20]),
        )


def _bad_iri(value: str) -> bool:
    return value.startswith(SENTINEL_BASE) or not _ABSOLUTE.match(value)


def _has_sentinel(value: Any) -> bool:
    if isinstance(value, str):
        return _bad_iri(value)
    if isinstance(value, list):
        return any(_has_sentinel(v) for v in value)
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("@id", "@type") and _has_sentinel(item):
                return True
            if key in ("@value", "@language", "@direction"):
                continue
            if isinstance(item, (list, dict)) and _has_sentinel(item):
                return True
            if not key.startswith("@") and _bad_iri(key):
                return True
    return False


def _relative_iri_error() -> JsonLdStrictError:
    return JsonLdStrictError(
        "JSONLD_RELATIVE_IRI",
        "The credential contains a relative identifier, which has no defined meaning.",
        "an @id or @type value is not an absolute IRI",
    )


def expand_strict(doc: Any) -> list[Any]:
    """JSON-LD expansion that fails on unknown contexts, dropped terms and relative IRIs."""
    check_size(doc)
    _check_contexts(doc)
    dropped: list[str] = []
    try:
        expanded = _processor(dropped).expand(_input(doc), _options(document_loader))
    except RecursionError as exc:
        raise JsonLdStrictError("JSONLD_INVALID", "The document is nested too deeply.") from exc
    except Exception as exc:
        raise _translate(exc) from exc
    _raise_dropped(dropped)
    if _has_sentinel(expanded):
        raise _relative_iri_error()
    return list(expanded)


class _Unsure(Exception):
    """The fast term walker met a JSON-LD feature it does not model; use full expansion."""


_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*|_):[^\s]*$")  # pyld's _is_absolute_iri
_KEYWORD_ALIASES = ("@id", "@type", "@value", "@language", "@direction", "@list", "@set")


_CTX_CACHE: dict[tuple[Any, ...], _Ctx] = {}

# Memo sizes: what a context remembers about the documents walked under it. Real credentials use
# a few dozen terms and type combinations; hostile documents cannot grow the memos further, per
# context or in all (`_MEMO`: entries stored so far, against `_MAX_MEMO`).
_MAX_PLANS = 1024
_MAX_PROPAGATED = 64
_MAX_TYPED = 256
_MAX_MEMO = 100_000
_MEMO = [0]


def _memo_room() -> bool:
    """Whether one more memo entry may be stored (counting it if so)."""
    if _MEMO[0] >= _MAX_MEMO:
        return False
    _MEMO[0] += 1
    return True


class _Ctx:
    """Active term definitions for the fast walker; never mutated once built (it is cached).

    The memos (`plans`, `typed`, `shapes`) only record pure functions of the definitions.
    """

    __slots__ = ("aliases", "key", "plans", "shapes", "terms", "type_keys", "typed", "vocab")

    def __init__(
        self, terms: dict[str, Any], vocab: bool, aliases: dict[str, str], key: tuple[Any, ...] = ()
    ) -> None:
        self.terms = terms
        self.vocab = vocab
        self.aliases = aliases
        self.key = key
        # propagated context (by identity) -> {property -> plan, node shape -> program};
        # see `_plan` and `_program`.
        self.plans: dict[_Ctx, dict[Any, Any]] = {}
        # the node's types -> (type-scoped context, types that are not absolute IRIs)
        self.typed: dict[tuple[str, ...], tuple[_Ctx, tuple[str, ...]]] = {}
        # node shape (its keys, in order) -> what walking such a node involves; see `_shape`
        self.shapes: dict[tuple[str, ...], _ShapeEntry] = {}
        # `@type` and the terms aliased to it (set again once `_extend_one` has built aliases)
        self.type_keys = self._aliases_of("@type")

    def _aliases_of(self, keyword: str) -> tuple[str, ...]:
        return (keyword, *(k for k, v in self.aliases.items() if v == keyword))

    def plans_under(self, propagated: _Ctx) -> dict[Any, Any]:
        plans = self.plans.get(propagated)
        if plans is None:
            plans = {}
            if len(self.plans) < _MAX_PROPAGATED and _memo_room():
                self.plans[propagated] = plans
        return plans

    def with_types(self, types: list[str]) -> tuple[_Ctx, tuple[str, ...]]:
        """The context after the node's type-scoped contexts (applied in lexical order of the
        types, JSON-LD 1.1 Expansion step 11), and the types that are not absolute IRIs."""
        memo_key = tuple(types)
        hit = self.typed.get(memo_key)
        if hit is not None:
            return hit
        ctx = self
        for t in sorted(types):
            definition = ctx.terms.get(t)
            if isinstance(definition, dict) and "@context" in definition:
                ctx = ctx.extend(definition["@context"])
        relative = tuple(t for t in types if not (ctx.defines(t) or _ABSOLUTE.match(t)))
        if len(self.typed) < _MAX_TYPED and _memo_room():
            self.typed[memo_key] = (ctx, relative)
        return ctx, relative

    def extend(self, local: Any, depth: int = 0) -> _Ctx:
        """This context plus `local`: URLs of bundled contexts, or a term definition's scoped
        context (an object owned by a bundled context, so its identity is stable). Each step is
        cached under (parent key, item), so equal inputs share one immutable result."""
        if depth > 20:
            raise _Unsure()
        ctx = self
        for item in local if isinstance(local, list) else [local]:
            cache_key = (ctx.key, item if isinstance(item, str) or item is None else id(item))
            cached = _CTX_CACHE.get(cache_key)
            if cached is None:
                cached = ctx._extend_one(item, depth)
                cached.key = cache_key
                if len(_CTX_CACHE) < 4096:
                    _CTX_CACHE[cache_key] = cached
            ctx = cached
        return ctx

    def _extend_one(self, item: Any, depth: int) -> _Ctx:
        if item is None:
            return _Ctx({}, False, {})
        if isinstance(item, str):
            if item not in CONTEXTS:
                raise JsonLdStrictError(
                    "JSONLD_UNKNOWN_CONTEXT",
                    "The credential uses a vocabulary (JSON-LD context) this verifier does "
                    "not know.",
                    f"context not bundled: {item}",
                )
            return self.extend(bundled_context(item).get("@context"), depth + 1)
        if not isinstance(item, dict):
            raise _Unsure()
        ctx = _Ctx(dict(self.terms), self.vocab, dict(self.aliases))
        for key, value in item.items():
            if key in ("@protected", "@version"):
                continue
            if key == "@vocab":
                ctx.vocab = value is not None
            elif key.startswith("@"):
                raise _Unsure()  # @base, @import, @propagate, @language, @direction
            elif value is None:
                ctx.terms[key] = None
                ctx.aliases.pop(key, None)
            else:
                if isinstance(value, dict) and (
                    "@reverse" in value or "@nest" in value or value.get("@prefix")
                ):
                    raise _Unsure()
                ctx.terms[key] = value
                target = value if isinstance(value, str) else value.get("@id")
                if target in _KEYWORD_ALIASES:
                    ctx.aliases[key] = str(target)
                else:
                    ctx.aliases.pop(key, None)
        ctx.type_keys = ctx._aliases_of("@type")
        return ctx

    def keyword(self, key: str) -> str | None:
        if key.startswith("@"):
            return key
        return self.aliases.get(key)

    def defines(self, key: str) -> bool:
        if key in self.terms:
            return self.terms[key] is not None
        if ":" in key:
            prefix = key.split(":", 1)[0]
            return prefix in self.terms or bool(_ABSOLUTE.match(key))
        return self.vocab


_EMPTY_CTX = _Ctx({}, False, {})


def _plan(ctx: _Ctx, propagated: _Ctx, key: str, plans: dict[Any, Any]) -> tuple[Any, ...]:
    """How to treat property `key` under `ctx` (memoised in `plans`, which belongs to the
    immutable, cached context: `ctx.plans_under(propagated)`)."""
    plan: tuple[Any, ...] | None = None
    kw = key if key.startswith("@") else ctx.aliases.get(key)
    if kw is not None:
        plan = ("keyword", kw)
    elif not ctx.defines(key):
        plan = ("drop",)
    else:
        definition = ctx.terms.get(key)
        child = propagated
        id_type = None
        if isinstance(definition, dict):
            container = definition.get("@container")
            containers = container if isinstance(container, list) else [container]
            if definition.get("@type") == "@json" or "@language" in containers:
                plan = ("skip",)
            elif any(c in ("@index", "@id", "@type") for c in containers):
                raise _Unsure()
            else:
                if "@context" in definition:
                    child = propagated.extend(definition["@context"])
                if definition.get("@type") in ("@id", "@vocab"):
                    id_type = definition["@type"]
        if plan is None:
            plan = ("walk", child, id_type)
    if len(plans) < _MAX_PLANS and _memo_room():
        plans[key] = plan
    return plan


# Steps of a node program (see `_program`): what to do with one property's value.
_WALK, _ID, _LIST, _UNSURE, _ERROR = range(5)
# Keywords whose values the walker has nothing to check in (types are checked separately).
_INERT_KEYWORDS = frozenset({"@type", "@value", "@language", "@direction", "@index"})
_MAX_SHAPE = 64  # programs are remembered for nodes with at most this many properties


def _program(
    ctx: _Ctx, propagated: _Ctx, shape: tuple[str, ...], plans: dict[Any, Any]
) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
    """What walking a node with properties `shape` (in order) involves under `ctx`: the
    properties that are dropped, and the steps for the others, skipping those with nothing to
    check. A property whose plan cannot be made becomes a step that raises at its place, so
    errors come in the same order as a property-by-property walk."""
    dropped: list[str] = []
    steps: list[tuple[Any, ...]] = []
    for key in shape:
        if key == "@context":
            continue
        try:
            plan = plans.get(key) or _plan(ctx, propagated, key, plans)
        except _Unsure:
            steps.append((key, _UNSURE))
            break
        except JsonLdStrictError as exc:
            steps.append((key, _ERROR, exc.code, exc.message, exc.detail))
            break
        action = plan[0]
        if action == "walk":
            steps.append((key, _WALK, plan[1], plan[2]))
        elif action == "drop":
            dropped.append(key)
        elif action == "keyword":
            kw = plan[1]
            if kw == "@id":
                steps.append((key, _ID))
            elif kw in ("@list", "@set"):
                steps.append((key, _LIST))
            elif kw not in _INERT_KEYWORDS:
                steps.append((key, _UNSURE))  # @graph, @included, @nest, @reverse, @json ...
                break
    return tuple(dropped), tuple(steps)


# What walking a node of one shape (its keys, in order) under one context involves, before its
# types are read: the keys to report when the node stands where a value object may
# (`None` if it is no value object), whether it has its own @context, the keys holding its
# types (in `ctx.type_keys` order), and the node programs by type (see `_node_program`), or
# `None` when the entry is not remembered.
_ShapeEntry = tuple[tuple[str, ...] | None, bool, tuple[str, ...], dict[Any, "_NodeProgram"] | None]
# A node program: the types that are not absolute IRIs, the dropped properties, the key of an
# @id step that comes first (most nodes start with one) or None, and the other steps (see
# `_program`).
_NodeProgram = tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[tuple[Any, ...], ...]]

_absolute = _ABSOLUTE.match

# Strings found to be absolute IRIs by the walker: IRIs recur within a credential and across
# credentials (concepts, schemes, issuers), and a set lookup costs a fraction of the match.
# Only plain `str` values are looked up (a subclass could compare equal to what it is not),
# only short ones are stored, and the set is emptied when full.
_ABSOLUTE_IRIS: set[str] = set()
_MAX_ABSOLUTE_IRIS = 4096
_MAX_REMEMBERED_IRI = 256  # characters


def _is_absolute(value: str) -> bool:
    """`_ABSOLUTE.match(value)`, remembering plain strings that match."""
    if type(value) is not str:
        return _absolute(value) is not None
    if value in _ABSOLUTE_IRIS:
        return True
    if _absolute(value) is None:
        return False
    if len(value) > _MAX_REMEMBERED_IRI:
        return True
    if len(_ABSOLUTE_IRIS) >= _MAX_ABSOLUTE_IRIS:
        _ABSOLUTE_IRIS.clear()
    _ABSOLUTE_IRIS.add(value)
    return True


def _shape(ctx: _Ctx, shape: tuple[str, ...]) -> _ShapeEntry:
    """The shape entry of `shape` under `ctx`, remembered in `ctx.shapes` when there is room."""
    keys = set(shape)
    value_drop = None
    if any(k in keys for k in ctx._aliases_of("@value")):
        if all(isinstance(k, str) for k in shape):
            # A value object may carry only keywords (JSON-LD 1.1 §4.2.1).
            value_drop = tuple(k for k in shape if ctx.keyword(k) is None)
        else:
            value_drop = _ODD_KEYS
    type_keys = tuple(k for k in ctx.type_keys if k in keys)
    remember = len(shape) <= _MAX_SHAPE and len(ctx.shapes) < _MAX_PLANS and _memo_room()
    entry: _ShapeEntry = (value_drop, "@context" in keys, type_keys, {} if remember else None)
    if remember:
        ctx.shapes[shape] = entry
    return entry


def _node_program(
    node: dict[str, Any],
    ctx: _Ctx,
    shape: tuple[str, ...],
    type_keys: tuple[str, ...],
    programs: dict[Any, _NodeProgram] | None,
    types_key: Any,
) -> _NodeProgram:
    """The program for `node` under `ctx` (after the node's own @context): its types read and
    checked, the type-scoped context applied, and the properties planned. Remembered in
    `programs` under `types_key` (the node's types as `_node` looks them up) when there is
    room; `types_key` is `_NO_KEY` when the types cannot serve as a key."""
    types: list[str] = []
    for type_key in type_keys:
        value = node[type_key]
        for t in value if isinstance(value, list) else (value,):
            if not isinstance(t, str):
                raise _Unsure()
            types.append(t)
    typed = ctx
    bad_types: tuple[str, ...] = ()
    if types:
        hit = ctx.typed.get(tuple(types))
        typed, bad_types = hit if hit is not None else ctx.with_types(types)
    plans = typed.plans.get(ctx)
    if plans is None:
        plans = typed.plans_under(ctx)
    dropped, steps = _program(typed, ctx, shape, plans)
    id_key = None
    if steps and steps[0][1] == _ID:
        id_key = steps[0][0]
        steps = steps[1:]
    program = (bad_types, dropped, id_key, steps)
    if (
        programs is not None
        and types_key is not _NO_KEY
        and len(programs) < _MAX_TYPED
        and _memo_room()
    ):
        programs[types_key] = program
    return program


# The value-object keys of a shape with keys that are not strings (see `_node`).
_ODD_KEYS: tuple[str, ...] = ("<keys that are not strings>",)

# Marks a node whose types `_node` does not look up (several type keys, or values of other
# kinds than a string or a list); such nodes always take `_node_program`.
_NO_KEY = object()


def _walk(node: Any, ctx: _Ctx, dropped: list[str], relative: list[str], depth: int) -> None:
    """Walk any JSON value that stands where a node may (not where a value object may)."""
    if depth > 200:
        raise _Unsure()
    if isinstance(node, list):
        for item in node:
            _walk(item, ctx, dropped, relative, depth + 1)
    elif isinstance(node, dict):
        _node(node, ctx, dropped, relative, depth, False)


def _node(
    node: dict[str, Any],
    ctx: _Ctx,
    dropped: list[str],
    relative: list[str],
    depth: int,
    as_value: bool,
) -> None:
    """Walk one JSON object under `ctx`; `as_value` when it is an item of a property's value,
    where a value object is checked for its keys only."""
    shape = tuple(node)
    entry = ctx.shapes.get(shape)
    if entry is None:
        entry = _shape(ctx, shape)
    if as_value and entry[0] is not None:
        if entry[0] is _ODD_KEYS:
            # keys that are not strings (never from JSON): fail as `ctx.keyword` does on them
            dropped.extend(k for k in node if ctx.keyword(k) is None)
        dropped.extend(entry[0])
        return
    if depth > 200:
        raise _Unsure()
    if entry[1]:
        local = node["@context"]
        if any(not isinstance(c, str) for c in (local if isinstance(local, list) else [local])):
            raise _Unsure()  # inline contexts: let pyld validate them
        ctx = ctx.extend(local)
        entry = ctx.shapes.get(shape)
        if entry is None:
            entry = _shape(ctx, shape)
    # `ctx` is now the context that propagates to the node's properties; the program applies
    # the type-scoped contexts on top of it.
    type_keys = entry[2]
    programs = entry[3]
    program = None
    types_key: Any = None
    if type_keys:
        types_key = _NO_KEY
        if len(type_keys) == 1:
            value = node[type_keys[0]]
            if type(value) is str:
                types_key = value
            elif type(value) is list:
                types_key = tuple(value)
    if programs is not None and types_key is not _NO_KEY:
        try:
            program = programs.get(types_key)
        except TypeError:  # an object or list among the types: `_node_program` refuses it
            types_key = _NO_KEY
    if program is None:
        program = _node_program(node, ctx, shape, type_keys, programs, types_key)
    if program[0]:
        relative.extend(program[0])
    if program[1]:
        dropped.extend(program[1])
    if program[2] is not None:
        value = node[program[2]]
        if not (type(value) is str and value in _ABSOLUTE_IRIS):
            if not isinstance(value, str):
                raise _Unsure()
            if not _is_absolute(value):
                relative.append(value)
    child_depth = depth + 1
    for step in program[3]:
        value = node[step[0]]
        op = step[1]
        if op == _WALK:
            child, id_type = step[2], step[3]
            if isinstance(value, dict):
                _node(value, child, dropped, relative, child_depth, True)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        _node(item, child, dropped, relative, child_depth, True)
                    elif isinstance(item, list):
                        _walk(item, child, dropped, relative, child_depth)
                    elif (
                        id_type is not None
                        and isinstance(item, str)
                        and not _is_absolute(item)
                        and not (id_type == "@vocab" and child.defines(item))
                    ):
                        relative.append(item)
            elif (
                id_type is not None
                and isinstance(value, str)
                and not _is_absolute(value)
                and not (id_type == "@vocab" and child.defines(value))
            ):
                relative.append(value)
        elif op == _ID:
            if not isinstance(value, str):
                raise _Unsure()
            if not (type(value) is str and value in _ABSOLUTE_IRIS) and not _is_absolute(value):
                relative.append(value)
        elif op == _LIST:
            _walk(value, ctx, dropped, relative, child_depth)
        elif op == _UNSURE:
            raise _Unsure()
        else:
            raise JsonLdStrictError(step[2], step[3], step[4])


def check_terms(doc: Any) -> None:
    """Fail on unknown contexts, undefined terms and relative IRIs, without building RDF.

    A fast walk over the term definitions of the bundled contexts covers the shapes real
    credentials use; anything it does not model (e.g. @nest, @reverse, index maps) falls back
    to full expansion with `expand_strict`, so the answer is the same either way.
    """
    check_size(doc)
    dropped: list[str] = []
    relative: list[str] = []
    try:
        _walk(doc, _EMPTY_CTX, dropped, relative, 0)
    except _Unsure:
        expand_strict(doc)
        return
    _raise_dropped(dropped)
    if relative:
        raise _relative_iri_error()


class _FastIssuer(_IdentifierIssuer):
    """pyld's IdentifierIssuer with a cheap copy (Hash N-Degree Quads copies issuers for every
    permutation it tries; `copy.deepcopy` of the general kind was most of that time)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _FastIssuer:
        twin = _FastIssuer(self.prefix)
        twin.counter = self.counter
        twin.existing = dict(self.existing)
        twin.order = list(self.order)
        return twin


# A quad's N-Quads text in parts (see `_quad_parts`): subject text, subject label, predicate
# text, object text, object label, graph text, graph label; a blank node subject, object or
# graph name has its label set and its text left to be filled in.
_Parts = tuple[str | None, str | None, str, str | None, str | None, str, str | None]


def _term_text(component: dict[str, Any]) -> str:
    """pyld's N-Quads text of a subject, predicate or object that is not a blank node."""
    if component["type"] == "IRI":
        return "<" + component["value"] + ">"
    if component["type"] == "blank node":
        return str(component["value"])
    text = '"' + _nquads_escape(component["value"]) + '"'
    datatype = component["datatype"]
    if datatype == _RDF_LANGSTRING:
        if component.get("language"):
            text += "@" + component["language"]
    elif datatype != _XSD_STRING:
        text += "^^<" + datatype + ">"
    return text


def _quad_parts(quad: dict[str, Any]) -> _Parts:
    """The N-Quads text of `quad` as pyld's `serialize_nquad` writes it, with each blank node
    subject, object or graph name left open: (subject text or None, subject label, predicate
    text, object text or None, object label, graph text, graph label)."""
    subject, obj = quad["subject"], quad["object"]
    s_label = subject["value"] if subject["type"] == "blank node" else None
    o_label = obj["value"] if obj["type"] == "blank node" else None
    name = quad.get("name")
    g_label = None
    graph = ""
    if name is not None:
        if name["value"].startswith("_:"):
            g_label = name["value"]
        else:
            graph = " <" + name["value"] + ">"
    return (
        None if s_label is not None else _term_text(subject),
        s_label,
        _term_text(quad["predicate"]),
        None if o_label is not None else _term_text(obj),
        o_label,
        graph,
        g_label,
    )


class _BoundedURDNA2015(_URDNA2015):
    """pyld's URDNA2015 with a work budget (RDFC-1.0 §4.4 asks implementations to bound it).

    `main` and `hash_first_degree_quads` follow pyld's steps (same hashes, same issuing, same
    output bytes) but write each quad's N-Quads text once, in parts, instead of copying and
    serialising the quad again for every blank node in it and once more at the end.
    """

    def __init__(self, max_steps: int) -> None:
        super().__init__()
        self._steps = 0
        self._max_steps = max_steps
        self._parts: dict[int, _Parts] = {}  # id(quad) -> its text in parts
        self.hash_to_blank_nodes: dict[str, list[str]] = {}

    def _step(self) -> None:
        self._steps += 1
        if self._steps > self._max_steps:
            raise JsonLdStrictError(
                "JSONLD_TOO_COMPLEX",
                "The credential's data graph is too complex to check safely.",
                f"canonicalisation stopped after {self._max_steps} steps",
            )

    def main(self, dataset: dict[str, list[dict[str, Any]]], options: Any) -> str:
        """RDFC-1.0 §4.4 as in pyld's `URDNA2015.main` (N-Quads output only)."""
        quads = self.quads
        info = self.blank_node_info
        parts = self._parts
        # 2) the quads, and the quads of each blank node (a quad is listed once per blank
        # node component, as pyld does)
        for graph_name, triples in dataset.items():
            for quad in triples:
                if graph_name != "@default":
                    kind = "blank node" if graph_name.startswith("_:") else "IRI"
                    quad["name"] = {"type": kind, "value": graph_name}
                quads.append(quad)
                quad_parts = _quad_parts(quad)
                parts[id(quad)] = quad_parts
                for label in (quad_parts[1], quad_parts[4], quad_parts[6]):
                    if label is not None:
                        entry = info.get(label)
                        if entry is None:
                            info[label] = {"quads": [quad]}
                        else:
                            entry["quads"].append(quad)

        # 3-5) issue canonical identifiers to blank nodes with a unique first-degree hash,
        # until no more are found (an ordered set: pyld iterates a set here; the order does
        # not change the result)
        non_normalized = dict.fromkeys(info)
        simple = True
        while simple:
            simple = False
            self.hash_to_blank_nodes = {}
            for id_ in non_normalized:
                self.hash_to_blank_nodes.setdefault(self.hash_first_degree_quads(id_), []).append(
                    id_
                )
            for hash_, id_list in sorted(self.hash_to_blank_nodes.items()):
                if len(id_list) > 1:
                    continue
                self.canonical_issuer.get_id(id_list[0])
                del non_normalized[id_list[0]]
                del self.hash_to_blank_nodes[hash_]
                simple = True

        # 6) the others, by Hash N-Degree Quads
        for _hash, id_list in sorted(self.hash_to_blank_nodes.items()):
            hash_path_list = []
            for id_ in id_list:
                if self.canonical_issuer.has_id(id_):
                    continue
                issuer = _FastIssuer("_:b")
                issuer.get_id(id_)
                hash_path_list.append(self.hash_n_degree_quads(id_, issuer))
            for result in sorted(hash_path_list, key=lambda r: r["hash"]):
                for existing in result["issuer"].order:
                    self.canonical_issuer.get_id(existing)

        # 7) every quad with canonical labels, sorted
        canonical = self.canonical_issuer
        prefix = canonical.prefix

        def relabel(label: str) -> str:
            return label if label.startswith(prefix) else str(canonical.get_id(label))

        lines = []
        for quad in quads:
            s_text, s_label, p_text, o_text, o_label, graph, g_label = parts[id(quad)]
            if s_label is not None:
                s_text = relabel(s_label)
            if o_label is not None:
                o_text = relabel(o_label)
            if g_label is not None:
                graph = " " + relabel(g_label)
            lines.append(f"{s_text} {p_text} {o_text}{graph} .\n")
        lines.sort()
        return "".join(lines)

    def hash_first_degree_quads(self, id_: str) -> str:
        """RDFC-1.0 §4.6: the quads of `id_` with `_:a` for it and `_:z` for other blank
        nodes, sorted, hashed (cached, as in pyld)."""
        info = self.blank_node_info[id_]
        cached = info.get("hash")
        if cached is not None:
            return str(cached)
        parts = self._parts
        lines = []
        for quad in info["quads"]:
            s_text, s_label, p_text, o_text, o_label, graph, g_label = parts[id(quad)]
            if s_label is not None:
                s_text = "_:a" if s_label == id_ else "_:z"
            if o_label is not None:
                o_text = "_:a" if o_label == id_ else "_:z"
            if g_label is not None:
                graph = " _:a" if g_label == id_ else " _:z"
            lines.append(f"{s_text} {p_text} {o_text}{graph} .\n")
        lines.sort()
        text = "".join(lines)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            # pyld encodes line by line: fail on the same line, with the same message
            for line in lines:
                line.encode("utf-8")
            raise
        digest = hashlib.sha256(data).hexdigest()
        info["hash"] = digest
        return digest

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._step()
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_: str, issuer: Any) -> Any:
        result = super().create_hash_to_related(id_, issuer)
        for group in result.values():
            if len(group) > MAX_SAME_HASH_GROUP:
                raise JsonLdStrictError(
                    "JSONLD_TOO_COMPLEX",
                    "The credential's data graph is too complex to check safely.",
                    f"{len(group)} indistinguishable blank nodes",
                )
            self._step()
        return result


def _check_dataset(dataset: dict[str, list[dict[str, Any]]]) -> None:
    quads = 0
    blank: set[str] = set()
    checked: set[str] = set()  # IRIs already found absolute (the same ones recur in most quads)
    datatypes: set[str] = set()  # datatype IRIs already found not relative
    for graph_name, triples in dataset.items():
        if graph_name != "@default" and not graph_name.startswith("_:") and _bad_iri(graph_name):
            raise _relative_iri_error()
        quads += len(triples)
        for triple in triples:
            for comp in (triple["subject"], triple["predicate"], triple["object"]):
                kind = comp["type"]
                if kind == "blank node":
                    blank.add(comp["value"])
                elif kind == "IRI":
                    value = comp["value"]
                    if value not in checked:
                        if _bad_iri(value):
                            raise _relative_iri_error()
                        checked.add(value)
                datatype = comp.get("datatype")
                if datatype is not None and datatype not in datatypes:
                    if str(datatype).startswith(SENTINEL_BASE):
                        raise _relative_iri_error()
                    datatypes.add(datatype)
    if quads > MAX_QUADS or len(blank) > MAX_BLANK_NODES:
        raise JsonLdStrictError(
            "JSONLD_TOO_COMPLEX",
            "The credential's data graph is too large to check safely.",
            f"{quads} quads, {len(blank)} blank nodes (limits {MAX_QUADS}, {MAX_BLANK_NODES})",
        )


def _fast_options() -> dict[str, Any]:
    """The options pyld's `to_rdf` and `expand` work with, after their defaults."""
    opts = _options(document_loader)
    opts.update(
        produceGeneralizedRdf=False,
        isFrame=False,
        keepFreeFloatingNodes=False,
        contextResolver=_pyld.ContextResolver(_pyld._resolved_context_cache, document_loader),
    )
    return opts


def _to_rdf(doc: Any, dropped: list[str]) -> dict[str, list[dict[str, Any]]]:
    """pyld's RDF dataset of `doc`: from the one-walk conversion of `rdf_fast` when the
    document stays within what it models, else from pyld's `to_rdf` (which then also
    reports every error, so error codes do not depend on the path taken)."""
    processor = _processor(dropped)
    try:
        return _rdf_fast.to_rdf(doc, processor, _fast_options())
    except Exception:
        pass  # anything unusual is left to pyld, which then decides
    opts = _options(document_loader)
    opts["produceGeneralizedRdf"] = False
    dataset: dict[str, list[dict[str, Any]]] = processor.to_rdf(_input(doc), opts)
    return dataset


def canonize(doc: Any, *, max_steps: int = MAX_RDFC_STEPS) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of `doc`, under the strict rules above."""
    check_size(doc)
    _check_contexts(doc)
    dropped: list[str] = []
    try:
        dataset = _to_rdf(doc, dropped)
    except RecursionError as exc:
        raise JsonLdStrictError("JSONLD_INVALID", "The document is nested too deeply.") from exc
    except Exception as exc:
        raise _translate(exc) from exc
    _raise_dropped(dropped)
    _check_dataset(dataset)
    try:
        result = _BoundedURDNA2015(max_steps).main(dataset, {"format": "application/n-quads"})
    except JsonLdStrictError:
        raise
    except RecursionError as exc:
        raise JsonLdStrictError(
            "JSONLD_TOO_COMPLEX", "The credential's data graph is too complex to check safely."
        ) from exc
    except Exception as exc:
        raise _translate(exc) from exc
    return str(result)


# ------------------------------------------------------------------ the canonical compact form


def compact_form(doc: dict[str, Any], *, opaque: str | None = None) -> dict[str, Any]:
    """The document as its signed data reads: re-compacted from its expansion with the
    published (pinned) contexts its `@context` names, without any context written inline.

    A Data Integrity proof over RDFC-1.0 signs the RDF dataset, not the JSON: a holder can
    rewrite the JSON (`@nest`, full or compact IRIs, aliases, `@vocab`, `@reverse`, `@base`,
    nested contexts) without breaking the signature. In the form returned here every key means
    what the pinned contexts say, so checks that read facts by key read the signed facts
    (docs/adr/0007). Call after `canonize` or `expand_strict`, which have already refused
    unknown contexts, undefined terms and relative IRIs. The value of the top-level key
    `opaque` (a presentation's credentials, each verified on its own) is not examined.
    """
    published = [c for c in _as_list(doc.get("@context")) if isinstance(c, str)]
    processor = _processor([])
    options = _options(document_loader)
    try:
        expanded = processor.expand(_input(doc), dict(options))
        compacted: dict[str, Any] = processor.compact(
            expanded, {"@context": published}, dict(options, skipExpansion=True)
        )
    except RecursionError as exc:
        raise JsonLdStrictError("JSONLD_INVALID", "The document is nested too deeply.") from exc
    except Exception as exc:
        raise _translate(exc) from exc
    split = _split_structure({k: v for k, v in compacted.items() if k != opaque})
    if split is not None:
        raise JsonLdStrictError("JSONLD_NOT_COMPACT", _NOT_COMPACT, split)
    return compacted


_NOT_COMPACT = (
    "This file was changed after it was signed. Its signed meaning is the same, but it is "
    "written in a shape that splits up or hides what it says (for example its revocation or "
    "expiry information), so it is refused. Ask the holder for the file as the issuer made it."
)
# Keywords that compaction keeps as they were written: with them the facts of one node can
# sit anywhere in the file, away from the keys the checks read.
_STRUCTURE_KEYWORDS = frozenset({"@reverse", "@included", "@graph", "@nest", "@index"})


def _split_structure(compacted: Any) -> str | None:
    """Why the compact form still does not put each node's facts under its keys, or None:
    a structural keyword, or a node given by reference in one place and described in another.
    """
    described: set[str] = set()
    references: list[str] = []
    stack: list[tuple[Any, str]] = [(compacted, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
            continue
        if not isinstance(value, dict) or "@value" in value:
            continue
        keys = [k for k in value if k != "@context"]
        for key in keys:
            if key in _STRUCTURE_KEYWORDS:
                return f"{key} at {path or 'the top level'}"
        ident = value.get("id", value.get("@id"))
        if isinstance(ident, str):
            if all(k in ("id", "@id") for k in keys):
                references.append(ident)
            else:
                described.add(ident)
        stack.extend((item, f"{path}.{key}" if path else key) for key, item in value.items())
    for ident in references:
        if ident in described:
            return f"{ident[:80]} is referred to in one place and described in another"
    return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _same_scalar(a: Any, b: Any) -> bool:
    """Equal JSON scalars: True is not 1, but 1 and 1.0 are the same number."""
    numbers = (int, float)
    if type(a) in numbers and type(b) in numbers:
        return bool(a == b)
    return type(a) is type(b) and a == b


def first_difference(given: Any, canonical: Any, path: str = "") -> str | None:
    """Where `given` differs from `canonical` (None if nowhere), ignoring key order and
    one-item arrays written as their item or the other way round."""
    if isinstance(given, list) and len(given) == 1 and not isinstance(canonical, list):
        return first_difference(given[0], canonical, path)
    if isinstance(canonical, list) and len(canonical) == 1 and not isinstance(given, list):
        return first_difference(given, canonical[0], path)
    here = path or "the top level"
    if isinstance(given, dict) and isinstance(canonical, dict):
        extra = [k for k in given if k not in canonical]
        missing = [k for k in canonical if k not in given]
        if extra or missing:
            shown = ", ".join(repr(k)[:80] for k in extra[:4]) or "nothing"
            wanted = ", ".join(repr(k)[:80] for k in missing[:4]) or "nothing"
            return f"at {here} the file has {shown} where the signed data reads {wanted}"
        for key, value in given.items():
            found = first_difference(value, canonical[key], f"{path}.{key}" if path else key)
            if found is not None:
                return found
        return None
    if isinstance(given, list) and isinstance(canonical, list):
        if len(given) != len(canonical):
            return f"at {here} {len(given)} values where the signed data reads {len(canonical)}"
        for i, (a, b) in enumerate(zip(given, canonical, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(given, (dict, list)) or isinstance(canonical, (dict, list)):
        return f"at {here} the value is written in another form than the signed data's"
    if not _same_scalar(given, canonical):
        return f"at {here} {str(given)[:80]!r} where the signed data reads {str(canonical)[:80]!r}"
    return None
