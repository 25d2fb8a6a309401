"""Pathway diagrams: well-formed, accessible SVG drawn at build time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from build_tools.catalogue.model import Catalogue
from build_tools.outputs.diagrams import pathway_description, pathway_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_vertical_pathway(fixture_catalogue: Catalogue) -> None:
    pw = fixture_catalogue.pathways["digital-humanities"]
    root = ET.fromstring(
        str(pathway_svg(fixture_catalogue, pw, highlight="jgu-digital-humanities-basics"))
    )
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == (
        "Vertical pathway: Digital Humanities Basics (2 ECTS), "
        "then Advanced Digital Humanities (4 ECTS); "
        "together they stack into Digital Humanities Certificate (6 ECTS, EQF level 7)."
    )
    boxes = root.findall(f"{SVG}g")
    assert len(boxes) == 3  # two members and the target
    assert "cs-d-current" in boxes[0].get("class", "")
    assert "cs-d-target" in boxes[2].get("class", "")
    # In sequence: one arrow between the members and one to the target.
    assert len(root.findall(f"{SVG}line")) == 2
    assert all(el.tag != f"{SVG}a" for el in root.iter()), "no links inside the image"


def test_horizontal_pathway_points_every_member_at_the_target(fixture_catalogue: Catalogue) -> None:
    pw = fixture_catalogue.pathways["digital-society"]
    root = ET.fromstring(str(pathway_svg(fixture_catalogue, pw)))
    assert len(root.findall(f"{SVG}line")) == len(pw.offers)
    assert pathway_description(fixture_catalogue, pw).startswith(
        "Horizontal pathway: Data Ethics in Practice (3 ECTS), AI in Education (5 ECTS) "
        "and European Futures Lab"
    )


def test_text_is_escaped_and_clipped(fixture_catalogue: Catalogue) -> None:
    pw = replace(
        fixture_catalogue.pathways["digital-society"], title={"en": "<b>&</b> " + "x" * 80}
    )
    svg = str(pathway_svg(fixture_catalogue, pw))
    root = ET.fromstring(svg)  # still well-formed
    assert "<b>" not in svg
    assert root.find(f"{SVG}title").text.startswith("Diagram of the pathway <b>&</b>")
