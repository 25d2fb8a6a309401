"""Strict expansion with pyld: a caching processor, dropped terms and relative IRIs refused."""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
from typing import Any

from .contexts import _check_contexts, _UnknownContext, document_loader
from .limits import JsonLdStrictError, check_size
from .pyld_setup import frozendict as _frozendict
from .pyld_setup import pyld as _pyld

# Base IRI that no real document uses: any IRI that starts with it was relative in the input.
SENTINEL_BASE = "https://relative-iri.invalid/"

_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*|_):[^\s]*$")  # pyld's _is_absolute_iri


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
