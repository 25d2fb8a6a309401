"""The ELM JSON-LD of `elm.py` as RDF triples, for the outputs that re-shape it.

The QualityLink dataset and the Europass (QDR) LOQ export publish the same learning
opportunities as `catalogue.jsonld`, in other syntaxes or namespaces. They start from the
triples of `elm.catalogue_document` (or of other public node builders of `elm.py`), so every
ELM node is written in one place, and change only what their channel asks for.

The JSON-LD becomes RDF as the verifier reads it (`build_tools.verifier.jsonld.rdf_dataset`:
the bundled edc-ap context, no network, undefined terms refused). Each top-level node is
converted on its own, which keeps the time linear in the number of offers (pyld's `to_rdf` of
the whole catalogue takes seconds per hundred offers).

Triples are plain tuples: subject and predicate are IRIs (`str`), the object is an IRI (`str`)
or a `Literal`. The ELM documents give every node an `@id`, so there are no blank nodes.
`turtle` and `flat_jsonld` write a set of triples in those syntaxes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from build_tools.catalogue.model import Catalogue
from build_tools.verifier.jsonld import JsonLdStrictError, rdf_dataset

from . import elm

#: The ELM 3.3 ontology namespace (3.0 to 3.2 used `elm.ELM_3_2.namespace`).
ELM_3_3_NAMESPACE = "http://data.europa.eu/snb/model/ontology/"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Literal(NamedTuple):
    value: str
    datatype: str = XSD_STRING
    language: str = ""


Object = str | Literal
Triple = tuple[str, str, Object]


class ElmRdfError(ValueError):
    """The ELM JSON-LD gave something these outputs cannot carry (e.g. a blank node)."""


def _term(part: Mapping[str, Any]) -> Object:
    kind = part["type"]
    if kind == "IRI":
        return str(part["value"])
    if kind == "literal":
        datatype = str(part.get("datatype") or XSD_STRING)
        language = str(part.get("language") or "")
        if language:
            datatype = RDF_LANGSTRING
        return Literal(str(part["value"]), datatype, language)
    raise ElmRdfError(f"an ELM node without @id gave a blank node ({part.get('value')})")


def document_triples(doc: Mapping[str, Any]) -> set[Triple]:
    """The triples of an ELM JSON-LD document: `@context` (a bundled context URL) with
    `@graph` (a list of nodes) or a single node."""
    context = doc["@context"]
    single = {k: v for k, v in doc.items() if k != "@context"}
    nodes = doc.get("@graph", [single])
    out: set[Triple] = set()
    for node in nodes:
        try:
            dataset = rdf_dataset({"@context": context, **node})
        except JsonLdStrictError as exc:
            raise ElmRdfError(f"{exc.message} {exc.detail}") from exc
        for quad in dataset.get("@default", []):
            subject, predicate = _term(quad["subject"]), _term(quad["predicate"])
            if not isinstance(subject, str) or not isinstance(predicate, str):
                raise ElmRdfError("a literal in subject or predicate position")
            out.add((subject, predicate, _term(quad["object"])))
    return out


def catalogue_triples(catalogue: Catalogue) -> set[Triple]:
    """Every offer of the catalogue as ELM RDF, in the namespace `elm.ELM` names."""
    return document_triples(elm.catalogue_document(catalogue))


def nodes_triples(nodes: list[dict[str, Any]]) -> set[Triple]:
    """Nodes made by the public builders of `elm.py` (e.g. `elm.organisation`) as RDF."""
    return document_triples({"@context": elm.ELM.context, "@graph": nodes})


def move_namespace(triples: Iterable[Triple], old: str, new: str) -> set[Triple]:
    """The triples with every IRI that starts with `old` starting with `new` instead (classes,
    properties and IRI values alike; literals, datatypes included, are left as they are)."""

    def moved(iri: str) -> str:
        return new + iri[len(old) :] if iri.startswith(old) else iri

    return {(moved(s), moved(p), moved(o) if isinstance(o, str) else o) for s, p, o in triples}


# ------------------------------------------------------------------------------- serialisers

_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_SPECIAL = re.compile(r'[\\"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


def _compact(iri: str, prefixes: Mapping[str, str]) -> str | None:
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and _LOCAL.match(iri, len(namespace)):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def _iri_ref(iri: str) -> str:
    return "<" + _IRI_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _turtle_iri(iri: str, prefixes: Mapping[str, str]) -> str:
    return _compact(iri, prefixes) or _iri_ref(iri)


def _turtle_string(text: str) -> str:
    return (
        '"'
        + _STRING_SPECIAL.sub(
            lambda m: _STRING_ESCAPE.get(m.group(), f"\\u{ord(m.group()):04X}"), text
        )
        + '"'
    )


def _turtle_object(o: Object, prefixes: Mapping[str, str]) -> str:
    if isinstance(o, str):
        return _turtle_iri(o, prefixes)
    text = _turtle_string(o.value)
    if o.language:
        return f"{text}@{o.language}"
    if o.datatype == XSD_STRING:
        return text
    return f"{text}^^{_turtle_iri(o.datatype, prefixes)}"


def _by_subject(triples: Iterable[Triple]) -> dict[str, dict[str, list[Object]]]:
    subjects: dict[str, dict[str, list[Object]]] = {}
    for s, p, o in triples:
        subjects.setdefault(s, {}).setdefault(p, []).append(o)
    return subjects


def _sort_key(o: Object) -> tuple[str, str, str, str]:
    if isinstance(o, str):
        return ("0", o, "", "")
    return ("1", o.value, o.datatype, o.language)


def turtle(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> bytes:
    """Turtle, subjects, predicates and objects sorted (the same triples give the same bytes)."""
    lines = [f"@prefix {p}: {_iri_ref(ns)} ." for p, ns in prefixes.items()]
    for s, props in sorted(_by_subject(triples).items()):
        lines.append("")
        parts = []
        for p in sorted(props, key=lambda p: (p != RDF_TYPE, p)):
            objects = sorted(props[p], key=_sort_key)
            verb = "a" if p == RDF_TYPE else _turtle_iri(p, prefixes)
            parts.append(
                f"    {verb} " + " ,\n        ".join(_turtle_object(o, prefixes) for o in objects)
            )
        lines.append(_turtle_iri(s, prefixes) + "\n" + " ;\n".join(parts) + " .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _jsonld_value(o: Object) -> Any:
    if isinstance(o, str):
        return {"@id": o}
    if o.language:
        return {"@value": o.value, "@language": o.language}
    if o.datatype == XSD_STRING:
        return o.value
    return {"@value": o.value, "@type": o.datatype}


def flat_jsonld(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> bytes:
    """Flattened JSON-LD with an inline context of `prefixes` only (nothing to fetch): one
    node object per subject, sorted like `turtle`. Keys and types use the prefixes; values are
    full IRIs."""
    graph = []
    for s, props in sorted(_by_subject(triples).items()):
        node: dict[str, Any] = {"@id": s}
        for p in sorted(props, key=lambda p: (p != RDF_TYPE, p)):
            objects = sorted(props[p], key=_sort_key)
            if p == RDF_TYPE and all(isinstance(o, str) for o in objects):
                node["@type"] = [_compact(str(o), prefixes) or str(o) for o in objects]
            else:
                node[_compact(p, prefixes) or p] = [_jsonld_value(o) for o in objects]
        graph.append(node)
    doc = {"@context": dict(prefixes), "@graph": graph}
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
