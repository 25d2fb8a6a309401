"""The one-walk JSON-LD -> RDF conversion (verifier/rdf_fast.py) and the canonicalisation around
it (verifier/jsonld.py) against plain pyld.

For every document the canonical N-Quads must be byte-identical to pyld's own `normalize` (with
one documented difference, see `pyld_canonical`), the
dataset of the fast conversion (when it takes the document) must equal pyld's `to_rdf` dataset
exactly (same triples, same blank node labels, same order), the walk's expanded form must be
pyld's `expand` of the document to the byte (same objects, values, key and value order), and
`compact_form` must give what pyld's expansion and compaction give (and the compaction walk,
whenever it takes an expanded form, pyld's compaction of it to the byte); `canonize` must fail
with the
same code, message and detail as the pyld-only path it replaces (pyld's `to_rdf` and pyld's
URDNA2015 with the same work budget). Documents: every JSON-LD file under tests/vectors/ (with
their unsecured forms and proof configurations), credentials issued by tests/verifier/_make.py,
hand-written documents for each feature, and documents generated with hypothesis over the terms
of the bundled contexts.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pyld import canon as pyld_canon
from pyld import jsonld as pyld_jsonld

from build_tools.verifier import jsonld, testing

from . import _make as m
from .conftest import VECTORS

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB301 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DI1 = "https://w3id.org/security/data-integrity/v1"
DI2 = "https://w3id.org/security/data-integrity/v2"
STATUS = "https://www.w3.org/ns/credentials/status/v1"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
EDC = "http://data.europa.eu/snb/model/context/edc-ap"
CID = "https://www.w3.org/ns/cid/v1"


# --------------------------------------------------------------------------- oracles


def _plain_options(**extra: Any) -> dict[str, Any]:
    return {
        "base": jsonld.SENTINEL_BASE,
        "documentLoader": jsonld.document_loader,
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
        **extra,
    }


def plain_dataset(doc: Any) -> Any:
    """pyld's RDF dataset, from a plain processor (no caching subclass)."""
    options = _plain_options(produceGeneralizedRdf=False)
    return pyld_jsonld.JsonLdProcessor().to_rdf(copy.deepcopy(doc), options)


def plain_expanded(doc: Any) -> Any:
    """pyld's expanded form, from a plain processor."""
    return pyld_jsonld.JsonLdProcessor().expand(copy.deepcopy(doc), _plain_options())


def plain_compact_form(doc: dict[str, Any]) -> Any:
    """`compact_form` as it reads from pyld's own expansion and compaction."""
    given = doc.get("@context")
    published = [c for c in (given if isinstance(given, list) else [given]) if isinstance(c, str)]
    return pyld_jsonld.JsonLdProcessor().compact(
        plain_expanded(doc), {"@context": published}, _plain_options(skipExpansion=True)
    )


def pyld_canonical(doc: Any) -> str:
    """pyld's own RDFC-1.0 canonical N-Quads, as pyld writes them.

    The one difference the verifier keeps from pyld: pyld escapes only HT, LF, CR, `"` and
    `\\` in literals and nothing in IRIs, while canonical N-Quads (RDFC-1.0 appendix A) write
    BS and FF as ECHAR, the other control characters U+0000-U+001F and U+007F as UCHAR, and in
    IRIs the characters IRIREF excludes as UCHAR (what Digital Bazaar's rdf-canonize writes).
    """
    options = _plain_options(algorithm="URDNA2015", format="application/n-quads")
    return str(pyld_jsonld.JsonLdProcessor().normalize(copy.deepcopy(doc), options))


def plain_canonical(doc: Any) -> str:
    """pyld's own RDFC-1.0 canonicalisation, writing canonical N-Quads (`pyld_canonical` with
    its serialiser replaced by the canonical one, in its hashes and its output alike)."""
    original = pyld_canon.serialize_nquad
    pyld_canon.serialize_nquad = testing.canonical_nquad
    try:
        return pyld_canonical(doc)
    finally:
        pyld_canon.serialize_nquad = original


# Characters that canonical N-Quads write otherwise than pyld's serialiser: in a literal, the
# control characters besides HT, LF and CR; in an IRI, those IRIREF excludes.
_LITERAL_OTHERWISE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_IRI_OTHERWISE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def written_otherwise_by_pyld(dataset: dict[str, list[dict[str, Any]]]) -> bool:
    """Whether pyld's serialiser writes some quad of `dataset` otherwise than canonical
    N-Quads (the documented difference of `pyld_canonical`)."""
    iris = [name for name in dataset if name != "@default" and not name.startswith("_:")]
    for triple in (t for triples in dataset.values() for t in triples):
        for component in (triple["subject"], triple["predicate"], triple["object"]):
            if component["type"] == "IRI":
                iris.append(component["value"])
            elif component["type"] == "literal":
                iris.append(component["datatype"])
                if _LITERAL_OTHERWISE.search(component["value"]):
                    return True
    return any(_IRI_OTHERWISE.search(iri) for iri in iris)


def fast_dataset(doc: Any) -> Any:
    return testing.rdf_walk_dataset(doc)


Outcome = tuple[str, str, str]


def outcome(doc: Any, *, fast: bool, max_steps: int = jsonld.MAX_RDFC_STEPS) -> Outcome:
    """`canonize(doc)` as (\"ok\", N-Quads, \"\") or (code, message, detail). Without `fast`,
    the pyld-only path: pyld's to_rdf and pyld's own canonicalisation steps."""
    canonize = jsonld.canonize if fast else testing.canonize_general
    try:
        return ("ok", canonize(doc, max_steps=max_steps), "")
    except jsonld.JsonLdStrictError as exc:
        return (exc.code, exc.message, exc.detail)


def takes_fast_path(doc: Any) -> bool:
    try:
        fast_dataset(doc)
    except (testing.NotTaken, pyld_jsonld.JsonLdError):
        return False
    return True


def check_document(doc: Any) -> bool:
    """Every comparison for one document; whether the fast conversion took it."""
    fast = outcome(doc, fast=True)
    assert fast == outcome(doc, fast=False)
    if fast[0] == "ok":
        assert fast[1] == plain_canonical(doc)
        # pyld's own output differs exactly where its serialiser differs
        assert (fast[1] == pyld_canonical(doc)) is not written_otherwise_by_pyld(plain_dataset(doc))
        check_expansion(doc)
    check_compaction(doc)
    try:
        dataset = fast_dataset(doc)
    except (testing.NotTaken, pyld_jsonld.JsonLdError):
        # left to pyld (a pyld error here comes from pyld's own context processing)
        return False
    assert dataset == plain_dataset(doc)
    # the same work, step for step, in both canonicalisations
    ours = testing.Rdfc(jsonld.MAX_RDFC_STEPS)
    reference = testing.Rdfc(jsonld.MAX_RDFC_STEPS, general=True)
    try:
        expected = reference.canonize(copy.deepcopy(dataset))
    except Exception as exc:  # the same exception is expected from ours
        with pytest.raises(type(exc)) as info:
            ours.canonize(copy.deepcopy(dataset))
        assert str(info.value) == str(exc)
        assert getattr(info.value, "detail", None) == getattr(exc, "detail", None)
    else:
        assert ours.canonize(copy.deepcopy(dataset)) == expected
    assert ours.steps == reference.steps
    return True


def test_a_top_level_value_object_expands_as_with_pyld() -> None:
    check_expansion({"@context": [V2, EXAMPLES], "@value": ""})


def check_expansion(doc: Any) -> None:
    """The walk's expanded form is pyld's, to the byte, and so is the compact form read from
    it (whenever the walk takes the document)."""
    try:
        expanded = testing.rdf_walk_expanded(doc)
    except (testing.NotTaken, pyld_jsonld.JsonLdError):
        return
    assert json.dumps(expanded) == json.dumps(plain_expanded(doc))
    if not isinstance(doc, dict):
        return
    try:
        ours = jsonld.compact_form(doc)
    except jsonld.JsonLdStrictError as exc:
        assert exc.code == "JSONLD_NOT_COMPACT"
        return
    assert json.dumps(ours) == json.dumps(plain_compact_form(doc))


def _published(doc: dict[str, Any]) -> list[str]:
    given = doc.get("@context")
    return [c for c in (given if isinstance(given, list) else [given]) if isinstance(c, str)]


def check_compaction(doc: Any) -> bool:
    """The compaction walk gives pyld's compaction of pyld's expanded form to the byte, and
    `compact_form` gives what pyld's expansion and compaction give; whether the walk took the
    expanded form."""
    if not isinstance(doc, dict):
        return False
    try:
        expanded = plain_expanded(doc)
        reference = pyld_jsonld.JsonLdProcessor().compact(
            copy.deepcopy(expanded),
            {"@context": _published(doc)},
            _plain_options(skipExpansion=True),
        )
    except Exception:  # pyld fails on this document (not always with a JsonLdError)
        return False
    try:
        ours = jsonld.compact_form(doc)
    except jsonld.JsonLdStrictError:
        pass  # refused (strict rules, or a split structure); pyld's own errors are its own
    else:
        assert json.dumps(ours) == json.dumps(reference)
    try:
        walked = testing.compact_walk(copy.deepcopy(expanded), _published(doc))
    except (testing.NotTaken, pyld_jsonld.JsonLdError):
        return False
    assert json.dumps(walked) == json.dumps(reference)
    return True


# --------------------------------------------------------------------------- documents


def _variants(name: str, data: Any) -> Iterator[tuple[str, Any]]:
    """A document, and for a secured one its unsecured form and each proof configuration
    (what Data Integrity canonicalises), also for credentials inside a presentation."""
    yield name, data
    if not isinstance(data, dict):
        return
    if "proof" in data:
        yield f"{name} (unsecured)", {k: v for k, v in data.items() if k != "proof"}
        proofs = data["proof"] if isinstance(data["proof"], list) else [data["proof"]]
        for i, proof in enumerate(proofs):
            if isinstance(proof, dict):
                config = {k: v for k, v in proof.items() if k != "proofValue"}
                config["@context"] = data.get("@context")
                yield f"{name} (proof config {i})", config
    inner = data.get("verifiableCredential")
    for i, item in enumerate(inner if isinstance(inner, list) else [inner]):
        if isinstance(item, dict):
            yield from _variants(f"{name} (credential {i})", item)


def _vector_documents() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for path in sorted(VECTORS.rglob("*")):
        if path.suffix not in (".json", ".jsonld") or not path.is_file():
            continue
        try:
            data = json.loads(path.read_text("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        found.extend(_variants(path.relative_to(VECTORS).as_posix(), data))
    return found


def _achievements_credential(count: int) -> dict[str, Any]:
    """The shape of bench/browser_verify.py's large credential: `count` achievements, each
    with a criteria node (2 * count blank nodes)."""
    return {
        "@context": [V2, EXAMPLES],
        "id": "urn:uuid:0b9c1f9e-6a1e-4d0e-9d8f-5c2f4c3b2a10",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "An alumni credential with many achievements.",
        "issuer": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:abcdefgh",
            "alumniOf": "The School of Examples",
            "achievement": [
                {
                    "type": "Achievement",
                    "identifier": f"course-{i:02d}",
                    "name": f"Course {i}",
                    "criteria": {"narrative": f"Passed the final assessment of course {i}."},
                    "credits": 5,
                    "awardedOn": "2022-06-30",
                }
                for i in range(count)
            ],
        },
    }


def _issued_documents() -> list[tuple[str, Any]]:
    keys = m.keys()
    ed25519 = next(k for k in keys.values() if k.kind == "Ed25519")
    p256 = next(k for k in keys.values() if k.kind == "P-256")
    docs: list[tuple[str, Any]] = [
        ("ob3", m.ob3_credential()),
        ("ob3 with status", m.ob3_credential(status_index=42, ects=7.5)),
        ("ob3 in Latvian", m.ob3_credential(title={"en": 'Mākslīgais intelekts "AI"\n'})),
        ("ob3 eddsa", m.sign_di(m.ob3_credential(), ed25519)),
        ("ob3 ecdsa", m.sign_di(m.ob3_credential(status_index=3), p256)),
        ("edc", m.edc_credential()),
        ("edc 7.5 ects", m.edc_credential(ects="7.5")),
        ("60 blank nodes", _achievements_credential(30)),
    ]
    found: list[tuple[str, Any]] = []
    for name, doc in docs:
        found.extend(_variants(name, doc))
    return found


VECTOR_DOCUMENTS = _vector_documents()
ISSUED_DOCUMENTS = _issued_documents()


@pytest.mark.parametrize(
    "name,doc",
    VECTOR_DOCUMENTS + ISSUED_DOCUMENTS,
    ids=[n for n, _ in VECTOR_DOCUMENTS + ISSUED_DOCUMENTS],
)
def test_known_documents_canonicalise_as_with_pyld(name: str, doc: Any) -> None:
    check_document(doc)


# Documents the fast conversion must take (so the speed-up does not silently disappear).
MUST_TAKE = [
    "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json (unsecured)",
    "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json (proof config 0)",
    "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json (unsecured)",
    "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256/proofConfigECDSAP256.json",
    "openbadges/ob3-ldp-test-vector-signed.json (unsecured)",
    "openbadges/ob3-ldp-test-vector-signed.json (proof config 0)",
    "corpus/ob3-eddsa-rdfc-2022.json (unsecured)",
    "corpus/ob3-eddsa-rdfc-2022.json (proof config 0)",
    "europass-edc/Sample-MC-Annex1-unsigned.jsonld",
    "ob3 with status",
    "edc",
    "60 blank nodes",
]


def test_the_fast_conversion_takes_the_usual_credentials() -> None:
    docs = dict(VECTOR_DOCUMENTS + ISSUED_DOCUMENTS)
    missing = [name for name in MUST_TAKE if name not in docs]
    assert not missing
    assert [name for name in MUST_TAKE if not takes_fast_path(docs[name])] == []
    # and most of the Data Integrity documents of the corpus (not the holder rewrites, which use
    # the JSON-LD features the fast conversion leaves to pyld on purpose, nor the third-party
    # credentials of wild/, many of which need vocabularies this verifier does not bundle)
    secured = [
        doc
        for name, doc in VECTOR_DOCUMENTS
        if "(unsecured)" in name and not name.startswith(("corpus/rewritten/", "wild/"))
    ]
    taken = sum(takes_fast_path(doc) for doc in secured)
    assert taken >= 0.9 * len(secured)


def test_the_compaction_walk_takes_the_usual_credentials() -> None:
    docs = dict(VECTOR_DOCUMENTS + ISSUED_DOCUMENTS)
    assert [name for name in MUST_TAKE if not check_compaction(docs[name])] == []


# --------------------------------------------------------------------------- features, one by one

XSD = "http://www.w3.org/2001/XMLSchema#"


def _vc(**fields: Any) -> dict[str, Any]:
    return {
        "@context": [V2, EXAMPLES],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        **fields,
    }


def _ob3(subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": [V2, OB303],
        "id": "urn:uuid:2",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": "Profile", "name": "Issuer"},
        "credentialSubject": subject,
    }


def _edc(**fields: Any) -> dict[str, Any]:
    return {"@context": [V1, EDC], "id": "urn:uuid:3", "type": "VerifiableCredential", **fields}


# (name, document, whether the fast conversion takes it)
FEATURES: list[tuple[str, dict[str, Any], bool]] = [
    ("nested blank nodes", _vc(credentialSubject={"a": {"b": {"c": "d"}}, "e": {}}), True),
    (
        "arrays, nested arrays, nulls, empty arrays",
        _vc(credentialSubject={"p": [["x", None, ["y"]], [], "z"], "q": None, "r": []}),
        True,
    ),
    (
        "blank node ids, merged and referenced",
        _vc(
            credentialSubject=[
                {"id": "_:s", "name": "one", "knows": {"id": "_:t"}},
                {"id": "_:s", "name": "two"},
                {"id": "_:t", "name": "three"},
            ],
            evidence="_:s",
        ),
        True,
    ),
    (
        "IRI nodes defined twice",
        _vc(credentialSubject=[{"id": "did:example:x", "a": 1}, {"id": "did:example:x", "b": 2}]),
        True,
    ),
    (
        "duplicate values, as pyld compares them",
        _vc(
            credentialSubject={
                "p": ["x", "x", 1, 1.0, True, 1, "1", False, 0, -0.0, {"id": "urn:a"}, "urn:a"],
                "q": [{"id": "urn:a"}, {"id": "urn:a"}],
                "type": ["T", "T"],
            }
        ),
        True,
    ),
    (
        "identical blank nodes (Hash N-Degree Quads)",
        _vc(credentialSubject={"p": [{"q": "same"}, {"q": "same"}, {"q": "same"}]}),
        True,
    ),
    (
        "two keys for @type",
        _vc(credentialSubject={"type": "B", "@type": ["A", "C"], "name": "n"}),
        True,
    ),
    (
        "type-scoped contexts (OB 3.0)",
        _ob3(
            {
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://example.org/achievements/1",
                    "type": ["Achievement"],
                    "name": "A",
                    "criteria": {"narrative": "Pass."},
                    "alignment": [
                        {"type": ["Alignment"], "targetName": "t", "targetUrl": "https://x/"}
                    ],
                    "creditsAvailable": 7.5,
                },
                "result": [{"type": ["Result"], "value": "A"}],
            }
        ),
        True,
    ),
    (
        "value objects under a type-scoped context",
        _ob3(
            {
                "type": ["AchievementSubject"],
                "name": {"@value": "Ada", "@language": "EN-GB", "@direction": "ltr"},
                "achievement": {"type": "Achievement", "name": {"@value": "A"}},
            }
        ),
        True,
    ),
    (
        "language maps",
        _edc(
            credentialSubject={
                "id": "did:example:learner",
                "type": "Person",
                "givenName": {"en": "Ada", "LV": ["Ada", "Adele"], "@none": "A", "fr": None},
                "familyName": {"en": "Lovelace"},
            }
        ),
        True,
    ),
    (
        "typed literals and numbers",
        _vc(
            validFrom="2023-01-01T00:00:00Z",
            credentialSubject={
                "i": 5,
                "big": 10**21,
                "bigger": -(10**25),
                "f": 1.5,
                "g": 1e-7,
                "h": 2.0,
                "z": -0.0,
                "t": True,
                "v": {"@value": "5", "@type": XSD + "integer"},
                "d": {"@value": "1.5", "@type": XSD + "double"},
                "e": {"@value": "abc", "@type": XSD + "double"},
                "w": {"@value": 3, "@type": XSD + "double"},
                "b": {"@value": False, "@type": XSD + "boolean"},
                "l": {"@value": "x", "@language": ""},
                "m": {"@value": "x", "@direction": "rtl"},
                "n": {"@value": None},
            },
        ),
        True,
    ),
    (
        "strings that N-Quads escapes",
        _vc(credentialSubject={"s": 'quote " backslash \\ tab \t nl \n cr \r ü 😀 \x00 \x7f'}),
        True,
    ),
    (
        "control characters canonical N-Quads write as ECHAR or UCHAR",
        _vc(credentialSubject={"s": "bs \b ff \x0c vt \x0b soh \x01 us \x1f del \x7f pad \x80"}),
        True,
    ),
    (
        "IRIs with characters canonical N-Quads write as UCHAR",
        _vc(
            credentialSubject={
                "id": "https://example.org/a|b{c}^`d",
                "https://example.org/p\\q": {"@id": "urn:x:<y>", "@type": 'urn:t:"z"'},
                "v": {"@value": "1", "@type": "https://example.org/dt|x"},
            }
        ),
        True,
    ),
    (
        "a proof inside the document",
        {
            "@context": [V1, ED2020],
            "id": "https://example.org/c",
            "type": "VerifiableCredential",
            "issuer": "did:example:issuer",
            "issuanceDate": "2023-01-01T00:00:00Z",
            "credentialSubject": {"id": "urn:uuid:x"},
            "proof": {
                "type": "Ed25519Signature2020",
                "proofPurpose": "assertionMethod",
                "verificationMethod": "did:example:issuer#key-1",
                "created": "2023-01-01T00:00:00Z",
            },
        },
        False,  # proof has a @graph container
    ),
    (
        "@vocab coercion (proof configuration)",
        {
            "@context": [V1, ED2020],
            "type": "Ed25519Signature2020",
            "proofPurpose": "assertionMethod",
            "verificationMethod": "did:example:issuer#key-1",
            "created": "2023-01-01T00:00:00Z",
        },
        True,
    ),
    ("relative @id", _vc(credentialSubject={"id": "relative/path", "a": "b"}), True),
    ("empty @id", _vc(credentialSubject={"id": "", "a": "b"}), True),
    ("fragment @id", _vc(credentialSubject={"id": "#me", "a": "b"}), True),
    ("type under @vocab", _vc(credentialSubject={"@type": "../Thing", "a": "b"}), True),
    (
        "relative type",
        {"@context": V1, "type": ["VerifiableCredential", "Thing"], "issuer": "did:example:i"},
        True,
    ),
    ("IRI with a space", _vc(credentialSubject={"id": "https://example.org/a b", "a": "b"}), True),
    ("absolute IRI properties", _vc(credentialSubject={"https://example.org/p": "x"}), True),
    ("a lone surrogate in a blank node", _vc(credentialSubject={"s": "a\ud800"}), True),
    (
        "nine indistinguishable blank nodes",
        _vc(credentialSubject={"p": [{"q": "same"} for _ in range(9)]}),
        True,
    ),
    ("nested context URL", _vc(credentialSubject={"@context": STATUS, "a": "b"}), True),
    ("top level with only an id", {"@context": V2, "id": "urn:uuid:9"}, True),
    # left to pyld
    ("undefined term", {"@context": [V2], "type": "VerifiableCredential", "nope": 1}, False),
    ("inline context", _vc(credentialSubject={"@context": {"x": "https://x/"}, "x": 1}), False),
    ("@graph container", _vc(proof={"type": "DataIntegrityProof"}), False),
    (
        "@list container",
        _ob3(
            {
                "type": "AchievementSubject",
                "achievement": {
                    "type": "Achievement",
                    "resultDescription": {
                        "id": "urn:rd",
                        "type": "ResultDescription",
                        "allowedValue": ["A", "B"],
                    },
                },
            }
        ),
        False,
    ),
    ("@list object", _vc(credentialSubject={"p": {"@list": [1, 2]}}), False),
    ("@json", {"@context": [V1], "type": "JsonWebKey2020", "publicKeyJwk": {"kty": "OKP"}}, False),
    ("@included", _vc(credentialSubject={"@included": [{"id": "urn:x", "a": 1}]}), False),
    ("@reverse", _vc(credentialSubject={"@reverse": {"p": {"id": "urn:x"}}}), False),
    ("blank node type", _vc(credentialSubject={"type": "_:t", "a": 1}), False),
    ("colliding @id", _vc(credentialSubject={"id": "urn:a", "@id": "urn:b"}), False),
    ("@id not a string", _vc(credentialSubject={"id": 5}), False),
    ("@type not a string", _vc(credentialSubject={"type": [1]}), False),
    (
        "value object with an empty @type",
        _vc(credentialSubject={"p": {"@value": "x", "@type": []}}),
        False,
    ),
    ("value object with a property", _vc(credentialSubject={"p": {"@value": "x", "a": 1}}), False),
    (
        "language on a number",
        _vc(credentialSubject={"p": {"@value": 1, "@language": "en"}}),
        False,
    ),
    ("bad direction", _vc(credentialSubject={"p": {"@value": "x", "@direction": "up"}}), False),
    ("unknown context", {"@context": ["https://evil.example/ctx"], "a": 1}, False),
    ("too deep", _vc(credentialSubject=json.loads('{"a":' * 300 + "1" + "}" * 300)), False),
]


@pytest.mark.parametrize("name,doc,fast", FEATURES, ids=[f[0] for f in FEATURES])
def test_each_feature_canonicalises_as_with_pyld(
    name: str, doc: dict[str, Any], fast: bool
) -> None:
    assert check_document(doc) is fast


# --------------------------------------------------------------------------- generated documents

# Context lists the generated documents use (all of them accepted by pyld together).
CONTEXT_SETS: list[tuple[str, ...]] = [
    (V2,),
    (V2, EXAMPLES),
    (V1,),
    (V1, ED2020),
    (V2, OB303),
    (V1, OB301),
    (V2, DI2),
    (V1, DI1),
    (V2, STATUS),
    (V1, EDC),
    (CID,),
]


def _terms(url: str) -> tuple[set[str], set[str]]:
    """Terms a bundled context defines, at the top and in scoped contexts, and the ones that
    look like types (capitalised)."""
    terms: set[str] = set()

    def walk(ctx: Any) -> None:
        for part in ctx if isinstance(ctx, list) else [ctx]:
            if not isinstance(part, dict):
                continue
            for key, value in part.items():
                if key.startswith("@"):
                    continue
                terms.add(key)
                if isinstance(value, dict) and isinstance(value.get("@context"), dict):
                    walk(value["@context"])

    walk(jsonld.bundled_context(url)["@context"])
    return terms, {t for t in terms if t[:1].isupper()}


def _pools(urls: tuple[str, ...]) -> tuple[list[str], list[str]]:
    terms: set[str] = set()
    types: set[str] = set()
    for url in urls:
        more, more_types = _terms(url)
        terms |= more
        types |= more_types
    return sorted(terms - types), sorted(types)


IRIS = [
    "https://example.org/a",
    "https://example.org/b#x",
    "did:example:123",
    "urn:uuid:9d6c6a6e-1",
    "mailto:someone@example.org",
    "_:x",
    "_:y",
    "relative",
    "#fragment",
    "",
    "../up",
    "https://example.org/with space",
    "unknown:prefix",
]
# IRIs with characters that canonical N-Quads write as UCHAR (kept out of IRIS, which
# test_check_terms_fast.py shares with its recorded inputs)
ESCAPED_IRIS = ["https://example.org/a|b{c}^`d\\e<f>"]
EXTRA_KEYS = ["https://example.org/p", "https://example.org/q"]
KEYWORD_KEYS = ["id", "type", "@id", "@type", "@value", "@language", "@none", "@list", "@graph"]
DATATYPES = [
    XSD + "string",
    XSD + "integer",
    XSD + "double",
    XSD + "dateTime",
    XSD + "boolean",
    "https://example.org/datatype",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
]

_text = st.text(
    alphabet=st.sampled_from([*'ab Z09"\\\t\n\r-_:/#@éü😀', *"\x00\x01\b\x0b\x0c\x1f\x7f\x80"]),
    max_size=8,
)
_numbers = st.one_of(
    st.integers(min_value=-(10**23), max_value=10**23),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, -0.0, 1.0, 2.5, 1e21, 1e-7, 10**21]),
)


def _scalars(terms: list[str], types: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(
        _text,
        st.sampled_from(IRIS + ESCAPED_IRIS),
        st.sampled_from(terms + types),
        _numbers,
        st.booleans(),
        st.none(),
    )


def _value_objects(terms: list[str], types: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    value = st.one_of(_text, _numbers, st.booleans(), st.none())
    return st.one_of(
        st.fixed_dictionaries({"@value": value}),
        st.fixed_dictionaries(
            {"@value": value, "@type": st.sampled_from(DATATYPES + types[:5] + IRIS[:3])}
        ),
        st.fixed_dictionaries(
            {"@value": value, "@language": st.sampled_from(["en", "EN-gb", "lv", "", None])},
            optional={"@direction": st.sampled_from(["ltr", "rtl"])},
        ),
    )


def _language_maps() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        st.sampled_from(["en", "LV", "fr-CA", "@none"]),
        st.one_of(_text, st.lists(_text, max_size=2), st.none()),
        max_size=3,
    )


@st.composite
def _nodes(draw: st.DrawFn, terms: list[str], types: list[str], depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    if draw(st.booleans()):
        node[draw(st.sampled_from(["id", "@id"]))] = draw(st.sampled_from(IRIS))
    if draw(st.integers(0, 3)):
        pick = st.sampled_from(types + IRIS[:3] + ["Unknown"])
        node[draw(st.sampled_from(["type", "@type"]))] = draw(
            st.one_of(pick, st.lists(pick, max_size=3))
        )
    if draw(st.integers(0, 9)) == 0:
        node["@context"] = draw(st.sampled_from([STATUS, DI2, [ED2020]]))
    keys = st.one_of(st.sampled_from(terms), st.sampled_from(EXTRA_KEYS))
    for key in draw(st.lists(keys, max_size=4)):
        node.setdefault(key, draw(_values(terms, types, depth)))
    if draw(st.integers(0, 19)) == 0:
        # keywords and their aliases together, with any value
        node.setdefault(draw(st.sampled_from(KEYWORD_KEYS)), draw(_values(terms, types, 3)))
    return node


def _values(terms: list[str], types: list[str], depth: int) -> st.SearchStrategy[Any]:
    leaves = [_scalars(terms, types), _value_objects(terms, types), _language_maps()]
    if depth >= 3:
        return st.one_of(*leaves, st.lists(_scalars(terms, types), max_size=3))
    child = _nodes(terms, types, depth + 1)
    return st.one_of(
        *leaves,
        child,
        st.lists(st.one_of(child, _scalars(terms, types)), max_size=3),
        # the same node several times: blank nodes only Hash N-Degree Quads tells apart
        st.tuples(child, st.integers(2, 3)).map(lambda pair: [pair[0]] * pair[1]),
        st.lists(st.lists(_scalars(terms, types), max_size=2), max_size=2),
    )


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    urls = draw(st.sampled_from(CONTEXT_SETS))
    terms, types = _pools(urls)
    node = draw(_nodes(terms, types, 0))
    node["@context"] = list(urls) if len(urls) > 1 or draw(st.booleans()) else urls[0]
    return node


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents())
def test_generated_documents_canonicalise_as_with_pyld(doc: dict[str, Any]) -> None:
    fast = check_document(doc)
    code = outcome(doc, fast=True)[0]
    event(f"{'fast conversion' if fast else 'left to pyld'}: {code}")


# --------------------------------------------------------------------------- bounds


def _symmetric(count: int) -> dict[str, Any]:
    """Blank nodes that only Hash N-Degree Quads tells apart: a ring of `count` nodes."""
    return _vc(
        credentialSubject=[
            {"id": f"_:n{i}", "next": {"id": f"_:n{(i + 1) % count}"}, "v": "x"}
            for i in range(count)
        ]
    )


def _twins(count: int) -> dict[str, Any]:
    """`count` achievements alike in every value, each with a criteria node: blank nodes with
    the same first-degree hash in pairs of levels, told apart (or not) by N-degree hashing."""
    doc = _achievements_credential(count)
    for item in doc["credentialSubject"]["achievement"]:
        item["identifier"] = "course"
        item["name"] = "Course"
        item["criteria"]["narrative"] = "Passed."
    return doc


def _two_rings() -> dict[str, Any]:
    """Two isomorphic rings of three blank nodes beside a ring of four."""
    nodes = []
    for ring, size in (("a", 3), ("b", 3), ("c", 4)):
        nodes += [
            {"id": f"_:{ring}{i}", "next": {"id": f"_:{ring}{(i + 1) % size}"}, "v": "x"}
            for i in range(size)
        ]
    return _vc(credentialSubject=nodes)


@pytest.mark.parametrize(
    "doc",
    [_symmetric(8), _two_rings(), _twins(2), _twins(6), _achievements_credential(60)],
    ids=["ring of 8", "two isomorphic rings and another", "2 twins", "6 twins", "120 blank nodes"],
)
def test_many_and_indistinguishable_blank_nodes_canonicalise_as_with_pyld(doc: Any) -> None:
    assert check_document(doc)
    assert outcome(doc, fast=True)[0] == "ok"


@pytest.mark.parametrize("count", [2, 3, 5])
def test_the_work_budget_runs_out_at_the_same_step(count: int) -> None:
    doc = _symmetric(count)
    assert outcome(doc, fast=True)[0] == "ok"
    reference = testing.Rdfc(jsonld.MAX_RDFC_STEPS, general=True)
    reference.canonize(plain_dataset(doc))
    assert reference.steps > 0
    for max_steps in range(reference.steps + 2):
        fast = outcome(doc, fast=True, max_steps=max_steps)
        assert fast == outcome(doc, fast=False, max_steps=max_steps)
        assert (fast[0] == "ok") is (max_steps >= reference.steps)


def test_memos_stay_bounded() -> None:
    with testing.fresh_memos(rdf_walk=50, compact_walk=50):
        for i in range(40):
            # a new node shape each time
            doc = _vc(credentialSubject={f"https://example.org/p{j}": j for j in range(i + 1)})
            assert check_document(doc)
            assert check_compaction(doc)
            assert testing.memo_sizes()["rdf_walk_stored"] <= 50
            assert testing.memo_sizes()["compact_walk_stored"] <= 50
