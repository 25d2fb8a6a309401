"""The canonical compact form of signed data (docs/adr/0007) and where a file differs from it."""

from __future__ import annotations

from typing import Any

from ...messages import msg
from . import rdf_fast as _rdf_fast
from .contexts import document_loader
from .expand import _input, _options, _processor, _translate
from .limits import JsonLdStrictError
from .pyld_setup import pyld as _pyld
from .rdf_fast import MAX_DEPTH
from .urdna2015 import _fast_options

_get_context_value = _pyld.JsonLdProcessor.get_context_value


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
        expanded = _expand(doc, processor, options)
        compacted = _compact(expanded, published, processor, options)
    except RecursionError as exc:
        raise JsonLdStrictError("JSONLD_INVALID", "The document is nested too deeply.") from exc
    except Exception as exc:
        raise _translate(exc) from exc
    split = _split_structure({k: v for k, v in compacted.items() if k != opaque})
    if split is not None:
        raise JsonLdStrictError("JSONLD_NOT_COMPACT", _NOT_COMPACT, split)
    return compacted


def _expand(doc: dict[str, Any], processor: Any, options: dict[str, Any]) -> Any:
    """pyld's expansion of `doc`: by the one walk of `rdf_fast` when it takes the document
    (the same expanded form, in a fraction of the time), else by pyld, which then also
    reports any error."""
    try:
        return _rdf_fast.expand(doc, processor, _fast_options())
    except Exception:
        pass  # anything unusual is left to pyld, which then decides
    return processor.expand(_input(doc), dict(options))


def _compact(
    expanded: Any, published: list[str], processor: Any, options: dict[str, Any]
) -> dict[str, Any]:
    """pyld's compaction of `expanded` with the `published` contexts: by the walk below when
    it takes the expanded form (the same JSON, in a fraction of the time), else by pyld."""
    try:
        return _compact_by_walk(expanded, published, processor, options)
    except Exception:
        pass  # anything unusual is left to pyld, which then decides
    compacted: dict[str, Any] = processor.compact(
        expanded, {"@context": published}, dict(options, skipExpansion=True)
    )
    return compacted


_NOT_COMPACT = msg(
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
    stack: list[Any] = [compacted]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict) or "@value" in value:
            continue
        keys = [k for k in value if k != "@context"]
        if not _STRUCTURE_KEYWORDS.isdisjoint(keys):
            return _keyword_at(compacted)
        ident = value.get("id", value.get("@id"))
        if isinstance(ident, str):
            if all(k in ("id", "@id") for k in keys):
                references.append(ident)
            else:
                described.add(ident)
        stack.extend(value.values())
    for ident in references:
        if ident in described:
            return f"{ident[:80]} is referred to in one place and described in another"
    return None


def _keyword_at(compacted: Any) -> str | None:
    """The first structural keyword `_split_structure` meets, and where (the same walk, with
    the path of each value)."""
    stack: list[tuple[Any, str]] = [(compacted, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
            continue
        if not isinstance(value, dict) or "@value" in value:
            continue
        for key in value:
            if key != "@context" and key in _STRUCTURE_KEYWORDS:
                return f"{key} at {path or 'the top level'}"
        stack.extend((item, f"{path}.{key}" if path else key) for key, item in value.items())
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
    if _same(given, canonical):
        return None  # the usual case, found without writing the path of every value
    return _difference(given, canonical, path)


def _same(given: Any, canonical: Any) -> bool:
    """Whether `first_difference` finds no difference."""
    if isinstance(given, list):
        if not isinstance(canonical, list):
            return len(given) == 1 and _same(given[0], canonical)
        return len(given) == len(canonical) and all(
            _same(a, b) for a, b in zip(given, canonical, strict=True)
        )
    if isinstance(canonical, list):
        return len(canonical) == 1 and _same(given, canonical[0])
    if isinstance(given, dict):
        return (
            isinstance(canonical, dict)
            and len(given) == len(canonical)
            and all(key in canonical and _same(v, canonical[key]) for key, v in given.items())
        )
    return not isinstance(canonical, dict) and _same_scalar(given, canonical)


def _difference(given: Any, canonical: Any, path: str) -> str | None:
    if isinstance(given, list) and len(given) == 1 and not isinstance(canonical, list):
        return _difference(given[0], canonical, path)
    if isinstance(canonical, list) and len(canonical) == 1 and not isinstance(given, list):
        return _difference(given, canonical[0], path)
    here = path or "the top level"
    if isinstance(given, dict) and isinstance(canonical, dict):
        extra = [k for k in given if k not in canonical]
        missing = [k for k in canonical if k not in given]
        if extra or missing:
            shown = ", ".join(repr(k)[:80] for k in extra[:4]) or "nothing"
            wanted = ", ".join(repr(k)[:80] for k in missing[:4]) or "nothing"
            return f"at {here} the file has {shown} where the signed data reads {wanted}"
        for key, value in given.items():
            found = _difference(value, canonical[key], f"{path}.{key}" if path else key)
            if found is not None:
                return found
        return None
    if isinstance(given, list) and isinstance(canonical, list):
        if len(given) != len(canonical):
            return f"at {here} {len(given)} values where the signed data reads {len(canonical)}"
        for i, (a, b) in enumerate(zip(given, canonical, strict=True)):
            found = _difference(a, b, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(given, (dict, list)) or isinstance(canonical, (dict, list)):
        return f"at {here} the value is written in another form than the signed data's"
    if not _same_scalar(given, canonical):
        return f"at {here} {str(given)[:80]!r} where the signed data reads {str(canonical)[:80]!r}"
    return None


# --------------------------------------------------------------------------- the compaction walk


class Unsupported(Exception):
    """The expanded form uses something the compaction walk does not model; use pyld's."""


# Memo of the walk: key -> (the active context the entry was worked out under, result). The
# contexts are pyld's processed ones (bundled contexts only) and are kept alive in the entry
# and compared by identity, so a recycled `id()` never matches; a hostile document can make
# the walk slower, not the memo bigger than this.
_MEMO: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_MEMO_MAX = 20_000
_ABSENT = object()


def _remember(key: tuple[Any, ...], ctx: Any, value: Any) -> Any:
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    if len(_MEMO) < _MEMO_MAX:
        _MEMO[key] = (ctx, value)
    return value


def _recall(key: tuple[Any, ...], ctx: Any) -> Any:
    hit = _MEMO.get(key)
    return hit[1] if hit is not None and hit[0] is ctx else _ABSENT


def _shape(item: Any) -> tuple[Any, ...]:
    """What pyld's IRI compaction reads from a property's value to choose its term: for a
    value object its entries besides `@value`, for a node object its `@id`."""
    if type(item) is not dict:
        raise Unsupported("expanded value")
    if "@value" in item:
        meta = []
        for key, value in item.items():
            if key == "@value":
                if isinstance(value, (dict, list)):
                    raise Unsupported("@json")
            elif key in ("@type", "@language", "@direction") and type(value) is str:
                meta.append((key, value))
            else:
                raise Unsupported(key)
        return ("v", tuple(meta))
    for key in item:
        if key.startswith("@") and key not in ("@id", "@type"):
            raise Unsupported(key)
    node_id = item.get("@id", _ABSENT)
    if node_id is not _ABSENT and type(node_id) is not str:
        raise Unsupported("@id")
    return ("n", None if node_id is _ABSENT else node_id)


class _Compaction:
    """pyld's `_compact` (compactArrays, no framing) over expanded node objects, value objects
    and node references with a `@set` or `@language` container, each decision of pyld's taken
    by pyld's own methods once per active context and value shape and then remembered."""

    def __init__(self, processor: Any, options: dict[str, Any]) -> None:
        self.proc = processor
        self.options = options
        self.base = options.get("base", "")

    def iri(self, ctx: Any, iri: str, vocab: bool) -> Any:
        """pyld `_compact_iri` without a value (a type, an `@id`, a keyword)."""
        key = ("iri", id(ctx), iri, vocab, self.base)
        hit = _recall(key, ctx)
        if hit is _ABSENT:
            base = None if vocab else self.base
            hit = _remember(key, ctx, self.proc._compact_iri(ctx, iri, vocab=vocab, base=base))
        return hit

    def scoped(self, ctx: Any, prop: Any) -> Any:
        """The context after `prop`'s scoped context (the start of pyld `_compact`)."""
        key = ("scoped", id(ctx), prop)
        hit = _recall(key, ctx)
        if hit is _ABSENT:
            local = _get_context_value(ctx, prop, "@context")
            hit = ctx
            if local is not None:
                hit = self.proc._process_context(
                    ctx, local, self.options, propagate=True, override_protected=True
                )
            _remember(key, ctx, hit)
        return hit

    def program(self, ctx: Any, prop: Any, types: tuple[str, ...]) -> tuple[Any, ...]:
        """For a node object under `prop` with `types`: (its active context, the `@id` alias,
        the `@type` alias, whether `@type` is an array, its compacted types)."""
        key = ("node", id(ctx), prop, types)
        hit = _recall(key, ctx)
        if hit is not _ABSENT:
            return hit
        proc, options = self.proc, self.options
        input_ctx = self.scoped(ctx, prop)
        active = input_ctx.get("previousContext", input_ctx)
        local = _get_context_value(input_ctx, prop, "@context")
        if local is not None:
            active = proc._process_context(
                active, local, options, propagate=True, override_protected=True
            )
        type_ctx = active
        for t in sorted(types):
            local = _get_context_value(input_ctx, self.iri(type_ctx, t, True), "@context")
            if local is not None:
                active = proc._process_context(active, local, options, propagate=False)
        compacted: Any = [self.iri(input_ctx, t, True) for t in types]
        type_alias = self.iri(active, "@type", False)
        container = _containers(active, type_alias)
        as_set = "@set" in container and proc._processing_mode(active, 1.1)
        if len(compacted) == 1:
            compacted = compacted[0]
        id_alias = self.iri(active, "@id", False)
        found = (active, id_alias, type_alias, as_set or compacted == [], compacted)
        return _remember(key, ctx, found)

    def term(
        self, ctx: Any, iri: str, item: dict[str, Any], shape: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        """The term pyld chooses for `iri` with the value `item` of that shape: (term, whether
        its values are an array, whether it is a language map)."""
        key = ("term", id(ctx), iri, shape)
        hit = _recall(key, ctx)
        if hit is not _ABSENT:
            return hit
        term = self.proc._compact_iri(ctx, iri, item, vocab=True, reverse=False)
        if ctx["mappings"].get(term, {}).get("@nest"):
            raise Unsupported("@nest")
        container = _containers(ctx, term)
        if any(c not in ("@set", "@language") for c in container):
            raise Unsupported("container")
        found = (term, "@set" in container, "@language" in container)
        return _remember(key, ctx, found)

    def value(
        self, ctx: Any, iri: str, item: dict[str, Any], shape: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        """The term of `iri` for a value object of this shape, as `term` gives it, and how
        pyld's `_compact_value` writes the value (the same for every `@value` of the shape):
        None for the bare `@value`, else the object it makes and its key for `@value`."""
        key = ("value", id(ctx), iri, shape, type(item["@value"]) is str)
        hit = _recall(key, ctx)
        if hit is not _ABSENT:
            return hit
        term, as_array, language_map = self.term(ctx, iri, item, shape)
        scoped = self.scoped(ctx, term)
        compacted = self.proc._compact_value(scoped, term, item, self.options)
        plan = None
        if type(compacted) is dict:
            plan = (dict(compacted), self.iri(scoped, "@value", False))
        return _remember(key, ctx, (term, as_array, language_map, plan))

    def reference(self, ctx: Any, prop: Any, iri: str) -> Any:
        """pyld `_compact_value` of a node reference."""
        key = ("ref", id(ctx), prop, iri)
        hit = _recall(key, ctx)
        if hit is _ABSENT:
            scoped = self.scoped(ctx, prop)
            hit = self.proc._compact_value(scoped, prop, {"@id": iri}, self.options)
            _remember(key, ctx, hit)
        return dict(hit) if type(hit) is dict else hit

    def node(self, ctx: Any, prop: Any, item: dict[str, Any], node_id: Any, depth: int) -> Any:
        """pyld `_compact` of a node object or reference under `prop`."""
        if depth > MAX_DEPTH:
            raise Unsupported("too deep")
        if len(item) == 1 and node_id is not None:
            return self.reference(ctx, prop, node_id)
        types = item.get("@type", ())
        if type(types) is not tuple:
            if type(types) is not list or not all(type(t) is str for t in types):
                raise Unsupported("@type")
            types = tuple(types)
        active, id_alias, type_alias, type_as_array, compacted_types = self.program(
            ctx, prop, types
        )
        out: dict[str, Any] = {}
        for key in sorted(item):
            values = item[key]
            if key == "@id":
                out[id_alias] = self.iri(active, values, False)
            elif key == "@type":
                _add(out, type_alias, compacted_types, type_as_array)
            elif type(values) is not list or not values:
                raise Unsupported("property value")
            else:
                self.property(active, key, values, out, depth + 1)
        return out

    def property(
        self, ctx: Any, iri: str, values: list[Any], out: dict[str, Any], depth: int
    ) -> None:
        for item in values:
            shape = _shape(item)
            if shape[0] == "v":
                term, as_array, language_map, plan = self.value(ctx, iri, item, shape)
                compacted = item["@value"]
                if plan is not None:
                    template, value_key = plan
                    compacted = dict(template)
                    compacted[value_key] = item["@value"]
            else:
                term, as_array, language_map = self.term(ctx, iri, item, shape)
                compacted = self.node(ctx, term, item, shape[1], depth)
            if language_map:
                if type(compacted) is dict and "@value" in compacted:
                    compacted = compacted["@value"]
                key = item.get("@language") or self.iri(ctx, "@none", False)
                _add(out.setdefault(term, {}), key, compacted, as_array)
            else:
                _add(out, term, compacted, as_array)


def _containers(ctx: Any, term: Any) -> tuple[Any, ...]:
    """The term's `@container` as a tuple (pyld reads it through `arrayify`)."""
    container = _get_context_value(ctx, term, "@container")
    if container is None:
        return ()
    return tuple(container) if isinstance(container, list) else (container,)


def _add(subject: dict[str, Any], key: str, value: Any, as_array: bool) -> None:
    """pyld's `add_value(subject, key, value, {'propertyIsArray': as_array})`."""
    if type(value) is list:
        if not value and as_array and key not in subject:
            subject[key] = []
        for item in value:
            _add(subject, key, item, as_array)
    elif key in subject:
        present = subject[key]
        if type(present) is not list:
            present = subject[key] = [present]
        present.append(value)
    else:
        subject[key] = [value] if as_array else value


def _compact_by_walk(
    expanded: list[Any], published: list[str], processor: Any, options: dict[str, Any]
) -> dict[str, Any]:
    """pyld's `compact(expanded, {"@context": published}, skipExpansion)`, or `Unsupported`."""
    if type(expanded) is not list or len(expanded) > 1:
        raise Unsupported("top level")
    options = dict(options)  # pyld's `compact` defaults, as far as the walk reads them
    options.setdefault(
        "contextResolver",
        _pyld.ContextResolver(_pyld._resolved_context_cache, options["documentLoader"]),
    )
    initial = processor._get_initial_context(options)
    key = ("top", id(initial), tuple(published))
    active = _recall(key, initial)
    if active is _ABSENT:
        active = processor.process_context(initial, {"@context": published}, options)
        _remember(key, initial, active)
    walk = _Compaction(processor, options)
    compacted: Any = {}
    if expanded:
        kind, node_id = _shape(expanded[0])
        if kind != "n":
            raise Unsupported("top-level value object")
        compacted = walk.node(active, None, expanded[0], node_id, 0)
    if type(compacted) is not dict:
        raise Unsupported("top level")
    if not published:
        return compacted
    return {"@context": published[0] if len(published) == 1 else list(published), **compacted}
