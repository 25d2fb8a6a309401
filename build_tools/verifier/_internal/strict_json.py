"""Strict JSON: duplicate keys, NaN/Infinity, huge numbers and deep nesting refused."""

from __future__ import annotations

import gc
import json
import re
import sys
from itertools import accumulate, compress, repeat
from operator import contains
from typing import Any, NamedTuple

from .errors import InputError

MAX_DEPTH = 64
MAX_NODES = 500_000
MAX_INT_DIGITS = 40


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    out = {}
    for key, value in pairs:
        if key in out:
            raise InputError(
                "FORMAT_DUPLICATE_KEY",
                "The file contains the same field twice, so different programs could read "
                "different values from it.",
                f"duplicate member name {key[:80]!r}",
            )
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise InputError(
        "FORMAT_INVALID_JSON", "The file is not valid JSON.", f"non-standard constant {name}"
    )


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise InputError(
            "FORMAT_NUMBER_TOO_LARGE",
            "The file contains a number too large to be meaningful.",
            f"integer with {len(text)} digits",
        )
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 64:
        raise InputError(
            "FORMAT_NUMBER_TOO_LARGE",
            "The file contains a number too large to be meaningful.",
            f"number literal of {len(text)} characters",
        )
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InputError(
            "FORMAT_NUMBER_TOO_LARGE",
            "The file contains a number too large to be meaningful.",
            f"number {text[:40]} overflows",
        )
    return value


def check_shape(value: Any, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Bound nesting depth and node count (iteratively; later stages recurse).

    Depth first, in the same order as a plain stack walk, so the first limit met is always the
    same one. Values come from `json`, so an exact type test is enough.
    """
    if not isinstance(value, (dict, list)):
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    pop, push = stack.pop, stack.append
    nodes = 1
    while stack:
        item, depth = pop()
        if depth > max_depth:
            raise InputError(
                "FORMAT_TOO_DEEP",
                "The file is nested far more deeply than any credential.",
                f"nesting deeper than {max_depth} levels",
            )
        children = item.values() if type(item) is dict else item
        nodes += len(children)
        if nodes > max_nodes:
            raise InputError(
                "FORMAT_TOO_LARGE",
                "The file holds far more data than any credential.",
                f"more than {max_nodes} JSON values",
            )
        depth += 1
        for child in children:
            if type(child) in _CONTAINERS:
                push((child, depth))


_CONTAINERS = frozenset({dict, list})
_IS_CONTAINER_TYPE = _CONTAINERS.__contains__
_LEVELWISE_FROM = 8192


class Totals(NamedTuple):
    """What one level-wise pass found in a parsed value (see `_measure`): what the shape
    check bounds, and what the JSON-LD size check (jsonld/limits.py) bounds, so that check
    need not walk the document again."""

    values: int  # 1 + the items of every list + the members of every object
    containers: int  # lists and objects (so at least the objects)
    widest: int  # the most items or members of one list or object
    contexts: int  # entries of "@context" values (a list counts its items), all levels
    context_terms: int  # members of the objects among those entries


def _measure(value: dict[str, Any] | list[Any], max_depth: int, max_nodes: int) -> Totals | None:
    """The totals of `value` when it passes `check_shape` (at most MAX_DEPTH levels of
    containers and MAX_NODES values), else None; a level at a time with no Python code per
    value: `gc.get_referents` of a level's containers lists their values (for lists, the
    items; for dicts, the values, and also the keys when they are not all strings, which are
    never containers), and the containers among them make up the next level. Values are
    counted (with `len`) before a level is expanded, so no level holds more than MAX_NODES of
    them. Python code runs only for the objects that hold "@context".

    Faster than `check_shape` on large documents, slower on small ones (a fixed cost per
    level), so strict_json uses it from _LEVELWISE_FROM characters on."""
    level: list[Any] = [value]
    nodes = containers = 1
    widest = contexts = context_terms = 0
    for _depth in range(max_depth):
        lengths = list(map(len, level))
        nodes += sum(lengths)
        if nodes > max_nodes:
            return None
        widest = max(widest, max(lengths))
        for node in compress(level, map(contains, level, repeat("@context"))):
            if type(node) is dict:  # (a list holding the string "@context" is no context)
                item = node["@context"]
                for ctx in item if type(item) is list else (item,):
                    contexts += 1
                    if type(ctx) is dict:
                        context_terms += len(ctx)
        children = gc.get_referents(*level)
        level = list(compress(children, map(_IS_CONTAINER_TYPE, map(type, children))))
        containers += len(level)
        if not level:
            return Totals(nodes, containers, widest, contexts, context_terms)
    return None  # containers deeper than MAX_DEPTH levels


# One decoder for every call (json.loads would build one per call with these hooks).
_STRICT_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates,
    parse_constant=_no_constant,
    parse_int=_parse_int,
    parse_float=_parse_float,
)


# Pyodide's C JSON parser has no working depth guard: a document nested a few thousand levels
# deep overflows the JavaScript stack and kills the interpreter. CPython's parser counts its
# nesting against the recursion limit and raises RecursionError instead (tests/verifier/
# test_speed_json.py holds it to that). So in the browser nesting is measured before parsing,
# whenever the document holds enough brackets to be deeply nested (cheap counts first; the scan
# costs about a JSON parse). On CPython the same measurement runs only when parsing or the shape
# check fails, and takes precedence there, so every input gets the same code and detail as
# with the measurement first.
_PRESCAN_OPENERS = 512
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_EMSCRIPTEN = sys.platform == "emscripten"
# Above this recursion limit CPython 3.11's parser could reach the C stack's end before it
# raises RecursionError, so the measurement goes first again.
_PARSER_SAFE_RECURSION_LIMIT = 10_000


def _nesting(text: str) -> int:
    """Deepest bracket nesting outside JSON strings (escaped quotes and backslashes removed)."""
    outside = "".join(text.replace("\\\\", "").replace('\\"', "").split('"')[0::2])
    brackets = _NOT_BRACKET.sub("", outside)
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _too_deep(text: str) -> InputError | None:
    """FORMAT_TOO_DEEP when the pre-parse measurement refuses `text`, else None."""
    if text.count("{") + text.count("[") > _PRESCAN_OPENERS and _nesting(text) > MAX_DEPTH:
        return InputError(
            "FORMAT_TOO_DEEP",
            "The file is nested far more deeply than any credential.",
            f"nesting deeper than {MAX_DEPTH} levels",
        )
    return None


def measures_first() -> bool:
    """Whether nesting must be measured before the parser sees the text (see above)."""
    return _EMSCRIPTEN or sys.getrecursionlimit() > _PARSER_SAFE_RECURSION_LIMIT


# A \uD800-\uDFFF escape: the parser pairs a high and a low one into one character, and
# leaves any other as a lone surrogate, which is no character (RFC 8259 §8.2, RFC 7493 §2.1)
# and cannot be written as UTF-8 again: such a string is refused.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _parse(text: str) -> Any:
    try:
        # A leading BOM is refused by json.loads with its own message (the decoder alone
        # would not check it).
        value = json.loads(text) if text.startswith("\ufeff") else _STRICT_DECODER.decode(text)
        if _SURROGATE_ESCAPE.search(text):
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except UnicodeEncodeError as exc:
        raise InputError(
            "FORMAT_INVALID_JSON",
            "The file is not valid JSON (it may be cut short or damaged).",
            "a string holds a lone UTF-16 surrogate escape (\\ud800-\\udfff), which is no "
            "character",
        ) from exc
    except InputError:
        raise
    except RecursionError as exc:
        raise InputError(
            "FORMAT_TOO_DEEP",
            "The file is nested far more deeply than any credential.",
            "nesting exceeds the parser limit",
        ) from exc
    except ValueError as exc:
        raise InputError(
            "FORMAT_INVALID_JSON",
            "The file is not valid JSON (it may be cut short or damaged).",
            str(exc)[:200],
        ) from exc


def check_parsed_shape(
    value: Any, size: int, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES
) -> Totals | None:
    """check_shape for a value parsed from `size` characters (the level-wise pass first when
    that is faster; the walk then only runs to name the limit a document exceeds). Returns
    the pass's totals when it ran and passed, else None."""
    if size < _LEVELWISE_FROM or not isinstance(value, (dict, list)):
        check_shape(value, max_depth, max_nodes)
        return None
    totals = _measure(value, max_depth, max_nodes)
    if totals is None:
        check_shape(value, max_depth, max_nodes)
    return totals


def strict_json(text: str | bytes, *, measure_first: bool | None = None) -> Any:
    """Parse JSON strictly: duplicate keys, NaN/Infinity, huge numbers and deep nesting fail.

    Nesting is measured before parsing when `measure_first` says so; by default, when this
    platform needs it (`measures_first`)."""
    return strict_json_measured(text, measure_first=measure_first)[0]


def strict_json_measured(
    text: str | bytes, *, measure_first: bool | None = None
) -> tuple[Any, Totals | None]:
    """`strict_json`, and the totals of the parsed value when the level-wise pass measured
    it (large documents), else None."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                "FORMAT_NOT_UTF8",
                "The file is not valid UTF-8 text.",
                f"invalid byte at offset {exc.start}",
            ) from exc
    if measures_first() if measure_first is None else measure_first:
        deep = _too_deep(text)
        if deep is not None:
            raise deep
        value = _parse(text)
        return value, check_parsed_shape(value, len(text))
    try:
        value = _parse(text)
        totals = check_parsed_shape(value, len(text))
    except InputError as exc:
        # The measurement's verdict comes first, as when it runs before parsing. A document
        # that parses and passes check_shape is at most MAX_DEPTH deep, which is exactly what
        # the measurement finds in valid JSON, so only failures need it.
        deep = _too_deep(text)
        if deep is not None:
            raise deep from exc
        raise
    return value, totals
