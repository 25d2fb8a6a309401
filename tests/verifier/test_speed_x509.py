"""The direct DER reading of time-stamp tokens agrees with asn1crypto, token by token.

`timestamp_imprint` reads tokens of the usual shape itself and leaves everything else to
asn1crypto; whatever it reads itself must be what asn1crypto reads (and asn1crypto must not
refuse it). Checked on tokens made with asn1crypto in many shapes, the EU sample's token, and
damaged copies of all of them.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from asn1crypto import algos, cms, core, tsp

from build_tools.verifier.codec import b64_decode_any, b64url_decode
from build_tools.verifier.testing import (
    timestamp_imprint,
    timestamp_imprint_asn1crypto,
    timestamp_imprint_direct,
)

from .conftest import VECTORS


def _reference(token: bytes) -> Any:
    """timestamp_imprint as asn1crypto alone answers it."""
    try:
        return timestamp_imprint_asn1crypto(token)
    except ValueError as exc:
        return ("error", str(exc))


def _answer(token: bytes) -> Any:
    try:
        return timestamp_imprint(token)
    except ValueError as exc:
        return ("error", str(exc))


def _direct(token: bytes) -> Any:
    """What timestamp_imprint answers without asn1crypto's full path, or None."""
    fast = timestamp_imprint_direct(token)
    if fast is None:
        return None
    try:
        return (fast[0], fast[1], core.GeneralizedTime(contents=fast[2]).native)
    except Exception:
        return None


def _eu_token() -> bytes:
    sealed = json.loads((VECTORS / "europass-edc/Sample-MC-Annex1-signed.jsonld").read_bytes())
    header = json.loads(b64url_decode(sealed["signatures"][0]["protected"]))
    return b64_decode_any(header["adoTst"]["tstTokens"][0]["val"])


def _token(rnd: random.Random) -> bytes:
    tst: dict[str, Any] = {
        "version": "v1",
        "policy": "1.2.3.4",
        "message_imprint": {
            "hash_algorithm": {"algorithm": rnd.choice(["sha256", "sha384", "sha512", "sha1"])},
            "hashed_message": bytes(rnd.randrange(256) for _ in range(rnd.choice([0, 32, 48]))),
        },
        "serial_number": rnd.randrange(1, 2**64),
        "gen_time": datetime(2023, 9, 27, 11, 54, rnd.randrange(60), tzinfo=UTC),
    }
    if rnd.random() < 0.4:
        tst["accuracy"] = {"seconds": 1}
    if rnd.random() < 0.3:
        tst["ordering"] = rnd.random() < 0.5
    if rnd.random() < 0.4:
        tst["nonce"] = rnd.randrange(1, 2**64)
    if rnd.random() < 0.15:
        tst["tsa"] = {"uniform_resource_identifier": "https://tsa.example/"}
    if rnd.random() < 0.3:
        # the digest algorithm's parameters absent instead of NULL
        algorithm = algos.DigestAlgorithmId(rnd.choice(["sha256", "sha512"])).dump()
        hashed = core.OctetString(bytes(32)).dump()
        inner = core.Sequence.load(b"\x30" + bytes([len(algorithm)]) + algorithm).dump() + hashed
        tst["message_imprint"] = tsp.MessageImprint.load(b"\x30" + bytes([len(inner)]) + inner)
    info = tsp.TSTInfo(tst)
    signed: dict[str, Any] = {
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}] if rnd.random() < 0.5 else [],
        "encap_content_info": {"content_type": "tst_info", "content": info},
        "signer_infos": [],
    }
    if rnd.random() < 0.3:
        signed["certificates"] = []
    content_type = "signed_data" if rnd.random() < 0.95 else "data"
    if content_type == "data":
        return cms.ContentInfo({"content_type": "data", "content": b"x"}).dump()
    return cms.ContentInfo({"content_type": content_type, "content": cms.SignedData(signed)}).dump()


def _damaged(token: bytes, rnd: random.Random) -> bytes:
    data = bytearray(token)
    for _ in range(rnd.randint(1, 3)):
        kind = rnd.random()
        at = rnd.randrange(len(data))
        if kind < 0.5:
            data[at] = rnd.randrange(256)
        elif kind < 0.7:
            data[at] ^= 1 << rnd.randrange(8)
        elif kind < 0.85:
            del data[at]
        else:
            data.insert(at, rnd.randrange(256))
    if rnd.random() < 0.1:
        data += b"\x00"
    return bytes(data)


def test_eu_sample_token_is_read_directly() -> None:
    token = _eu_token()
    assert _direct(token) is not None
    assert _answer(token) == _reference(token)
    assert _answer(token)[0] == "sha256"


@pytest.mark.parametrize("seed", range(4))
def test_direct_reading_agrees_with_asn1crypto(seed: int) -> None:
    rnd = random.Random(seed)
    tokens = [_eu_token()] + [_token(rnd) for _ in range(60)]
    read_directly = 0
    for token in tokens:
        for candidate in [token] + [_damaged(token, rnd) for _ in range(150)]:
            fast = _direct(candidate)
            if fast is not None:
                read_directly += 1
                reference = _reference(candidate)
                assert reference[0] != "error", candidate.hex()
                assert fast == reference, candidate.hex()
            assert _answer(candidate) == _reference(candidate), candidate.hex()
    assert read_directly > len(tokens)  # the direct path is taken, damaged copies included
