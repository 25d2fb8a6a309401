"""Limits on JSON-LD work, the error strict processing raises, and the size check."""

from __future__ import annotations

from typing import Any

from ..errors import CodedError
from ..strict_json import Totals

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


class JsonLdStrictError(CodedError):
    """A document that strict processing refuses; `code` is a stable verifier check code."""


_CONTAINERS = frozenset({dict, list})


def _too_complex(code: str, what: str, limit: int) -> JsonLdStrictError:
    return JsonLdStrictError(
        code,
        "The credential is far larger or more complex than any real credential, so it was not "
        "checked.",
        f"more than {limit} {what}",
    )


def within_limits(totals: Totals) -> bool:
    """Whether a document with these totals (from reading it, strict_json) is within every
    limit above, so that `check_size` cannot refuse it (its counts never exceed the totals;
    lists count as objects here, so a document of more than MAX_OBJECTS lists and objects
    is left to the walk)."""
    return (
        totals.values <= MAX_VALUES
        and totals.widest <= MAX_ARRAY_LENGTH
        and totals.containers <= MAX_OBJECTS
        and totals.contexts <= MAX_CONTEXTS
        and totals.context_terms <= MAX_CONTEXT_TERMS
    )


def check_size(doc: Any, totals: Totals | None = None) -> None:
    """Refuse documents over the limits above, before pyld (whose work grows faster than the
    document) or the term walker see them. `totals`, when given, are those of `doc` as read:
    within the limits, they settle it. Otherwise one walk with an explicit stack (nesting is
    bounded when the JSON is read) that holds only lists and objects: a value is tested once,
    where it is found, never pushed and popped; it names the first limit met."""
    if totals is not None and within_limits(totals):
        return
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
            for item in value:
                if type(item) in _CONTAINERS:
                    push(item)
        elif type(value) is dict:
            objects += 1
            values += len(value)
            if objects > MAX_OBJECTS:
                raise _too_complex("JSONLD_TOO_MANY_NODES", "objects", MAX_OBJECTS)
            if "@context" in value:
                item = value["@context"]
                for ctx in item if type(item) is list else (item,):
                    contexts += 1
                    if type(ctx) is dict:
                        context_terms += len(ctx)
            for item in value.values():
                if type(item) in _CONTAINERS:
                    push(item)
            if values > MAX_VALUES:
                raise _too_complex("JSONLD_TOO_MANY_NODES", "values", MAX_VALUES)
            if contexts > MAX_CONTEXTS:
                raise _too_complex("JSONLD_TOO_MANY_CONTEXTS", "vocabularies", MAX_CONTEXTS)
            if context_terms > MAX_CONTEXT_TERMS:
                raise _too_complex(
                    "JSONLD_TOO_MANY_CONTEXTS", "inline term definitions", MAX_CONTEXT_TERMS
                )
