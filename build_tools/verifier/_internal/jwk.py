"""Public JWKs: their members, the algorithms a key allows, a label for reports."""

from __future__ import annotations

from typing import Any

from ..codec import b64url_decode


def public_jwk(jwk: dict[str, Any]) -> dict[str, Any]:
    return {k: jwk[k] for k in ("kty", "crv", "x", "y", "n", "e") if k in jwk}


def algs_for_key(jwk: dict[str, Any]) -> tuple[str, ...]:
    """The algorithms a key may be used with; chosen by key type, never by the token."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return ("EdDSA",)
    if kty == "EC" and crv == "P-256":
        return ("ES256",)
    if kty == "EC" and crv == "P-384":
        return ("ES384",)
    if kty == "EC" and crv == "secp256k1":
        return ("ES256K",)
    if kty == "RSA":
        return ("RS256", "PS256")
    return ()


def key_label(jwk: dict[str, Any]) -> str:
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "RSA":
        try:
            bits = len(b64url_decode(str(jwk.get("n", "")))) * 8
        except ValueError:
            bits = 0
        return f"RSA-{bits}" if bits else "RSA"
    return f"{crv}" if crv else str(kty)
