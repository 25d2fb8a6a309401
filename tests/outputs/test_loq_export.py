"""Europass QDR export: the catalogue as an ELM 3.2 LOQ dataset in RDF/XML, official shapes."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.compare import isomorphic

from build_tools.catalogue.model import Catalogue
from build_tools.outputs import elm
from build_tools.outputs.loq_export import export_loq_rdfxml
from build_tools.verifier.jsonld import canonize

from ._fixtures import hostile_offer, make_catalogue, make_offer
from .conftest import violations_except_unknown_nqf


def parsed(data: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format="xml")


def conforms(graph: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, str]:
    ok, _report, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return bool(ok), str(text)


def test_example_catalogue_export_passes_the_official_loq_shapes(
    example_catalogue: Catalogue, loq_shapes: rdflib.Graph
) -> None:
    data = export_loq_rdfxml(example_catalogue)
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    graph = parsed(data)
    lo = rdflib.URIRef(elm.ELM.namespace + "LearningOpportunity")
    assert len(set(graph.subjects(rdflib.RDF.type, lo))) == len(example_catalogue.offers)
    ok, text = conforms(graph, loq_shapes)
    assert ok or not violations_except_unknown_nqf(text, example_catalogue), text[:3000]


def test_fixture_exports_pass_including_hostile_text(
    fixture_catalogue: Catalogue, loq_shapes: rdflib.Graph
) -> None:
    catalogues = [
        fixture_catalogue,
        make_catalogue(offers={"hostile": hostile_offer()}),
        make_catalogue(
            offers={"no-level": make_offer("no-level", eqf=None, cycle=None)},
        ),
    ]
    for cat in catalogues:
        ok, text = conforms(parsed(export_loq_rdfxml(cat)), loq_shapes)
        assert ok, text[:3000]


def test_export_is_the_graph_of_catalogue_jsonld(fixture_catalogue: Catalogue) -> None:
    """Nothing is described a second time: the export is the site's ELM dataset."""
    expected = rdflib.Graph().parse(
        data=canonize(elm.catalogue_document(fixture_catalogue), max_steps=10**7), format="nt"
    )
    assert isomorphic(parsed(export_loq_rdfxml(fixture_catalogue)), expected)


def test_the_shapes_do_catch_a_broken_export(
    fixture_catalogue: Catalogue, loq_shapes: rdflib.Graph
) -> None:
    graph = parsed(export_loq_rdfxml(fixture_catalogue))
    graph.remove((None, rdflib.DCTERMS.title, None))
    ok, _text = conforms(graph, loq_shapes)
    assert not ok


def test_credsite_export_writes_the_dataset(
    tmp_path: Path, example_catalogue: Catalogue, capsys: pytest.CaptureFixture[str]
) -> None:
    from build_tools import cli

    out = tmp_path / "loq.rdf"
    catalogue = str(example_catalogue.root)
    args = ["export", "--format", "elm-loq-rdfxml", "--catalogue", catalogue, "--out", str(out)]
    assert cli.main(args) == 0
    assert out.read_bytes() == export_loq_rdfxml(example_catalogue)
    assert "Wrote 25 offers" in capsys.readouterr().out
    assert cli.main(["export", "--format", "turtle"]) == 2  # only the formats it knows
