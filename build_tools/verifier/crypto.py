"""The crypto port: the signature maths the verifier asks of its backend.

Two backends: `crypto_cpython.CPythonCrypto` (the `cryptography` package, never suspends) and
`webcrypto.WebCryptoBackend` (the browser's WebCrypto, asynchronous).
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["CryptoBackend"]


class CryptoBackend(Protocol):
    """Signature maths. The verifier picks `alg` from the key type, never from the token.

    ECDSA signatures are raw r||s. Must return False for a wrong signature and raise ValueError
    for an unusable key.
    """

    async def verify_signature(
        self, *, jwk: dict[str, Any], alg: str, message: bytes, signature: bytes
    ) -> bool: ...
