"""Credentials issued by the project (build_tools.issuing) verify against the registry built from
the same catalogue, in both formats; the site's sample credentials get their stated verdicts."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest

from build_tools.catalogue.loader import load_catalogue
from build_tools.cli.verify import main
from build_tools.issuing.issue import issue_credentials, signing_key_for
from build_tools.issuing.keys import load_private_key
from build_tools.issuing.learners import Learner
from build_tools.outputs.registry import build_registry
from build_tools.verifier import Registry, verify

ROOT = Path(__file__).resolve().parents[2]
ISSUED = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def catalogue() -> Any:
    loaded = load_catalogue(ROOT / "catalogue")
    assert loaded.catalogue is not None, [f.message for f in loaded.findings]
    return loaded.catalogue


@pytest.mark.parametrize(
    "fmt,key,expected_format",
    [
        ("edc", "lu-2026-es256-1.pem", "edc-jades"),
        ("ob3", "lu-2026-eddsa-1.pem", "vc-di-eddsa-rdfc-2022"),
    ],
)
def test_issued_credentials_verify(
    catalogue: Any, crypto: Any, fmt: str, key: str, expected_format: str
) -> None:
    offer = catalogue.offers["lu-data-ethics-practice"]
    learner = Learner(
        "Anna",
        "Bērziņa",
        dt.date(2026, 6, 30),
        dt.date(2001, 3, 14),
        "Student ID",
        "LU-TEST-0001",
        "anna@example.org",
        "9",
    )
    private = load_private_key((ROOT / "examples/demo-keys" / key).read_bytes())
    issued = issue_credentials(
        catalogue,
        offer,
        [learner],
        signing_key_for(catalogue, private),
        fmt=fmt,
        issued=ISSUED,
        rng=random.Random(7),
        now=ISSUED,
    )
    registry = Registry.from_json(build_registry(catalogue))
    report = verify(issued[0].content, registry, now=ISSUED + dt.timedelta(days=1), crypto=crypto)
    assert (report.verdict, report.format) == ("valid", expected_format), report.to_dict()["checks"]
    assert report.codes["issuer_key"] == "ISSUER_KEY_REGISTERED"
    assert report.codes["catalogue"] == "CATALOGUE_MATCH"
    assert report.credential is not None
    assert report.credential["issuer"]["name"] == "University of Latvia"
    assert report.credential["learner"] == "Anna Bērziņa"
    assert report.codes["eu_elements"] == "EU_ELEMENTS_COMPLETE"  # both formats


def test_site_samples_get_their_stated_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    folder = ROOT / "site_src" / "samples"
    index = json.loads((folder / "index.json").read_text())["samples"]
    files = [str(folder / s["file"]) for s in index]
    code = main(
        [*files, "--registry", str(ROOT / "catalogue"), "--json", "--now", "2026-11-15T12:00:00Z"]
    )
    got = {Path(r["file"]).name: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert code == 1
    for sample in index:
        report = got[sample["file"]]
        expected = sample["expected"]
        if sample["file"] == "ob3-unknown-key.json":
            # Its key id sits under the university's registered DID, and the registry lists all of
            # that DID's keys: a key outside the list is refused, not merely "not checked".
            expected = "invalid"
            codes = {c["id"]: c["code"] for c in report["checks"]}
            assert codes["signature"] == "SIGNATURE_KEY_NOT_PUBLISHED"
        assert (report["verdict"], report["format"]) == (expected, sample["format"]), sample
