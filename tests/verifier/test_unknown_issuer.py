"""An intact signature by a key this registry does not list: the report says what can be said
(the signature holds; the issuer is not one of the alliance's universities; the name the
credential gives itself, as its own claim; the seal certificate's subject and issuer, or the
signing key's DID), and never shows a name as the verified issuer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from build_tools.cli.verify import main
from build_tools.registry_files import load_registry
from build_tools.verifier import Registry, verify

from . import _hostile
from . import _make as m
from .conftest import VECTORS

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "site_src" / "samples"
NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
VELOCERT = (
    "CN=VELOCERT OU,O=VELOCERT OU,OU=e-seal certificates,"
    "organizationIdentifier=NTREE-17207834,L=Tallinn,ST=Tallinn,C=EE"
)
HALCOM = "CN=Halcom CA PO e-seal 2,O=Halcom d.d.,organizationIdentifier=VATSI-43353126,C=SI"


@pytest.fixture(scope="module")
def forthem() -> Registry:
    """The example catalogue's registry, as `credsite verify` reads it."""
    raw, lists = load_registry(str(ROOT / "catalogue"), allow_network=False)
    return Registry.from_json(raw, lists)


def _issuer(report: Any) -> dict[str, Any]:
    assert report.credential is not None
    issuer: dict[str, Any] = report.credential["issuer"]
    # Whatever else is said, nothing the file claims is shown as the issuer.
    assert issuer["from_registry"] is False and issuer["name"] is None
    assert issuer["country"] is None
    assert report.credential["verified"] is False
    return issuer


def test_the_registry_names_its_alliance(forthem: Registry) -> None:
    assert forthem.alliance_name == "FORTHEM"
    old = m.registry_dict()
    del old["alliance"]  # registries written before they named the alliance stay readable
    assert Registry.from_json(old).alliance_name is None
    assert Registry.from_json({**old, "alliance": "FORTHEM"}).alliance_name is None


def test_a_third_party_edc_sealed_by_a_certificate_authority(
    forthem: Registry, crypto: Any
) -> None:
    data = (VECTORS / "mynextid" / "edc-mc-signed.jsonld").read_bytes()
    report = verify(data, forthem, now=NOW, crypto=crypto)
    assert report.verdict == "valid_with_warnings"
    assert report.codes["signature"] == "SIGNATURE_VALID"
    check = report.check("issuer_key")
    assert check is not None and (check.status, check.code) == ("warn", "ISSUER_NOT_IN_REGISTRY")
    assert check.message == (
        "The seal is intact, but the issuer is not one of FORTHEM's universities; its "
        f'certificate was issued to "{VELOCERT}" by "{HALCOM}", a certificate authority this '
        "verifier does not check (nor whether the seal is a qualified eIDAS seal)."
    )
    assert "names itself 'Velocert OÜ' (not verified)" in check.detail
    issuer = _issuer(report)
    assert issuer["alliance"] == "FORTHEM"
    assert issuer["names_itself"] == "Velocert OÜ"
    assert issuer["certificate"] == {"subject": VELOCERT, "issuer": HALCOM, "self_signed": False}
    assert "did" not in issuer


def test_the_eu_sample_against_this_alliance(forthem: Registry, crypto: Any) -> None:
    data = (VECTORS / "europass-edc" / "Sample-MC-Annex1-signed.jsonld").read_bytes()
    issuer = _issuer(verify(data, forthem, now=NOW, crypto=crypto))
    assert issuer["names_itself"] == "ORGANIZACION TEST"
    assert issuer["certificate"]["subject"].startswith("CN=TEST SEAL,O=ORGANIZACION TEST,")
    assert issuer["certificate"]["issuer"].startswith("CN=ANF AC Qualified Certificates")


def test_the_unknown_key_edc_sample_names_itself_as_a_registered_university(
    forthem: Registry, crypto: Any
) -> None:
    report = verify(
        (SAMPLES / "edc-unknown-key.jsonld").read_bytes(), forthem, now=NOW, crypto=crypto
    )
    assert report.verdict == "invalid"
    assert report.codes["issuer_key"] == "ISSUER_KEY_NOT_REGISTERED"
    issuer = _issuer(report)
    # The claim is shown as a claim: the verdict is invalid and the name is not the issuer.
    assert issuer["names_itself"] == "University of Latvia"
    subject = "CN=University of Latvia,O=University of Latvia,C=LV"
    assert issuer["certificate"] == {"subject": subject, "issuer": subject, "self_signed": True}


@pytest.mark.parametrize(
    "name", ["ob3-unknown-key.json", "edc-tampered.jsonld", "ob3-tampered.json"]
)
def test_without_an_intact_signature_nothing_the_file_claims_is_passed_on(
    forthem: Registry, crypto: Any, name: str
) -> None:
    report = verify((SAMPLES / name).read_bytes(), forthem, now=NOW, crypto=crypto)
    assert report.codes["signature"] != "SIGNATURE_VALID"
    issuer = _issuer(report)
    assert set(issuer) == {"from_registry", "name", "country", "alliance"}


def test_a_self_signed_seal_says_nobody_vouches_for_its_name(crypto: Any) -> None:
    registry = Registry.from_json(m.registry_dict())
    report = verify(_hostile._self_signed_x5c(), registry, now=m.NOW, crypto=crypto)
    check = report.check("issuer_key")
    assert check is not None and check.code == "ISSUER_NOT_IN_REGISTRY"
    assert check.message == (
        "The seal is intact, but the issuer is not one of FORTHEM's universities, and its "
        'certificate, issued to "CN=Stranger seal,O=Elsewhere Ltd,C=EE", is self-signed, so '
        "nobody vouches for that name."
    )
    assert _issuer(report)["names_itself"] == "Elsewhere Ltd"


def test_a_data_integrity_credential_names_its_did(forthem: Registry, crypto: Any) -> None:
    data = (VECTORS / "wild" / "jff-plugfest" / "plugfest-1-ex-1.json").read_bytes()
    report = verify(data, forthem, now=NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_VALID"
    did = json.loads(data)["issuer"]["id"]
    assert did.startswith("did:key:")
    check = report.check("issuer_key")
    assert check is not None and check.message == (
        "The signature is intact, but the issuer is not one of FORTHEM's universities; it was "
        f"signed with a key of {did}, which this registry does not list."
    )
    issuer = _issuer(report)
    assert issuer["did"] == did
    assert "certificate" not in issuer and "unverified_certificate_subject" not in issuer
    assert issuer["names_itself"] == json.loads(data)["issuer"]["name"]


def test_a_registry_that_does_not_name_its_alliance(crypto: Any) -> None:
    raw = m.registry_dict()
    del raw["alliance"]
    report = verify(_hostile._self_signed_x5c(), Registry.from_json(raw), now=m.NOW, crypto=crypto)
    check = report.check("issuer_key")
    assert check is not None
    assert check.message.startswith(
        "The seal is intact, but the issuer is not one of this registry's universities"
    )
    assert _issuer(report)["alliance"] is None


def test_the_command_line_says_it_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    files = [
        str(VECTORS / "mynextid" / "edc-mc-signed.jsonld"),
        str(SAMPLES / "edc-unknown-key.jsonld"),
        str(VECTORS / "wild" / "jff-plugfest" / "plugfest-1-ex-1.json"),
    ]
    main([*files, "--registry", str(ROOT / "catalogue"), "--now", "2026-11-15T12:00:00Z"])
    out = capsys.readouterr().out
    assert (
        '  Issuer: not one of FORTHEM\'s universities; it names itself "Velocert OÜ" '
        "[NOT VERIFIED]\n"
    ) in out
    assert (
        f'  Seal certificate: issued to "{VELOCERT}" by "{HALCOM}" (a certificate authority)' in out
    )
    assert (
        '  Issuer: not one of FORTHEM\'s universities; it names itself "University of Latvia" '
        "[NOT VERIFIED]\n"
    ) in out
    assert (
        '  Seal certificate: issued to "CN=University of Latvia,O=University of Latvia,C=LV" '
        "(self-signed) [NOT VERIFIED]\n"
    ) in out
    did = json.loads((VECTORS / "wild/jff-plugfest/plugfest-1-ex-1.json").read_text())["issuer"]
    assert f"  Signing key: a key of {did['id']}, not in this registry\n" in out


def test_a_name_with_control_characters_reaches_the_terminal_escaped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cred = _hostile._elsewhere()
    cred["issuer"]["legalName"] = {"en": "Elsewhere\x1b[2J Ltd"}
    path = tmp_path / "elsewhere.jsonld"
    path.write_bytes(m.sign_jades(cred, m.stranger("RSA")))
    main([str(path), "--registry", str(ROOT / "catalogue"), "--now", "2026-11-15T12:00:00Z"])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "it names itself" in out
