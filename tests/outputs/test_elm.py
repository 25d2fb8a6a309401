"""ELM v3 output: official ELM 3.2 LOQ SHACL shapes, strict JSON-LD expansion, identifiers."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pyshacl
import pytest
import rdflib

from build_tools.catalogue.elm import nqf_unknown
from build_tools.catalogue.model import Catalogue
from build_tools.outputs import elm
from build_tools.verifier.jsonld import JsonLdStrictError, canonize, document_loader, expand_strict

from ._fixtures import hostile_offer, make_catalogue, make_offer
from .conftest import violations_except_unknown_nqf

ELM_NS = "http://data.europa.eu/snb/model/elm/"


def to_graph(doc: dict[str, Any]) -> rdflib.Graph:
    """RDF of a document through the same strict, bundled-context processing as the verifier."""
    graph = rdflib.Graph()
    graph.parse(data=canonize(doc, max_steps=10**6), format="nt")  # no named graphs
    return graph


def conforms(doc: dict[str, Any], shapes: rdflib.Graph) -> tuple[bool, str]:
    ok, _report, text = pyshacl.validate(to_graph(doc), shacl_graph=shapes, advanced=True)
    return bool(ok), str(text)


def _all_docs(catalogue: Catalogue) -> list[tuple[str, dict[str, Any]]]:
    return [(o.id, elm.offer_document(catalogue, o)) for o in catalogue.offers.values()]


def test_every_example_offer_passes_the_official_loq_shapes(
    example_catalogue: Catalogue, loq_shapes: rdflib.Graph
) -> None:
    # Offers at an EQF level that an awarding country's framework does not reference to a
    # single national level miss only the NQF level LOQ needs on a Qualification; `credsite
    # check` says so (QDR_NQF_LEVEL_UNKNOWN).
    for offer_id, doc in _all_docs(example_catalogue):
        ok, text = conforms(doc, loq_shapes)
        assert ok or not violations_except_unknown_nqf(text, example_catalogue), (
            f"{offer_id}:\n{text[:3000]}"
        )


def test_fixture_offers_pass_including_fallback_and_hostile_text(loq_shapes: rdflib.Graph) -> None:
    offers = [
        *make_catalogue().offers.values(),
        hostile_offer(),
        make_offer("no-level", eqf=None, cycle=None),
        make_offer(
            "self-paced",
            schedule=replace(
                make_offer("x").schedule,
                self_paced=True,
                start=None,
                end=None,
                application_deadline=None,
            ),
        ),
    ]
    for offer in offers:
        cat = make_catalogue(offers={offer.id: offer})
        ok, text = conforms(elm.offer_document(cat, offer), loq_shapes)
        assert ok, f"{offer.id}:\n{text[:3000]}"


def test_the_shapes_do_catch_a_broken_document(
    fixture_catalogue: Catalogue, loq_shapes: rdflib.Graph
) -> None:
    offer = fixture_catalogue.offers["lu-data-ethics"]
    doc = elm.offer_document(fixture_catalogue, offer)
    del doc["@graph"][0]["title"]  # LearningOpportunity without a title
    doc["@graph"][1]["nqfLevel"] = []  # Qualification without an NQF level
    ok, text = conforms(doc, loq_shapes)
    assert not ok
    assert "dc1:title" in text or "terms/title" in text
    assert "NQFLevel" in text


def test_catalogue_dataset_passes_and_holds_every_offer(
    example_catalogue: Catalogue, loq_shapes: rdflib.Graph
) -> None:
    doc = elm.catalogue_document(example_catalogue)
    ids = [n["@id"] for n in doc["@graph"]]
    assert len(ids) == len(set(ids)), "shared nodes appear once"
    for oid in example_catalogue.offers:
        assert elm.opportunity_id(example_catalogue.alliance.site_url, oid) in ids
    ok, text = conforms(doc, loq_shapes)
    assert ok or not violations_except_unknown_nqf(text, example_catalogue), text[:3000]


def test_expansion_with_bundled_contexts_drops_no_term(example_catalogue: Catalogue) -> None:
    for offer_id, doc in _all_docs(example_catalogue):
        expanded = expand_strict(doc)  # raises on dropped terms, relative IRIs, unknown contexts
        assert expanded, offer_id
    expand_strict(elm.catalogue_document(example_catalogue))


def test_strict_expansion_would_catch_a_dropped_term(fixture_catalogue: Catalogue) -> None:
    doc = elm.offer_document(fixture_catalogue, fixture_catalogue.offers["lu-data-ethics"])
    doc["@graph"][0]["notAnElmTerm"] = "x"
    with pytest.raises(JsonLdStrictError) as exc:
        expand_strict(doc)
    assert exc.value.code == "JSONLD_DROPPED_TERM"


def test_documents_use_the_configured_namespace_and_context(fixture_catalogue: Catalogue) -> None:
    assert elm.ELM.namespace == ELM_NS
    context = document_loader(elm.ELM.context)["document"]["@context"]
    assert context["elm"] == elm.ELM.namespace, "the bundled context maps terms into the setting"
    doc = elm.offer_document(fixture_catalogue, fixture_catalogue.offers["lu-data-ethics"])
    assert doc["@context"] == elm.ELM.context
    types = set()
    for node in expand_strict(doc):
        types.update(node.get("@type", []))
    assert f"{ELM_NS}LearningOpportunity" in types
    assert f"{ELM_NS}Qualification" in types
    assert f"{ELM_NS}Organisation" in types


def test_identifiers_follow_the_interface(fixture_catalogue: Catalogue) -> None:
    site = fixture_catalogue.alliance.site_url
    offer = fixture_catalogue.offers["european-futures-lab"]
    graph = elm.offer_document(fixture_catalogue, offer)["@graph"]
    lo, spec = graph[0], graph[1]
    assert lo["@id"] == f"{site}offers/european-futures-lab/elm.jsonld#opportunity"
    assert spec["@id"] == f"{site}offers/european-futures-lab/elm.jsonld#specification"
    assert lo["learningAchievementSpecification"] == {"@id": spec["@id"]}
    assert [o["@id"] for o in spec["learningOutcome"]] == [
        f"{site}offers/european-futures-lab/elm.jsonld#outcome-{n}" for n in range(1, 4)
    ]
    orgs = [n for n in graph if n["@type"] == "Organisation"]
    assert [o["@id"] for o in orgs] == [f"{site}issuers/{s}/#org" for s in ("lu", "jyu", "uia")]
    assert lo["providedBy"] == [{"@id": o["@id"]} for o in orgs]


def test_specification_content(fixture_catalogue: Catalogue) -> None:
    offer = fixture_catalogue.offers["european-futures-lab"]
    spec = elm.offer_document(fixture_catalogue, offer)["@graph"][1]
    assert spec["@type"] == "Qualification"
    assert spec["eqfLevel"]["@id"] == "http://data.europa.eu/snb/eqf/7"
    # One NQF level per awarding body's country (LV, FI, NO), each referenced to EQF 7.
    assert [n["prefLabel"]["en"] for n in spec["nqfLevel"]] == [
        "LQF Level 7",
        "FiNQF Level 7",
        "NKR Level 7",
    ]
    assert spec["creditPoint"]["point"] == "6"
    assert (
        spec["creditPoint"]["framework"]["@id"]
        == "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    )
    assert spec["volumeOfLearning"] == "PT160H"
    assert [t["@id"] for t in spec["thematicArea"]] == [
        "http://data.europa.eu/snb/isced-f/0312",
        "http://data.europa.eu/snb/isced-f/0421",
    ]
    assert spec["mode"]["@id"] == "http://data.europa.eu/snb/learning-assessment/c_3a90b26d"
    skills = {s["@id"] for o in spec["learningOutcome"] for s in o["relatedESCOSkill"]}
    assert skills == {s.uri for s in offer.esco_skills}
    assessment = spec["provenBy"]
    # One type per assessment specification (the EDC shapes allow one): several are parts.
    assert "dcType" not in assessment
    assert [part["dcType"]["@id"] for part in assessment["hasPart"]] == [
        "http://data.europa.eu/snb/assessment/795dac4096",
        "http://data.europa.eu/snb/assessment/6e6cb2cc78",
    ]


def test_an_offer_with_an_eqf_level_is_a_qualification_even_without_a_national_level() -> None:
    # Norway's framework has no single level referenced to EQF 6: the level (Annex I) is stated
    # all the same, on the Qualification ELM puts it on; only the NQF level is left out.
    offer = make_offer("uia-eqf6", awarding_bodies=("uia",), issuer_folder="uia", eqf=6)
    cat = make_catalogue(offers={offer.id: offer})
    assert elm.uses_qualification(cat, offer)
    assert nqf_unknown(cat, offer) == ["NO"]
    spec = elm.offer_document(cat, offer)["@graph"][1]
    assert spec["@type"] == "Qualification"
    assert spec["eqfLevel"]["@id"] == "http://data.europa.eu/snb/eqf/6"
    assert "nqfLevel" not in spec


def test_an_offer_without_an_eqf_level_is_a_learning_achievement_specification() -> None:
    offer = make_offer("lu-no-level", eqf=None)
    cat = make_catalogue(offers={offer.id: offer})
    spec = elm.offer_document(cat, offer)["@graph"][1]
    assert spec["@type"] == "LearningAchievementSpecification"
    assert "eqfLevel" not in spec


def test_render_elm_writes_one_file_per_offer_and_the_dataset(fixture_catalogue: Catalogue) -> None:
    files = elm.render_elm(fixture_catalogue)
    assert set(files) == {f"offers/{oid}/elm.jsonld" for oid in fixture_catalogue.offers} | {
        "catalogue.jsonld"
    }
    for path, data in files.items():
        doc = json.loads(data)
        assert doc["@context"] == elm.ELM.context, path
    assert json.loads(files["offers/lu-data-ethics/elm.jsonld"]) == elm.offer_document(
        fixture_catalogue, fixture_catalogue.offers["lu-data-ethics"]
    )
