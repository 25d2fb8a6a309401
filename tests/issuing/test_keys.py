"""Keys: generation, JWK/thumbprints, Multikey, certificates, did:web, key files, guards."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwk as jwcrypto_jwk

from build_tools.catalogue.loader import load_catalogue
from build_tools.issuing._common import IssuingError
from build_tools.issuing.keys import (
    KeyRecord,
    PrivateKey,
    alg_of,
    cert_sha256,
    cert_subject,
    check_private_key_path,
    did_url,
    generate_private_key,
    issuer_did,
    key_file_text,
    load_private_key,
    multikey,
    private_key_from_multibase,
    private_key_pem,
    public_jwk,
    read_key_file,
    self_signed_certificate,
    sign,
    write_private_key,
)
from build_tools.verifier.codec import b58decode, jwk_thumbprint
from build_tools.verifier.crypto_cpython import verify_signature_sync

from ._world import NOW, REPO, VECTORS, IssuingWorld

VALID_FROM = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("alg", "kty", "members"),
    [
        ("EdDSA", "OKP", ["kty", "crv", "x"]),
        ("ES256", "EC", ["kty", "crv", "x", "y"]),
        ("RS256", "RSA", ["kty", "n", "e"]),
    ],
)
def test_generated_keys_give_public_jwks_only(alg: str, kty: str, members: list[str]) -> None:
    key = generate_private_key(alg)
    assert alg_of(key) == alg
    jwk = public_jwk(key)
    assert list(jwk) == members and jwk["kty"] == kty
    assert "d" not in jwk
    # our thumbprint is jwcrypto's RFC 7638 thumbprint of the same key
    assert jwk_thumbprint(jwk) == jwcrypto_jwk.JWK(**jwk).thumbprint()


def test_rfc7638_thumbprint_example() -> None:
    # RFC 7638 §3.1: the example RSA key and its SHA-256 thumbprint.
    jwk = {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6"
        "tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ"
        "5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbI"
        "SD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-"
        "kEgU8awapJzKnqDKgw",
        "e": "AQAB",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_multikey_reproduces_the_w3c_key_pair() -> None:
    pair = json.loads((VECTORS / "issuing/eddsa-rdfc-2022/keyPair.json").read_text())
    key = private_key_from_multibase(pair["privateKeyMultibase"])
    assert multikey(key) == pair["publicKeyMultibase"]


def test_multikey_p256_is_a_compressed_point() -> None:
    key = generate_private_key("ES256")
    value = multikey(key)
    assert value is not None and value.startswith("zDn")
    raw = b58decode(value[1:])
    assert raw[:2] == b"\x80\x24" and len(raw) == 35
    assert multikey(generate_private_key("RS256")) is None


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "RS256"])
def test_self_signed_certificate(alg: str) -> None:
    key = generate_private_key(alg)
    cert = self_signed_certificate(
        key, legal_name="Latvijas Universitāte", country="lv", valid_from=VALID_FROM
    )
    assert cert_subject(cert) == "CN=Latvijas Universitāte,O=Latvijas Universitāte,C=LV"
    assert cert.issuer == cert.subject
    cert.verify_directly_issued_by(cert)  # the self-signature is valid
    assert cert.not_valid_before_utc == VALID_FROM
    assert cert.not_valid_after_utc.year == 2036
    der = cert.public_bytes(serialization.Encoding.DER)
    assert cert_sha256(cert) == hashlib.sha256(der).hexdigest()
    assert cert_sha256(cert.public_bytes(serialization.Encoding.PEM)) == cert_sha256(cert)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign


@pytest.mark.parametrize(
    ("site", "did"),
    [
        (
            "https://forthem-alliance.github.io/credentials/",
            "did:web:forthem-alliance.github.io:credentials:issuers:lu",
        ),
        ("https://credentials.example.eu/", "did:web:credentials.example.eu:issuers:lu"),
        ("http://localhost:8000/site/", "did:web:localhost%3A8000:site:issuers:lu"),
    ],
)
def test_did_web(site: str, did: str) -> None:
    assert issuer_did(site, "lu") == did
    assert did_url(site, "lu", "lu-2026-eddsa-1") == did + "#lu-2026-eddsa-1"


def test_did_web_refuses_a_relative_site_url() -> None:
    with pytest.raises(IssuingError):
        issuer_did("/credentials/", "lu")


def test_key_file_round_trip_and_layout(tmp_path: Path) -> None:
    key = generate_private_key("ES256")
    cert = self_signed_certificate(
        key, legal_name="University A", country="LV", valid_from=VALID_FROM
    )
    record = KeyRecord(
        kid="aa-2026-es256-1",
        alg="ES256",
        use="signing",
        status="active",
        valid_from=VALID_FROM,
        valid_until=None,
        jwk=public_jwk(key),
        certificate=cert.public_bytes(serialization.Encoding.PEM).decode(),
        comment="Public key of University A.",
    )
    text = key_file_text(record)
    assert "valid_from: 2026-09-01T00:00:00Z\nvalid_until: null\n" in text
    data = yaml.safe_load(text)
    assert data["jwk"] == public_jwk(key)  # quoted: base64url values starting with '-' survive
    path = tmp_path / "aa-2026-es256-1.yaml"
    path.write_text(text)
    assert read_key_file(path) == record


def test_private_key_file_is_0600_and_never_overwritten(tmp_path: Path) -> None:
    key = generate_private_key("EdDSA")
    target = tmp_path / "keys" / "k.pem"
    write_private_key(target, private_key_pem(key))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    loaded = load_private_key(target)
    assert public_jwk(loaded) == public_jwk(key)
    with pytest.raises(IssuingError) as info:
        write_private_key(target, private_key_pem(key))
    assert info.value.code == "PRIVATE_KEY_EXISTS"


def test_load_private_key_errors_are_located(tmp_path: Path) -> None:
    with pytest.raises(IssuingError) as missing:
        load_private_key(tmp_path / "nope.pem")
    assert missing.value.code == "KEY_FILE_MISSING"
    public_only = tmp_path / "public.json"
    public_only.write_text(json.dumps(public_jwk(generate_private_key("EdDSA"))))
    with pytest.raises(IssuingError) as public:
        load_private_key(public_only)
    assert public.value.code == "KEY_NOT_PRIVATE" and public.value.file == str(public_only)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key")
    with pytest.raises(IssuingError) as bad:
        load_private_key(garbage)
    assert bad.value.code == "KEY_UNREADABLE"


def test_load_private_key_reads_a_private_jwk(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "k.jwk"
    path.write_text(jwcrypto_jwk.JWK.from_pyca(key).export_private())
    loaded = load_private_key(path)
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    assert public_jwk(loaded) == public_jwk(key)


# --------------------------------------------------------------------------------------------
# Where private keys may go


def test_private_key_refused_inside_the_git_work_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    catalogue = repo / "catalogue"
    catalogue.mkdir()
    for inside in (
        repo / "k.pem",
        repo / "examples" / "keys" / "k.pem",
        catalogue / "issuers" / "k.pem",
        repo / "new-folder" / "deep" / "k.pem",
    ):
        with pytest.raises(IssuingError) as info:
            check_private_key_path(inside, catalogue_dir=catalogue)
        assert info.value.code == "PRIVATE_KEY_IN_REPOSITORY"
    outside = tmp_path / "elsewhere" / "k.pem"
    assert check_private_key_path(outside, catalogue_dir=catalogue) == outside.resolve()


def test_private_key_refused_through_a_symlink_into_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "catalogue").mkdir()
    link = tmp_path / "link"
    link.symlink_to(repo)
    with pytest.raises(IssuingError):
        check_private_key_path(link / "k.pem", catalogue_dir=repo / "catalogue")


def test_demo_flag_allows_only_a_demo_keys_folder_outside_the_catalogue(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    catalogue = repo / "catalogue"
    catalogue.mkdir()
    allowed = repo / "examples" / "demo-keys" / "k.pem"
    assert check_private_key_path(allowed, catalogue_dir=catalogue, demo=True)
    with pytest.raises(IssuingError):
        check_private_key_path(allowed, catalogue_dir=catalogue)  # not without --demo
    for refused in (repo / "examples" / "k.pem", catalogue / "demo-keys" / "k.pem"):
        with pytest.raises(IssuingError):
            check_private_key_path(refused, catalogue_dir=catalogue, demo=True)


def test_without_git_the_catalogue_folder_is_protected(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    catalogue.mkdir()
    with pytest.raises(IssuingError):
        check_private_key_path(catalogue / "keys" / "k.pem", catalogue_dir=catalogue)
    assert check_private_key_path(tmp_path / "k.pem", catalogue_dir=catalogue)


def test_cli_keys_new_refuses_the_repository_and_writes_nothing(world: IssuingWorld) -> None:
    target = world.catalogue_dir / "issuers" / "aa" / "private.pem"
    before = sorted(p.name for p in (world.catalogue_dir / "issuers" / "aa" / "keys").iterdir())
    code = world.cli(
        "keys",
        "new",
        "--issuer",
        "aa",
        "--alg",
        "EdDSA",
        "--private-out",
        str(target),
        "--catalogue",
        str(world.catalogue_dir),
    )
    assert code == 1
    assert not target.exists()
    after = sorted(p.name for p in (world.catalogue_dir / "issuers" / "aa" / "keys").iterdir())
    assert before == after


# --------------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------------
# Demo keys


def test_demo_keys_match_the_catalogue_and_satisfy_the_active_key_rule() -> None:
    result = load_catalogue(REPO / "catalogue", now=NOW)
    assert result.catalogue is not None
    assert not [f for f in result.findings if f.code == "ISSUER_NO_ACTIVE_KEY"]
    registered = {
        jwk_thumbprint(k.jwk): (slug, k.kid)
        for slug, issuer in result.catalogue.issuers.items()
        for k in issuer.keys
    }
    pems = sorted((REPO / "examples" / "demo-keys").glob("*.pem"))
    assert len(pems) >= 11
    for pem in pems:
        key = load_private_key(pem)
        slug, kid = registered[jwk_thumbprint(public_jwk(key))]
        assert pem.stem == kid
    for slug, issuer in result.catalogue.issuers.items():
        algs = {k.alg for k in issuer.keys if k.status == "active"}
        assert "EdDSA" in algs, slug  # every university can issue Open Badges 3.0
    for slug in ("lu", "jyu"):
        assert "ES256" in {k.alg for k in result.catalogue.issuers[slug].keys}
    readme = (REPO / "examples" / "demo-keys" / "README.md").read_text()
    assert "PUBLIC TEST KEYS" in readme and "Never use them for real credentials" in readme


@pytest.mark.parametrize(
    ("key", "alg", "size"),
    [
        (ec.generate_private_key(ec.SECP256R1()), "ES256", 64),
        (ec.generate_private_key(ec.SECP384R1()), "ES384", 96),
        (generate_private_key("EdDSA"), "EdDSA", 64),
    ],
)
def test_signatures_are_raw_and_verify_with_the_verifier_backend(
    key: PrivateKey, alg: str, size: int
) -> None:
    """ECDSA signatures are r || s of the curve's size (RFC 7518 §3.4), deterministic."""
    signature = sign(key, b"data")
    assert len(signature) == size
    assert sign(key, b"data") == signature
    jwk = public_jwk(key)
    assert verify_signature_sync(jwk=jwk, alg=alg, message=b"data", signature=signature)
    assert not verify_signature_sync(jwk=jwk, alg=alg, message=b"other", signature=signature)
