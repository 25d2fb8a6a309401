"""`credsite check` guards on listed keys: one key per issuer, no published private halves in a
production catalogue, no Ed25519 keys of small order."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import ed25519

from build_tools.catalogue.loader import LoadResult, load_catalogue
from build_tools.issuing.keys import (
    certificate_pem,
    private_key_pem,
    public_jwk,
    self_signed_certificate,
)
from build_tools.sitebuild.build import load_valid_catalogue
from build_tools.sitebuild.errors import BuildError
from build_tools.verifier.codec import ED25519_SMALL_ORDER, b64url_encode

from .factory import CatalogueFactory, line_of

REPO = Path(__file__).resolve().parents[2]


def _found(result: LoadResult, code: str) -> list[Any]:
    return [f for f in result.findings if f.code == code]


# --------------------------------------------------------------------------- one key, one issuer


def test_a_key_copied_to_another_issuer_is_an_error_at_the_copy(
    factory: CatalogueFactory,
) -> None:
    original = factory.keys[("aa", "aa-2026-es256-1")]
    factory.keys[("bb", "bb-2026-es256-9")] = {**copy.deepcopy(original), "kid": "bb-2026-es256-9"}
    root = factory.write()
    result = load_catalogue(root)
    found = _found(result, "KEY_SHARED_BETWEEN_ISSUERS")
    rel = "issuers/bb/keys/bb-2026-es256-9.yaml"
    assert {(f.file, f.line) for f in found} == {
        (rel, line_of(root, rel, "jwk:")),
        (rel, line_of(root, rel, "certificate:")),
    }
    first = "issuers/aa/keys/aa-2026-es256-1.yaml"
    assert all(f"issuer 'aa' ({first}:1)" in f.message for f in found)
    assert "credsite keys new" in found[0].hint
    assert not result.ok


def test_the_same_certificate_under_two_issuers_is_an_error(factory: CatalogueFactory) -> None:
    original = factory.keys[("aa", "aa-2026-es256-1")]
    factory.keys[("bb", "bb-eseal-1")] = {
        **copy.deepcopy(original),
        "kid": "bb-eseal-1",
        "use": "eseal",
        "jwk": {},
    }
    found = _found(factory.load(), "KEY_SHARED_BETWEEN_ISSUERS")
    assert [f.file for f in found] == ["issuers/bb/keys/bb-eseal-1.yaml"] * len(found) != []


def test_one_issuers_keys_are_not_shared(factory: CatalogueFactory) -> None:
    assert not _found(factory.load(), "KEY_SHARED_BETWEEN_ISSUERS")


# --------------------------------------------------------------------------- demo keys


def _list_eddsa_key(factory: CatalogueFactory, jwk: dict[str, str], certificate: str = "") -> None:
    factory.keys[("aa", "aa-2026-eddsa-1")] = {
        "kid": "aa-2026-eddsa-1",
        "alg": "EdDSA",
        "use": "signing",
        "status": "active",
        "valid_from": "2026-09-01T00:00:00Z",
        "valid_until": None,
        "jwk": jwk,
        **({"certificate": certificate} if certificate else {}),
    }


def _ed25519_key(factory: CatalogueFactory, private: ed25519.Ed25519PrivateKey) -> None:
    cert = self_signed_certificate(
        private,
        legal_name="University A",
        country="LV",
        valid_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    _list_eddsa_key(factory, public_jwk(private), certificate_pem(cert))


@pytest.mark.parametrize("demo", [False, True])
def test_a_production_catalogue_may_not_list_a_key_whose_private_half_is_published(
    factory: CatalogueFactory, demo: bool
) -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    _ed25519_key(factory, private)
    factory.alliance["demo"] = demo
    demo_keys = factory.root.parent / "examples" / "demo-keys"
    demo_keys.mkdir(parents=True)
    (demo_keys / "aa-2026-eddsa-1.pem").write_bytes(private_key_pem(private))
    (demo_keys / "unrelated.pem").write_bytes(private_key_pem(ed25519.Ed25519PrivateKey.generate()))
    found = _found(factory.load(), "KEY_PRIVATE_HALF_PUBLISHED")
    if demo:
        assert found == []
        return
    rel = "issuers/aa/keys/aa-2026-eddsa-1.yaml"
    assert [(f.file, f.line) for f in found] == [(rel, line_of(factory.root, rel, "jwk:"))]
    assert "examples/demo-keys/aa-2026-eddsa-1.pem:1" in found[0].message


def test_a_private_key_anywhere_in_the_repository_counts(factory: CatalogueFactory) -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    _ed25519_key(factory, private)
    factory.alliance["demo"] = False
    notes = factory.root.parent / "docs" / "notes.yaml"
    notes.parent.mkdir(parents=True)
    seed = private.private_bytes_raw().hex()
    notes.write_text(yaml.safe_dump({"signing": {"private_seed": seed}}), "utf-8")
    found = _found(factory.load(), "KEY_PRIVATE_HALF_PUBLISHED")
    assert len(found) == 1 and "docs/notes.yaml:2" in found[0].message


def test_the_demo_catalogue_as_production_refuses_every_demo_key(tmp_path: Path) -> None:
    shutil.copytree(REPO / "catalogue", tmp_path / "catalogue")
    shutil.copytree(REPO / "examples" / "demo-keys", tmp_path / "examples" / "demo-keys")
    (tmp_path / ".git").mkdir()
    alliance = tmp_path / "catalogue" / "alliance.yaml"
    text = alliance.read_text("utf-8")
    assert "demo: true" in text
    alliance.write_text(text.replace("demo: true", "demo: false"), "utf-8")
    found = _found(load_catalogue(tmp_path / "catalogue"), "KEY_PRIVATE_HALF_PUBLISHED")
    pems = {p.stem for p in (REPO / "examples" / "demo-keys").glob("*.pem")}
    assert {Path(f.file).stem for f in found} == pems
    # `credsite build` loads the catalogue the same way, and builds nothing.
    with pytest.raises(BuildError) as refused:
        load_valid_catalogue(tmp_path / "catalogue")
    assert any("KEY_PRIVATE_HALF_PUBLISHED" in line for line in refused.value.details)


# --------------------------------------------------------------------------- small order


@pytest.mark.parametrize("point", sorted(ED25519_SMALL_ORDER)[:4], ids=lambda p: p.hex()[:6])
def test_an_ed25519_key_of_small_order_is_refused(factory: CatalogueFactory, point: bytes) -> None:
    _list_eddsa_key(factory, {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(point)})
    found = _found(factory.load(), "KEY_SMALL_ORDER")
    assert [f.file for f in found] == ["issuers/aa/keys/aa-2026-eddsa-1.yaml"]
