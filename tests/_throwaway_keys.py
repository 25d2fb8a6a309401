"""Private key material made fresh for each test run, so none is ever committed.

The detectors (catalogue validation, site build scan) must find real key material; these
helpers generate it with `cryptography` when a test module loads.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

_NO_PASSWORD = serialization.NoEncryption()
_ED25519 = ed25519.Ed25519PrivateKey.generate()


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkcs8_pem() -> bytes:
    """An Ed25519 private key as PKCS#8 PEM."""
    return _ED25519.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _NO_PASSWORD
    )


def ec_pem() -> bytes:
    """A P-256 private key in the traditional OpenSSL ("EC PRIVATE KEY") PEM form."""
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, _NO_PASSWORD
    )


def openssh_pem() -> bytes:
    """An Ed25519 private key in OpenSSH's own PEM-like form."""
    return _ED25519.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, _NO_PASSWORD
    )


def private_jwk() -> dict[str, str]:
    """An Ed25519 JWK with its private member `d`."""
    raw = serialization.Encoding.Raw
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64u(_ED25519.public_key().public_bytes(raw, serialization.PublicFormat.Raw)),
        "d": _b64u(_ED25519.private_bytes(raw, serialization.PrivateFormat.Raw, _NO_PASSWORD)),
    }
