"""schema.org Course data of offer pages."""

from __future__ import annotations

import json

from build_tools.catalogue.model import Catalogue
from build_tools.outputs import common, schemaorg

from ._fixtures import hostile_offer, make_catalogue


def test_course(fixture_catalogue: Catalogue) -> None:
    offer = fixture_catalogue.offers["lu-data-ethics"]
    data = schemaorg.course(fixture_catalogue, offer)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["@id"] == "https://alliance.example.org/credentials/offers/lu-data-ethics/"
    assert data["name"] == "Data Ethics in Practice"
    assert data["provider"][0]["name"] == "University of Latvia"
    assert data["numberOfCredits"] == {"@type": "StructuredValue", "value": 3, "unitText": "ECTS"}
    assert data["educationalLevel"] == "EQF level 6, first cycle (bachelor)"
    assert data["timeRequired"] == "PT80H"
    assert data["inLanguage"] == ["en", "lv"]
    assert data["hasCourseInstance"][0]["courseMode"] == "online"
    assert data["hasCourseInstance"][0]["startDate"] == "2027-02-01"
    assert [o["price"] for o in data["offers"]] == [0, 120]
    assert data["sameAs"].endswith("offers/lu-data-ethics/elm.jsonld")


def test_embedded_json_cannot_close_the_script_element() -> None:
    offer = hostile_offer()
    cat = make_catalogue(offers={offer.id: offer})
    text = common.json_for_html(schemaorg.course(cat, offer))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"].startswith("Title <script>")
