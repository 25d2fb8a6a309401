"""The JSON-LD size check settles on the totals measured while reading, with the answer of
its own walk.

strict_json's level-wise shape pass (large documents) also totals what `check_size` bounds;
`check_size(doc, totals)` then skips its walk when the totals are within every limit. These
tests hold the totals to a plain count and the outcome to the walk's, limit by limit, with
the limits lowered so that random documents meet each of them.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from build_tools.verifier import jsonld as jl
from build_tools.verifier.testing import (
    read_envelope,
    size_limits,
    strict_json_measured,
    within_size_limits,
)

PAD = "p" * 9000  # makes every document long enough for the level-wise pass


def _reference(value: Any) -> tuple[int, int, int, int, int]:
    """(values, lists and objects, widest list or object, @context entries, their terms),
    counted one value at a time as check_size counts them."""
    values = containers = 1
    widest = contexts = terms = 0
    stack = [value]
    while stack:
        item = stack.pop()
        children = list(item.values()) if type(item) is dict else item
        values += len(children)
        widest = max(widest, len(children))
        if type(item) is dict and "@context" in item:
            ctx = item["@context"]
            for entry in ctx if type(ctx) is list else [ctx]:
                contexts += 1
                terms += len(entry) if type(entry) is dict else 0
        for child in children:
            if type(child) in (dict, list):
                containers += 1
                stack.append(child)
    return values, containers, widest, contexts, terms


def _random_doc(rnd: random.Random) -> dict[str, Any]:
    def make(depth: int) -> Any:
        pick = rnd.random()
        if depth > 6 or pick < 0.35:
            return rnd.choice([1, "x", None, True, 2.5, "@context", {}, []])
        if pick < 0.6:
            return [make(depth + 1) for _ in range(rnd.randint(0, 6))]
        node = {f"k{i}": make(depth + 1) for i in range(rnd.randint(0, 5))}
        if rnd.random() < 0.3:
            listed = [make(depth + 1) for _ in range(rnd.randint(1, 3))]
            node["@context"] = rnd.choice(
                [
                    "https://e.example/c",
                    None,
                    {"a": "http://e/a", "b": "http://e/b"},
                    [],
                    {},
                    listed,
                ]
            )
        return node

    return {"pad": PAD, "doc": make(0)}


def _outcome(fn: Any, *args: Any) -> tuple[str, str] | None:
    try:
        fn(*args)
    except jl.JsonLdStrictError as exc:
        return (exc.code, exc.detail)
    return None


def test_totals_match_a_plain_count_and_check_size_answers_as_its_walk() -> None:
    rnd = random.Random(5)
    used = refused = 0
    with size_limits(values=40, objects=12, array_length=4, contexts=3, context_terms=3):
        for _ in range(3000):
            doc = _random_doc(rnd)
            value, totals = strict_json_measured(json.dumps(doc))
            assert totals is not None
            assert tuple(totals) == _reference(value)
            walked = _outcome(jl.check_size, value)
            assert _outcome(jl.check_size, value, totals) == walked, doc
            used += within_size_limits(totals)
            refused += walked is not None
    assert used > 300 and refused > 300, (used, refused)  # both answers were exercised


def test_small_documents_have_no_totals_and_are_walked() -> None:
    value, totals = strict_json_measured('{"@context": "https://e.example/c", "a": [1, 2]}')
    assert totals is None
    assert value["a"] == [1, 2]


def test_the_totals_of_a_jades_payload_are_kept_with_its_document(vectors: Path) -> None:
    data = (vectors / "europass-edc/Sample-MC-Annex1-signed.jsonld").read_bytes()
    env = read_envelope(data, max_bytes=len(data))
    assert env.totals is not None
    assert tuple(env.totals) == _reference(env.document)
    assert within_size_limits(env.totals)
