"""`check_terms` (verifier/jsonld.py) against the recorded outcomes of the term walker it
replaced, and against itself.

Recorded outcomes. Every input below is built deterministically: the known documents (every
file under tests/vectors/ as parsed JSON, with unsecured forms and proof configurations, and
the credential the verifier reads out of each envelope: JAdES payloads, JWT claims,
presentation items; the credentials issued by tests/verifier/_make.py), hand-written cases,
documents generated from seeded `random.Random` draws (undefined terms, typos, relative IRIs,
scoped contexts, @vocab, keyword aliases, nested and shared nodes, arrays, value objects,
lists), mutations of the EU micro-credential sample, and the documents of the memo bound test.
data/check_terms_outcomes.json holds, for each input, an id, the SHA-256 of the input and the
outcome of the previous walker (`build_tools/verifier/jsonld.py` as of commit
`REFERENCE_COMMIT`, before node shapes and IRIs were remembered): "ok", or the exception's type
name, code, message, detail and text. The tests rebuild the inputs, check that each one still
has its recorded hash (otherwise the inputs changed and the outcomes must be re-recorded), and
check that `check_terms` gives the recorded outcome on a first call, on a second call (from the
memos) and, for the known documents, with the memos out of room. No git is needed to run them.

The hash is of `canonical_text(doc)`: for a plain JSON document (exact dict, list, str, int,
float, bool, None; string keys) the text of
`json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`, built without
recursion so that documents nested deeper than `json` goes hash the same on every Python;
for any other document (non-string keys, str subclasses) a repr-based text, "repr:" then each
key and scalar as `type name:repr` in insertion order. Either is UTF-8 encoded with
"surrogatepass" (vectors may hold lone surrogates). Key order is not part of a plain document's
hash; the generators are deterministic in it too.

Re-recording, only after a deliberate change of the inputs (new vectors, different
generators), from the repository root with its git history:

    python -m tests.verifier.record_check_terms --from-git c585a7809b9e4c8f29dc0cdbc55eb93585f137ec

(tests/verifier/record_check_terms.py: the reference jsonld.py read with `git show` and run over
every input here). Review the diff of the data file: outcomes of unchanged inputs must not move.

Self-consistency. Documents generated with hypothesis (the same shapes, drawn more freely) and
hypothesis mutations of the EU sample must give the same outcome on a first call, a second
call and with the memos out of room, and must be left unchanged.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.verifier import jsonld, testing

from .conftest import VECTORS
from .test_jsonld_fast import CONTEXT_SETS, IRIS, ISSUED_DOCUMENTS, VECTOR_DOCUMENTS, _pools

# The last commit whose jsonld.py holds the previous term walker.
REFERENCE_COMMIT = "c585a7809b9e4c8f29dc0cdbc55eb93585f137ec"
RECORD_COMMAND = f"python -m tests.verifier.record_check_terms --from-git {REFERENCE_COMMIT}"
OUTCOMES_FILE = Path(__file__).resolve().parent / "data" / "check_terms_outcomes.json"
EU_SAMPLE = VECTORS / "europass-edc" / "Sample-MC-Annex1-signed.jsonld"

Outcome = tuple[Any, ...]
T = TypeVar("T")


def outcome(check: Callable[[Any], None], doc: Any) -> Outcome:
    """("ok",) or the exception: its type name, code, message, detail and text."""
    try:
        check(doc)
    except Exception as exc:  # every kind of failure must be the same as recorded
        return (
            type(exc).__name__,
            getattr(exc, "code", None),
            getattr(exc, "message", None),
            getattr(exc, "detail", None),
            str(exc),
        )
    return ("ok",)


def as_recorded(result: Outcome) -> list[Any]:
    """An outcome as it reads back from the data file (tuples become lists)."""
    loaded = json.loads(json.dumps(list(result), ensure_ascii=False))
    assert isinstance(loaded, list)
    return loaded


# --------------------------------------------------------------------------- input hashes

_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _is_plain(doc: Any) -> bool:
    """Whether `doc` is JSON made of exact builtin types with string keys (no recursion)."""
    todo = [doc]
    while todo:
        item = todo.pop()
        if type(item) is dict:
            if any(type(key) is not str for key in item):
                return False
            todo.extend(item.values())
        elif type(item) is list:
            todo.extend(item)
        elif type(item) not in _PLAIN_SCALARS:
            return False
    return True


def _json_scalar(value: Any) -> str:
    # only the scalar encodings of json.dumps, so that nesting depth is not limited
    return json.dumps(value, ensure_ascii=False)


def _repr_scalar(value: Any) -> str:
    return f"{type(value).__qualname__}:{value!r}"


def canonical_text(doc: Any) -> str:
    """The text hashed for an input (see the module docstring)."""
    plain = _is_plain(doc)
    scalar = _json_scalar if plain else _repr_scalar
    out: list[str] = [] if plain else ["repr:"]
    # a stack of (True, text to write) and (False, value to encode)
    todo: list[tuple[bool, Any]] = [(False, doc)]
    while todo:
        is_text, item = todo.pop()
        if is_text:
            out.append(item)
        elif type(item) is dict:
            entries = sorted(item.items(), key=lambda kv: kv[0]) if plain else list(item.items())
            parts: list[tuple[bool, Any]] = [(True, "{")]
            for i, (key, value) in enumerate(entries):
                parts += [(True, ("," if i else "") + scalar(key) + ":"), (False, value)]
            parts.append((True, "}"))
            todo.extend(reversed(parts))
        elif type(item) is list:
            parts = [(True, "[")]
            for i, value in enumerate(item):
                parts += [(True, "," if i else ""), (False, value)]
            parts.append((True, "]"))
            todo.extend(reversed(parts))
        else:
            out.append(scalar(item))
    return "".join(out)


def digest(doc: Any) -> str:
    return hashlib.sha256(canonical_text(doc).encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------- comparisons


def same(doc: Any, expected: Outcome | list[Any]) -> None:
    """`doc` gives `expected` with fresh or remembered memos, and is left as it was."""
    expected = list(expected)
    try:
        before = copy.deepcopy(doc)
    except RecursionError:  # nested deeper than Python copies
        before = doc
    assert as_recorded(outcome(jsonld.check_terms, doc)) == expected
    assert as_recorded(outcome(jsonld.check_terms, doc)) == expected  # from the memos
    assert before is doc or doc == before  # the document is left as it was


def outcome_without_memos(doc: Any) -> Outcome:
    """The outcome with empty memos and context cache, and no room in the memos or IRI set."""
    with testing.fresh_memos(term_walk=0, absolute_iris=0):
        return outcome(jsonld.check_terms, doc)


def self_consistent(doc: Any) -> None:
    """The same outcome on a first call, a second call and with the memos out of room."""
    try:
        before = copy.deepcopy(doc)
    except RecursionError:
        before = doc
    first = outcome(jsonld.check_terms, doc)
    assert outcome(jsonld.check_terms, doc) == first
    assert outcome_without_memos(doc) == first
    assert before is doc or doc == before


# --------------------------------------------------------------------------- known documents


def _envelope_documents(name: str, data: bytes) -> Iterator[tuple[str, Any]]:
    """The documents the verifier reads out of a file: the envelope's credential, and each
    credential of a presentation."""
    try:
        env = testing.read_envelope(data, max_bytes=10_000_000)
    except Exception:
        return
    yield f"{name} [envelope]", env.document
    for i, item in enumerate(env.presentation_items):
        try:
            inner = testing.read_presentation_item(item)
        except Exception:
            continue
        yield f"{name} [envelope item {i}]", inner.document


def _file_documents() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for path in sorted(VECTORS.rglob("*")):
        if path.is_file() and path.stat().st_size < 10_000_000:
            name = path.relative_to(VECTORS).as_posix()
            found.extend(_envelope_documents(name, path.read_bytes()))
    return found


# A stand-in for ECDSA proof values, which differ at every signing (check_terms reads none).
PINNED_PROOF_VALUE = "z" + "2" * 87


def _pinned(doc: Any) -> Any:
    """`doc` with a fixed proof value in place of a randomised ECDSA one."""
    proof = doc.get("proof") if isinstance(doc, dict) else None
    if isinstance(proof, dict) and str(proof.get("cryptosuite", "")).startswith("ecdsa"):
        return {**doc, "proof": {**proof, "proofValue": PINNED_PROOF_VALUE}}
    return doc


KNOWN = (
    VECTOR_DOCUMENTS + [(name, _pinned(doc)) for name, doc in ISSUED_DOCUMENTS] + _file_documents()
)


def test_the_corpus_is_broad() -> None:
    names = [name for name, _ in KNOWN]
    assert len(names) > 400
    assert any("Sample-MC-Annex1-signed.jsonld [envelope]" in n for n in names)
    assert any(n.endswith(".jwt [envelope]") for n in names)
    assert any("[envelope item" in n for n in names)
    assert any("hostile/" in n for n in names)


# --------------------------------------------------------------------------- hand-written

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
EDC = "http://data.europa.eu/snb/model/context/edc-ap"
OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _cred(context: Any = V2, **fields: Any) -> dict[str, Any]:
    return {
        "@context": context,
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        **fields,
    }


HAND_WRITTEN: list[Any] = [
    _cred(credentialSubject={"id": "did:example:1", "name": "x"}),
    _cred(credentialSubject={"id": "relative", "name": "x"}),
    _cred(credentialSubject={"nmae": "typo"}),
    _cred(credentialSubject=[{"@value": "v", "extra": 1}]),
    _cred(credentialSubject=[[{"@value": "v", "extra": 1}]]),
    _cred(credentialSubject={"@value": "v", "@language": "en", "odd": 1}),
    _cred(credentialSubject={"@value": "v", "name": "x"}),
    _cred(credentialSubject={"@value": "v", "id": "relative"}),
    _cred(credentialSubject=[{"@value": "v", "name": "x"}, {"id": "relative"}]),
    {"@context": V2, "@value": "v", "name": "x"},
    [{"@context": V2, "@value": "v", "id": "relative"}],
    _cred(credentialSubject={"@list": [{"id": "rel"}, "x"]}),
    _cred(credentialSubject={"@set": [{"unknownTerm": 1}]}),
    _cred(credentialSubject={"@graph": [{"x": 1}]}),
    _cred(credentialSubject={"@context": {"@vocab": "https://example.org/"}, "anything": 1}),
    _cred(credentialSubject={"@context": "https://unknown.example/ctx", "x": 1}),
    _cred(credentialSubject={"@context": [V2, None], "name": 1}),
    _cred(credentialSubject={"@context": None, "name": 1}),
    _cred(credentialSubject={"id": 5}),
    _cred(credentialSubject={"type": {"x": 1}}),
    _cred(credentialSubject={"type": [["A"]]}),
    _cred(credentialSubject={"type": [1, "A"]}),
    _cred(credentialSubject={"type": []}),
    _cred(credentialSubject={"type": "relativeType"}),
    _cred(credentialSubject={"type": ["VerifiableCredential", "relative/type"]}),
    _cred(credentialSubject={"type": "x", "@type": "y"}),
    _cred(type="VerifiableCredential", issuer={"id": "did:example:1", "type": "Profile"}),
    _cred(context=[V2, OB303], credentialSubject={"type": "AchievementSubject", "nope": 1}),
    _cred(context=[V1, EDC], credentialSubject={"id": "urn:x", "hasClaim": {"id": "rel"}}),
    _cred(context=[V1, EDC], credentialSubject={"id": "urn:x", "hasClaim": ["rel", "urn:y"]}),
    _cred(issuer="relative-issuer"),
    _cred(issuer=["urn:a", ["urn:b", {"id": "rel"}]]),
    {"@context": V2, 1: "not a string key", "@value": "x"},
    _cred(credentialSubject={1: "int key", "@value": "x"}),
    _cred(credentialSubject={1: "int key"}),
    _cred(credentialSubject=[{1: "int key", "@value": "x"}]),
    {"@context": [V2], "@id": "urn:x", "@type": "VerifiableCredential"},
    {"@context": 5},
    {"@context": [V2, 5]},
    {"@context": "https://unknown.example/"},
    {"no": "context"},
    [{"@context": V2, "name": "in a list"}, {"@context": V2, "typo": 1}],
    "just a string",
    None,
    _cred(credentialSubject={"name": "a" * 300, "id": "urn:" + "x" * 300}),
    _cred(credentialSubject={"id": "urn:x\n"}),
    _cred(credentialSubject={"id": "urn:x y"}),
    _cred(credentialSubject={"id": "_:b0"}),
    _cred(credentialSubject={"id": "https://relative-iri.invalid/x"}),
]


def _deep(depth: int, leaf: Any, *, lists: bool = False) -> Any:
    """`leaf` under `depth` levels of the defined term `name` (or of lists)."""
    doc: Any = leaf
    for _ in range(depth):
        doc = [doc] if lists else {"name": doc}
    return doc


# around the walker's depth limit, and beyond Python's recursion limit
for _depth in (197, 198, 199, 200, 201, 202, 1500):
    for _leaf in ({"x": 1}, {"id": "urn:x"}, "x", {"@value": "v", "name": 1}, [{"@value": 1}]):
        HAND_WRITTEN.append({"@context": V2, "name": _deep(_depth, _leaf)})
        HAND_WRITTEN.append({"@context": V2, "name": _deep(_depth, _leaf, lists=True)})


class _Str(str):
    """A string subclass that compares equal to every string."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("urn:known")


HAND_WRITTEN.append(_cred(credentialSubject={"id": _Str("relative")}))
HAND_WRITTEN.append(_cred(credentialSubject={"type": _Str("relative")}))


def _prime_iris() -> None:
    """Remember an absolute IRI equal (by hash and ==) to the string subclass `_Str`, as the
    hand-written cases are checked after it."""
    jsonld.check_terms(_cred(credentialSubject={"id": "urn:known"}))


# --------------------------------------------------------------------------- generated

KEYWORDS = ["id", "type", "@id", "@type", "@value", "@language", "@list", "@set", "@graph"]
KEYWORDS += ["@included", "@nest", "@reverse", "@index", "@context", "@direction", "@json"]
BAD_KEYS = ["https://example.org/p", "undefinedTerm", "ex:prefixed", "relative/key", "@unknown"]
CONTEXT_VALUES: list[Any] = [
    V2,
    [V1, EDC],
    "https://w3id.org/security/data-integrity/v2",
    "https://unknown.example/ctx",
    {"@vocab": "https://example.org/"},
    {"@vocab": None},
    {"alias": "@id"},
    {"name": "https://example.org/name"},
    None,
    [None, V2],
]
EU_CONTEXTS: list[Any] = [[EDC], [V1], [EDC, V1], V2, [V1, EDC, "https://unknown.example/"], []]
EU_VALUES: list[Any] = [[], [1, "x"], {"@value": "v"}, {"@value": "v", "x": 1}, "rel"]
EU_TYPES: list[Any] = ["Unknown", "rel/type", ["Concept", "X"], [], 3, {"a": 1}]


def _typos(term: str) -> list[str]:
    return [term[1:], term + "s", term.upper(), term[:1].swapcase() + term[1:], term + " "]


# The seeded generators below draw the same shapes as the hypothesis strategies further down.

# characters of generated text: letters, digits, space, escapes, controls, non-ASCII
TEXT_CHARACTERS = 'ab Z09"\\\t\n-_:/#@éü😀\x00\u200b'
# integers for identifiers and types (hypothesis draws them from all integers)
INTEGERS = [0, 1, -1, 7, -3000, 2**31, 2**53 + 1, -(10**20)]


class Draw:
    """Choices from `random.Random(seed)`, made only with its `random()` method (the one whose
    sequence Python keeps across versions for a given seed)."""

    def __init__(self, seed: str) -> None:
        self._random = random.Random(seed)

    def below(self, n: int) -> int:
        return int(self._random.random() * n)

    def integer(self, low: int, high: int) -> int:
        return low + self.below(high - low + 1)

    def boolean(self) -> bool:
        return self.below(2) == 1

    def choice(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def size(self, max_size: int) -> int:
        """A length up to `max_size`, short ones more often (as hypothesis draws them)."""
        return min(self.integer(0, max_size), self.integer(0, max_size))

    def text(self, max_size: int) -> str:
        return "".join(self.choice(TEXT_CHARACTERS) for _ in range(self.integer(0, max_size)))


def _draw_key(draw: Draw, terms: list[str]) -> str:
    kind = draw.integer(0, 9)
    if kind < 6:
        return draw.choice(terms)
    if kind < 8:
        return draw.choice(_typos(draw.choice(terms)))
    if kind == 8:
        return draw.choice(BAD_KEYS)
    return draw.choice(KEYWORDS)


def _draw_scalar(draw: Draw, terms: list[str], types: list[str]) -> Any:
    kind = draw.integer(0, 4)
    if kind == 0:
        return draw.choice(IRIS + terms[:5] + types[:5])
    if kind == 1:
        return draw.text(5)
    if kind == 2:
        return draw.integer(-3, 3)
    if kind == 3:
        return draw.boolean()
    return None


def _draw_node(draw: Draw, terms: list[str], types: list[str], depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    if draw.boolean():
        key = draw.choice(["id", "@id"])
        node[key] = draw.choice([draw.choice(IRIS), draw.choice(INTEGERS), {"id": "urn:x"}])
    if draw.integer(0, 3):

        def pick() -> str:
            return draw.choice(types) if draw.boolean() else draw.choice([*IRIS[:8], "Unknown"])

        key = draw.choice(["type", "@type"])
        kind = draw.integer(0, 3)
        if kind == 0:
            node[key] = pick()
        elif kind == 1:
            node[key] = [pick() for _ in range(draw.integer(0, 3))]
        elif kind == 2:
            node[key] = draw.choice(INTEGERS)
        else:
            node[key] = [draw.choice(INTEGERS) for _ in range(draw.integer(0, 3))]
    if draw.integer(0, 7) == 0:
        node["@context"] = draw.choice(CONTEXT_VALUES)
    for _ in range(draw.size(4)):
        key = _draw_key(draw, terms)
        node.setdefault(key, _draw_value(draw, terms, types, depth))
    return node


def _draw_value(draw: Draw, terms: list[str], types: list[str], depth: int) -> Any:
    def child_or_scalar() -> Any:
        if draw.boolean():
            return _draw_node(draw, terms, types, depth + 1)
        return _draw_scalar(draw, terms, types)

    kind = draw.integer(0, 3) if depth >= 3 else draw.integer(0, 7)
    if kind == 0:
        return _draw_scalar(draw, terms, types)
    if kind == 1:
        # a value object, also with keys a node could have (a defined term, an identifier)
        value: dict[str, Any] = {"@value": draw.text(3)}
        optional: list[tuple[str, Any]] = [
            ("@language", "en"),
            ("odd", 1),
            ("@type", "x"),
            ("id", draw.choice(IRIS)),
            (terms[0], "x"),
        ]
        for key, extra in optional:
            if draw.below(3) == 0:
                value[key] = extra
        return value
    if kind == 2:  # a language map
        return {draw.choice(["en", "lv", "@none"]): draw.text(3) for _ in range(draw.size(2))}
    if kind == 3:
        if depth >= 3:
            return [_draw_scalar(draw, terms, types) for _ in range(draw.size(3))]
        return _draw_node(draw, terms, types, depth + 1)
    if kind == 4:
        return [child_or_scalar() for _ in range(draw.size(3))]
    if kind == 5:  # the same node object more than once
        return [_draw_node(draw, terms, types, depth + 1)] * draw.integer(2, 3)
    if kind == 6:
        return [[child_or_scalar() for _ in range(draw.size(2))] for _ in range(draw.size(2))]
    return {"@list": [child_or_scalar() for _ in range(draw.size(4))]}


def generated_document(seed: str) -> dict[str, Any]:
    draw = Draw(seed)
    urls = draw.choice(CONTEXT_SETS)
    terms, types = _pools(urls)
    node = _draw_node(draw, terms, types, 0)
    node["@context"] = list(urls) if len(urls) > 1 or draw.boolean() else urls[0]
    return node


GENERATED_COUNT = 600
GENERATED = [
    (f"generated {i}", generated_document(f"check_terms generated {i}"))
    for i in range(GENERATED_COUNT)
]


# --------------------------------------------------------------------------- the EU sample


def _eu_payload() -> dict[str, Any]:
    payload = json.loads(json.loads(EU_SAMPLE.read_text("utf-8"))["payload"])
    assert isinstance(payload, dict)
    return payload


EU = _eu_payload()


def _objects(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of every JSON object in `doc`."""
    if isinstance(doc, dict):
        yield path
        for key, value in doc.items():
            yield from _objects(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from _objects(value, (*path, i))


EU_OBJECTS = list(_objects(EU))


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _rename(node: dict[str, Any], old: str, new: str) -> None:
    """Rename a key in place, keeping the order of the keys."""
    items = [(new if k == old else k, v) for k, v in node.items()]
    node.clear()
    node.update(items)


def eu_mutation(seed: str) -> dict[str, Any]:
    """The EU sample with one to three changes (the kinds of `eu_mutations` below)."""
    draw = Draw(seed)
    doc = copy.deepcopy(EU)
    for _ in range(draw.integer(1, 3)):
        objects = EU_OBJECTS if doc == EU else list(_objects(doc))
        node = _at(doc, draw.choice(objects))
        keys = [k for k in node if k != "@context"]
        kind = draw.integer(0, 8)
        if kind == 0 and keys:  # a typo or an undefined name
            key = draw.choice(keys)
            new = draw.choice(_typos(key)) if draw.boolean() else draw.choice(BAD_KEYS)
            _rename(node, key, new)
        elif kind == 1 and keys:  # another (maybe valid) term or a keyword
            key = draw.choice(keys)
            new = draw.choice([*KEYWORDS, "prefLabel", "notation", "type", "id"])
            if new not in node:
                _rename(node, key, new)
        elif kind == 2:  # a relative or odd identifier
            node["id"] = copy.deepcopy(draw.choice([*IRIS, 7, None, ["urn:x"]]))
        elif kind == 3:  # an unknown, relative or odd type
            node["type"] = copy.deepcopy(draw.choice(EU_TYPES))
        elif kind == 4 and keys:  # a value of another shape
            node[draw.choice(keys)] = copy.deepcopy(draw.choice(EU_VALUES))
        elif kind == 5 and keys:
            del node[draw.choice(keys)]
        elif kind == 6:  # a context of its own
            node["@context"] = copy.deepcopy(draw.choice(CONTEXT_VALUES))
        elif kind == 7:  # the top-level contexts
            doc["@context"] = copy.deepcopy(draw.choice(EU_CONTEXTS))
        elif kind == 8 and keys:  # wrapped in a list
            key = draw.choice(keys)
            node[key] = [node[key]]
    return doc


EU_MUTATION_COUNT = 400
EU_MUTATIONS = [
    (f"eu mutation {i}", eu_mutation(f"check_terms eu mutation {i}"))
    for i in range(EU_MUTATION_COUNT)
]


# --------------------------------------------------------------------------- memo bounds


def bounds_documents() -> list[Any]:
    """Credentials with a new node shape, new types and new IRIs each."""
    docs: list[Any] = []
    for i in range(120):
        subject: dict[str, Any] = {
            f"https://example.org/p{j}": {"id": f"urn:x:{i}:{j}"} for j in range(i % 9)
        }
        subject["type"] = [f"https://example.org/T{i}"]
        docs.append(_cred(credentialSubject=[subject, {"id": f"urn:y:{i}", "name": "n"}]))
    return docs


BOUNDS = bounds_documents()


# --------------------------------------------------------------------------- recorded outcomes

# Every recorded input by group, each as (id, document). The hand-written cases are checked
# after `_prime_iris`.
CASES: dict[str, list[tuple[str, Any]]] = {
    "known": KNOWN,
    "hand-written": [(f"hand-written {i}", doc) for i, doc in enumerate(HAND_WRITTEN)],
    "generated": GENERATED,
    "eu-mutations": EU_MUTATIONS,
    "memo-bounds": [(f"memo bounds {i}", doc) for i, doc in enumerate(BOUNDS)],
}


@functools.cache
def recorded() -> dict[str, list[tuple[str, str, list[Any]]]]:
    """The data file's cases by group: (id, input hash, outcome)."""
    data = json.loads(OUTCOMES_FILE.read_text("utf-8"))
    outcomes = data["outcomes"]
    return {
        group: [(case_id, sha, outcomes[index]) for case_id, sha, index in cases]
        for group, cases in data["cases"].items()
    }


def recorded_outcomes(group: str) -> list[list[Any]]:
    """The recorded outcome of each input of `group`, once the inputs match the recording."""
    cases = recorded()[group]
    assert [case_id for case_id, _, _ in cases] == [case_id for case_id, _ in CASES[group]], (
        f"the {group} inputs are not the recorded ones; re-record with: {RECORD_COMMAND}"
    )
    changed = [
        case_id
        for (case_id, doc), (_, sha, _) in zip(CASES[group], cases, strict=True)
        if digest(doc) != sha
    ]
    assert not changed, (
        f"the generated inputs changed ({len(changed)} of group {group}, first: {changed[:5]}); "
        f"re-record with: {RECORD_COMMAND}"
    )
    return [result for _, _, result in cases]


def test_every_group_is_recorded() -> None:
    assert set(recorded()) == set(CASES)


@pytest.mark.parametrize("group", list(CASES))
def test_the_inputs_are_the_recorded_ones(group: str) -> None:
    recorded_outcomes(group)


@pytest.mark.parametrize("group", list(CASES))
def test_recorded_outcomes(group: str) -> None:
    expected = recorded_outcomes(group)
    failed: list[str] = []
    for (case_id, doc), result in zip(CASES[group], expected, strict=True):
        if group == "hand-written":
            _prime_iris()
        try:
            same(doc, result)
        except AssertionError:
            failed.append(f"{case_id}: recorded {result}, now {outcome(jsonld.check_terms, doc)}")
    assert not failed, f"{len(failed)} of {len(expected)} differ:\n" + "\n".join(failed[:10])


def test_known_documents_without_memos() -> None:
    expected = recorded_outcomes("known")
    failed = [
        case_id
        for (case_id, doc), result in zip(KNOWN, expected, strict=True)
        if as_recorded(outcome_without_memos(doc)) != result
    ]
    assert not failed, f"{len(failed)} differ without memos, first: {failed[:10]}"


def test_outcomes_cover_every_kind() -> None:
    codes = {
        (*result, None)[1]
        for group in ("known", "hand-written")
        for result in recorded_outcomes(group)
    }
    assert {
        None,
        "JSONLD_DROPPED_TERM",
        "JSONLD_UNKNOWN_CONTEXT",
        "JSONLD_INVALID",
        "JSONLD_RELATIVE_IRI",
        "JSONLD_TERM_REDEFINED",
    } <= codes


def test_the_generated_inputs_are_varied() -> None:
    """The seeded documents and mutations fail in every way the hand-written cases do."""
    for group in ("generated", "eu-mutations"):
        results = recorded_outcomes(group)
        assert sum(result == ["ok"] for result in results) >= 0.1 * len(results)
        codes = {(*result, None)[1] for result in results}
        assert {"JSONLD_DROPPED_TERM", "JSONLD_RELATIVE_IRI"} <= codes


def test_the_eu_sample_takes_the_fast_walk() -> None:
    same(EU, ["ok"])
    # raises NotTaken if the walker left it to full expansion
    assert testing.term_walk(EU) == ([], [])


def test_memos_stay_bounded() -> None:
    with testing.fresh_memos(term_walk=300, absolute_iris=50):
        for doc, result in zip(BOUNDS, recorded_outcomes("memo-bounds"), strict=True):
            same(doc, result)
            assert testing.memo_sizes()["term_walk"] <= 300
            assert testing.memo_sizes()["absolute_iris"] <= 50
        assert testing.memo_sizes()["term_walk_stored"] <= 300
    with testing.fresh_memos():
        jsonld.check_terms(_cred(credentialSubject={"id": "urn:short"}))
        known = testing.memo_sizes()["absolute_iris"]
        assert known > 0  # IRIs are remembered ...
        jsonld.check_terms(_cred(credentialSubject={"id": "urn:" + "x" * 1000}))
        assert testing.memo_sizes()["absolute_iris"] == known  # ... but not long ones


def test_canonical_text_is_canonical_json() -> None:
    for doc in [EU, *(doc for _, doc in GENERATED[:50])]:
        expected = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert canonical_text(doc) == expected
    assert canonical_text({1: "x"}) != canonical_text({"1": "x"})
    assert canonical_text(_Str("a")) != canonical_text("a")


# --------------------------------------------------------------------------- self-consistency

# Hypothesis strategies for the same shapes as the seeded generators; their documents have no
# recorded outcome, so they are only checked against themselves.


def _typo(term: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [term[1:], term + "s", term.upper(), term[:1].swapcase() + term[1:], term + " "]
    )


@st.composite
def _key(draw: st.DrawFn, terms: list[str]) -> str:
    kind = draw(st.integers(0, 9))
    if kind < 6:
        return draw(st.sampled_from(terms))
    if kind < 8:
        return draw(st.sampled_from(terms).flatmap(_typo))
    if kind == 8:
        return draw(st.sampled_from(BAD_KEYS))
    return draw(st.sampled_from(KEYWORDS))


def _scalar(terms: list[str], types: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(IRIS + terms[:5] + types[:5]),
        st.text(max_size=5),
        st.integers(-3, 3),
        st.booleans(),
        st.none(),
    )


@st.composite
def _node(draw: st.DrawFn, terms: list[str], types: list[str], depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    if draw(st.booleans()):
        node[draw(st.sampled_from(["id", "@id"]))] = draw(
            st.one_of(st.sampled_from(IRIS), st.integers(), st.just({"id": "urn:x"}))
        )
    if draw(st.integers(0, 3)):
        pick = st.one_of(st.sampled_from(types), st.sampled_from([*IRIS[:8], "Unknown"]))
        node[draw(st.sampled_from(["type", "@type"]))] = draw(
            st.one_of(pick, st.lists(pick, max_size=3), st.integers(), st.lists(st.integers()))
        )
    if draw(st.integers(0, 7)) == 0:
        node["@context"] = draw(st.sampled_from(CONTEXT_VALUES))
    for key in draw(st.lists(_key(terms), max_size=4)):
        node.setdefault(key, draw(_value(terms, types, depth)))
    return node


def _value(terms: list[str], types: list[str], depth: int) -> st.SearchStrategy[Any]:
    leaves: list[st.SearchStrategy[Any]] = [
        _scalar(terms, types),
        # value objects, also with keys a node could have (a defined term, an identifier)
        st.fixed_dictionaries(
            {"@value": st.text(max_size=3)},
            optional={
                "@language": st.just("en"),
                "odd": st.just(1),
                "@type": st.just("x"),
                "id": st.sampled_from(IRIS),
                terms[0]: st.just("x"),
            },
        ),
        st.dictionaries(st.sampled_from(["en", "lv", "@none"]), st.text(max_size=3), max_size=2),
    ]
    if depth >= 3:
        return st.one_of(*leaves, st.lists(_scalar(terms, types), max_size=3))
    child = _node(terms, types, depth + 1)
    return st.one_of(
        *leaves,
        child,
        st.lists(st.one_of(child, _scalar(terms, types)), max_size=3),
        st.tuples(child, st.integers(2, 3)).map(lambda pair: [pair[0]] * pair[1]),
        st.lists(st.lists(st.one_of(child, _scalar(terms, types)), max_size=2), max_size=2),
        st.fixed_dictionaries({"@list": st.lists(st.one_of(child, _scalar(terms, types)))}),
    )


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    urls = draw(st.sampled_from(CONTEXT_SETS))
    terms, types = _pools(urls)
    node = draw(_node(terms, types, 0))
    node["@context"] = list(urls) if len(urls) > 1 or draw(st.booleans()) else urls[0]
    return node


@st.composite
def eu_mutations(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(EU)
    for _ in range(draw(st.integers(1, 3))):
        objects = EU_OBJECTS if doc == EU else list(_objects(doc))
        node = _at(doc, draw(st.sampled_from(objects)))
        keys = [k for k in node if k != "@context"]
        kind = draw(st.integers(0, 8))
        if kind == 0 and keys:  # a typo or an undefined name
            key = draw(st.sampled_from(keys))
            _rename(node, key, draw(st.one_of(_typo(key), st.sampled_from(BAD_KEYS))))
        elif kind == 1 and keys:  # another (maybe valid) term or a keyword
            key = draw(st.sampled_from(keys))
            new = draw(st.sampled_from([*KEYWORDS, "prefLabel", "notation", "type", "id"]))
            if new not in node:
                _rename(node, key, new)
        elif kind == 2:  # a relative or odd identifier
            node["id"] = draw(st.sampled_from([*IRIS, 7, None, ["urn:x"]]))
        elif kind == 3:  # an unknown, relative or odd type
            node["type"] = draw(
                st.sampled_from(["Unknown", "rel/type", ["Concept", "X"], [], 3, {"a": 1}])
            )
        elif kind == 4 and keys:  # a value of another shape
            node[draw(st.sampled_from(keys))] = draw(
                st.sampled_from([[], [1, "x"], {"@value": "v"}, {"@value": "v", "x": 1}, "rel"])
            )
        elif kind == 5 and keys:
            del node[draw(st.sampled_from(keys))]
        elif kind == 6:  # a context of its own
            node["@context"] = draw(st.sampled_from(CONTEXT_VALUES))
        elif kind == 7:  # the top-level contexts
            doc["@context"] = draw(
                st.sampled_from(
                    [[EDC], [V1], [EDC, V1], V2, [V1, EDC, "https://unknown.example/"], []]
                )
            )
        elif kind == 8 and keys:  # wrapped in a list
            key = draw(st.sampled_from(keys))
            node[key] = [node[key]]
    return doc


SELF_CONSISTENCY = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(SELF_CONSISTENCY, max_examples=300)
@given(documents())
def test_generated_documents_are_self_consistent(doc: dict[str, Any]) -> None:
    self_consistent(doc)


@settings(SELF_CONSISTENCY, max_examples=150)
@given(eu_mutations())
def test_mutations_of_the_eu_sample_are_self_consistent(doc: dict[str, Any]) -> None:
    self_consistent(doc)
