"""The loader: model values, positions, YAML typing quirks, file layout, private key material."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from _throwaway_keys import ec_pem, openssh_pem, pkcs8_pem, private_jwk

from build_tools.catalogue.findings import CatalogueError
from build_tools.catalogue.loader import load_catalogue, load_or_raise
from build_tools.catalogue.model import Location

from .factory import NOW, CatalogueFactory, line_of

OFFER = "offers/aa/aa-one.yaml"


def test_model_values(factory: CatalogueFactory) -> None:
    cat = factory.load().catalogue
    assert cat is not None
    offer = cat.offers["aa-one"]
    assert offer.title == {"en": "Offer aa-one", "lv": "Piedāvājums aa-one"}
    assert offer.ects == 3 and isinstance(offer.ects, int)
    assert offer.eqf == 6
    assert offer.isced == ("0613",)
    assert offer.schedule.start == dt.date(2027, 2, 1)
    assert offer.assessment.types == ("project-work",)
    assert offer.learning_outcomes[1] == {"en": "Apply a thing."}
    assert offer.lead_issuer == "aa"
    assert cat.issuers["bb"].country == "NO"
    assert cat.alliance.policy.eqf_levels == (5, 6, 7, 8)
    key = cat.issuers["aa"].keys[0]
    assert key.kid == "aa-2026-es256-1"
    assert key.valid_from == dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    assert key.certificate_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert cat.qa_of(offer) is not None and cat.qa_of(offer).type == "institutional-qa"
    assert [p.id for p in cat.pathways_of("aa-two")] == ["testa-path"]


def test_positions(factory: CatalogueFactory) -> None:
    cat = factory.load().catalogue
    assert cat is not None
    offer = cat.offers["aa-one"]
    root = factory.root
    assert offer.source == Location(OFFER, 1, 1)
    assert offer.where("ects") == Location(OFFER, line_of(root, OFFER, "ects: 3"), 7)
    assert offer.where("schedule.start").line == line_of(root, OFFER, "start: 2027-02-01")
    assert offer.where("learning_outcomes.1").line == line_of(root, OFFER, "Apply a thing.")
    assert offer.where("title.lv").line == line_of(root, OFFER, "lv: Piedāvājums")
    # unknown paths fall back to the closest known parent, then the object
    assert offer.where("schedule.nothing") == offer.where("schedule")
    assert offer.where("nothing.at.all") == offer.source
    policy = cat.alliance.policy
    assert policy.where("ects_min").line == line_of(root, "alliance.yaml", "ects_min:")
    assert cat.alliance.where("policy.ects_min") == policy.where("ects_min")
    key = cat.issuers["aa"].keys[0]
    assert key.where("jwk.x").file == "issuers/aa/keys/aa-2026-es256-1.yaml"
    assert str(offer.where("ects")) == f"{OFFER}:{offer.where('ects').line}:7"


def test_yaml_11_surprises_are_avoided(factory: CatalogueFactory) -> None:
    """Text fields keep the text as written: NO stays NO, 0613 stays 0613, 1.10 stays 1.10."""
    factory.write()
    path = factory.root / OFFER
    text = (
        path.read_text("utf-8")
        .replace("- '0613'", "- 0613")
        .replace("version: '1.0'", "version: 1.10")
    )
    text = text.replace("  teaching:\n  - en", "  teaching:\n  - en\n  - 'no'")
    path.write_text(text, "utf-8")
    issuer = factory.root / "issuers" / "bb.yaml"
    issuer.write_text(issuer.read_text("utf-8").replace("country: 'NO'", "country: NO"), "utf-8")
    result = load_catalogue(factory.root, now=NOW)
    assert result.ok, [str(f) for f in result.findings]
    cat = result.catalogue
    assert cat is not None
    assert cat.offers["aa-one"].isced == ("0613",)
    assert cat.offers["aa-one"].version == "1.10"
    assert cat.offers["aa-one"].languages.teaching == ("en", "no")
    assert cat.issuers["bb"].country == "NO"


def test_quoted_number_is_refused(factory: CatalogueFactory) -> None:
    factory.offers["aa-one"]["ects"] = "3"
    result = factory.load()
    found = [f for f in result.findings if f.code == "TYPE_NUMBER"]
    assert found and "remove the quotes" in found[0].message


def test_fractional_ects(factory: CatalogueFactory) -> None:
    factory.offers["aa-one"]["ects"] = 1.5
    factory.offers["aa-one"]["workload_hours"] = 40
    result = factory.load()
    assert result.ok
    assert result.catalogue is not None and result.catalogue.offers["aa-one"].ects == 1.5


def test_all_findings_of_one_file_at_once(factory: CatalogueFactory) -> None:
    o = factory.offers["aa-one"]
    o["ectz"] = 1
    o["mode"] = "remote"
    o["title"] = {"lv": "x"}
    del o["eqf"]
    o["schedule"]["end"] = "soon"
    codes = sorted(f.code for f in factory.load().findings if f.file == OFFER)
    assert codes == sorted(
        [
            "UNKNOWN_KEY",
            "VOCAB_UNKNOWN_CODE",
            "TEXT_ENGLISH_MISSING",
            "ANNEX1_EQF_MISSING",
            "TYPE_DATE",
        ]
    )


def test_duplicate_offer_id_in_two_folders(factory: CatalogueFactory) -> None:
    factory.write()
    twin = factory.root / "offers" / "bb" / "aa-one.yaml"
    text = (factory.root / OFFER).read_text("utf-8").replace("- aa\n", "- bb\n- aa\n", 1)
    twin.write_text(text, "utf-8")
    result = load_catalogue(factory.root, now=NOW)
    dup = [f for f in result.findings if f.code == "DUPLICATE_ID"]
    assert [f.file for f in dup] == ["offers/bb/aa-one.yaml"]
    assert dup[0].line == 1
    assert OFFER in dup[0].message


def test_issuer_slug_differs_from_file(factory: CatalogueFactory) -> None:
    factory.issuers["aa"]["slug"] = "ax"
    result = factory.load()
    found = [f for f in result.findings if f.code == "ID_FILE_NAME_MISMATCH"]
    assert [(f.file, f.line) for f in found] == [("issuers/aa.yaml", 1)]


def test_unexpected_and_misnamed_files(factory: CatalogueFactory) -> None:
    factory.raw["offers/aa/notes.yml"] = b"id: x\n"
    factory.raw["offers/stray.yaml"] = b"id: y\n"
    factory.raw["README.md"] = b"# Catalogue\n"
    factory.raw["issuers/aa/logo.svg"] = b"<svg/>"
    result = factory.load()
    got = {(f.file, f.code, f.severity) for f in result.findings}
    assert got == {
        ("offers/aa/notes.yml", "FILE_EXTENSION", "error"),
        ("offers/stray.yaml", "FILE_UNEXPECTED", "warning"),
    }


def _jwk_with_d_on_line_2() -> bytes:
    jwk = private_jwk()
    return (f'{{"kty": "OKP", "crv": "Ed25519", "x": "{jwk["x"]}",\n "d": "{jwk["d"]}"}}').encode()


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        (
            "issuers/aa/private.pem",
            b"x\n" + pkcs8_pem(),
            2,
        ),
        ("issuers/aa/ec.key", ec_pem(), 1),
        ("README.md", b"# notes\n\n```\n" + openssh_pem() + b"```\n", 4),
        (
            "issuers/aa/status/backup.json",
            _jwk_with_d_on_line_2(),
            2,
        ),
        ("notes.txt", b"privateKeyMultibase: z3u2en7t5LR2WJQ2ZxK9kmVNf8j4xFyYMqNZb8n3oZ6y\n", 1),
        ("issuers/aa/store.p12", b"\x30\x82\x01", 1),
    ],
    ids=["pkcs8-pem", "ec-pem", "openssh-in-markdown", "jwk-d", "multikey", "pkcs12"],
)
def test_private_key_material_anywhere(
    factory: CatalogueFactory, name: str, content: bytes, line: int
) -> None:
    factory.raw[name] = content
    result = factory.load()
    found = [f for f in result.findings if f.code == "PRIVATE_KEY_MATERIAL"]
    assert [(f.file, f.line) for f in found] == [(name, line)]
    assert not result.ok
    assert "credsite keys new" in found[0].hint


def test_private_jwk_in_key_file(factory: CatalogueFactory) -> None:
    (slug, kid), record = next(iter(factory.keys.items()))
    record["jwk"]["d"] = private_jwk()["d"]
    result = factory.load()
    found = [f for f in result.findings if f.code == "PRIVATE_KEY_MATERIAL"]
    rel = f"issuers/{slug}/keys/{kid}.yaml"
    assert {f.file for f in found} == {rel}
    assert all(f.line == line_of(factory.root, rel, "  d: ") for f in found)


def test_public_key_material_is_fine(factory: CatalogueFactory) -> None:
    factory.raw["issuers/aa/notes.md"] = (
        b"Public key: {kty: EC, crv: P-256, x: abcdefghijklmnopqrstuvwxyz,\n"
        b"             y: abcdefghijklmnopqrstuvwxyz}\n"
        b"-----BEGIN PUBLIC KEY-----\n-----BEGIN CERTIFICATE-----\n"
    )
    assert factory.load().ok


def test_status_lists(factory: CatalogueFactory) -> None:
    status = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "credentialSubject": {
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "uH4sI",
        },
    }
    factory.raw["issuers/aa/status/1.json"] = json.dumps(status).encode()
    factory.raw["issuers/aa/status/1.indexes.json"] = b'{"used": [12, 99]}'
    result = factory.load()
    assert result.ok, [str(f) for f in result.findings]
    cat = result.catalogue
    assert cat is not None
    lists = cat.issuers["aa"].status_lists
    assert [(s.list_id, s.path, s.purpose) for s in lists] == [
        ("1", "issuers/aa/status/1.json", "revocation")
    ]


def test_broken_status_list(factory: CatalogueFactory) -> None:
    factory.raw["issuers/aa/status/2.json"] = b'{"type": [\n'
    result = factory.load()
    found = [f for f in result.findings if f.code == "STATUS_LIST_INVALID"]
    assert [(f.file, f.line) for f in found] == [("issuers/aa/status/2.json", 2)]


def test_status_list_of_unknown_issuer(factory: CatalogueFactory) -> None:
    factory.raw["issuers/zz/status/1.json"] = b'{"type": ["BitstringStatusListCredential"]}'
    result = factory.load()
    assert [(f.code, f.file) for f in result.findings] == [
        ("REF_UNKNOWN_ISSUER", "issuers/zz/status/1.json")
    ]


def test_load_or_raise(factory: CatalogueFactory) -> None:
    factory.write()
    assert load_or_raise(factory.root, now=NOW).alliance.name == "TESTA"
    factory.offers["aa-one"]["ects"] = 0.5
    factory.offers["aa-one"]["workload_hours"] = 14
    factory.write()
    with pytest.raises(CatalogueError) as info:
        load_or_raise(factory.root, now=NOW)
    err = info.value
    assert err.code == "POLICY_ECTS_BELOW_MIN"
    assert err.location is not None and err.location.file == OFFER
    assert "POLICY_ECTS_BELOW_MIN" in str(err)


def test_strict_turns_warnings_into_failures(factory: CatalogueFactory) -> None:
    factory.offers["aa-one"]["workload_hours"] = 100  # 33 h per ECTS: a warning
    result = factory.load()
    assert result.ok and result.warnings
    result.raise_for_errors()
    with pytest.raises(CatalogueError):
        result.raise_for_errors(strict=True)


def test_never_raises_on_model_types(factory: CatalogueFactory) -> None:
    """Every field of every file given the wrong kind of value: findings, no exception."""
    for data in (
        factory.offers["aa-one"],
        factory.issuers["aa"],
        factory.pathways["testa-path"],
        factory.alliance,
    ):
        for key in list(data):
            data[key] = [[{"x": 1}]] if isinstance(data[key], str) else "text"
    result = factory.load()
    assert not result.ok
    assert result.catalogue is not None
