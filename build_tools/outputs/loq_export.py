"""Europass (QDR) export: the catalogue as an ELM "LOQ" dataset in RDF/XML.

Europass publishes learning opportunities that accredited bodies send to its Qualification
Dataset Register (QDR) under a publishing agreement. The data must follow the ELM 3.2
"Learning Opportunities and Qualifications" (LOQ) application profile, which
`catalogue.jsonld` already follows (`tests/outputs/test_elm.py` checks it against the official
shapes). This export is that same graph, from `elm.catalogue_document`, written as RDF/XML:
nothing is described a second time, so the site and the export cannot disagree.

The command line offers it as `credsite export --format elm-loq-rdfxml`.
"""

from __future__ import annotations

import rdflib

from build_tools.catalogue.model import Catalogue

from . import elm
from .elm_rdf import XSD_STRING, Literal, Object, catalogue_triples

_PREFIXES = {
    "elm": elm.ELM.namespace,
    "dc": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "adms": "http://www.w3.org/ns/adms#",
    "rov": "http://www.w3.org/ns/regorg#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def export_loq_rdfxml(catalogue: Catalogue) -> bytes:
    """Every offer of `catalogue`, with its specification, awarding bodies and the alliance,
    as one ELM 3.2 LOQ dataset in RDF/XML (UTF-8)."""
    graph = rdflib.Graph(bind_namespaces="core")
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    for s, p, o in sorted(catalogue_triples(catalogue), key=lambda t: (t[0], t[1], str(t[2]))):
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), _rdflib_object(o)))
    # Flat RDF/XML (one description per node), which every RDF/XML reader takes.
    return bytes(graph.serialize(format="xml", encoding="utf-8"))


def _rdflib_object(o: Object) -> rdflib.term.Node:
    if isinstance(o, Literal):
        if o.language:
            return rdflib.Literal(o.value, lang=o.language)
        return rdflib.Literal(
            o.value, datatype=None if o.datatype == XSD_STRING else rdflib.URIRef(o.datatype)
        )
    return rdflib.URIRef(o)
