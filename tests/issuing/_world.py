"""Shared test data: a small catalogue with real keys made by `credsite keys new`.

`IssuingWorld` writes a two-issuer catalogue into a temporary folder (not a git work tree, so
the catalogue folder itself is "the repository"), creates keys with the CLI (private halves in
a sibling folder), and loads it. Tests that change files get their own copy.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from catalogue.factory import issuer_data, offer_data

from build_tools.catalogue.loader import load_catalogue
from build_tools.catalogue.model import Catalogue
from build_tools.cli import main

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
ISSUED = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
SITE = "https://example.org/credentials/"


def _issuer(slug: str, name: str, country: str, erasmus: str | None) -> dict[str, Any]:
    """The catalogue tests' issuer, with an Erasmus code and a described quality assurance."""
    data = issuer_data(slug, name, country)
    data["city"] = "Riga" if country == "LV" else "Kristiansand"
    data["erasmus_code"] = erasmus
    data["quality_assurance"]["agency"] = {"en": "Test Quality Agency"}
    data["quality_assurance"]["description"] = {"en": "Institutional accreditation."}
    return data


def _offer(offer_id: str, bodies: list[str], **extra: Any) -> dict[str, Any]:
    """The catalogue tests' offer, with the optional Annex I elements filled in and dates
    before the issuing date."""
    data = offer_data(offer_id, bodies)
    data["languages"]["teaching"] = ["en", "lv"]
    data["assessment"].update(
        types=["project-work", "written-exam"],
        description={"en": "A project and an exam."},
        grading_scale={"en": "0-10, pass from 5"},
        supervision="unsupervised-no-id",
    )
    data["prerequisites"] = {"en": "None."}
    data["further_information"] = {"en": "Ask the office."}
    data["schedule"].update(
        start=dt.date(2026, 2, 1),
        end=dt.date(2026, 4, 30),
        application_deadline=dt.date(2026, 1, 15),
    )
    data.update(extra)
    return data


def write_catalogue(root: Path) -> Path:
    files: dict[str, dict[str, Any]] = {
        "alliance.yaml": {
            "name": "TESTA",
            "full_name": {"en": "Test Alliance"},
            "description": {"en": "A test alliance."},
            "site_url": SITE,
            "homepage": "https://example.org/",
            "languages": ["en", "lv"],
            "demo": True,
            "contact": {"email": "office@example.org", "name": "Office"},
        },
        "issuers/aa.yaml": _issuer("aa", "University A", "LV", "LV AAAA01"),
        "issuers/bb.yaml": _issuer("bb", "University B", "NO", None),
        "offers/aa/aa-one.yaml": _offer("aa-one", ["aa"]),
        "offers/aa/aa-passfail.yaml": _offer(
            "aa-passfail",
            ["aa"],
            assessment={
                "types": ["portfolio"],
                "description": {"en": "A portfolio."},
                "grading": "pass-fail",
                "supervision": "unsupervised-no-id",
            },
        ),
        "offers/bb/bb-joint.yaml": _offer("bb-joint", ["bb", "aa"], eqf=7, cycle="second"),
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return root


@dataclass
class IssuingWorld:
    root: Path  # holds catalogue/ and private/
    catalogue_dir: Path
    private: Path

    def key(self, name: str) -> Path:
        return self.private / f"{name}.pem"

    def load(self) -> Catalogue:
        result = load_catalogue(self.catalogue_dir, now=NOW)
        assert result.catalogue is not None, [str(f) for f in result.findings]
        return result.catalogue

    def cli(self, *args: str) -> int:
        return main([*args])

    def copy(self, dest: Path) -> IssuingWorld:
        shutil.copytree(self.root, dest)
        return IssuingWorld(dest, dest / "catalogue", dest / "private")


def _make_world(root: Path) -> IssuingWorld:
    catalogue_dir = write_catalogue(root / "catalogue")
    private = root / "private"
    for slug, alg, name in (
        ("aa", "EdDSA", "aa-eddsa"),
        ("aa", "ES256", "aa-es256"),
        ("aa", "RS256", "aa-rs256"),
        ("bb", "EdDSA", "bb-eddsa"),
    ):
        code = main(
            [
                "keys",
                "new",
                "--issuer",
                slug,
                "--alg",
                alg,
                "--valid-from",
                "2026-09-01T00:00:00Z",
                "--private-out",
                str(private / f"{name}.pem"),
                "--catalogue",
                str(catalogue_dir),
            ]
        )
        assert code == 0
    return IssuingWorld(root, catalogue_dir, private)


def make_world(root: Path) -> IssuingWorld:
    return _make_world(root)


def verify_report(
    catalogue: Catalogue, data: bytes, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Verify with the project's verifier and a registry built from `catalogue`, at the real
    current time by default (the CLI stamps status lists with it)."""
    now = now or dt.datetime.now(dt.UTC)
    from build_tools.outputs.keys import render_issuer_listings
    from build_tools.outputs.registry import build_registry
    from build_tools.verifier import Registry, verify
    from build_tools.verifier.crypto_cpython import CPythonCrypto

    site = catalogue.alliance.site_url
    lists = {
        site + path: content
        for path, content in render_issuer_listings(catalogue).items()
        if "/status/" in path
    }
    registry = Registry.from_json(build_registry(catalogue), status_lists=lists)
    report = verify(data, registry, now=now, crypto=CPythonCrypto())
    return report.to_dict()


def failing(report: dict[str, Any]) -> list[str]:
    return [
        f"{c['id']}:{c['status']}:{c['code']}"
        for c in report["checks"]
        if c["status"] not in ("pass", "skip")
    ]
