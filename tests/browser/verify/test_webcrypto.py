"""The WebCrypto backend (build_tools/verifier/webcrypto.py) in real Chromium, against the
CPython backend on the same vectors: every answer (True, False or "unusable key") must match.

The vectors are made here with `cryptography` (fresh keys each run). The backend runs inside
Pyodide from the shipped bundle (verifier.zip), so this also proves that the zip imports.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from build_tools.verifier.crypto_cpython import verify_signature_sync

from ._harness import serve_directory, write_bundle

pytestmark = pytest.mark.browser


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64u(value: int, size: int | None = None) -> str:
    length = size or (value.bit_length() + 7) // 8
    return _b64u(value.to_bytes(length, "big"))


def _ec_jwk(key: ec.EllipticCurvePrivateKey, crv: str, size: int) -> dict[str, str]:
    nums = key.public_key().public_numbers()
    return {"kty": "EC", "crv": crv, "x": _int_b64u(nums.x, size), "y": _int_b64u(nums.y, size)}


def _rsa_jwk(key: rsa.RSAPrivateKey) -> dict[str, str]:
    nums = key.public_key().public_numbers()
    return {"kty": "RSA", "n": _int_b64u(nums.n), "e": _int_b64u(nums.e)}


def _raw_ecdsa(der: bytes, size: int) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _vectors() -> list[dict[str, Any]]:
    msg = b"credential signing input \xe2\x9c\x93"
    other = msg + b"!"
    out: list[dict[str, Any]] = []

    def add(name: str, jwk: dict[str, Any], alg: str, message: bytes, sig: bytes) -> None:
        out.append(
            {
                "name": name,
                "jwk": jwk,
                "alg": alg,
                "message": _b64u(message),
                "signature": _b64u(sig),
            }
        )

    ed = ed25519.Ed25519PrivateKey.generate()
    ed_jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64u(ed.public_key().public_bytes_raw())}
    ed_sig = ed.sign(msg)
    add("ed25519 valid", ed_jwk, "EdDSA", msg, ed_sig)
    add("ed25519 other message", ed_jwk, "EdDSA", other, ed_sig)
    add("ed25519 short signature", ed_jwk, "EdDSA", msg, ed_sig[:63])
    add(
        "ed25519 with registry alg member",
        {**ed_jwk, "alg": "EdDSA", "kid": "k"},
        "EdDSA",
        msg,
        ed_sig,
    )
    add("ed25519 31-byte key", {**ed_jwk, "x": _b64u(b"\x01" * 31)}, "EdDSA", msg, ed_sig)
    add("ed25519 key with ES256", ed_jwk, "ES256", msg, ed_sig)

    for crv, curve, size, alg, digest in (
        ("P-256", ec.SECP256R1(), 32, "ES256", hashes.SHA256()),
        ("P-384", ec.SECP384R1(), 48, "ES384", hashes.SHA384()),
    ):
        key = ec.generate_private_key(curve)
        jwk = _ec_jwk(key, crv, size)
        der = key.sign(msg, ec.ECDSA(digest))
        raw = _raw_ecdsa(der, size)
        add(f"{alg} valid", jwk, alg, msg, raw)
        add(f"{alg} other message", jwk, alg, other, raw)
        add(f"{alg} DER signature", jwk, alg, msg, der)
        add(f"{alg} flipped bit", jwk, alg, msg, raw[:-1] + bytes([raw[-1] ^ 1]))
        add(f"{alg} wrong curve for alg", jwk, "ES384" if alg == "ES256" else "ES256", msg, raw)
        add(f"{alg} point off the curve", {**jwk, "y": _int_b64u(1, size)}, alg, msg, raw)

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_jwk = _rsa_jwk(rsa_key)
    pkcs = rsa_key.sign(msg, padding.PKCS1v15(), hashes.SHA256())
    pss = rsa_key.sign(
        msg, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()
    )
    add("RS256 valid", rsa_jwk, "RS256", msg, pkcs)
    add("RS256 other message", rsa_jwk, "RS256", other, pkcs)
    add("RS256 truncated signature", rsa_jwk, "RS256", msg, pkcs[:-1])
    add("PS256 valid", rsa_jwk, "PS256", msg, pss)
    add("PS256 other message", rsa_jwk, "PS256", other, pss)
    add("PS256 signature checked as RS256", rsa_jwk, "RS256", msg, pss)
    add("RSA key with EdDSA", rsa_jwk, "EdDSA", msg, pkcs)
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    add(
        "RSA 1024-bit key refused",
        _rsa_jwk(small),
        "RS256",
        msg,
        small.sign(msg, padding.PKCS1v15(), hashes.SHA256()),
    )
    add("unknown key type", {"kty": "oct", "k": "AAAA"}, "RS256", msg, pkcs)
    return out


def _cpython_answers(vectors: list[dict[str, Any]]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for v in vectors:
        try:
            ok = verify_signature_sync(
                jwk=v["jwk"],
                alg=v["alg"],
                message=base64.urlsafe_b64decode(v["message"] + "=="),
                signature=base64.urlsafe_b64decode(v["signature"] + "=="),
            )
            answers[v["name"]] = "true" if ok else "false"
        except ValueError:
            answers[v["name"]] = "ValueError"
    return answers


_PAGE = """<!doctype html><meta charset="utf-8"><title>WebCrypto backend</title>
<script type="module" src="./harness.mjs"></script>"""


def test_webcrypto_backend_matches_cpython_backend(tmp_path: Path, chromium_browser: Any) -> None:
    vectors = _vectors()
    expected = _cpython_answers(vectors)
    # What the interface demands, independently of either backend.
    assert expected["ed25519 valid"] == "true"
    assert expected["ES256 valid"] == expected["ES384 valid"] == "true"
    assert expected["RS256 valid"] == expected["PS256 valid"] == "true"
    assert expected["ES256 DER signature"] == "false"
    assert expected["ed25519 31-byte key"] == "ValueError"
    assert expected["RSA 1024-bit key refused"] == "ValueError"

    write_bundle(tmp_path)
    (tmp_path / "vectors.json").write_text(json.dumps(vectors))
    (tmp_path / "index.html").write_text(_PAGE)
    harness = Path(__file__).with_name("webcrypto_harness.mjs")
    (tmp_path / "harness.mjs").write_bytes(harness.read_bytes())
    with serve_directory(tmp_path) as base:
        page = chromium_browser.new_page()
        try:
            page.goto(base + "index.html")
            page.wait_for_selector("body[data-answers]", state="attached", timeout=90_000)
            answers = json.loads(page.get_attribute("body", "data-answers") or "{}")
        finally:
            page.close()
    for name, want in expected.items():
        assert answers.get(name) == want, name
        assert answers.get(name + " (cached)") == want, name + " (cached)"
