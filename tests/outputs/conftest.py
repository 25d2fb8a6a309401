"""Fixtures of the output tests: catalogues (built in code and the example one) and SHACL shapes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import rdflib

from build_tools.catalogue.loader import load_catalogue
from build_tools.catalogue.model import Catalogue

from ._fixtures import make_catalogue

PROJECT = Path(__file__).resolve().parents[2]
SHACL = Path(__file__).resolve().parents[1] / "vectors" / "shacl" / "loq"
QUALITY_LINK = Path(__file__).resolve().parents[1] / "vectors" / "shacl" / "quality-link"


@pytest.fixture(scope="session")
def fixture_catalogue() -> Catalogue:
    return make_catalogue()


@pytest.fixture(scope="session")
def example_catalogue() -> Catalogue:
    result = load_catalogue(PROJECT / "catalogue")
    errors = [str(f) for f in result.findings if f.severity == "error"]
    assert result.ok and result.catalogue is not None, "example catalogue invalid:\n" + "\n".join(
        errors
    )
    return result.catalogue


@pytest.fixture(scope="session")
def loq_shapes() -> rdflib.Graph:
    shapes = rdflib.Graph()
    shapes.parse(SHACL / "LOQ-constraints.ttl", format="turtle")
    shapes.parse(SHACL / "LOQ-constraints-mdr.ttl", format="turtle")
    return shapes


@pytest.fixture(scope="session")
def quality_link_shapes() -> rdflib.Graph:
    """The QualityLink ontology and SHACL profile (project copy: no network)."""
    shapes = rdflib.Graph()
    shapes.parse(QUALITY_LINK / "ontology-shacl.ttl", format="turtle")
    return shapes


def violations_except_unknown_nqf(text: str, catalogue: Any) -> list[str]:
    """The focus nodes of a pyshacl report's violations, other than a missing NQF level on
    the specification of an offer whose level no awarding country's framework references
    (`credsite check` reports those offers as QDR_NQF_LEVEL_UNKNOWN)."""
    from build_tools.catalogue.elm import nqf_unknown, specification_id

    expected = {
        specification_id(catalogue.alliance.site_url, o.id)
        for o in catalogue.offers.values()
        if nqf_unknown(catalogue, o)
    }
    found = re.findall(r"Focus Node: <([^>]+)>\n\s*Result Path: (\S+)", text)
    return [
        f"{node} {path}"
        for node, path in found
        if not (node in expected and path.lower().endswith("nqflevel"))
    ] + (["(no violations found in an invalid report)"] if not found else [])
