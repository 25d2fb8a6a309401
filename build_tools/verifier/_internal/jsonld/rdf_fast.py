"""JSON-LD to RDF in one walk, for the documents the verifier meets most.

pyld's `to_rdf` expands the document, builds a node map from the expanded form and turns the
node map into triples; for a credential with a few dozen blank nodes that is most of the time
a Data Integrity check takes. `to_rdf` here does the three steps in a single walk over the
compact document and returns the same dataset as pyld: the same triples, the same blank node
labels, in the same order.

`expand` walks the same way and returns pyld's `expand` of the document (what the canonical
compact form of signed data is compacted from): the same expanded objects, values and order.

Context processing and IRI expansion are not re-implemented: they are the pyld processor's own
methods (`_process_context`, `_expand_iri`, `get_context_value`), so every term means exactly
what it means to pyld. Only the walk is new, and it covers a subset of JSON-LD 1.1:

- `@context` values that are URLs (or null), at any level; type- and property-scoped
  contexts of the term definitions;
- node objects with `@id` and `@type`, nested node objects, arrays (nested arrays are
  flattened), strings, numbers, booleans and null;
- value objects with `@value` and one of `@type`, `@language` (optionally `@direction`);
- term definitions with type coercion (`@id`, `@vocab`, a datatype, `@none`), `@language`,
  `@direction`, and a `@set` or `@language` container (language maps).

Everything else (inline contexts, lists, `@graph`, `@included`, `@reverse`, `@nest`, index,
id and type maps, `@json`, blank node types or properties, undefined terms, anything pyld
would reject) raises `Unsupported`, and the caller uses pyld instead. The walk never decides
that a document is invalid: every document it refuses is left to pyld, so the errors and
their codes are pyld's.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .pyld_setup import pyld as _pyld

__all__ = ["Unsupported", "expand", "to_rdf"]

_XSD_STRING = _pyld.XSD_STRING
_XSD_BOOLEAN = _pyld.XSD_BOOLEAN
_XSD_INTEGER = _pyld.XSD_INTEGER
_XSD_DOUBLE = _pyld.XSD_DOUBLE
_RDF_TYPE = _pyld.RDF_TYPE
_RDF_LANGSTRING = _pyld.RDF_LANGSTRING
_KEYWORDS = frozenset(_pyld.KEYWORDS)
_get_context_value = _pyld.JsonLdProcessor.get_context_value

# pyld's `_is_absolute_iri`, compiled once.
_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")

# Deeper documents are left to pyld (which reports them as too deeply nested).
MAX_DEPTH = 200

# Memo sizes. The contexts are pyld's cached ones (bundled contexts only), so real documents
# need a few dozen entries; a hostile document can only make the walk slower, not the memos
# bigger than this.
_MAX_MEMOS = 512
_MAX_ENTRIES = 512
_MAX_STORED = 50_000


class Unsupported(Exception):
    """The document uses something the walk does not model; use pyld's to_rdf."""


class _Memo:
    """What the walk has worked out about one active context (pure functions of it)."""

    __slots__ = ("ctx", "locals", "nodes", "pre", "terms")

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx  # kept alive, and compared by identity (see `_memo`)
        # (active property, node shape) -> context before the node's own @context/@type
        self.pre: dict[tuple[Any, ...], Any] = {}
        # local @context (URL, None or tuple of them) -> processed context
        self.locals: dict[Any, Any] = {}
        # node shape -> (keys expanding to @type, {types -> _Program})
        self.nodes: dict[tuple[str, ...], tuple[tuple[str, ...], dict[Any, _Program]]] = {}
        # property -> _Term
        self.terms: dict[str, _Term] = {}


_MEMOS: dict[int, _Memo] = {}


def _memo(ctx: Any) -> _Memo:
    memo = _MEMOS.get(id(ctx))
    if memo is None or memo.ctx is not ctx:
        if len(_MEMOS) >= _MAX_MEMOS:
            _MEMOS.clear()
        memo = _Memo(ctx)
        _MEMOS[id(ctx)] = memo
    return memo


_STORED = [0]  # entries stored in all memos since they were last cleared


def _remember(table: dict[Any, Any], key: Any, value: Any) -> None:
    """Store a memo entry, within the per-table and overall limits."""
    if _STORED[0] >= _MAX_STORED:
        _MEMOS.clear()
        _STORED[0] = 0
        return
    if len(table) < _MAX_ENTRIES:
        table[key] = value
        _STORED[0] += 1


class _Term:
    """How a property of a node object is expanded (pyld `_expand_object`, non-keyword key)."""

    __slots__ = ("direction", "iri", "key", "language_map", "scalar", "term_ctx")

    def __init__(
        self,
        key: str,
        iri: str,
        term_ctx: Any,
        scalar: tuple[Any, ...],
        language_map: bool,
        direction: Any,
    ) -> None:
        self.key = key
        self.iri = iri
        self.term_ctx = term_ctx
        # (type coercion, language) for scalar values, in the term's context
        self.scalar = scalar
        # an object value is a language map (`@container: @language`)
        self.language_map = language_map
        # the term's (or default) @direction: in expanded string values, not in the RDF
        self.direction = direction


class _Program:
    """How a node object of one shape (keys and types) is walked under one context."""

    __slots__ = ("active", "id_key", "is_value", "order", "terms", "type_keys", "types")

    def __init__(
        self,
        active: Any,
        id_key: str | None,
        type_keys: tuple[str, ...],
        types: tuple[str, ...],
        terms: tuple[_Term, ...],
        is_value: tuple[str, str | None, str | None] | None,
        order: tuple[tuple[str, Any], ...],
    ) -> None:
        self.active = active
        self.id_key = id_key
        self.type_keys = type_keys
        self.types = types  # expanded @type values, in document order
        self.terms = terms  # properties, in node map order (expanded IRI, then key)
        # for value objects: the keys that hold @value, @language and @direction
        self.is_value = is_value
        # (key, keyword or _Term) in the order pyld's `_expand_object` takes the keys
        self.order = order


class _Walk:
    """One conversion: pyld's expansion, node map and `_graph_to_rdf`, fused."""

    def __init__(self, processor: Any, options: dict[str, Any]) -> None:
        self.proc = processor
        self.options = options
        self.base = options["base"]
        self.expand_iri = processor._expand_iri
        # subject -> property -> (RDF objects, keys of the values already there)
        self.graph: dict[str, dict[str, tuple[list[dict[str, Any] | None], set[Any]]]] = {}
        self.labels: dict[str, str] = {}
        self.counter = 0

    # ------------------------------------------------------------------ contexts

    def process(self, ctx: Any, local: Any, **flags: bool) -> Any:
        return self.proc._process_context(ctx, local, self.options, **flags)

    def local_context(self, ctx: Any, local: Any) -> Any:
        """The context after a node's own `@context` (URLs and nulls only)."""
        if isinstance(local, list):
            if not all(item is None or isinstance(item, str) for item in local):
                raise Unsupported("inline context")
            key: Any = tuple(local)
        elif local is None or isinstance(local, str):
            key = local
        else:
            raise Unsupported("inline context")
        memo = _memo(ctx)
        hit = memo.locals.get(key)
        if hit is None:
            hit = self.process(ctx, list(local) if isinstance(local, list) else local)
            _remember(memo.locals, key, hit)
        return hit

    def pre_context(self, ctx0: Any, key: str | None, shape: tuple[str, ...]) -> Any:
        """pyld `_expand` for an object under property `key`: revert a type-scoped context
        unless the object is a value object or a lone reference, then apply the property's
        scoped context. The result depends only on the object's keys."""
        memo = _memo(ctx0)
        hit = memo.pre.get((key, shape))
        if hit is not None:
            return hit
        expand_iri = self.expand_iri
        active = ctx0
        type_scoped = ctx0 if ctx0.get("previousContext") else None
        must_revert = True
        if type_scoped is not None and len(shape) <= 2 and "@context" not in shape:
            for k in sorted(shape):
                expanded = expand_iri(type_scoped, k, vocab=True)
                if expanded == "@value":
                    must_revert = False
                    active = type_scoped
                    break
                if expanded == "@id" and len(shape) == 1:
                    must_revert = False
                    break
        if must_revert and "previousContext" in active:
            active = active["previousContext"]
        scoped = _get_context_value(ctx0, key, "@context")
        if scoped is not None:
            active = self.process(active, scoped, override_protected=True)
        _remember(memo.pre, (key, shape), active)
        return active

    # ------------------------------------------------------------------ programs

    def term(self, active: Any, key: str) -> _Term:
        memo = _memo(active)
        hit = memo.terms.get(key)
        if hit is not None:
            return hit
        iri = self.expand_iri(active, key, vocab=True)
        if not isinstance(iri, str) or iri in _KEYWORDS:
            raise Unsupported(f"keyword {iri!r}")
        if not _ABSOLUTE.match(iri):
            raise Unsupported("dropped term")  # pyld reports it
        if iri.startswith("_:"):
            raise Unsupported("blank node property")
        mapping = active["mappings"].get(key)
        if mapping is not None and mapping.get("reverse"):
            raise Unsupported("@reverse")
        if _get_context_value(active, key, "@type") == "@json":
            raise Unsupported("@json")
        language_map = _check_container(active, key)
        term_ctx = active
        scoped = _get_context_value(active, key, "@context")
        if scoped is not None:
            term_ctx = self.process(active, scoped, propagate=True, override_protected=True)
        # Values are expanded in the term's own context (pyld `_expand(term_ctx, key, ...)`).
        mapping = term_ctx["mappings"].get(key)
        if mapping is not None and mapping.get("reverse"):
            raise Unsupported("@reverse")
        _check_container(term_ctx, key)
        value_iri = self.expand_iri(term_ctx, key, vocab=True)
        if not isinstance(value_iri, str) or value_iri in _KEYWORDS:
            raise Unsupported(f"keyword {value_iri!r}")
        coercion = _get_context_value(term_ctx, key, "@type")
        if coercion == "@json" or (isinstance(coercion, str) and coercion.startswith("_:")):
            raise Unsupported("datatype")
        # A default or term @direction changes neither the RDF (pyld is not asked for an
        # rdfDirection) nor how values compare; only the expanded form shows it.
        language = _get_context_value(term_ctx, key, "@language")
        direction = _get_context_value(term_ctx, key, "@direction")
        term = _Term(key, iri, term_ctx, (coercion, language), language_map, direction)
        _remember(memo.terms, key, term)
        return term

    def program(self, ctx0: Any, key: str | None, node: dict[str, Any]) -> _Program:
        """The node's contexts and the steps to walk it (pyld `_expand`, from reverting
        type-scoped contexts to `_expand_object`), remembered per shape and types."""
        shape = tuple(node)
        active = self.pre_context(ctx0, key, shape)
        if "@context" in node:
            active = self.local_context(active, node["@context"])
        memo = _memo(active)
        entry = memo.nodes.get(shape)
        if entry is None:
            expand_iri = self.expand_iri
            type_keys = tuple(
                k for k in sorted(shape) if expand_iri(active, k, vocab=True) == "@type"
            )
            entry = (type_keys, {})
            _remember(memo.nodes, shape, entry)
        type_keys, by_types = entry
        raw_types: tuple[tuple[str, ...], ...] = ()
        if type_keys:
            groups: list[tuple[str, ...]] = []
            for k in type_keys:
                value = node[k]
                group = tuple(value) if isinstance(value, list) else (value,)
                for t in group:
                    if not isinstance(t, str):
                        raise Unsupported("@type value")
                groups.append(group)
            raw_types = tuple(groups)
        program = by_types.get(raw_types)
        if program is None:
            program = self.make_program(active, shape, type_keys, raw_types)
            _remember(by_types, raw_types, program)
        return program

    def make_program(
        self,
        type_scoped: Any,
        shape: tuple[str, ...],
        type_keys: tuple[str, ...],
        raw_types: tuple[tuple[str, ...], ...],
    ) -> _Program:
        """pyld `_prepare_nested_context` (type-scoped contexts, each @type key's values in
        lexical order) and the key-by-key part of `_expand_object`."""
        expand_iri = self.expand_iri
        active = type_scoped
        for group in raw_types:
            for t in sorted(group):
                scoped = _get_context_value(type_scoped, t, "@context")
                if scoped is not None and scoped is not False:
                    active = self.process(active, scoped, propagate=False)
        types = tuple(
            expand_iri(type_scoped, t, vocab=True, base=self.base)
            for group in raw_types
            for t in group
        )
        for t in types:
            if not isinstance(t, str) or t.startswith("_:") or t in _KEYWORDS:
                raise Unsupported("@type value")
        id_key: str | None = None
        keywords: dict[str, str] = {}
        terms: list[tuple[str, str, _Term]] = []
        order: list[tuple[str, Any]] = []
        for k in sorted(shape):
            if k == "@context":
                continue
            expanded = expand_iri(active, k, vocab=True)
            if expanded in _KEYWORDS:
                order.append((k, expanded))
                if expanded == "@type":
                    continue
                if expanded in keywords or expanded not in (
                    "@id",
                    "@value",
                    "@language",
                    "@direction",
                ):
                    raise Unsupported(f"keyword {expanded}")
                keywords[expanded] = k
                if expanded == "@id":
                    id_key = k
                continue
            term = self.term(active, k)
            terms.append((term.iri, k, term))
            order.append((k, term))
        if tuple(k for k, role in order if role == "@type") != type_keys:
            raise Unsupported("@type key redefined by a type-scoped context")
        is_value: tuple[str, str | None, str | None] | None = None
        if "@value" in keywords:
            # A value object: at most @type, or @language and @direction, besides @value.
            if terms or id_key is not None or len(type_keys) > 1:
                raise Unsupported("value object")
            if type_keys and ("@language" in keywords or "@direction" in keywords):
                raise Unsupported("value object")
            if types and (len(types) != 1 or not _ABSOLUTE.match(types[0])):
                raise Unsupported("value object type")
            is_value = (
                keywords["@value"],
                keywords.get("@language"),
                keywords.get("@direction"),
            )
        elif "@language" in keywords or "@direction" in keywords:
            raise Unsupported("@language outside a value object")
        terms.sort(key=lambda item: (item[0], item[1]))
        return _Program(
            active, id_key, type_keys, types, tuple(t[2] for t in terms), is_value, tuple(order)
        )

    # ------------------------------------------------------------------ the walk

    def label(self, old: str | None) -> str:
        """pyld's IdentifierIssuer('_:b').get_id(old)."""
        if old:
            hit = self.labels.get(old)
            if hit is not None:
                return hit
        new = f"_:b{self.counter}"
        self.counter += 1
        if old is not None:
            self.labels[old] = new
        return new

    def add(self, subject: str, prop: str, obj: dict[str, Any] | None, key: Any) -> None:
        """Add an object to the subject's property unless an equal one is there (pyld's
        `add_value(..., allowDuplicate=False)`: values compare on @value, @type and
        @language, with booleans never equal to numbers; references on @id)."""
        props = self.graph[subject]
        slot = props.get(prop)
        if slot is None:
            props[prop] = ([obj], {key})
        elif key not in slot[1]:
            slot[1].add(key)
            slot[0].append(obj)

    def reference(self, iri: str | None, subject: str | None, prop: str) -> str:
        """pyld `_create_node_map` for a node: a new blank node (`iri` None) or a relabelled
        one, made to exist in the graph and linked from the subject."""
        if iri is None:
            iri = self.label(None)
            kind = "blank node"
        elif iri.startswith("_:"):
            iri = self.label(iri)
            kind = "blank node"
        else:
            kind = "IRI"
        if iri not in self.graph:
            self.graph[iri] = {}
        if subject is not None:
            obj = (
                {"type": kind, "value": iri}
                if kind == "blank node" or _ABSOLUTE.match(iri)
                else None  # pyld drops a relative object IRI
            )
            self.add(subject, prop, obj, ("@id", iri))
        return iri

    def node(
        self,
        ctx0: Any,
        key: str | None,
        node: dict[str, Any],
        subject: str | None,
        prop: str,
        depth: int,
    ) -> None:
        if depth > MAX_DEPTH:
            raise Unsupported("too deep")
        program = self.program(ctx0, key, node)
        if program.is_value is not None:
            if subject is None:
                raise Unsupported("top-level value object")
            self.value_object(node, program, subject, prop)
            return
        given: str | None = None
        if program.id_key is not None:
            raw = node[program.id_key]
            if not isinstance(raw, str):
                raise Unsupported("@id value")
            given = _iri(self.expand_iri(program.active, raw, base=self.base))
        iri = self.reference(given, subject, prop)
        for t in program.types:
            self.add(iri, "@type", {"type": "IRI", "value": t} if _ABSOLUTE.match(t) else None, t)
        child_depth = depth + 1
        for term in program.terms:
            value = node[term.key]
            if isinstance(value, list):
                self.items(term, value, iri, child_depth)
            elif isinstance(value, dict):
                if term.language_map:
                    self.language_map(term, value, iri)
                else:
                    self.node(term.term_ctx, term.key, value, iri, term.iri, child_depth)
            elif value is not None:
                self.scalar(term, value, iri)

    def items(self, term: _Term, values: list[Any], subject: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise Unsupported("too deep")
        for value in values:
            if isinstance(value, list):
                self.items(term, value, subject, depth + 1)
            elif isinstance(value, dict):
                self.node(term.term_ctx, term.key, value, subject, term.iri, depth)
            elif value is not None:
                self.scalar(term, value, subject)

    def language_map(self, term: _Term, value: dict[str, Any], subject: str) -> None:
        """pyld `_expand_language_map`: each string a value tagged with its key, lower-cased
        (none for a key expanding to @none), keys in sorted order."""
        expand_iri = self.expand_iri
        for key in sorted(value):
            language = None if expand_iri(term.term_ctx, key, vocab=True) == "@none" else key
            items = value[key]
            for item in items if isinstance(items, list) else (items,):
                if item is None:
                    continue
                if not isinstance(item, str):
                    raise Unsupported("language map value")  # pyld rejects it
                self.literal(
                    subject, term.iri, item, None, None if language is None else language.lower()
                )

    def scalar(self, term: _Term, value: Any, subject: str) -> None:
        """pyld `_expand_value` for a string, number or boolean, then into the node map."""
        coercion, language = term.scalar
        if isinstance(value, str):
            if coercion == "@id":
                iri = self.expand_iri(term.term_ctx, value, base=self.base)
                self.reference(_iri(iri), subject, term.iri)
                return
            if coercion == "@vocab":
                iri = self.expand_iri(term.term_ctx, value, vocab=True, base=self.base)
                self.reference(_iri(iri), subject, term.iri)
                return
        elif not isinstance(value, (bool, int, float)):
            raise Unsupported("value type")
        if coercion is not None and coercion not in ("@id", "@vocab", "@none"):
            self.literal(subject, term.iri, value, coercion, None)
        elif isinstance(value, str):
            self.literal(subject, term.iri, value, None, language)
        else:
            self.literal(subject, term.iri, value, None, None)

    def value_object(
        self, node: dict[str, Any], program: _Program, subject: str, prop: str
    ) -> None:
        assert program.is_value is not None
        value_key, language_key, direction_key = program.is_value
        for k in program.type_keys:
            if not isinstance(node[k], str):
                raise Unsupported("value object type")  # pyld wants a single string
        value = node[value_key]
        if value is None:
            return  # pyld drops the whole value object
        if not isinstance(value, (str, bool, int, float)):
            raise Unsupported("@value")
        language = None
        if language_key is not None:
            raw = node[language_key]
            if raw is not None:
                if not isinstance(raw, str) or not isinstance(value, str):
                    raise Unsupported("@language")
                language = raw.lower()
        if direction_key is not None and node[direction_key] not in ("ltr", "rtl"):
            raise Unsupported("@direction")
        datatype = program.types[0] if program.types else None
        self.literal(subject, prop, value, datatype, language)

    def literal(
        self, subject: str, prop: str, value: Any, datatype: str | None, language: str | None
    ) -> None:
        """pyld `_object_to_rdf` for a value object, added as in `_create_node_map`."""
        is_bool = value is True or value is False
        key = (value, is_bool, datatype, language)
        if is_bool:
            obj = {
                "type": "literal",
                "value": "true" if value else "false",
                "datatype": datatype or _XSD_BOOLEAN,
            }
        elif type(value) is str and datatype != _XSD_DOUBLE:
            if language is not None:
                obj = {
                    "type": "literal",
                    "value": value,
                    "datatype": datatype or _RDF_LANGSTRING,
                    "language": language,
                }
            else:
                obj = {"type": "literal", "value": value, "datatype": datatype or _XSD_STRING}
        elif type(value) is int and datatype != _XSD_DOUBLE and abs(value) < 10**21:
            obj = {"type": "literal", "value": str(value), "datatype": datatype or _XSD_INTEGER}
        else:
            # doubles, xsd:double and very large integers: pyld's own conversion
            if isinstance(value, float) and not math.isfinite(value):
                raise Unsupported("non-finite number")
            item: dict[str, Any] = {"@value": value}
            if datatype is not None:
                item["@type"] = datatype
            obj = self.proc._object_to_rdf(item, None, [], self.options)
        self.add(subject, prop, obj, key)

    def triples(self) -> list[dict[str, Any]]:
        """pyld `_graph_to_rdf` over the node map (subjects, then properties, sorted)."""
        triples: list[dict[str, Any]] = []
        append = triples.append
        graph = self.graph
        for subject in sorted(graph):
            if not _ABSOLUTE.match(subject):
                continue  # pyld skips relative subjects
            subject_type = "blank node" if subject.startswith("_:") else "IRI"
            props = graph[subject]
            for prop in sorted(props):
                predicate = _RDF_TYPE if prop == "@type" else prop
                for obj in props[prop][0]:
                    if obj is not None:
                        append(
                            {
                                "subject": {"type": subject_type, "value": subject},
                                "predicate": {"type": "IRI", "value": predicate},
                                "object": obj,
                            }
                        )
        return triples


class _Expansion(_Walk):
    """pyld's `expand` over the same programs as the RDF walk (pyld `_expand`,
    `_expand_object`, `_expand_value`, `_expand_language_map`), for the same documents."""

    def expand_node(
        self, ctx0: Any, key: str | None, node: dict[str, Any], depth: int
    ) -> dict[str, Any] | None:
        if depth > MAX_DEPTH:
            raise Unsupported("too deep")
        program = self.program(ctx0, key, node)
        if program.is_value is not None:
            return self.expand_value_object(node, program)
        out: dict[str, Any] = {}
        child_depth = depth + 1
        for k, role in program.order:
            if type(role) is str:
                if role == "@id":
                    raw = node[k]
                    if not isinstance(raw, str):
                        raise Unsupported("@id value")
                    out["@id"] = _iri(self.expand_iri(program.active, raw, base=self.base))
                elif role == "@type" and "@type" not in out and program.types:
                    out["@type"] = list(program.types)
                continue
            value = self.expand_term(role, node[k], child_depth)
            if value is None:
                continue
            slot = out.get(role.iri)
            if slot is None:
                out[role.iri] = value if type(value) is list else [value]
            elif type(value) is list:
                slot.extend(value)
            else:
                slot.append(value)
        return out

    def expand_term(self, term: _Term, value: Any, depth: int) -> Any:
        """pyld's expansion of one property value (None when it is dropped)."""
        if isinstance(value, list):
            out: list[Any] = []
            self.expand_items(term, value, out, depth)
            return out
        if isinstance(value, dict):
            if term.language_map:
                return self.expand_language_map(term, value)
            return self.expand_node(term.term_ctx, term.key, value, depth)
        if value is None:
            return None
        return self.expand_scalar(term, value)

    def expand_items(self, term: _Term, values: list[Any], out: list[Any], depth: int) -> None:
        if depth > MAX_DEPTH:
            raise Unsupported("too deep")
        for value in values:
            if isinstance(value, list):
                self.expand_items(term, value, out, depth + 1)
            elif isinstance(value, dict):
                item = self.expand_node(term.term_ctx, term.key, value, depth)
                if item is not None:
                    out.append(item)
            elif value is not None:
                out.append(self.expand_scalar(term, value))

    def expand_language_map(self, term: _Term, value: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for key in sorted(value):
            none = self.expand_iri(term.term_ctx, key, vocab=True) == "@none"
            items = value[key]
            for item in items if isinstance(items, list) else (items,):
                if item is None:
                    continue
                if not isinstance(item, str):
                    raise Unsupported("language map value")  # pyld rejects it
                expanded: dict[str, Any] = {"@value": item}
                if not none:
                    expanded["@language"] = key.lower()
                if term.direction:
                    expanded["@direction"] = term.direction
                out.append(expanded)
        return out

    def expand_scalar(self, term: _Term, value: Any) -> dict[str, Any]:
        coercion, language = term.scalar
        if isinstance(value, str):
            if coercion == "@id":
                return {"@id": _iri(self.expand_iri(term.term_ctx, value, base=self.base))}
            if coercion == "@vocab":
                iri = self.expand_iri(term.term_ctx, value, vocab=True, base=self.base)
                return {"@id": _iri(iri)}
        elif not isinstance(value, (bool, int, float)):
            raise Unsupported("value type")
        out: dict[str, Any] = {}
        if coercion is not None and coercion not in ("@id", "@vocab", "@none"):
            out["@type"] = coercion
        elif isinstance(value, str):
            if language is not None:
                out["@language"] = language
            if term.direction is not None:
                out["@direction"] = term.direction
        out["@value"] = value
        return out

    def expand_value_object(self, node: dict[str, Any], program: _Program) -> Any:
        for k in program.type_keys:
            if not isinstance(node[k], str):
                raise Unsupported("value object type")  # pyld wants a single string
        assert program.is_value is not None
        value = node[program.is_value[0]]
        if value is None:
            return None  # pyld drops the whole value object
        if not isinstance(value, (str, bool, int, float)):
            raise Unsupported("@value")
        out: dict[str, Any] = {}
        for k, role in program.order:
            if role == "@type":
                out["@type"] = program.types[0]
            elif role == "@value":
                out["@value"] = value
            elif role == "@language":
                raw = node[k]
                if raw is not None:
                    if not isinstance(raw, str) or not isinstance(value, str):
                        raise Unsupported("@language")
                    out["@language"] = raw.lower()
            elif role == "@direction":
                if node[k] not in ("ltr", "rtl"):
                    raise Unsupported("@direction")
                out["@direction"] = node[k]
        return out


def _check_container(ctx: Any, key: str) -> bool:
    """Refuse containers other than @set and @language; whether it is a language map."""
    container = _get_context_value(ctx, key, "@container")
    language = False
    for item in container if isinstance(container, list) else (container,):
        if item == "@language":
            language = True
        elif item is not None and item != "@set":
            raise Unsupported(f"container {item}")
    return language


def _iri(value: Any) -> str:
    if not isinstance(value, str):
        raise Unsupported("IRI")
    return value


def to_rdf(doc: Any, processor: Any, options: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The RDF dataset pyld's `processor.to_rdf(doc, options)` gives, or `Unsupported`.

    `options` are those of `to_rdf` after pyld's defaults for expansion (`base`,
    `contextResolver`, `processingMode`, ...); `processor` is the pyld processor whose
    context processing and IRI expansion are used.
    """
    if type(doc) is not dict:
        raise Unsupported("top level")
    walk = _Walk(processor, options)
    initial = processor._get_initial_context(options)
    walk.node(initial, None, doc, None, "", 0)
    return {"@default": walk.triples()}


def expand(doc: Any, processor: Any, options: dict[str, Any]) -> list[Any]:
    """What pyld's `processor.expand(doc, options)` gives, or `Unsupported` (same arguments
    as `to_rdf`)."""
    if type(doc) is not dict:
        raise Unsupported("top level")
    walk = _Expansion(processor, options)
    node = walk.expand_node(processor._get_initial_context(options), None, doc, 0)
    if node is None or "@value" in node:
        raise Unsupported("top-level value object")
    if not node or (len(node) == 1 and "@id" in node):
        return []  # pyld drops a top-level node that says nothing
    return [node]
