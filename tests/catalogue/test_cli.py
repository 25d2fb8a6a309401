"""`credsite check` and `credsite schema`: exit codes and output formats."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from build_tools.cli import check, schema

from .factory import CatalogueFactory


def run(argv: Sequence[str]) -> int:
    """Parse and dispatch exactly as build_tools.cli.main does, with our subcommands only."""
    parser = argparse.ArgumentParser(prog="credsite")
    sub = parser.add_subparsers(dest="command", required=True)
    check.register(sub)
    schema.register(sub)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return int(args.handler(args))


@pytest.fixture(autouse=True)
def _reviewed_today(factory: CatalogueFactory) -> None:
    """The CLI checks against the wall clock: keep review dates fresh."""
    for offer in factory.offers.values():
        offer["last_reviewed"] = dt.date.today()


@pytest.fixture
def broken(factory: CatalogueFactory) -> Path:
    factory.offers["aa-one"]["ects"] = 0.5  # error
    factory.offers["aa-one"]["workload_hours"] = 14
    factory.offers["aa-two"]["workload_hours"] = 100  # warning: 33 h per ECTS
    return factory.write()


def test_exit_0_when_valid(factory: CatalogueFactory, capsys: pytest.CaptureFixture[str]) -> None:
    root = factory.write()
    # keys in the factory are valid from 2026-09-01; the wall clock is later than that
    assert run(["check", "--catalogue", str(root)]) == 0
    out = capsys.readouterr()
    assert "3 offers checked: 0 errors, 0 warnings" in out.out


def test_exit_1_on_errors(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--catalogue", str(broken)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "POLICY_ECTS_BELOW_MIN" in x)
    assert re.match(
        rf"{re.escape(str(broken))}/offers/aa/aa-one\.yaml:\d+:\d+: "
        r"error: .+ \[POLICY_ECTS_BELOW_MIN\]$",
        line,
    )


def test_warnings_pass_unless_strict(
    factory: CatalogueFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.offers["aa-two"]["workload_hours"] = 100
    root = factory.write()
    assert run(["check", "--catalogue", str(root)]) == 0
    assert "POLICY_HOURS_PER_ECTS" in capsys.readouterr().out
    assert run(["check", "--catalogue", str(root), "--strict"]) == 1


def test_exit_2_on_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--format", "xml"]) == 2
    assert run(["check", "--catalogue", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert run(["check", "--no-such-option"]) == 2


def test_json_format(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--catalogue", str(broken), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["errors"] >= 1 and doc["warnings"] >= 1
    item = next(f for f in doc["findings"] if f["code"] == "POLICY_ECTS_BELOW_MIN")
    assert set(item) == {"code", "severity", "message", "file", "line", "column", "hint"}
    assert item["file"] == f"{broken}/offers/aa/aa-one.yaml"
    assert item["line"] > 0 and item["severity"] == "error"


def test_github_format(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--catalogue", str(broken), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ")) for line in lines)
    pattern = re.compile(
        r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([A-Z0-9_]+)::(.+)$"
    )
    parsed = [pattern.match(line) for line in lines]
    assert all(parsed), lines
    codes = {(p.group(1), p.group(5)) for p in parsed if p}
    assert ("error", "POLICY_ECTS_BELOW_MIN") in codes
    assert ("warning", "POLICY_HOURS_PER_ECTS") in codes
    first = next(p for p in parsed if p and p.group(5) == "POLICY_ECTS_BELOW_MIN")
    assert first.group(2) == f"{broken}/offers/aa/aa-one.yaml"


def test_github_format_escapes_newlines_and_percent() -> None:
    from build_tools.findings import Finding, format_github

    text = format_github(
        [Finding("X_Y", "error", "50% done\nnext line", "a,b:c.yaml", 3, 4)], prefix="catalogue"
    )
    assert (
        text
        == "::error file=catalogue/a%2Cb%3Ac.yaml,line=3,col=4,title=X_Y::50%25 done%0Anext line"
    )


def test_relative_catalogue_path(
    factory: CatalogueFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.offers["aa-one"]["ects"] = 0.5
    factory.offers["aa-one"]["workload_hours"] = 14
    factory.write()
    monkeypatch.chdir(factory.root.parent)
    assert run(["check", "--format", "github"]) == 1  # default --catalogue catalogue
    assert "file=catalogue/offers/aa/aa-one.yaml," in capsys.readouterr().out


def test_schema_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schema"
    assert run(["schema", "--out", str(out), "--check"]) == 1
    assert run(["schema", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "alliance.schema.json",
        "issuer.schema.json",
        "offer.schema.json",
        "pathway.schema.json",
    ]
    assert run(["schema", "--out", str(out), "--check"]) == 0
    (out / "offer.schema.json").write_text("{}")
    assert run(["schema", "--out", str(out), "--check"]) == 1
    blocker = tmp_path / "file"
    blocker.write_text("x")
    capsys.readouterr()
    assert run(["schema", "--out", str(blocker)]) == 2


def test_registered_in_the_credsite_cli(factory: CatalogueFactory) -> None:
    """The real entry point dispatches `check` and `schema` to this package."""
    from build_tools.cli import main

    root = factory.write()
    assert main(["check", "--catalogue", str(root), "--format", "json"]) == 0
    factory.offers["aa-one"]["mode"] = "onlien"
    factory.write()
    assert main(["check", "--catalogue", str(root)]) == 1
    assert main(["check", "--format", "yaml"]) == 2


def test_summary_counts_files_that_could_not_be_read(
    factory: CatalogueFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    factory.raw["offers/aa/aa-one.yaml"] = b'id: aa-one\ntitle: {en: "Open\n'
    root = factory.write()
    assert run(["check", "--catalogue", str(root)]) == 1
    err = capsys.readouterr().err
    assert "2 offers checked (1 more could not be read): " in err
