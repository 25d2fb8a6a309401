"""RDFC-1.0 (URDNA2015) canonicalisation with a work budget, and `canonize`."""

from __future__ import annotations

import hashlib
import re
import types
from typing import Any

from . import rdf_fast as _rdf_fast
from .contexts import _check_contexts, document_loader
from .expand import (
    SENTINEL_BASE,
    _bad_iri,
    _input,
    _options,
    _processor,
    _raise_dropped,
    _relative_iri_error,
    _translate,
)
from .limits import (
    MAX_BLANK_NODES,
    MAX_QUADS,
    MAX_RDFC_STEPS,
    MAX_SAME_HASH_GROUP,
    JsonLdStrictError,
    check_size,
)
from .pyld_setup import RDF_LANGSTRING as _RDF_LANGSTRING
from .pyld_setup import URDNA2015 as _URDNA2015
from .pyld_setup import XSD_STRING as _XSD_STRING
from .pyld_setup import IdentifierIssuer as _IdentifierIssuer
from .pyld_setup import pyld as _pyld


class _FastIssuer(_IdentifierIssuer):
    """pyld's IdentifierIssuer with a cheap copy (Hash N-Degree Quads copies issuers for every
    permutation it tries; `copy.deepcopy` of the general kind was most of that time)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _FastIssuer:
        twin = _FastIssuer(self.prefix)
        twin.counter = self.counter
        twin.existing = dict(self.existing)
        twin.order = list(self.order)
        return twin


# A quad's N-Quads text in parts (see `_quad_parts`): subject text, subject label, predicate
# text, object text, object label, graph text, graph label; a blank node subject, object or
# graph name has its label set and its text left to be filled in.
_Parts = tuple[str | None, str | None, str, str | None, str | None, str, str | None]


# Canonical N-Quads (RDFC-1.0 appendix A, after canonical N-Triples): in a literal, BS, HT,
# LF, FF, CR, double quote and backslash are written as ECHAR, the other characters
# U+0000-U+001F and U+007F as UCHAR with upper-case hex, everything else as itself. In an IRI,
# which has no ECHAR, the characters the IRIREF production excludes are written as UCHAR.
# pyld's own escape writes only HT, LF, CR, double quote and backslash (and IRIs as they
# are), which differs for the other control characters and for those IRI characters; Digital
# Bazaar's rdf-canonize writes the canonical form, and so do the issuers that use it.
_LITERAL_TO_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_TO_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _ECHAR.get(char) or f"\\u{ord(char):04X}"


def _iri_uchar(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"


def escape_literal(value: str) -> str:
    """A literal's lexical form as canonical N-Quads writes it between its quotes."""
    return _LITERAL_TO_ESCAPE.sub(_escaped, value) if _LITERAL_TO_ESCAPE.search(value) else value


def iri_text(value: str) -> str:
    """An IRI as canonical N-Quads writes it: `<`, the IRI with UCHAR where needed, `>`."""
    text = _IRI_TEXTS.get(value)
    if text is None:
        escaped = _IRI_TO_ESCAPE.sub(_iri_uchar, value) if _IRI_TO_ESCAPE.search(value) else value
        text = "<" + escaped + ">"
        if len(_IRI_TEXTS) >= _IRI_TEXTS_MAX:
            _IRI_TEXTS.clear()
        _IRI_TEXTS[value] = text
    return text


# IRI -> its text: the same predicates, types and datatypes recur in every credential.
_IRI_TEXTS: dict[str, str] = {}
_IRI_TEXTS_MAX = 4096


def _term_text(component: dict[str, Any]) -> str:
    """The canonical N-Quads text of a subject, predicate or object (a blank node as its
    label)."""
    if component["type"] == "IRI":
        return iri_text(component["value"])
    if component["type"] == "blank node":
        return str(component["value"])
    text = '"' + escape_literal(component["value"]) + '"'
    datatype = component["datatype"]
    if datatype == _RDF_LANGSTRING:
        if component.get("language"):
            text += "@" + component["language"]
    elif datatype != _XSD_STRING:
        text += "^^" + iri_text(datatype)
    return text


def serialize_nquad(triple: dict[str, Any], graph_name: str | None = None) -> str:
    """pyld's `serialize_nquad` (same arguments, same layout), writing canonical N-Quads."""
    graph = triple.get("name", {"value": graph_name})["value"]
    text = (
        _term_text(triple["subject"])
        + " "
        + _term_text(triple["predicate"])
        + " "
        + _term_text(triple["object"])
    )
    if graph is not None:
        text += " " + (graph if graph.startswith("_:") else iri_text(graph))
    return text + " .\n"


def _quad_parts(quad: dict[str, Any]) -> _Parts:
    """The N-Quads text of `quad` as pyld's `serialize_nquad` writes it, with each blank node
    subject, object or graph name left open: (subject text or None, subject label, predicate
    text, object text or None, object label, graph text, graph label)."""
    subject, obj = quad["subject"], quad["object"]
    s_label = subject["value"] if subject["type"] == "blank node" else None
    o_label = obj["value"] if obj["type"] == "blank node" else None
    name = quad.get("name")
    g_label = None
    graph = ""
    if name is not None:
        if name["value"].startswith("_:"):
            g_label = name["value"]
        else:
            graph = " " + iri_text(name["value"])
    return (
        None if s_label is not None else _term_text(subject),
        s_label,
        _term_text(quad["predicate"]),
        None if o_label is not None else _term_text(obj),
        o_label,
        graph,
        g_label,
    )


class _BoundedURDNA2015(_URDNA2015):
    """pyld's URDNA2015 with a work budget (RDFC-1.0 §4.4 asks implementations to bound it).

    `main` and `hash_first_degree_quads` follow pyld's steps (same hashes, same issuing, same
    output bytes) but write each quad's N-Quads text once, in parts, instead of copying and
    serialising the quad again for every blank node in it and once more at the end.
    """

    def __init__(self, max_steps: int) -> None:
        super().__init__()
        self._steps = 0
        self._max_steps = max_steps
        self._parts: dict[int, _Parts] = {}  # id(quad) -> its text in parts
        self.hash_to_blank_nodes: dict[str, list[str]] = {}

    def _step(self) -> None:
        self._steps += 1
        if self._steps > self._max_steps:
            raise JsonLdStrictError(
                "JSONLD_TOO_COMPLEX",
                "The credential's data graph is too complex to check safely.",
                f"canonicalisation stopped after {self._max_steps} steps",
            )

    def main(self, dataset: dict[str, list[dict[str, Any]]], options: Any) -> str:
        """RDFC-1.0 §4.4 as in pyld's `URDNA2015.main` (N-Quads output only)."""
        quads = self.quads
        info = self.blank_node_info
        parts = self._parts
        # 2) the quads, and the quads of each blank node (a quad is listed once per blank
        # node component, as pyld does)
        for graph_name, triples in dataset.items():
            for quad in triples:
                if graph_name != "@default":
                    kind = "blank node" if graph_name.startswith("_:") else "IRI"
                    quad["name"] = {"type": kind, "value": graph_name}
                quads.append(quad)
                quad_parts = _quad_parts(quad)
                parts[id(quad)] = quad_parts
                for label in (quad_parts[1], quad_parts[4], quad_parts[6]):
                    if label is not None:
                        entry = info.get(label)
                        if entry is None:
                            info[label] = {"quads": [quad]}
                        else:
                            entry["quads"].append(quad)

        # 3-5) issue canonical identifiers to blank nodes with a unique first-degree hash,
        # until no more are found (an ordered set: pyld iterates a set here; the order does
        # not change the result)
        non_normalized = dict.fromkeys(info)
        simple = True
        while simple:
            simple = False
            self.hash_to_blank_nodes = {}
            for id_ in non_normalized:
                self.hash_to_blank_nodes.setdefault(self.hash_first_degree_quads(id_), []).append(
                    id_
                )
            for hash_, id_list in sorted(self.hash_to_blank_nodes.items()):
                if len(id_list) > 1:
                    continue
                self.canonical_issuer.get_id(id_list[0])
                del non_normalized[id_list[0]]
                del self.hash_to_blank_nodes[hash_]
                simple = True

        # 6) the others, by Hash N-Degree Quads
        for _hash, id_list in sorted(self.hash_to_blank_nodes.items()):
            hash_path_list = []
            for id_ in id_list:
                if self.canonical_issuer.has_id(id_):
                    continue
                issuer = _FastIssuer("_:b")
                issuer.get_id(id_)
                hash_path_list.append(self.hash_n_degree_quads(id_, issuer))
            for result in sorted(hash_path_list, key=lambda r: r["hash"]):
                for existing in result["issuer"].order:
                    self.canonical_issuer.get_id(existing)

        # 7) every quad with canonical labels, sorted
        canonical = self.canonical_issuer
        prefix = canonical.prefix

        def relabel(label: str) -> str:
            return label if label.startswith(prefix) else str(canonical.get_id(label))

        lines = []
        for quad in quads:
            s_text, s_label, p_text, o_text, o_label, graph, g_label = parts[id(quad)]
            if s_label is not None:
                s_text = relabel(s_label)
            if o_label is not None:
                o_text = relabel(o_label)
            if g_label is not None:
                graph = " " + relabel(g_label)
            lines.append(f"{s_text} {p_text} {o_text}{graph} .\n")
        lines.sort()
        return "".join(lines)

    def hash_first_degree_quads(self, id_: str) -> str:
        """RDFC-1.0 §4.6: the quads of `id_` with `_:a` for it and `_:z` for other blank
        nodes, sorted, hashed (cached, as in pyld)."""
        info = self.blank_node_info[id_]
        cached = info.get("hash")
        if cached is not None:
            return str(cached)
        parts = self._parts
        lines = []
        for quad in info["quads"]:
            s_text, s_label, p_text, o_text, o_label, graph, g_label = parts[id(quad)]
            if s_label is not None:
                s_text = "_:a" if s_label == id_ else "_:z"
            if o_label is not None:
                o_text = "_:a" if o_label == id_ else "_:z"
            if g_label is not None:
                graph = " _:a" if g_label == id_ else " _:z"
            lines.append(f"{s_text} {p_text} {o_text}{graph} .\n")
        lines.sort()
        text = "".join(lines)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            # pyld encodes line by line: fail on the same line, with the same message
            for line in lines:
                line.encode("utf-8")
            raise
        digest = hashlib.sha256(data).hexdigest()
        info["hash"] = digest
        return digest

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._step()
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_: str, issuer: Any) -> Any:
        result = super().create_hash_to_related(id_, issuer)
        for group in result.values():
            if len(group) > MAX_SAME_HASH_GROUP:
                raise JsonLdStrictError(
                    "JSONLD_TOO_COMPLEX",
                    "The credential's data graph is too complex to check safely.",
                    f"{len(group)} indistinguishable blank nodes",
                )
            self._step()
        return result


def _writing_canonical_nquads(step: Any) -> Any:
    """pyld's `step` (a function of its canon module), calling `serialize_nquad` above where it
    calls pyld's own."""
    names = {**step.__globals__, "serialize_nquad": serialize_nquad}
    return types.FunctionType(
        step.__code__, names, step.__name__, step.__defaults__, step.__closure__
    )


class _PyldStepsURDNA2015(_BoundedURDNA2015):
    """The bounded canonicalisation over pyld's own `main` and Hash First Degree Quads: the
    same work budget and errors as `_BoundedURDNA2015`, with pyld's steps (the general code
    that class replaces, for the differential tests), writing canonical N-Quads."""

    main = _writing_canonical_nquads(_URDNA2015.main)
    hash_first_degree_quads = _writing_canonical_nquads(_URDNA2015.hash_first_degree_quads)


def _check_dataset(dataset: dict[str, list[dict[str, Any]]]) -> None:
    quads = 0
    blank: set[str] = set()
    checked: set[str] = set()  # IRIs already found absolute (the same ones recur in most quads)
    datatypes: set[str] = set()  # datatype IRIs already found not relative
    for graph_name, triples in dataset.items():
        if graph_name != "@default" and not graph_name.startswith("_:") and _bad_iri(graph_name):
            raise _relative_iri_error()
        quads += len(triples)
        for triple in triples:
            for comp in (triple["subject"], triple["predicate"], triple["object"]):
                kind = comp["type"]
                if kind == "blank node":
                    blank.add(comp["value"])
                elif kind == "IRI":
                    value = comp["value"]
                    if value not in checked:
                        if _bad_iri(value):
                            raise _relative_iri_error()
                        checked.add(value)
                datatype = comp.get("datatype")
                if datatype is not None and datatype not in datatypes:
                    if str(datatype).startswith(SENTINEL_BASE):
                        raise _relative_iri_error()
                    datatypes.add(datatype)
    if quads > MAX_QUADS or len(blank) > MAX_BLANK_NODES:
        raise JsonLdStrictError(
            "JSONLD_TOO_COMPLEX",
            "The credential's data graph is too large to check safely.",
            f"{quads} quads, {len(blank)} blank nodes (limits {MAX_QUADS}, {MAX_BLANK_NODES})",
        )


def _fast_options() -> dict[str, Any]:
    """The options pyld's `to_rdf` and `expand` work with, after their defaults."""
    opts = _options(document_loader)
    opts.update(
        produceGeneralizedRdf=False,
        isFrame=False,
        keepFreeFloatingNodes=False,
        contextResolver=_pyld.ContextResolver(_pyld._resolved_context_cache, document_loader),
    )
    return opts


def _to_rdf(doc: Any, dropped: list[str], one_walk: bool) -> dict[str, list[dict[str, Any]]]:
    """pyld's RDF dataset of `doc`: from the one-walk conversion of `rdf_fast` when the
    document stays within what it models (and `one_walk` allows it), else from pyld's `to_rdf`
    (which then also reports every error, so error codes do not depend on the path taken)."""
    processor = _processor(dropped)
    if one_walk:
        try:
            return _rdf_fast.to_rdf(doc, processor, _fast_options())
        except Exception:
            pass  # anything unusual is left to pyld, which then decides
    opts = _options(document_loader)
    opts["produceGeneralizedRdf"] = False
    dataset: dict[str, list[dict[str, Any]]] = processor.to_rdf(_input(doc), opts)
    return dataset


def rdf_dataset(doc: Any) -> dict[str, list[dict[str, Any]]]:
    """pyld's RDF dataset of `doc` (graph name -> quads), under the strict rules above, without
    canonicalisation: for outputs that re-shape JSON-LD as the verifier reads it."""
    return _rdf_dataset(doc, one_walk=True)


def _rdf_dataset(doc: Any, one_walk: bool) -> dict[str, list[dict[str, Any]]]:
    """`rdf_dataset`; without `one_walk`, from pyld's `to_rdf` alone."""
    check_size(doc)
    _check_contexts(doc)
    dropped: list[str] = []
    try:
        dataset = _to_rdf(doc, dropped, one_walk)
    except RecursionError as exc:
        raise JsonLdStrictError("JSONLD_INVALID", "The document is nested too deeply.") from exc
    except Exception as exc:
        raise _translate(exc) from exc
    _raise_dropped(dropped)
    return dataset


def canonize(doc: Any, *, max_steps: int = MAX_RDFC_STEPS) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of `doc`, under the strict rules above."""
    return _canonize(doc, max_steps, general=False)


def canonize_general(doc: Any, *, max_steps: int = MAX_RDFC_STEPS) -> str:
    """`canonize` by the general code its fast paths replace: pyld's `to_rdf` and pyld's own
    RDFC-1.0 steps, under the same rules, work budget and errors."""
    return _canonize(doc, max_steps, general=True)


def _canonize(doc: Any, max_steps: int, general: bool) -> str:
    dataset = _rdf_dataset(doc, one_walk=not general)
    _check_dataset(dataset)
    steps = _PyldStepsURDNA2015 if general else _BoundedURDNA2015
    try:
        result = steps(max_steps).main(dataset, {"format": "application/n-quads"})
    except JsonLdStrictError:
        raise
    except RecursionError as exc:
        raise JsonLdStrictError(
            "JSONLD_TOO_COMPLEX", "The credential's data graph is too complex to check safely."
        ) from exc
    except Exception as exc:
        raise _translate(exc) from exc
    return str(result)
