"""QualityLink: manifest (its JSON Schema) and ELM 3.3 dataset (the QualityLink SHACL profile)."""

from __future__ import annotations

import json
from dataclasses import replace

import jsonschema
import pyshacl
import pytest
import rdflib
from rdflib.compare import isomorphic

from build_tools.catalogue.model import Catalogue
from build_tools.outputs import elm, elm_rdf
from build_tools.outputs import quality_link as ql
from build_tools.verifier.jsonld import canonize

from ._fixtures import hostile_offer, make_catalogue, make_offer
from .conftest import QUALITY_LINK

QL = rdflib.Namespace(ql.QL)
ELM33 = rdflib.Namespace(ql.ELM33)


def turtle_graph(files: dict[str, bytes]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=files[ql.DATASET_TURTLE], format="turtle")


def jsonld_graph(files: dict[str, bytes]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=files[ql.DATASET_JSONLD], format="json-ld")


def validate(graph: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, str]:
    ok, _report, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return bool(ok), str(text)


def with_schac(catalogue: Catalogue) -> Catalogue:
    """The catalogue with a placeholder SCHAC code for each university that has none (the
    example catalogue's codes are not confirmed yet, so it publishes none)."""
    issuers = {
        slug: i if i.schac else replace(i, schac=f"{slug}.example.org")
        for slug, i in catalogue.issuers.items()
    }
    return replace(catalogue, issuers=issuers)


def opportunities(graph: rdflib.Graph) -> set[str]:
    return {str(s) for s in graph.subjects(rdflib.RDF.type, ELM33.LearningOpportunity)}


def test_fixture_dataset_passes_the_profile_and_lists_every_offer(
    fixture_catalogue: Catalogue, quality_link_shapes: rdflib.Graph
) -> None:
    assert ql.omitted_offers(fixture_catalogue) == {}
    graph = turtle_graph(ql.render_quality_link(fixture_catalogue))
    site = fixture_catalogue.alliance.site_url
    assert opportunities(graph) == {elm.opportunity_id(site, o) for o in fixture_catalogue.offers}
    ok, text = validate(graph, quality_link_shapes)
    assert ok, text[:3000]


def test_fixture_variants_pass_including_hostile_text(quality_link_shapes: rdflib.Graph) -> None:
    offers = [
        hostile_offer(),
        # A LearningAchievementSpecification in ELM 3.2: the dataset adds its EQF level.
        make_offer("uia-eqf6", awarding_bodies=("uia",), issuer_folder="uia", eqf=6),
        make_offer("joint", awarding_bodies=("lu", "jyu", "uia")),
    ]
    for offer in offers:
        cat = make_catalogue(offers={offer.id: offer})
        files = ql.render_quality_link(cat)
        graph = turtle_graph(files)
        assert len(opportunities(graph)) == 1, offer.id
        assert isomorphic(graph, jsonld_graph(files)), offer.id
        ok, text = validate(graph, quality_link_shapes)
        assert ok, f"{offer.id}:\n{text[:3000]}"


def test_example_catalogue_lists_and_passes_every_offer(
    example_catalogue: Catalogue, quality_link_shapes: rdflib.Graph
) -> None:
    # Every university of the example catalogue has a SCHAC code (candidates, still flagged by
    # `credsite check` until confirmed), which the profile requires on every provider.
    assert ql.omitted_offers(example_catalogue) == {}
    graph = turtle_graph(ql.render_quality_link(example_catalogue))
    site = example_catalogue.alliance.site_url
    assert opportunities(graph) == {elm.opportunity_id(site, o) for o in example_catalogue.offers}
    ok, text = validate(graph, quality_link_shapes)
    assert ok, text[:3000]


def test_an_offer_of_a_university_without_a_schac_code_is_left_out_and_named(
    example_catalogue: Catalogue, quality_link_shapes: rdflib.Graph
) -> None:
    issuers = dict(example_catalogue.issuers)
    issuers["lu"] = replace(issuers["lu"], schac=None)
    cat = replace(example_catalogue, issuers=issuers)
    omitted = ql.omitted_offers(cat)
    assert omitted and all(reason == "no SCHAC code for lu" for reason in omitted.values())
    ok, text = validate(turtle_graph(ql.render_quality_link(cat)), quality_link_shapes)
    assert ok, text[:3000]


def test_example_catalogue_with_schac_codes_lists_and_passes_every_offer(
    example_catalogue: Catalogue, quality_link_shapes: rdflib.Graph
) -> None:
    cat = with_schac(example_catalogue)
    assert ql.omitted_offers(cat) == {}
    files = ql.render_quality_link(cat)
    graph = turtle_graph(files)
    site = cat.alliance.site_url
    assert opportunities(graph) == {elm.opportunity_id(site, o) for o in cat.offers}
    ok, text = validate(graph, quality_link_shapes)
    assert ok, text[:3000]
    alliance = next(graph.subjects(rdflib.RDF.type, QL.EuropeanUniversityAlliance))
    assert len(set(graph.objects(alliance, rdflib.FOAF.member))) == len(cat.issuers)


@pytest.mark.parametrize("catalogue_name", ["fixture", "example"])
def test_turtle_and_jsonld_give_the_same_graph(
    catalogue_name: str, fixture_catalogue: Catalogue, example_catalogue: Catalogue
) -> None:
    cat = fixture_catalogue if catalogue_name == "fixture" else with_schac(example_catalogue)
    files = ql.render_quality_link(cat)
    turtle, jsonld = turtle_graph(files), jsonld_graph(files)
    assert len(turtle) > 500
    assert isomorphic(turtle, jsonld)


def test_dataset_is_the_elm_graph_in_the_3_3_namespace(fixture_catalogue: Catalogue) -> None:
    """Nothing of ELM 3.2 is left, and every ELM triple of `catalogue.jsonld` is there, moved."""
    graph = turtle_graph(ql.render_quality_link(fixture_catalogue))
    old = elm.ELM_3_2.namespace
    for triple in graph:
        assert not any(str(t).startswith(old) for t in triple), triple
    source = rdflib.Graph().parse(
        data=canonize(elm.catalogue_document(fixture_catalogue), max_steps=10**7), format="nt"
    )
    moved = {
        tuple(
            rdflib.URIRef(ql.ELM33 + t[len(old) :])
            if isinstance(t, rdflib.URIRef) and t.startswith(old)
            else t
            for t in triple
        )
        for triple in source
    }
    dropped = moved - set(graph)
    # Only the DEQAR identifier goes: the profile allows SCHAC and OrgReg identifiers only.
    assert dropped and all("-deqar" in str(t[0]) or "-deqar" in str(t[2]) for t in dropped)


def test_the_profile_catches_a_broken_dataset(
    fixture_catalogue: Catalogue, quality_link_shapes: rdflib.Graph
) -> None:
    graph = turtle_graph(ql.render_quality_link(fixture_catalogue))
    graph.remove((None, rdflib.RDF.type, QL.SchacIdentifier))
    graph.remove((None, ELM33.defaultLanguage, None))
    ok, text = validate(graph, quality_link_shapes)
    assert not ok
    assert "SchacIdentifier" in text and "defaultLanguage" in text


def test_manifest_follows_its_schema_and_points_to_the_dataset(
    fixture_catalogue: Catalogue,
) -> None:
    schema = json.loads((QUALITY_LINK / "manifest-v1.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    example = json.loads((QUALITY_LINK / "manifest-example.json").read_text("utf-8"))
    validator.validate(example)  # the schema copy is the one its example follows
    files = ql.render_quality_link(fixture_catalogue)
    assert files[ql.MANIFEST] == files[ql.MANIFEST_JSON]
    manifest = json.loads(files[ql.MANIFEST])
    validator.validate(manifest)
    site = fixture_catalogue.alliance.site_url
    paths = [s["path"] for s in manifest["sources"]]
    assert paths == [f"{site}{ql.DATASET_TURTLE}", f"{site}{ql.DATASET_JSONLD}"]
    assert {s["version"] for s in manifest["sources"]} == {"3.3"}
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"sources": [{"type": "elm", "path": "offers.ttl"}]})


def test_output_is_deterministic(fixture_catalogue: Catalogue) -> None:
    assert ql.render_quality_link(fixture_catalogue) == ql.render_quality_link(fixture_catalogue)


@pytest.mark.parametrize("catalogue_name", ["fixture", "example"])
def test_fast_conversion_gives_the_triples_pyld_gives(
    catalogue_name: str, fixture_catalogue: Catalogue, example_catalogue: Catalogue
) -> None:
    cat = fixture_catalogue if catalogue_name == "fixture" else example_catalogue
    fast = rdflib.Graph().parse(
        data=elm_rdf.turtle(elm_rdf.catalogue_triples(cat), ql.PREFIXES), format="turtle"
    )
    pyld = rdflib.Graph().parse(
        data=canonize(elm.catalogue_document(cat), max_steps=10**7), format="nt"
    )
    assert isomorphic(fast, pyld)
