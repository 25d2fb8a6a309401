"""Open Badges baked images from the site's own OB3 samples: the CPython verifier gives the
baked image the report of the sample itself, and the verify page reads a dropped baked PNG
and SVG (bytes through the Pyodide worker) to the same verdict and checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.verifier import _baked as b

from ..conftest import BuiltSite, RecordingPage, SiteServer, foreign_requests
from .test_page import cpython_checks, cpython_registry, no_violations, open_verifier, verify_files

SAMPLES = Path(__file__).resolve().parents[3] / "site_src" / "samples"


@pytest.mark.parametrize(
    ("sample", "verdict"), [("ob3-valid.json", "valid"), ("ob3-revoked.json", "invalid")]
)
@pytest.mark.parametrize("image", ["png", "png-compressed", "svg"])
def test_site_sample_baked_keeps_its_verdict(
    example_site: BuiltSite, sample: str, verdict: str, image: str
) -> None:
    registry = cpython_registry(example_site.root)
    raw = (SAMPLES / sample).read_bytes()
    baked = b.bake_svg(raw) if image == "svg" else b.bake_png(raw, compress=image != "png")
    assert cpython_checks(baked, registry) == cpython_checks(raw, registry)
    assert cpython_checks(baked, registry)[0] == verdict


def test_site_sample_tampered_inside_the_image_fails(example_site: BuiltSite) -> None:
    registry = cpython_registry(example_site.root)
    doc: dict[str, Any] = json.loads((SAMPLES / "ob3-valid.json").read_bytes())
    doc["credentialSubject"]["achievement"]["name"] = "Something Else Entirely"
    verdict, checks = cpython_checks(b.bake_png(json.dumps(doc)), registry)
    assert verdict == "invalid"
    assert dict(map(tuple, checks))["signature"] == "fail"


def test_dropped_baked_png_and_svg_verify_on_the_page(
    page: RecordingPage, site_server: SiteServer, tmp_path: Path
) -> None:
    root = site_server.site.root
    registry = cpython_registry(root)
    valid = (root / "samples" / "ob3-valid.json").read_bytes()
    revoked = (root / "samples" / "ob3-revoked.json").read_bytes()
    png = tmp_path / "badge.png"
    png.write_bytes(b.bake_png(valid, compress=True))
    svg = tmp_path / "badge.svg"
    svg.write_bytes(b.bake_svg(revoked))
    open_verifier(page, site_server.url("verify/"))
    first, second = verify_files(page, [png, svg])
    assert (first["verdict"], first["format"]) == ("valid", "ob3-baked-png"), first
    assert (first["verdict"], first["checks"]) == cpython_checks(png.read_bytes(), registry)
    assert (second["verdict"], second["format"]) == ("invalid", "ob3-baked-svg"), second
    assert (second["verdict"], second["checks"]) == cpython_checks(svg.read_bytes(), registry)
    no_violations(page)
    assert page.console_errors == []
    assert foreign_requests(page, site_server.origin) == []
