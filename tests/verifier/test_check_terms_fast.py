"""`check_terms` (verifier/jsonld.py) against the term walker it replaced.

The reference is `build_tools/verifier/jsonld.py` as of commit `REFERENCE_COMMIT` (the walker
before node shapes and IRIs were remembered), read with `git show` and loaded as a separate
module. For every document both must pass, or raise the same exception with the same code,
message and detail. Documents: every file under tests/vectors/ (as parsed JSON, with unsecured
forms and proof configurations, and the credential the verifier reads out of each envelope:
JAdES payloads, JWT claims, presentation items), the credentials issued by
tests/verifier/_make.py, generated documents (undefined terms, typos, relative IRIs, scoped
contexts, @vocab, keyword aliases, nested nodes, arrays, value objects, lists), and mutations
of the EU micro-credential sample. Each document is checked twice (the second time from the
memos), and again with the memos out of room.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.verifier import jsonld
from build_tools.verifier._envelope import decode_compact, from_json, read_envelope

from .conftest import VECTORS
from .test_jsonld_fast import CONTEXT_SETS, IRIS, ISSUED_DOCUMENTS, VECTOR_DOCUMENTS, _pools

# The last commit whose jsonld.py holds the previous term walker.
REFERENCE_COMMIT = "c585a7809b9e4c8f29dc0cdbc55eb93585f137ec"
ROOT = Path(__file__).resolve().parents[2]
EU_SAMPLE = VECTORS / "europass-edc" / "Sample-MC-Annex1-signed.jsonld"

Outcome = tuple[Any, ...]


def _load_reference() -> types.ModuleType:
    """The reference jsonld.py as module `build_tools.verifier._jsonld_reference` (its relative
    imports resolve in the package; its caches and memos are its own)."""
    try:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{REFERENCE_COMMIT}:build_tools/verifier/jsonld.py"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"reference commit {REFERENCE_COMMIT} not available from git: {exc}")
    name = "build_tools.verifier._jsonld_reference"
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "build_tools.verifier"
    sys.modules[name] = module
    exec(compile(source, f"{REFERENCE_COMMIT[:12]}:jsonld.py", "exec"), module.__dict__)
    return module


@pytest.fixture(scope="module")
def reference() -> types.ModuleType:
    return _load_reference()


def outcome(check: Callable[[Any], None], doc: Any) -> Outcome:
    """("ok",) or the exception: its type name, code, message, detail and text."""
    try:
        check(doc)
    except Exception as exc:  # every kind of failure must be the same in both
        return (
            type(exc).__name__,
            getattr(exc, "code", None),
            getattr(exc, "message", None),
            getattr(exc, "detail", None),
            str(exc),
        )
    return ("ok",)


def same(reference: types.ModuleType, doc: Any) -> Outcome:
    """Compare on `doc`: fresh or remembered memos, then with no room left in them."""
    expected = outcome(reference.check_terms, doc)
    try:
        before = copy.deepcopy(doc)
    except RecursionError:  # nested deeper than Python copies
        before = doc
    assert outcome(jsonld.check_terms, doc) == expected
    assert outcome(jsonld.check_terms, doc) == expected  # from the memos
    assert before is doc or doc == before  # the document is left as it was
    return expected


def same_without_memos(reference: types.ModuleType, doc: Any, monkeypatch: Any) -> None:
    expected = outcome(reference.check_terms, doc)
    with monkeypatch.context() as patch:
        patch.setattr(jsonld, "_MEMO", [jsonld._MAX_MEMO])
        patch.setattr(jsonld, "_CTX_CACHE", {})
        patch.setattr(jsonld, "_MAX_ABSOLUTE_IRIS", 0)
        assert outcome(jsonld.check_terms, doc) == expected


# --------------------------------------------------------------------------- known documents


def _envelope_documents(name: str, data: bytes) -> Iterator[tuple[str, Any]]:
    """The documents the verifier reads out of a file: the envelope's credential, and each
    credential of a presentation."""
    try:
        env = read_envelope(data, max_bytes=10_000_000)
    except Exception:
        return
    yield f"{name} [envelope]", env.document
    for i, item in enumerate(env.presentation_items):
        try:
            inner = decode_compact(item.strip()) if isinstance(item, str) else from_json(item)
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


KNOWN = VECTOR_DOCUMENTS + ISSUED_DOCUMENTS + _file_documents()


def test_the_corpus_is_broad() -> None:
    names = [name for name, _ in KNOWN]
    assert len(names) > 400
    assert any("Sample-MC-Annex1-signed.jsonld [envelope]" in n for n in names)
    assert any(n.endswith(".jwt [envelope]") for n in names)
    assert any("[envelope item" in n for n in names)
    assert any("hostile/" in n for n in names)


@pytest.mark.parametrize("name,doc", KNOWN, ids=[n for n, _ in KNOWN])
def test_known_documents(reference: types.ModuleType, name: str, doc: Any) -> None:
    same(reference, doc)


def test_known_documents_without_memos(
    reference: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _name, doc in KNOWN:
        same_without_memos(reference, doc, monkeypatch)


def test_outcomes_cover_every_kind(reference: types.ModuleType) -> None:
    docs = [doc for _, doc in KNOWN] + HAND_WRITTEN
    codes = {(*outcome(reference.check_terms, doc), None)[1] for doc in docs}
    assert {
        None,
        "JSONLD_DROPPED_TERM",
        "JSONLD_UNKNOWN_CONTEXT",
        "JSONLD_INVALID",
        "JSONLD_RELATIVE_IRI",
        "JSONLD_TERM_REDEFINED",
    } <= codes


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


@pytest.mark.parametrize("index", range(len(HAND_WRITTEN)))
def test_hand_written(reference: types.ModuleType, index: int) -> None:
    # an absolute IRI equal (by hash and ==) to the string subclass is already remembered
    jsonld.check_terms(_cred(credentialSubject={"id": "urn:known"}))
    same(reference, HAND_WRITTEN[index])


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


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents())
def test_generated_documents(reference: types.ModuleType, doc: dict[str, Any]) -> None:
    same(reference, doc)


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


def test_the_eu_sample_takes_the_fast_walk(reference: types.ModuleType) -> None:
    same(reference, EU)
    dropped: list[str] = []
    relative: list[str] = []
    jsonld._walk(EU, jsonld._EMPTY_CTX, dropped, relative, 0)  # raises _Unsure if it did not
    assert (dropped, relative) == ([], [])


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(eu_mutations())
def test_mutations_of_the_eu_sample(reference: types.ModuleType, doc: dict[str, Any]) -> None:
    same(reference, doc)


# --------------------------------------------------------------------------- bounds


def test_memos_stay_bounded(reference: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonld, "_MEMO", [0])
    monkeypatch.setattr(jsonld, "_MAX_MEMO", 300)
    monkeypatch.setattr(jsonld, "_CTX_CACHE", {})
    monkeypatch.setattr(jsonld, "_EMPTY_CTX", jsonld._Ctx({}, False, {}))
    monkeypatch.setattr(jsonld, "_ABSOLUTE_IRIS", set())
    monkeypatch.setattr(jsonld, "_MAX_ABSOLUTE_IRIS", 50)
    for i in range(120):
        # a new node shape, new types and new IRIs each time
        subject = {f"https://example.org/p{j}": {"id": f"urn:x:{i}:{j}"} for j in range(i % 9)}
        subject["type"] = [f"https://example.org/T{i}"]
        doc = _cred(credentialSubject=[subject, {"id": f"urn:y:{i}", "name": "n"}])
        same(reference, doc)
        assert jsonld._MEMO[0] <= 300
        assert len(jsonld._ABSOLUTE_IRIS) <= 50
    # (a context can be cached under several keys)
    ctxs = {id(c): c for c in [*jsonld._CTX_CACHE.values(), jsonld._EMPTY_CTX]}.values()
    stored = sum(
        len(c.shapes)
        + sum(len(entry[3] or {}) for entry in c.shapes.values())
        + len(c.typed)
        + len(c.plans)
        + sum(len(p) for p in c.plans.values())
        for c in ctxs
    )
    assert stored <= 300
    long_iri = "urn:" + "x" * 1000
    jsonld.check_terms(_cred(credentialSubject={"id": long_iri}))
    assert long_iri not in jsonld._ABSOLUTE_IRIS
