"""Bitstring Status List: encoding, decoding reference lists, index store, signed lists."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.issuing._common import IssuingError
from build_tools.issuing.keys import generate_private_key
from build_tools.issuing.statuslist import (
    LIST_SIZE,
    Bitstring,
    ListSigner,
    StatusStore,
    UsedIndexes,
    credential_id_hash,
    decode_list,
    encode_list,
)

from ._signatures import proof_verifies
from ._world import VECTORS

LISTS = VECTORS / "issuing" / "status-lists"
NOW = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def test_a_new_list_has_the_minimum_size_and_encodes_as_multibase_gzip() -> None:
    bits = Bitstring()
    assert bits.size == LIST_SIZE == 131_072
    encoded = bits.encode()
    assert encoded.startswith("u")
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert raw[:2] == b"\x1f\x8b"  # GZIP magic (RFC 1952)
    assert gzip.decompress(raw) == bytes(LIST_SIZE // 8)
    assert "=" not in encoded


def test_bit_order_index_zero_is_the_leftmost_bit() -> None:
    bits = Bitstring(size=16)
    bits.set(0)
    bits.set(9)
    assert bits.to_bytes() == bytes([0b1000_0000, 0b0100_0000])
    assert bits.set_indexes() == [0, 9]
    bits.set(0, 0)
    assert bits.get(0) == 0 and bits.get(9) == 1
    with pytest.raises(IndexError):
        bits.get(16)


@settings(max_examples=30, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=LIST_SIZE - 1), max_size=200))
def test_encode_decode_round_trip(indexes: set[int]) -> None:
    bits = Bitstring()
    for index in indexes:
        bits.set(index)
    decoded = Bitstring.decode(bits.encode())
    assert decoded.set_indexes() == sorted(indexes)


def test_equal_lists_encode_to_equal_text() -> None:
    assert Bitstring().encode() == Bitstring().encode()  # GZIP mtime is fixed


def test_decodes_the_spec_example_list() -> None:
    doc = json.loads((LISTS / "spec-example-status-list-credential.json").read_text())
    bits = Bitstring.decode(doc["credentialSubject"]["encodedList"])
    assert bits.size == 131_072 and bits.set_indexes() == []


def test_decodes_a_real_issuers_list() -> None:
    doc = json.loads((LISTS / "dcc-verifier-core-e5WK8CbZ1GjycuPombrj.json").read_text())
    bits = Bitstring.decode(doc["credentialSubject"]["encodedList"])
    assert bits.size == 100_000 and bits.set_indexes() == [2, 6, 8]


def test_a_tampered_list_does_not_decode() -> None:
    doc = json.loads((LISTS / "dcc-tampered.json").read_text())
    with pytest.raises(ValueError):
        decode_list(doc["credentialSubject"]["encodedList"])


def test_statuslist2021_plain_base64_is_read_too() -> None:
    raw = gzip.compress(bytes([0b0010_0000]) + bytes(16383), mtime=0)
    assert Bitstring.decode(base64.b64encode(raw).decode()).set_indexes() == [2]


def test_gzip_bombs_stop_at_the_limit() -> None:
    bomb = encode_list(bytes(40 * 1024 * 1024))
    with pytest.raises(ValueError):
        decode_list(bomb)


def test_indexes_are_random_unique_and_stored_without_personal_data(tmp_path: Path) -> None:
    used = UsedIndexes("revocation-1")
    rng = random.Random(1)
    picks = [used.assign(f"urn:uuid:{n}", rng) for n in range(500)]
    assert len(set(picks)) == 500
    assert max(picks) > LIST_SIZE // 2 and min(picks) < LIST_SIZE // 2  # spread, not sequential
    assert picks != sorted(picks)
    path = tmp_path / "revocation-1.used.json"
    used.save(path)
    text = path.read_text()
    assert "urn:uuid" not in text  # only SHA-256 hashes of the ids
    assert credential_id_hash("urn:uuid:7") in text
    again = UsedIndexes.load(path, "revocation-1")
    assert again.used == used.used
    assert again.find("urn:uuid:7") == picks[7]


def test_a_full_list_is_refused_and_the_store_opens_a_new_one(tmp_path: Path) -> None:
    store = StatusStore(
        tmp_path,
        slug="aa",
        site_url="https://example.org/",
        issuer_did="did:web:example.org:issuers:aa",
    )
    first = store.allocate("urn:uuid:first", rng=random.Random(2))
    assert first.list_id == "revocation-1"
    used = store.used("revocation-1")
    used.used.update({i: "x" for i in range(int(LIST_SIZE * 0.75))})
    with pytest.raises(IssuingError):
        used.assign("urn:uuid:other")
    second = store.allocate("urn:uuid:second", rng=random.Random(3))
    assert second.list_id == "revocation-2"


def test_store_signs_lists_and_records_entries(tmp_path: Path) -> None:
    key = generate_private_key("EdDSA")
    store = StatusStore(
        tmp_path,
        slug="aa",
        site_url="https://example.org/c/",
        issuer_did="did:web:example.org:c:issuers:aa",
    )
    entry = store.allocate("urn:uuid:abc", rng=random.Random(4))
    assert entry.list_url == "https://example.org/c/issuers/aa/status/revocation-1.json"
    as_json = entry.to_json()
    assert as_json == {
        "id": f"{entry.list_url}#{entry.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(entry.index),
        "statusListCredential": entry.list_url,
    }
    assert entry.to_json(edc=True)["type"] == ["CredentialStatus", "BitstringStatusListEntry"]
    assert store.needs_signature
    signer = ListSigner(key, "did:web:example.org:c:issuers:aa#k")
    written = store.save(signer, now=NOW)
    assert {p.name for p in written} == {"revocation-1.json", "revocation-1.used.json"}
    doc = json.loads((tmp_path / "issuers/aa/status/revocation-1.json").read_text())
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["id"] == entry.list_url and doc["issuer"] == "did:web:example.org:c:issuers:aa"
    assert doc["credentialSubject"]["statusPurpose"] == "revocation"
    assert doc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof_verifies(doc, key.public_key())
    # revoke: the bit is set and the list re-signed
    reopened = StatusStore(
        tmp_path,
        slug="aa",
        site_url="https://example.org/c/",
        issuer_did="did:web:example.org:c:issuers:aa",
    )
    located = reopened.locate("urn:uuid:abc")
    assert located == entry
    assert reopened.set_status(located, True)
    assert not reopened.set_status(located, True)  # already set: no change
    reopened.save(signer, now=NOW + dt.timedelta(days=1))
    doc = json.loads((tmp_path / "issuers/aa/status/revocation-1.json").read_text())
    assert Bitstring.decode(doc["credentialSubject"]["encodedList"]).set_indexes() == [entry.index]
    assert doc["validFrom"] == "2026-10-02T00:00:00Z"
    assert proof_verifies(doc, key.public_key())


def test_es256_keys_sign_lists_with_ecdsa_rdfc_2019(tmp_path: Path) -> None:
    key = generate_private_key("ES256")
    store = StatusStore(
        tmp_path,
        slug="aa",
        site_url="https://example.org/",
        issuer_did="did:web:example.org:issuers:aa",
    )
    store.allocate("urn:uuid:x")
    store.save(ListSigner(key, "did:web:example.org:issuers:aa#k"), now=NOW)
    doc = json.loads((tmp_path / "issuers/aa/status/revocation-1.json").read_text())
    assert doc["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert proof_verifies(doc, key.public_key())


def test_a_new_list_without_a_signing_key_is_refused(tmp_path: Path) -> None:
    store = StatusStore(
        tmp_path,
        slug="aa",
        site_url="https://example.org/",
        issuer_did="did:web:example.org:issuers:aa",
    )
    store.allocate("urn:uuid:x")
    with pytest.raises(IssuingError) as info:
        store.save(None, now=NOW)
    assert info.value.code == "STATUS_KEY_MISSING"
