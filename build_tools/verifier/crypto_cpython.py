"""CPython crypto backend for the verifier, on `cryptography`.

Not shipped to the browser (the browser uses WebCrypto through webcrypto.py). The verifier core
never imports this module; callers pass an instance to `verify()`.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

__all__ = ["CPythonCrypto", "verify_signature_sync"]

_CURVES = {"P-256": ("ES256", 32), "P-384": ("ES384", 48), "secp256k1": ("ES256K", 32)}
_PUBLIC_MEMBERS = ("kty", "crv", "x", "y", "n", "e")
_PKCS1 = padding.PKCS1v15()
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
_SHA256 = hashes.SHA256()
_ECDSA = {
    "ES256": ec.ECDSA(hashes.SHA256()),
    "ES384": ec.ECDSA(hashes.SHA384()),
    "ES256K": ec.ECDSA(hashes.SHA256()),
}
_EC_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "secp256k1": ec.SECP256K1(),
}


def _b64u(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("JWK member is not a string")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@lru_cache(maxsize=256)
def _load_key(members: tuple[tuple[str, str], ...]) -> Any:
    """The imported public key for a JWK's public members (in a fixed order, so equal keys
    share one entry); keys are imported once, not per signature."""
    return _import_key(dict(members))


@lru_cache(maxsize=64)
def _load_key_json(jwk_json: str) -> Any:
    """Same, for JWKs with non-string members (always refused or ignored by `_import_key`)."""
    return _import_key(json.loads(jwk_json))


def _import_key(jwk: dict[str, Any]) -> Any:
    kty = jwk.get("kty")
    if kty == "OKP" and jwk.get("crv") == "Ed25519":
        raw = _b64u(jwk.get("x"))
        if len(raw) != 32:
            raise ValueError("Ed25519 key must be 32 bytes")
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    if kty == "EC" and jwk.get("crv") in _CURVES:
        size = _CURVES[jwk["crv"]][1]
        x, y = _b64u(jwk.get("x")), _b64u(jwk.get("y"))
        if len(x) != size or len(y) != size:
            raise ValueError("EC coordinates have the wrong length")
        curve = _EC_CURVES[jwk["crv"]]
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, b"\x04" + x + y)
    if kty == "RSA":
        n = int.from_bytes(_b64u(jwk.get("n")), "big")
        e = int.from_bytes(_b64u(jwk.get("e")), "big")
        if n.bit_length() < 2048:
            raise ValueError("RSA keys shorter than 2048 bits are not accepted")
        return rsa.RSAPublicNumbers(e, n).public_key()
    raise ValueError(f"unsupported key type {kty!r}/{jwk.get('crv')!r}")


def verify_signature_sync(
    *, jwk: dict[str, Any], alg: str, message: bytes, signature: bytes
) -> bool:
    """Verify one signature; False for a wrong signature, ValueError for an unusable key/alg."""
    members = tuple((k, jwk[k]) for k in _PUBLIC_MEMBERS if k in jwk)
    if all(type(value) is str for _, value in members):
        key = _load_key(members)
    else:
        key = _load_key_json(json.dumps(dict(members), sort_keys=True))
    try:
        if alg == "EdDSA":
            if not isinstance(key, ed25519.Ed25519PublicKey):
                raise ValueError("EdDSA needs an Ed25519 key")
            key.verify(signature, message)
            return True
        if alg in ("ES256", "ES384", "ES256K"):
            if not isinstance(key, ec.EllipticCurvePublicKey):
                raise ValueError(f"{alg} needs an EC key")
            expected, size = _CURVES[jwk["crv"]]
            if alg != expected:
                raise ValueError(f"{alg} does not match curve {jwk['crv']}")
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), message, _ECDSA[alg])
            return True
        if alg in ("RS256", "PS256"):
            if not isinstance(key, rsa.RSAPublicKey):
                raise ValueError(f"{alg} needs an RSA key")
            pad: padding.AsymmetricPadding = _PKCS1 if alg == "RS256" else _PSS
            key.verify(signature, message, pad, _SHA256)
            return True
    except InvalidSignature:
        return False
    raise ValueError(f"unsupported algorithm {alg!r}")


class CPythonCrypto:
    """CryptoBackend on `cryptography`; its coroutine never suspends."""

    async def verify_signature(
        self, *, jwk: dict[str, Any], alg: str, message: bytes, signature: bytes
    ) -> bool:
        return verify_signature_sync(jwk=jwk, alg=alg, message=message, signature=signature)
