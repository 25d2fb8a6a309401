"""Key files under catalogue/issuers/<slug>/keys/: parsing, consistency, the active-key rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from jwcrypto import jwk

from build_tools.catalogue.loader import LoadResult

from .factory import CatalogueFactory, demo_key, line_of

KID = "aa-2026-es256-1"
REL = f"issuers/aa/keys/{KID}.yaml"


def _key(factory: CatalogueFactory) -> dict[str, Any]:
    return factory.keys[("aa", KID)]


def _one(result: LoadResult, code: str) -> Any:
    found = [f for f in result.findings if f.code == code]
    assert found, [str(f) for f in result.findings]
    return found[0]


def test_valid_key_loads(factory: CatalogueFactory) -> None:
    result = factory.load()
    assert result.ok
    assert result.catalogue is not None
    key = result.catalogue.issuers["aa"].keys[0]
    assert (key.alg, key.use, key.status, key.valid_until) == ("ES256", "signing", "active", None)
    assert key.jwk["kty"] == "EC"


def test_jwk_unusable(factory: CatalogueFactory) -> None:
    _key(factory)["jwk"]["x"] = "AAAA"
    found = _one(factory.load(), "KEY_INVALID")
    assert found.file == REL and found.line == line_of(factory.root, REL, "jwk:")


def test_alg_does_not_match_key(factory: CatalogueFactory) -> None:
    _key(factory)["alg"] = "EdDSA"
    found = _one(factory.load(), "KEY_ALG_MISMATCH")
    assert found.line == line_of(factory.root, REL, "alg:")
    assert "ES256" in found.message


def test_alg_unsupported(factory: CatalogueFactory) -> None:
    _key(factory)["alg"] = "HS256"
    assert _one(factory.load(), "KEY_ALG_MISMATCH").line == line_of(factory.root, REL, "alg:")


def test_ed25519_key(factory: CatalogueFactory) -> None:
    k = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    record = _key(factory)
    record.update(alg="EdDSA", jwk=k.export_public(as_dict=True))
    del record["certificate"]
    result = factory.load()
    assert result.ok, [str(f) for f in result.findings]


def test_certificate_unreadable(factory: CatalogueFactory) -> None:
    _key(factory)["certificate"] = (
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
    )
    found = _one(factory.load(), "KEY_CERTIFICATE_INVALID")
    assert found.line == line_of(factory.root, REL, "certificate:")


def test_certificate_of_another_key(factory: CatalogueFactory) -> None:
    _key(factory)["certificate"] = demo_key("bb")[1]
    assert _one(factory.load(), "KEY_CERTIFICATE_MISMATCH").file == REL


def test_signing_key_without_jwk(factory: CatalogueFactory) -> None:
    _key(factory)["jwk"] = {}
    result = factory.load()
    assert _one(result, "KEY_MATERIAL_MISSING").file == REL
    assert _one(result, "ISSUER_NO_ACTIVE_KEY").file == "issuers/aa.yaml"


def test_eseal_without_certificate(factory: CatalogueFactory) -> None:
    factory.keys[("aa", "aa-eseal")] = {
        "kid": "aa-eseal",
        "alg": "RS256",
        "use": "eseal",
        "status": "active",
        "valid_from": "2026-09-01T00:00:00Z",
        "jwk": {},
    }
    found = _one(factory.load(), "KEY_MATERIAL_MISSING")
    assert found.file == "issuers/aa/keys/aa-eseal.yaml"


def test_validity_order(factory: CatalogueFactory) -> None:
    _key(factory)["valid_until"] = "2026-08-01T00:00:00Z"
    found = _one(factory.load(), "KEY_VALIDITY_INVALID")
    assert found.line == line_of(factory.root, REL, "valid_until:")


def test_retired_without_end(factory: CatalogueFactory) -> None:
    _key(factory)["status"] = "retired"
    result = factory.load()
    assert _one(result, "KEY_VALIDITY_INVALID").line == line_of(factory.root, REL, "status:")
    assert _one(result, "ISSUER_NO_ACTIVE_KEY").file == "issuers/aa.yaml"


def test_datetime_without_zone(factory: CatalogueFactory) -> None:
    _key(factory)["valid_from"] = "2026-09-01T00:00:00"
    found = _one(factory.load(), "TYPE_DATETIME")
    assert "time zone" in found.message


def test_kid_differs_from_file_name(factory: CatalogueFactory) -> None:
    factory.keys[("aa", "other-name")] = dict(_key(factory))
    found = _one(factory.load(), "ID_FILE_NAME_MISMATCH")
    assert found.file == "issuers/aa/keys/other-name.yaml"


@pytest.mark.parametrize(
    ("change", "now"),
    [
        ({"status": "compromised"}, None),
        ({"valid_from": "2027-06-01T00:00:00Z"}, None),  # not yet valid
        ({"valid_until": "2026-12-01T00:00:00Z", "status": "retired"}, None),  # already retired
        ({}, dt.datetime(2026, 8, 1, tzinfo=dt.UTC)),  # before valid_from
    ],
)
def test_no_active_key_valid_now(
    factory: CatalogueFactory, change: dict[str, Any], now: dt.datetime | None
) -> None:
    _key(factory).update(change)
    result = factory.load(now=now) if now else factory.load()
    found = _one(result, "ISSUER_NO_ACTIVE_KEY")
    assert found.file == "issuers/aa.yaml"
    assert found.line == line_of(factory.root, "issuers/aa.yaml", "slug: aa")
    assert "credsite keys new --issuer aa" in found.message


def test_issuer_without_offers_needs_no_key(factory: CatalogueFactory) -> None:
    factory.issuers["cc"] = dict(factory.issuers["aa"], slug="cc")
    assert factory.load().ok


def test_key_of_unknown_issuer(factory: CatalogueFactory) -> None:
    factory.keys[("zz", "zz-1")] = dict(_key(factory), kid="zz-1")
    found = _one(factory.load(), "REF_UNKNOWN_ISSUER")
    assert found.file == "issuers/zz/keys/zz-1.yaml"
