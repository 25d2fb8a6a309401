"""The term walker: undefined terms and relative IRIs found without building RDF."""

from __future__ import annotations

from typing import Any

from ..strict_json import Totals
from .contexts import bundled_context, is_bundled
from .expand import _ABSOLUTE, _raise_dropped, _relative_iri_error, expand_strict
from .limits import JsonLdStrictError, check_size


class _Unsure(Exception):
    """The fast term walker met a JSON-LD feature it does not model; use full expansion."""


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
            if not is_bundled(item):
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


def _is_relative_ref(value: Any, id_type: str, ctx: _Ctx) -> bool:
    """Whether `value`, the value of a term coerced to `@id` or `@vocab` (`id_type`), is a
    string that stands for a relative IRI (under `@vocab`, a term `ctx` defines does not)."""
    return (
        isinstance(value, str)
        and not _is_absolute(value)
        and not (id_type == "@vocab" and ctx.defines(value))
    )


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
                    elif id_type is not None and _is_relative_ref(item, id_type, child):
                        relative.append(item)
            elif id_type is not None and _is_relative_ref(value, id_type, child):
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


def check_terms(doc: Any, totals: Totals | None = None) -> None:
    """Fail on unknown contexts, undefined terms and relative IRIs, without building RDF.

    A fast walk over the term definitions of the bundled contexts covers the shapes real
    credentials use; anything it does not model (e.g. @nest, @reverse, index maps) falls back
    to full expansion with `expand_strict`, so the answer is the same either way. `totals`:
    those of `doc` as read, if known (`check_size`).
    """
    check_size(doc, totals)
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
