"""The example FORTHEM catalogue shipped in the repository passes `credsite check`."""

from __future__ import annotations

from pathlib import Path

from build_tools.catalogue.loader import load_catalogue

REPO = Path(__file__).resolve().parents[2]


def test_example_catalogue_has_no_errors() -> None:
    result = load_catalogue(REPO / "catalogue")
    assert result.catalogue is not None
    assert result.errors == [], "\n".join(str(f) for f in result.errors)
    cat = result.catalogue
    assert len(cat.offers) >= 18
    assert len(cat.issuers) == 9
    # every issuer that awards offers has a usable key, so the site can publish its JWKS
    assert all(cat.issuers[o.lead_issuer].keys for o in cat.offers.values())
