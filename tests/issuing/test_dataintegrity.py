"""Data Integrity proofs: the W3C eddsa-rdfc-2022 vector, byte for byte, and our own suites."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from build_tools.issuing.dataintegrity import (
    add_proof,
    hash_data,
    proof_options,
    sign_single,
)
from build_tools.issuing.keys import generate_private_key, private_key_from_multibase
from build_tools.verifier.codec import b58encode

from ._signatures import proof_verifies
from ._world import VECTORS

EDDSA = VECTORS / "issuing" / "eddsa-rdfc-2022"
OB = VECTORS / "issuing" / "openbadges"
VM = (
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
)
CREATED = "2023-02-24T23:36:38Z"


def _text(name: str) -> str:
    return (EDDSA / name).read_text("utf-8")


def test_signing_the_w3c_vector_reproduces_the_signed_file_byte_for_byte() -> None:
    key = private_key_from_multibase(json.loads(_text("keyPair.json"))["privateKeyMultibase"])
    unsigned = json.loads(_text("unsigned.json"))
    signed = sign_single(unsigned, private_key=key, verification_method=VM, created=CREATED)
    assert json.dumps(signed, indent=2, ensure_ascii=False) == _text("signedDataInt.json")


def test_every_intermediate_value_of_the_vector() -> None:
    unsigned = json.loads(_text("unsigned.json"))
    options = proof_options(cryptosuite="eddsa-rdfc-2022", created=CREATED, verification_method=VM)
    config = {**options, "@context": unsigned["@context"]}
    assert config == json.loads(_text("proofConfigDataInt.json"))
    digest, canonical_config, canonical_document = hash_data(unsigned, options)
    assert canonical_config == _text("proofCanonDataInt.txt")
    assert canonical_document == _text("canonDocDataInt.txt")
    assert (
        hashlib.sha256(canonical_config.encode()).hexdigest()
        == _text("proofHashDataInt.txt").strip()
    )
    assert (
        hashlib.sha256(canonical_document.encode()).hexdigest()
        == _text("docHashDataInt.txt").strip()
    )
    assert digest.hex() == _text("combinedHashDataInt.txt").strip()  # proof hash first
    key = private_key_from_multibase(json.loads(_text("keyPair.json"))["privateKeyMultibase"])
    signature = key.sign(digest)
    assert signature.hex() == _text("sigHexDataInt.txt").strip()
    assert "z" + b58encode(signature) == _text("sigBTC58DataInt.txt").strip()


def test_the_1edtech_open_badges_vector_is_reproduced() -> None:
    keys = json.loads((OB / "ob3-ldp-test-vector-keys.json").read_text())
    signed = json.loads((OB / "ob3-ldp-test-vector-signed.json").read_text())
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = ed25519.Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex(keys["privateKeyHex_ed25519_seed_plus_pub"])[:32]
    )
    ours = sign_single(
        unsigned,
        private_key=key,
        verification_method=keys["verificationMethod"],
        created=signed["proof"]["created"],
    )
    digest, _, _ = hash_data(unsigned, ours["proof"])
    assert digest.hex() == keys["hashDataHex"]
    assert ours["proof"]["proofValue"] == keys["proofValue"] == signed["proof"]["proofValue"]
    assert proof_verifies(signed, key.public_key())


@pytest.mark.parametrize("alg", ["EdDSA", "ES256"])
def test_our_suites_verify_and_detect_changes(alg: str) -> None:
    key = generate_private_key(alg)
    unsigned = json.loads(_text("unsigned.json"))
    signed = add_proof(
        unsigned, private_key=key, verification_method="did:web:x#k", created="2026-10-01T00:00:00Z"
    )
    proof = signed["proof"][0]
    assert proof["cryptosuite"] == ("eddsa-rdfc-2022" if alg == "EdDSA" else "ecdsa-rdfc-2019")
    assert proof_verifies(signed, key.public_key())
    # deterministic: Ed25519 by design, ECDSA by RFC 6979
    again = add_proof(
        unsigned, private_key=key, verification_method="did:web:x#k", created="2026-10-01T00:00:00Z"
    )
    assert again == signed
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["alumniOf"] = "Another School"
    assert not proof_verifies(changed, key.public_key())
    wrong_time = copy.deepcopy(signed)
    wrong_time["proof"][0]["created"] = "2026-10-02T00:00:00Z"
    assert not proof_verifies(wrong_time, key.public_key())
    assert not proof_verifies(signed, generate_private_key(alg).public_key())


def test_rsa_keys_cannot_make_data_integrity_proofs() -> None:
    from build_tools.issuing._common import IssuingError

    with pytest.raises(IssuingError) as info:
        add_proof(
            json.loads(_text("unsigned.json")),
            private_key=generate_private_key("RS256"),
            verification_method="did:web:x#k",
            created="2026-10-01T00:00:00Z",
        )
    assert info.value.code == "KEY_NOT_DATA_INTEGRITY"
