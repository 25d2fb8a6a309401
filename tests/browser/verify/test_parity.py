"""Parity: the corpus of tests/vectors/corpus.json (project samples, conformance vectors,
hostile inputs) verified in Chromium by the shipped worker (Pyodide + WebCrypto) and in CPython
by `build_tools.verifier.verify` gives identical verdicts, formats and check codes.

Each entry names its registry (status lists read from each list's `path`, relative to the
registry file; null = empty registry) and the moment of verification.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from build_tools.verifier import Registry, verify
from build_tools.verifier.crypto_cpython import CPythonCrypto

from ._harness import serve_directory, write_bundle

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[3]
VECTORS = PROJECT / "tests" / "vectors"
ASSETS = PROJECT / "site_src" / "assets" / "verifier"
EMPTY_REGISTRY = "empty-registry/registry.json"


def _registry(path: str | None) -> Registry:
    if path is None:
        return Registry.from_json({})
    file = VECTORS / path
    data = json.loads(file.read_text("utf-8"))
    lists: dict[str, bytes] = {}
    for issuer in (data.get("issuers") or {}).values():
        for entry in issuer.get("status_lists") or []:
            local = file.parent / entry["path"]
            if local.is_file():
                lists[entry["url"]] = local.read_bytes()
    return Registry.from_json(data, status_lists=lists)


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    """What must agree: verdict, format and each check's (id, status, code), recursively."""
    out: dict[str, Any] = {
        "verdict": report.get("verdict"),
        "format": report.get("format"),
        "checks": [(c["id"], c["status"], c["code"]) for c in report.get("checks", [])],
    }
    if report.get("credentials") is not None:
        out["credentials"] = [_summary(r) for r in report["credentials"]]
    return out


def test_browser_and_cpython_agree_on_the_corpus(tmp_path: Path, chromium_browser: Any) -> None:
    corpus = json.loads((VECTORS / "corpus.json").read_text("utf-8"))
    entries = corpus["entries"]
    assert len(entries) >= 50, "the parity corpus is unexpectedly small"

    write_bundle(tmp_path)
    # The worker and the modules it imports.
    shutil.copytree(ASSETS, tmp_path / "assets" / "verifier", dirs_exist_ok=True)
    shutil.copytree(VECTORS, tmp_path / "vectors")
    empty = tmp_path / "vectors" / EMPTY_REGISTRY
    empty.parent.mkdir(parents=True)
    empty.write_text("{}")

    groups: dict[str, dict[str, Any]] = {}
    expected: dict[str, dict[str, Any]] = {}
    registries: dict[str | None, Registry] = {}
    for i, entry in enumerate(entries):
        reg_path = entry["registry"]
        key = f"{i}:{entry['file']}"
        rel = reg_path or EMPTY_REGISTRY
        group = groups.setdefault(
            rel,
            {
                "registry": f"vectors/{rel}",
                "root": "vectors/" + (rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""),
                "entries": [],
            },
        )
        group["entries"].append(
            {"key": key, "path": f"vectors/{entry['file']}", "now": entry["now"]}
        )
        if reg_path not in registries:
            registries[reg_path] = _registry(reg_path)
        now = dt.datetime.fromisoformat(entry["now"].replace("Z", "+00:00"))
        data = (VECTORS / entry["file"]).read_bytes()
        report = verify(data, registries[reg_path], now=now, crypto=CPythonCrypto())
        expected[key] = _summary(report.to_dict())

    (tmp_path / "plan.json").write_text(json.dumps({"groups": list(groups.values())}))
    (tmp_path / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>parity</title>'
        '<script type="module" src="./parity.mjs"></script>'
    )
    shutil.copyfile(Path(__file__).with_name("parity_harness.mjs"), tmp_path / "parity.mjs")

    with serve_directory(tmp_path) as base:
        page = chromium_browser.new_page()
        try:
            page.goto(base + "index.html")
            page.wait_for_selector("body[data-done]", state="attached", timeout=300_000)
            outcome = page.evaluate("() => window.__parity")
        finally:
            page.close()
    assert "error" not in outcome, outcome.get("error")
    browser_results = outcome["results"]
    mismatches = []
    for key, want in expected.items():
        got = browser_results.get(key)
        if got is None or "error" in got:
            mismatches.append((key, "no report", got))
            continue
        if _summary(got) != want:
            mismatches.append((key, want, _summary(got)))
    assert not mismatches, f"{len(mismatches)} of {len(expected)} differ; first: {mismatches[:3]}"
    # The corpus covers every verdict, so agreement is not agreement on one answer only.
    verdicts = {v["verdict"] for v in expected.values()}
    assert verdicts >= {"valid", "valid_with_warnings", "invalid", "unverifiable"}
