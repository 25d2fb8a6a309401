"""`credsite keys|issue|status`: the documented examples and the key lifecycle rules."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shlex
from pathlib import Path

import pytest
import yaml

from build_tools.catalogue.loader import load_catalogue
from build_tools.cli import issue, keys, make_parser, status
from build_tools.issuing.keys import read_key_file
from build_tools.issuing.statuslist import Bitstring

from ._world import NOW, IssuingWorld, failing, verify_report

LEARNER_YAML = """\
given_name: Anna
family_name: Bērziņa
date_of_birth: 2001-03-14
identifier: {scheme: Student ID, value: "AA-0001"}
grade: "9"
completion_date: 2026-06-30
"""
LEARNERS_CSV = """\
given_name,family_name,date_of_birth,identifier_scheme,identifier,email,grade,completion_date
Jānis,Bērziņš,1999-03-14,Student ID,AA-1,janis@example.org,8,2026-06-30
Matti,Meikäläinen,1997-07-02,Student ID,AA-2,,4,2026-06-30
Ola,Nordmann,1998-01-01,,,,7,2026-06-30
"""


def _docstring_examples() -> list[str]:
    docs = "\n".join(module.__doc__ or "" for module in (keys, issue, status))
    lines = docs.replace("\\\n", " ").splitlines()
    return [" ".join(line.split()) for line in lines if line.strip().startswith("credsite ")]


def test_the_documented_examples_parse() -> None:
    examples = _docstring_examples()
    assert len(examples) >= 7
    parser = make_parser()
    for example in examples:
        args = parser.parse_args(shlex.split(example)[1:])
        assert callable(args.handler), example


def test_documented_examples_run_end_to_end(world: IssuingWorld, tmp_path: Path) -> None:
    """Each documented command, in order, against the test catalogue."""
    cat = str(world.catalogue_dir)
    learner = tmp_path / "learner.yaml"
    learner.write_text(LEARNER_YAML, "utf-8")
    out = tmp_path / "issued"
    eddsa = str(tmp_path / "keys" / "aa-eddsa.pem")
    assert (
        world.cli(
            "keys",
            "new",
            "--issuer",
            "aa",
            "--alg",
            "EdDSA",
            "--private-out",
            eddsa,
            "--valid-from",
            "2026-09-15",
            "--catalogue",
            cat,
        )
        == 0
    )
    assert (
        world.cli(
            "issue",
            "--offer",
            "aa-one",
            "--learner",
            str(learner),
            "--key",
            eddsa,
            "--format",
            "ob3",
            "--out",
            str(out),
            "--issued",
            "2026-10-01",
            "--catalogue",
            cat,
        )
        == 0
    )
    [issued] = sorted(out.glob("*.ob3.json"))
    credential_id = json.loads(issued.read_text())["id"]
    assert (
        world.cli(
            "status",
            "revoke",
            "--issuer",
            "aa",
            "--credential",
            credential_id,
            "--key",
            eddsa,
            "--catalogue",
            cat,
        )
        == 0
    )
    assert world.cli("status", "publish", "--issuer", "aa", "--key", eddsa, "--catalogue", cat) == 0
    report = verify_report(world.load(), issued.read_bytes())
    assert "revocation:fail:REVOCATION_REVOKED" in failing(report)
    kid = "aa-2026-eddsa-2"
    assert (
        world.cli(
            "keys",
            "retire",
            "--issuer",
            "aa",
            "--kid",
            kid,
            "--at",
            "2027-01-01",
            "--catalogue",
            cat,
        )
        == 0
    )
    assert world.cli("keys", "compromised", "--issuer", "aa", "--kid", kid, "--catalogue", cat) == 0


def test_issue_a_csv_batch_of_edcs(world: IssuingWorld, tmp_path: Path) -> None:
    batch = tmp_path / "learners.csv"
    batch.write_text(LEARNERS_CSV, "utf-8")
    out = tmp_path / "out"
    code = world.cli(
        "issue",
        "--offer",
        "aa-one",
        "--learner",
        str(batch),
        "--key",
        str(world.key("aa-es256")),
        "--format",
        "edc",
        "--out",
        str(out),
        "--issued",
        "2026-10-01T10:00:00Z",
        "--catalogue",
        str(world.catalogue_dir),
    )
    assert code == 0
    files = sorted(out.glob("*.edc.jsonld"))
    assert [f.name.split("-")[0] for f in files] == ["0001", "0002", "0003"]
    with (out / "issued.csv").open(encoding="utf-8") as handle:
        log = list(csv.DictReader(handle))
    assert [row["learner"] for row in log] == ["Jānis Bērziņš", "Matti Meikäläinen", "Ola Nordmann"]
    ids = {json.loads(json.loads(f.read_text())["payload"])["id"] for f in files}
    assert len(ids) == 3  # unique ids
    indexes = {row["status_index"] for row in log}
    assert len(indexes) == 3
    # the committed status files hold no personal data
    status = world.catalogue_dir / "issuers" / "aa" / "status"
    for path in status.iterdir():
        text = path.read_text("utf-8")
        for word in ("Jānis", "Matti", "Nordmann", "janis@", "1999-03-14", "urn:credential"):
            assert word not in text
    catalogue = world.load()
    for path in files:
        report = verify_report(catalogue, path.read_bytes())
        assert report["verdict"] == "valid", failing(report)
    # revoke one by its file: only that one fails
    assert (
        world.cli(
            "status",
            "revoke",
            "--issuer",
            "aa",
            "--credential",
            str(files[1]),
            "--key",
            str(world.key("aa-eddsa")),
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    catalogue = world.load()
    verdicts = [verify_report(catalogue, f.read_bytes())["verdict"] for f in files]
    assert verdicts == ["valid", "invalid", "valid"]
    doc = json.loads((status / "revocation-1.json").read_text())
    assert Bitstring.decode(doc["credentialSubject"]["encodedList"]).set_indexes() == [
        int(log[1]["status_index"])
    ]


def test_issue_reports_located_learner_errors(
    world: IssuingWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        LEARNERS_CSV.replace("Matti,Meikäläinen,1997-07-02", "Matti,Meikäläinen,1997-17-02"),
        "utf-8",
    )
    code = world.cli(
        "issue",
        "--offer",
        "aa-one",
        "--learner",
        str(bad),
        "--key",
        str(world.key("aa-eddsa")),
        "--format",
        "ob3",
        "--out",
        str(tmp_path / "o"),
        "--catalogue",
        str(world.catalogue_dir),
    )
    assert code == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:3: date_of_birth '1997-17-02' is not a date." in err
    assert not (tmp_path / "o").exists()


def test_issue_refuses_unregistered_keys_and_unknown_offers(
    world: IssuingWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    learner = tmp_path / "l.yaml"
    learner.write_text(LEARNER_YAML, "utf-8")
    stranger = tmp_path / "stranger.pem"
    from build_tools.issuing.keys import generate_private_key, private_key_pem

    stranger.write_bytes(private_key_pem(generate_private_key("EdDSA")))
    base = [
        "issue",
        "--learner",
        str(learner),
        "--format",
        "ob3",
        "--out",
        str(tmp_path / "o"),
        "--catalogue",
        str(world.catalogue_dir),
    ]
    assert world.cli(*base, "--offer", "aa-one", "--key", str(stranger)) == 1
    assert "not registered" in capsys.readouterr().err
    assert world.cli(*base, "--offer", "nope", "--key", str(world.key("aa-eddsa"))) == 1
    assert "no offer 'nope'" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Key lifecycle


def _issue_at(world: IssuingWorld, tmp_path: Path, when: str, name: str) -> int:
    learner = tmp_path / "l.yaml"
    learner.write_text(LEARNER_YAML, "utf-8")
    return world.cli(
        "issue",
        "--offer",
        "aa-one",
        "--learner",
        str(learner),
        "--key",
        str(world.key("aa-eddsa")),
        "--format",
        "ob3",
        "--out",
        str(tmp_path / name),
        "--issued",
        when,
        "--catalogue",
        str(world.catalogue_dir),
    )


def test_retire_at_a_date(
    world: IssuingWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _issue_at(world, tmp_path, "2026-10-01", "before") == 0
    assert (
        world.cli(
            "keys",
            "retire",
            "--issuer",
            "aa",
            "--kid",
            "aa-2026-eddsa-1",
            "--at",
            "2026-10-15",
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    assert "credsite status publish --issuer aa" in capsys.readouterr().out
    record = read_key_file(world.catalogue_dir / "issuers/aa/keys/aa-2026-eddsa-1.yaml")
    assert record.status == "retired"
    assert record.valid_until == dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
    # the loader reads the rewritten file
    catalogue = world.load()
    key = next(k for k in catalogue.issuers["aa"].keys if k.kid == "aa-2026-eddsa-1")
    assert key.status == "retired"
    # issuing after the retirement date is refused ...
    assert _issue_at(world, tmp_path, "2026-10-20", "after") == 1
    # ... credentials issued before it stay valid once the status list, which the retired key
    # signed after the retirement date, is re-signed with a new active key
    [earlier] = (tmp_path / "before").glob("*.json")
    report = verify_report(catalogue, earlier.read_bytes())
    assert failing(report) == ["revocation:fail:REVOCATION_LIST_INVALID"]
    new_key = str(tmp_path / "new.pem")
    assert (
        world.cli(
            "keys",
            "new",
            "--issuer",
            "aa",
            "--alg",
            "EdDSA",
            "--valid-from",
            "2026-10-15",
            "--private-out",
            new_key,
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    assert (
        world.cli(
            "status",
            "publish",
            "--issuer",
            "aa",
            "--key",
            new_key,
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    report = verify_report(world.load(), earlier.read_bytes())
    assert report["verdict"] == "valid", failing(report)


def test_a_credential_dated_after_retirement_fails_verification(
    world: IssuingWorld, tmp_path: Path
) -> None:
    assert _issue_at(world, tmp_path, "2026-10-20", "late") == 0
    assert (
        world.cli(
            "keys",
            "retire",
            "--issuer",
            "aa",
            "--kid",
            "aa-2026-eddsa-1",
            "--at",
            "2026-10-15",
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    [late] = (tmp_path / "late").glob("*.json")
    report = verify_report(world.load(), late.read_bytes())
    assert report["verdict"] == "invalid", failing(report)


def test_compromised_key_fails_everything_and_cannot_sign(
    world: IssuingWorld, tmp_path: Path
) -> None:
    assert _issue_at(world, tmp_path, "2026-10-01", "early") == 0
    assert (
        world.cli(
            "keys",
            "compromised",
            "--issuer",
            "aa",
            "--kid",
            "aa-2026-eddsa-1",
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    data = yaml.safe_load(
        (world.catalogue_dir / "issuers/aa/keys/aa-2026-eddsa-1.yaml").read_text()
    )
    assert data["status"] == "compromised"
    [early] = (tmp_path / "early").glob("*.json")
    report = verify_report(world.load(), early.read_bytes())
    assert report["verdict"] == "invalid", failing(report)
    assert _issue_at(world, tmp_path, "2026-10-02", "again") == 1
    # and it cannot be "un-compromised" by retiring it
    assert (
        world.cli(
            "keys",
            "retire",
            "--issuer",
            "aa",
            "--kid",
            "aa-2026-eddsa-1",
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 1
    )


def test_keys_new_writes_a_loadable_key_and_satisfies_the_active_key_rule(
    world: IssuingWorld, tmp_path: Path
) -> None:
    result = load_catalogue(world.catalogue_dir, now=NOW)
    assert not [f for f in result.findings if f.code == "ISSUER_NO_ACTIVE_KEY"]
    assert not [f for f in result.findings if f.is_error], [str(f) for f in result.findings]
    # remove all keys of bb: the validator rule fires
    for path in (world.catalogue_dir / "issuers" / "bb" / "keys").iterdir():
        path.unlink()
    result = load_catalogue(world.catalogue_dir, now=NOW)
    assert [f.file for f in result.findings if f.code == "ISSUER_NO_ACTIVE_KEY"] == [
        "issuers/bb.yaml"
    ]
    # a new key restores it
    assert (
        world.cli(
            "keys",
            "new",
            "--issuer",
            "bb",
            "--alg",
            "ES256",
            "--valid-from",
            "2026-09-01",
            "--private-out",
            str(tmp_path / "bb.pem"),
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    result = load_catalogue(world.catalogue_dir, now=NOW)
    assert not [f for f in result.findings if f.code == "ISSUER_NO_ACTIVE_KEY"]


def test_add_an_eseal_certificate(world: IssuingWorld, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    from build_tools.issuing.keys import generate_private_key, self_signed_certificate

    cert = self_signed_certificate(
        generate_private_key("RS256"),
        legal_name="University A",
        country="LV",
        valid_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    pem = tmp_path / "eseal.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    assert (
        world.cli(
            "keys",
            "add-eseal",
            "--issuer",
            "aa",
            "--certificate",
            str(pem),
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    record = read_key_file(world.catalogue_dir / "issuers/aa/keys/aa-eseal-1.yaml")
    assert (record.use, record.alg, record.jwk) == ("eseal", "RS256", {})
    catalogue = world.load()
    assert any(k.use == "eseal" for k in catalogue.issuers["aa"].keys)
    # a file with a private key is refused
    from build_tools.issuing.keys import private_key_pem

    leaky = tmp_path / "leaky.pem"
    leaky.write_bytes(pem.read_bytes() + private_key_pem(generate_private_key("ES256")))
    assert (
        world.cli(
            "keys",
            "add-eseal",
            "--issuer",
            "aa",
            "--certificate",
            str(leaky),
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 1
    )


def test_rs256_issuers_need_a_status_key_for_a_new_list(
    world: IssuingWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    learner = tmp_path / "l.yaml"
    learner.write_text(LEARNER_YAML, "utf-8")
    base = [
        "issue",
        "--offer",
        "aa-one",
        "--learner",
        str(learner),
        "--format",
        "edc",
        "--key",
        str(world.key("aa-rs256")),
        "--issued",
        "2026-10-01",
        "--catalogue",
        str(world.catalogue_dir),
    ]
    assert world.cli(*base, "--out", str(tmp_path / "a")) == 1
    assert "--status-key" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()
    assert not (world.catalogue_dir / "issuers" / "aa" / "status").exists()
    assert (
        world.cli(*base, "--out", str(tmp_path / "b"), "--status-key", str(world.key("aa-eddsa")))
        == 0
    )
    [sealed] = (tmp_path / "b").glob("*.edc.jsonld")
    report = verify_report(world.load(), sealed.read_bytes())
    assert report["verdict"] == "valid", failing(report)


def test_an_unreadable_catalogue_reaches_the_terminal_finding_by_finding(
    world: IssuingWorld,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each error keeps its file:line:col (once joined into 500 characters of text)."""
    from build_tools.catalogue.findings import Finding
    from build_tools.catalogue.loader import LoadResult
    from build_tools.issuing import operations

    broken = [
        Finding(
            "YAML_SYNTAX",
            "error",
            f"Bad {n}. " + "x" * 300,
            f"offers/aa/{n}.yaml",
            n,
            2,
            "Check the quoting.",
        )
        for n in (1, 2, 3)
    ]
    monkeypatch.setattr(operations, "load_catalogue", lambda *a, **k: LoadResult(None, broken))
    cat = str(world.catalogue_dir)
    code = world.cli(
        "keys",
        "new",
        "--issuer",
        "aa",
        "--alg",
        "EdDSA",
        "--private-out",
        str(tmp_path / "k.pem"),
        "--catalogue",
        cat,
    )
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "credsite keys new: error: The catalogue cannot be read. "
        "Run `credsite check` and fix the errors."
    )
    for n in (1, 2, 3):
        assert f"{cat}/offers/aa/{n}.yaml:{n}:2: error: Bad {n}. {'x' * 300} [YAML_SYNTAX]" in err
