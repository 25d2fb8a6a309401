"""`credsite verify`: files, registries, output, exit codes, parallel batches, opt-in network."""

from __future__ import annotations

import argparse
import http.server
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from build_tools.cli.verify import main, register

from . import _make as m
from . import _rewrites as rw


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A built site's machine-readable part: registry.json and lu's status list."""
    (tmp_path / "registry.json").write_text(json.dumps(m.registry_dict()))
    status = tmp_path / "issuers/lu/status/1.json"
    status.parent.mkdir(parents=True)
    status.write_bytes(m.dumps(m.status_list(revoked=(42,))))
    return tmp_path


def _files(tmp_path: Path) -> dict[str, Path]:
    k = m.keys()
    out = {
        "valid.json": m.dumps(m.sign_di(m.ob3_credential(status_index=7), k["lu-ed"])),
        "revoked.json": m.dumps(m.sign_di(m.ob3_credential(status_index=42), k["lu-ed"])),
        "edc.jsonld": m.sign_jades(m.edc_credential(), k["lu-rsa"]),
        "garbage.bin": b"\x00\x01\x02 not a credential",
    }
    paths = {}
    for name, data in out.items():
        (tmp_path / name).write_bytes(data)
        paths[name] = tmp_path / name
    return paths


def test_valid_credential_human_output(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path)
    code = main(
        [
            str(files["valid.json"]),
            "--registry",
            str(site / "registry.json"),
            "--now",
            "2026-10-01T12:00:00Z",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "VALID (vc-di-eddsa-rdfc-2022)" in out
    assert "University of Latvia" in out
    for check_id in ("format", "signature", "issuer_key", "revocation", "catalogue"):
        assert f"] {check_id}" in out


def test_json_lines_and_exit_codes(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path)
    code = main(
        [str(files[n]) for n in ("valid.json", "revoked.json", "edc.jsonld", "garbage.bin")]
        + ["--registry", str(site), "--json", "--now", "2026-10-01T12:00:00Z"]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    verdicts = {Path(r["file"]).name: r["verdict"] for r in lines}
    assert verdicts == {
        "valid.json": "valid",
        "revoked.json": "invalid",
        "edc.jsonld": "valid",
        "garbage.bin": "unverifiable",
    }
    revoked = next(r for r in lines if r["file"].endswith("revoked.json"))
    assert {c["id"]: c["code"] for c in revoked["checks"]}["revocation"] == "REVOCATION_REVOKED"


def test_batch_uses_worker_processes(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path)
    batch = [str(files["valid.json"])] * 12 + [str(files["edc.jsonld"])] * 4
    code = main(
        [*batch, "--registry", str(site), "--json", "--jobs", "2", "--now", "2026-10-01T12:00:00Z"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and len(lines) == 16
    assert {json.loads(line)["verdict"] for line in lines} == {"valid"}


@pytest.mark.parametrize(
    "args,message",
    [
        (["--registry", "/nonexistent/registry.json"], "registry not found"),
        (["--now", "yesterday"], "--now"),
        (["--registry", "https://alliance.example/registry.json"], "--allow-network"),
    ],
)
def test_usage_errors_exit_2(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    files = _files(tmp_path)
    argv = [str(files["valid.json"])] + (
        args if "--registry" in args else ["--registry", str(site), *args]
    )
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_missing_file_is_a_usage_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent.json", "--registry", str(site)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_register_sets_handler() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["verify", "a.json", "--json"])
    assert args.handler.__name__ == "run" and args.registry == "catalogue" and args.json


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args: Any) -> None:
        pass


def test_allow_network_fetches_status_lists(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    url = f"http://127.0.0.1:{server.server_port}/status/2.json"
    listing = m.status_list(revoked=(5,))
    listing["id"] = url
    _Handler.body = m.dumps(
        m.sign_di({k: v for k, v in listing.items() if k != "proof"}, m.keys()["lu-ed"])
    )
    cred = m.ob3_credential(status_index=5)
    cred["credentialStatus"]["statusListCredential"] = url
    cred["credentialStatus"]["id"] = url + "#5"
    signed = m.sign_di(cred, m.keys()["lu-ed"])
    # The URL is fetched however the holder writes it (a rewrite that keeps the signed data).
    variants = {"as-signed": signed}
    for kind in rw.KINDS:
        for where, key in (((), "credentialStatus"), (rw.S, "statusListCredential")):
            try:
                variants[f"{kind}-{key}"] = rw.rewrite(signed, kind, where, key)
            except rw.NotApplicable:
                continue
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        checked = set()
        for name, doc in variants.items():
            path = tmp_path / f"{name}.json"
            path.write_bytes(m.dumps(doc))
            base = [str(path), "--registry", str(site), "--json", "--now", "2026-10-01T12:00:00Z"]
            main(base)
            offline = json.loads(capsys.readouterr().out)
            assert main([*base, "--allow-network"]) == 1, name
            online = json.loads(capsys.readouterr().out)
            if offline["verdict"] == "invalid":  # refused as written (@reverse): still refused
                assert online["checks"] == offline["checks"], name
                continue
            assert {c["id"]: c["code"] for c in offline["checks"]}[
                "revocation"
            ] == "REVOCATION_NOT_CHECKED", name
            codes = {c["id"]: c["code"] for c in online["checks"]}
            assert codes["revocation"] == "REVOCATION_REVOKED", name
            checked.add(name)
        assert {"as-signed", "full_iri-statusListCredential", "nest-credentialStatus"} <= checked
    finally:
        server.shutdown()
        server.server_close()


def test_a_catalogue_whose_registry_cannot_be_built_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Once a traceback (an issuing error raised while building the registry): now exit 2
    with the located message, like any other registry that cannot be used."""
    import shutil

    catalogue = tmp_path / "catalogue"
    shutil.copytree(Path(__file__).resolve().parents[2] / "catalogue", catalogue)
    (catalogue / "alliance.yaml").write_text("name: [broken\n", "utf-8")
    credential = tmp_path / "c.json"
    credential.write_text("{}", "utf-8")
    assert main([str(credential), "--registry", str(catalogue)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("credsite verify: alliance.yaml: site_url '' is not an absolute")


def test_human_output_names_the_learner_and_ends_with_a_tally(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path)
    doc = m.ob3_credential(status_index=7)
    doc["credentialSubject"]["name"] = "Ada \x1b[2J\u202eLovelace"
    (tmp_path / "escaped.json").write_bytes(m.dumps(m.sign_di(doc, m.keys()["lu-ed"])))
    names = ("valid.json", "revoked.json", "edc.jsonld", "garbage.bin")
    code = main(
        [str(files[n]) for n in names]
        + [str(tmp_path / "escaped.json"), str(tmp_path / "valid.json")]
        + ["--registry", str(site), "--now", "2026-10-01T12:00:00Z", "--jobs", "1"]
    )
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert "  Learner: Ada Lovelace" in lines
    assert "  Learner: Ada \\x1b[2J\\u202eLovelace" in lines
    assert not any("\x1b" in line or "\u202e" in line for line in lines)
    assert lines[-1] == "4 valid, 1 invalid, 1 could not be verified"


@pytest.mark.parametrize("demo", [True, False])
def test_a_demonstration_registry_is_named_as_such(
    demo: bool, site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = m.registry_dict()
    registry["alliance"]["demo"] = demo
    (site / "registry.json").write_text(json.dumps(registry))
    path = tmp_path / "valid.json"
    path.write_bytes(m.dumps(m.sign_di(m.ob3_credential(status_index=7), m.keys()["lu-ed"])))
    assert main([str(path), "--registry", str(site), "--now", "2026-10-01T12:00:00Z"]) == 0
    captured = capsys.readouterr()
    assert "valid" in captured.out
    said = "the private keys of its issuers are published" in captured.err
    assert said is demo
