"""WebCrypto backend of the verifier's crypto interface, for Pyodide (browser and worker).

The signature maths is the browser's `crypto.subtle`, reached through the Pyodide FFI; this
module only maps the verifier's (`jwk`, `alg`) pair onto WebCrypto's algorithm parameters and
applies the same key rules as the CPython backend (crypto_cpython.py), so both give the same
answers on the same corpus:

- Ed25519 (RFC 8037 `OKP`/`Ed25519`), EdDSA;
- ECDSA P-256/SHA-256 (ES256) and P-384/SHA-384 (ES384); signatures are raw r||s (RFC 7518
  §3.4), which is WebCrypto's format too; a DER signature is simply the wrong length -> False;
- RSASSA-PKCS1-v1_5 with SHA-256 (RS256) and RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte
  salt (PS256, RFC 7518 §3.5); RSA keys under 2048 bits are refused.

Keys are imported as JWK (public members only, so a registry `alg`/`key_ops` can never clash
with the algorithm chosen by the verifier). `verify_signature` returns False for a wrong
signature and raises ValueError for an unusable key, as the interface requires.

Importable under CPython for type checking; it needs `js` (Pyodide) only when first used.
"""

from __future__ import annotations

import base64
import json
from collections import OrderedDict
from typing import Any

__all__ = ["WebCryptoBackend"]

#: WebCrypto has no secp256k1, so ES256K (checked in CPython) cannot be checked here.
ES256K_NOT_IN_BROWSER = "secp256k1 (ES256K) is not available in the browser's WebCrypto"
_CURVES = {"P-256": ("ES256", 32, "SHA-256"), "P-384": ("ES384", 48, "SHA-384")}
_PUBLIC_MEMBERS = ("kty", "crv", "x", "y", "n", "e")
_MIN_RSA_BITS = 2048
_CACHE_SIZE = 64


def _b64u(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError("JWK member is not a string")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("JWK member is not base64url") from exc


def _plan(public: dict[str, Any], alg: str) -> tuple[dict[str, Any], dict[str, Any], int | None]:
    """(importKey algorithm, verify algorithm, expected signature length or None).

    Raises ValueError when the key cannot be used with `alg` (same rules as crypto_cpython).
    """
    kty = public.get("kty")
    if kty == "EC" and public.get("crv") == "secp256k1":
        raise ValueError(ES256K_NOT_IN_BROWSER)
    if kty == "OKP" and public.get("crv") == "Ed25519":
        if len(_b64u(public.get("x"))) != 32:
            raise ValueError("Ed25519 key must be 32 bytes")
        if alg != "EdDSA":
            raise ValueError(f"{alg} does not match an Ed25519 key")
        return {"name": "Ed25519"}, {"name": "Ed25519"}, None
    if kty == "EC" and public.get("crv") in _CURVES:
        expected, size, hash_name = _CURVES[public["crv"]]
        if len(_b64u(public.get("x"))) != size or len(_b64u(public.get("y"))) != size:
            raise ValueError("EC coordinates have the wrong length")
        if alg not in ("ES256", "ES384"):
            raise ValueError(f"{alg} needs an RSA or Ed25519 key, not EC")
        if alg != expected:
            raise ValueError(f"{alg} does not match curve {public['crv']}")
        return (
            {"name": "ECDSA", "namedCurve": public["crv"]},
            {"name": "ECDSA", "hash": hash_name},
            2 * size,
        )
    if kty == "RSA":
        modulus = _b64u(public.get("n"))
        _b64u(public.get("e"))
        if int.from_bytes(modulus, "big").bit_length() < _MIN_RSA_BITS:
            raise ValueError("RSA keys shorter than 2048 bits are not accepted")
        if alg == "RS256":
            name = "RSASSA-PKCS1-v1_5"
            return {"name": name, "hash": "SHA-256"}, {"name": name}, None
        if alg == "PS256":
            return (
                {"name": "RSA-PSS", "hash": "SHA-256"},
                {"name": "RSA-PSS", "saltLength": 32},
                None,
            )
        raise ValueError(f"{alg} needs an EC or Ed25519 key, not RSA")
    raise ValueError(f"unsupported key type {kty!r}/{public.get('crv')!r}")


class WebCryptoBackend:
    """CryptoBackend over `crypto.subtle`; imported keys are cached (import costs ~0.5 ms)."""

    def __init__(self, subtle: Any | None = None) -> None:
        self._subtle = subtle
        self._keys: OrderedDict[str, Any] = OrderedDict()

    def _get_subtle(self) -> Any:
        if self._subtle is None:
            from js import crypto  # Pyodide only

            self._subtle = crypto.subtle
        return self._subtle

    async def _import(self, public: dict[str, Any], import_alg: dict[str, Any], alg: str) -> Any:
        cache_key = alg + "|" + json.dumps(public, sort_keys=True)
        key = self._keys.get(cache_key)
        if key is not None:
            self._keys.move_to_end(cache_key)
            return key
        from js import Object
        from pyodide.ffi import JsException, to_js

        def js_obj(value: dict[str, Any]) -> Any:
            return to_js(value, dict_converter=Object.fromEntries)

        try:
            key = await self._get_subtle().importKey(
                "jwk", js_obj(public), js_obj(import_alg), False, to_js(["verify"])
            )
        except JsException as exc:
            # DataError / NotSupportedError: the key material is unusable.
            raise ValueError(f"the key cannot be imported: {exc}") from exc
        self._keys[cache_key] = key
        if len(self._keys) > _CACHE_SIZE:
            self._keys.popitem(last=False)
        return key

    async def verify_signature(
        self, *, jwk: dict[str, Any], alg: str, message: bytes, signature: bytes
    ) -> bool:
        if not isinstance(jwk, dict):
            raise ValueError("the key is not a JWK object")
        public = {k: jwk[k] for k in _PUBLIC_MEMBERS if k in jwk}
        import_alg, verify_alg, sig_len = _plan(public, alg)
        if sig_len is not None and len(signature) != sig_len:
            return False
        key = await self._import(public, import_alg, alg)
        from js import Object
        from pyodide.ffi import JsException, to_js

        try:
            ok = await self._get_subtle().verify(
                to_js(verify_alg, dict_converter=Object.fromEntries),
                key,
                to_js(bytes(signature)),
                to_js(bytes(message)),
            )
        except JsException:
            # WebCrypto rejects malformed signatures (e.g. wrong RSA length) by throwing;
            # for the verifier that is simply a signature that does not verify.
            return False
        return bool(ok)
