"""scripts/make_samples.py: reproducible "try a sample" files with the expected verdicts."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from build_tools.catalogue.loader import load_catalogue

from ._world import REPO, failing, verify_report


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_samples", REPO / "scripts" / "make_samples.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A run of the script on a copy of the demo catalogue, with the committed samples' index
    (so that it releases their status indexes exactly as a rerun in the repository does)."""
    root = tmp_path_factory.mktemp("samples")
    shutil.copytree(REPO / "catalogue", root / "catalogue")
    out = root / "samples"
    out.mkdir()
    shutil.copy(REPO / "site_src" / "samples" / "index.json", out / "index.json")
    _script().make_samples(root / "catalogue", out)
    return root / "catalogue", out


def test_rerun_reproduces_the_committed_samples(samples: tuple[Path, Path]) -> None:
    catalogue, out = samples
    committed = REPO / "site_src" / "samples"
    names = sorted(p.name for p in committed.iterdir())
    assert names == sorted(p.name for p in out.iterdir())
    for name in names:
        assert (out / name).read_bytes() == (committed / name).read_bytes(), (
            f"{name} differs: run `python scripts/make_samples.py` and commit the result"
        )
    status = "issuers/lu/status"
    for path in (REPO / "catalogue" / status).iterdir():
        assert (catalogue / status / path.name).read_bytes() == path.read_bytes()


def test_index_lists_every_case_in_both_formats(samples: tuple[Path, Path]) -> None:
    _, out = samples
    index = json.loads((out / "index.json").read_text())
    cases = {
        (s["file"].split("-", 1)[0], s["file"].split("-", 1)[1].rsplit(".", 1)[0])
        for s in index["samples"]
    }
    assert cases == {
        (fmt, case)
        for fmt in ("edc", "ob3")
        for case in ("valid", "tampered", "revoked", "expired", "unknown-key")
    }
    for sample in index["samples"]:
        assert set(sample) == {
            "file",
            "format",
            "kind",
            "case",
            "expected",
            "description",
            "credential_id",
        }
        fmt, case = sample["file"].rsplit(".", 1)[0].split("-", 1)
        assert sample["kind"] == {"edc": "European Digital Credential", "ob3": "Open Badge"}[fmt]
        assert sample["case"] == case.replace("-", " ")
        assert sample["description"].endswith(".")


def test_every_sample_gets_its_expected_verdict(samples: tuple[Path, Path]) -> None:
    catalogue_dir, out = samples
    catalogue = load_catalogue(catalogue_dir).catalogue
    assert catalogue is not None
    index = json.loads((out / "index.json").read_text())
    for sample in index["samples"]:
        report = verify_report(catalogue, (out / sample["file"]).read_bytes())
        assert report["verdict"] == sample["expected"], (sample["file"], failing(report))
        assert report["format"] == sample["format"]
        if sample["expected"] == "valid":  # both formats carry all 11 Annex I elements
            eu = next(c for c in report["checks"] if c["id"] == "eu_elements")
            assert eu["code"] == "EU_ELEMENTS_COMPLETE", (sample["file"], eu)
