"""Golden files: the generated Markdown page and ELM JSON-LD of two example offers.

A difference fails with a diff. After a deliberate change (to a template, a renderer or the two
offers in the example catalogue), regenerate and review the files in version control:

    CREDSITE_UPDATE_GOLDEN=1 python3 -m pytest tests/outputs/test_golden.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from build_tools.catalogue.model import Catalogue
from build_tools.outputs import elm, pages

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CREDSITE_UPDATE_GOLDEN") == "1"

# One offer of a single university, and the joint offer of three (two pathways between them).
OFFERS = ("lu-data-ethics-practice", "lu-jyu-uia-resilient-communities-challenge")


def _check(path: Path, actual: bytes) -> None:
    if UPDATE:
        path.write_bytes(actual)
        return
    assert path.exists(), f"{path.name} is missing; run with CREDSITE_UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes()
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.decode().splitlines(keepends=True),
                actual.decode().splitlines(keepends=True),
                fromfile=f"golden/{path.name}",
                tofile="generated",
            )
        )
        pytest.fail(f"{path.name} differs from the generated output:\n{diff[:6000]}", pytrace=False)


@pytest.mark.parametrize("offer_id", OFFERS)
def test_offer_page_markdown(example_catalogue: Catalogue, offer_id: str) -> None:
    offer = example_catalogue.offers[offer_id]
    _check(GOLDEN / f"{offer_id}.md", pages.render_offer_page(example_catalogue, offer))


@pytest.mark.parametrize("offer_id", OFFERS)
def test_offer_elm_jsonld(example_catalogue: Catalogue, offer_id: str) -> None:
    # Stored indented for review; the site's files are compact JSON of the same document.
    doc = json.loads(elm.render_elm(example_catalogue)[f"offers/{offer_id}/elm.jsonld"])
    pretty = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    _check(GOLDEN / f"{offer_id}.elm.jsonld", pretty.encode("utf-8"))
