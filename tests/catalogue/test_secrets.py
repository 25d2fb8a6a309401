"""The one private-key detector (`build_tools.catalogue.secrets`): every form it must find, in a
catalogue YAML text field, in a built page and in plain bytes; public keys and certificates
are never reported."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwcrypto import jwk as jwcrypto_jwk

from build_tools.catalogue.secrets import find_private_key_material, public_thumbprints
from build_tools.issuing.keys import (
    generate_private_key,
    private_key_pem,
    public_jwk,
    self_signed_certificate,
)
from build_tools.sitebuild.scan import find_private_key_material as scan_site
from build_tools.verifier.codec import jwk_thumbprint

from .factory import CatalogueFactory

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
VALID_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ED = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
EC = ec.derive_private_key(123456789, ec.SECP256R1())
RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NONE = serialization.NoEncryption()
DER, PEM, B = serialization.Encoding.DER, serialization.Encoding.PEM, serialization.PrivateFormat


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


def _jwk(key: Any) -> dict[str, str]:
    return json.loads(jwcrypto_jwk.JWK.from_pyca(key).export_private())


JWK = _jwk(ED)
FLOW = f"{{kty: OKP, crv: Ed25519, x: {JWK['x']}, d: {JWK['d']}}}"

# (id, text that holds the secret on one line, the key it belongs to or None)
FORMS: list[tuple[str, str, Any]] = [
    ("pem-pkcs8", private_key_pem(ED).decode(), ED),
    ("pem-rsa", RSA.private_bytes(PEM, B.TraditionalOpenSSL, NONE).decode(), RSA),
    ("pem-ec", EC.private_bytes(PEM, B.TraditionalOpenSSL, NONE).decode(), EC),
    ("pem-openssh", ED.private_bytes(PEM, B.OpenSSH, NONE).decode(), ED),
    (
        "pem-encrypted",
        ED.private_bytes(PEM, B.PKCS8, serialization.BestAvailableEncryption(b"pw")).decode(),
        None,
    ),
    ("pem-escaped-newlines", private_key_pem(EC).decode().replace("\n", "\\n"), EC),
    ("der-b64-ed25519", _b64(ED.private_bytes(DER, B.PKCS8, NONE)), ED),
    ("der-b64-rsa-pkcs1", _b64(RSA.private_bytes(DER, B.TraditionalOpenSSL, NONE)), RSA),
    ("der-b64-sec1", _b64(EC.private_bytes(DER, B.TraditionalOpenSSL, NONE)), EC),
    ("der-hex", ED.private_bytes(DER, B.PKCS8, NONE).hex(), ED),
    (
        "der-b64-encrypted",
        _b64(ED.private_bytes(DER, B.PKCS8, serialization.BestAvailableEncryption(b"pw"))),
        None,
    ),
    ("jwk-json", json.dumps(JWK), ED),
    ("jwk-escaped-quotes", json.dumps(json.dumps(JWK)), ED),
    ("jwk-single-quotes", str(JWK), ED),
    ("jwk-yaml-flow", FLOW, ED),
    ("hex-seed", "private_seed: " + bytes(range(32)).hex(), ED),
    ("hex-secret-key", f'"secretKeyHex": "{bytes(range(32)).hex()}"', ED),
]


def _thumbprint(key: Any) -> str:
    return public_thumbprints(key)[0]


@pytest.mark.parametrize(("form", "secret", "key"), FORMS, ids=[f[0] for f in FORMS])
def test_every_form_in_a_yaml_text_field(form: str, secret: str, key: Any) -> None:
    text = yaml.safe_dump({"id": "x", "description": {"en": secret}}, width=10_000)
    data = ("# an offer\n" + text).encode()
    found = find_private_key_material(data, name="offers/aa/x.yaml")
    assert found, form
    assert found[0].file == "offers/aa/x.yaml" and found[0].line >= 2 and found[0].column >= 1
    if key is not None:
        assert _thumbprint(key) in {t for f in found for t in f.public_thumbprints}, found


@pytest.mark.parametrize(("form", "secret", "key"), FORMS, ids=[f[0] for f in FORMS])
def test_every_form_in_a_built_page(form: str, secret: str, key: Any, tmp_path: Path) -> None:
    page = tmp_path / "offers" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html>\n<body>\n<p>{secret}</p>\n</body></html>\n", "utf-8")
    found = scan_site(tmp_path, workers=1)
    assert found and all(f.startswith("offers/x/index.html:3:") for f in found), found
    assert "only public keys belong in the catalogue" in found[0]


def test_the_catalogue_check_reports_file_line_column_and_hint(
    factory: CatalogueFactory,
) -> None:
    factory.raw["issuers/aa/notes.md"] = (
        b"# Notes\n\nseed: " + _b64(ED.private_bytes(DER, B.PKCS8, NONE)).encode() + b"\n"
    )
    found = [f for f in factory.load().findings if f.code == "PRIVATE_KEY_MATERIAL"]
    assert [(f.file, f.line, f.column) for f in found] == [("issuers/aa/notes.md", 3, 7)]
    assert "only public keys belong in the catalogue" in found[0].hint


def _public_forms() -> list[str]:
    cert = self_signed_certificate(
        ED, legal_name="A", country="LV", valid_from=VALID_FROM, serial=1
    )
    spki = ED.public_key().public_bytes(DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    rsa_spki = RSA.public_key().public_bytes(DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return [
        cert.public_bytes(PEM).decode(),
        _b64(cert.public_bytes(DER)),
        cert.public_bytes(DER).hex(),
        _b64(spki),
        _b64(rsa_spki),
        spki.hex(),
        json.dumps(public_jwk(EC)),
        json.dumps(json.dumps(public_jwk(RSA))),
        "publicKeyHex: " + ED.public_key().public_bytes_raw().hex(),
        "cert_sha256: " + "ab" * 32,
        "thumbprint: " + jwk_thumbprint(public_jwk(ED)),
    ]


@pytest.mark.parametrize("text", _public_forms(), ids=lambda t: str(len(t)))
def test_public_keys_and_certificates_are_not_reported(text: str) -> None:
    data = yaml.safe_dump({"description": {"en": text}}, width=10_000).encode()
    assert find_private_key_material(data, name="offers/aa/x.yaml") == []
    assert find_private_key_material(text.encode(), name="page.html") == []


def test_the_catalogues_key_files_and_the_samples_are_clean() -> None:
    assert find_private_key_material(REPO / "catalogue") == []
    assert find_private_key_material(REPO / "site_src" / "samples") == []
    # ... while the demo keys folder is exactly what the detector is for
    found = find_private_key_material(REPO / "examples" / "demo-keys")
    pems = sorted((REPO / "examples" / "demo-keys").glob("*.pem"))
    assert {f.file for f in found} == {p.name for p in pems}
    assert all(len(f.public_thumbprints) == 1 for f in found)


def test_secret_multikeys_and_named_private_values() -> None:
    pair = (VECTORS / "issuing/eddsa-rdfc-2022/keyPair.json").read_bytes()
    kinds = {f.kind for f in find_private_key_material(pair, name="keyPair.json")}
    assert "secret Multikey (Ed25519)" in kinds
    bare = b"note: z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq\n"
    assert [f.kind for f in find_private_key_material(bare, name="x.txt")] == [
        "secret Multikey (Ed25519)"
    ]


def test_folders_are_walked_and_key_stores_flagged(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "key.pem").write_bytes(private_key_pem(generate_private_key("ES256")))
    (tmp_path / "a" / "clean.json").write_text('{"kty": "OKP", "x": "abc"}')
    (tmp_path / "store.p12").write_bytes(b"\x30\x82")
    (tmp_path / "raw.der").write_bytes(EC.private_bytes(DER, B.PKCS8, NONE))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "ignored.pem").write_bytes(private_key_pem(ED))
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "ignored.pem").write_bytes(private_key_pem(ED))
    found = find_private_key_material(tmp_path)
    assert sorted((f.file, f.kind) for f in found) == [
        ("a/b/key.pem", "PEM private key"),
        ("raw.der", "DER private key"),
        ("store.p12", "PKCS#12 key store"),
    ]


def test_private_jwks_in_json_are_located_on_their_d_line() -> None:
    data = json.dumps({"keys": [_jwk(RSA)]}, indent=2).encode()
    found = find_private_key_material(data, name="jwks.json")
    lines = data.decode().splitlines()
    assert found[0].kind == "JWK with a private member 'd'"
    assert found[0].line == next(i for i, line in enumerate(lines, 1) if '"d":' in line)
