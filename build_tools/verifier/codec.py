"""Encodings shared by the catalogue, the outputs, issuing and the verifier.

One implementation each of: base64url, base58btc and multibase, the RFC 7638 JWK thumbprint,
did:web identifiers and their URLs, the normal form in which issuer identifiers are compared,
multikey public keys as JWKs, and the list of Ed25519 public key encodings of small order.

A leaf module: it imports only the standard library, so it runs in Pyodide as well, and the
rest of the package may import it without importing the verifier.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

__all__ = [
    "ED25519_SMALL_ORDER",
    "b58decode",
    "b58encode",
    "b64_decode_any",
    "b64url_decode",
    "b64url_encode",
    "decompress_point",
    "did_web",
    "did_web_url",
    "ed25519_small_order",
    "jwk_thumbprint",
    "multibase_decode",
    "multikey_to_jwk",
    "normalize_identifier",
]

# --------------------------------------------------------------------------- base64url

_B64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64URL_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


def b64url_decode(value: str) -> bytes:
    """Strict unpadded base64url (RFC 7515 §2)."""
    # The alphabet test of `re.match(r"^[A-Za-z0-9_-]*$", value)`, where `$` also allows one
    # final newline; deleting the alphabet's bytes in C is many times faster than the regex.
    if not isinstance(value, str) or not value.isascii() or len(value) % 4 == 1:
        raise ValueError("not base64url")
    raw = value.encode("ascii")
    rest = raw.translate(None, _B64URL_ALPHABET)
    if rest and (rest != b"\n" or not raw.endswith(b"\n")):
        raise ValueError("not base64url")
    # What base64.urlsafe_b64decode does (the final newline, if any, is skipped by the
    # non-validating decoder).
    return binascii.a2b_base64(raw.translate(_B64URL_TO_STANDARD) + b"=" * (-len(raw) % 4))


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_decode_any(value: str) -> bytes:
    """Standard or URL-safe base64, padding optional (x5c uses standard base64)."""
    # Most values hold no white space: printable and without spaces means none (\s is either
    # the space or an unprintable character), which is two fast scans instead of a rewrite.
    if isinstance(value, str) and value.isprintable() and " " not in value:
        cleaned = value
    else:
        cleaned = re.sub(r"\s+", "", value)
    try:
        if "-" in cleaned or "_" in cleaned:
            return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc


# --------------------------------------------------------------------------- base58btc, multibase

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def b58decode(value: str) -> bytes:
    """Base58btc (the Bitcoin alphabet), as used by multibase prefix `z`."""
    if len(value) > 1000:
        raise ValueError("base58 value too long")
    num = 0
    for char in value:
        if char not in _B58_INDEX:
            raise ValueError("not base58btc")
        num = num * 58 + _B58_INDEX[char]
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    pad = len(value) - len(value.lstrip("1"))
    return b"\x00" * pad + body


def b58encode(data: bytes) -> str:
    num = int.from_bytes(data, "big")
    out = ""
    while num:
        num, rem = divmod(num, 58)
        out = _B58[rem] + out
    pad = len(data) - len(data.lstrip(b"\x00"))
    return "1" * pad + out


def multibase_decode(value: str) -> bytes:
    """Multibase base58btc (`z…`) or base64url (`u…`)."""
    if not value:
        raise ValueError("empty multibase value")
    if value[0] == "z":
        return b58decode(value[1:])
    if value[0] == "u":
        return b64url_decode(value[1:])
    raise ValueError(f"unsupported multibase prefix {value[0]!r}")


# --------------------------------------------------------------------------- multikey

# NIST curve parameters (FIPS 186-4 D.1.2), used only to decompress public points.
_CURVE_PARAMS = {
    "P-256": (
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        32,
    ),
    "P-384": (
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        48,
    ),
    # SEC 2 §2.4.1 (a = 0 rather than -3).
    "secp256k1": (
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F,
        7,
        32,
    ),
}
_CURVE_A = {"secp256k1": 0}


def decompress_point(crv: str, data: bytes) -> tuple[bytes, bytes]:
    """SEC 1 §2.3.4 point decompression (every curve here has p ≡ 3 mod 4)."""
    p, b, size = _CURVE_PARAMS[crv]
    if len(data) != size + 1 or data[0] not in (2, 3):
        raise ValueError("not a compressed point")
    x = int.from_bytes(data[1:], "big")
    if x >= p:
        raise ValueError("x out of range")
    rhs = (pow(x, 3, p) + _CURVE_A.get(crv, -3) * x + b) % p
    y = pow(rhs, (p + 1) // 4, p)
    if (y * y) % p != rhs:
        raise ValueError("point not on curve")
    if (y & 1) != (data[0] & 1):
        y = p - y
    return data[1:], y.to_bytes(size, "big")


# multicodec varint headers (CID "Multikey")
_MULTIKEY_PUBLIC = {
    b"\xed\x01": "Ed25519",
    b"\x80\x24": "P-256",
    b"\x81\x24": "P-384",
    b"\xe7\x01": "secp256k1",
}
# jwk_jcs-pub (0xeb51): the EBSI natural-person did:key, a JWK in JCS (RFC 8785) form.
_JWK_JCS_PUB = b"\xd1\xd6\x03"
_PUBLIC_JWK_MEMBERS = ("kty", "crv", "x", "y", "n", "e")
_MULTIKEY_SECRET = (b"\x80\x26", b"\x86\x26", b"\x87\x26")


def multikey_to_jwk(value: str) -> dict[str, str]:
    """`publicKeyMultibase` / did:key value -> public JWK. Secret-key headers are refused."""
    raw = multibase_decode(value)
    if raw.startswith(_JWK_JCS_PUB):
        return jcs_jwk_to_public(raw[len(_JWK_JCS_PUB) :])
    header, key = raw[:2], raw[2:]
    if header in _MULTIKEY_SECRET:
        raise ValueError("a secret key was given where a public key is expected")
    kind = _MULTIKEY_PUBLIC.get(header)
    if kind == "Ed25519":
        if len(key) != 32:
            raise ValueError("Ed25519 key must be 32 bytes")
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(key)}
    if kind in ("P-256", "P-384", "secp256k1"):
        x, y = decompress_point(kind, key)
        return {"kty": "EC", "crv": kind, "x": b64url_encode(x), "y": b64url_encode(y)}
    raise ValueError("unknown multikey header")


def jcs_jwk_to_public(data: bytes) -> dict[str, str]:
    """The JWK of a jwk_jcs-pub did:key: UTF-8 JSON that must be its own JCS form and hold
    a public key only."""
    try:
        jwk = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError("jwk_jcs-pub key is not JSON") from exc
    return _public_members(jwk, data)


def did_jwk_to_jwk(value: str) -> dict[str, str]:
    """The method-specific id of a did:jwk (base64url of a UTF-8 JWK) -> public JWK."""
    try:
        raw = b64url_decode(value)
        jwk = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError("did:jwk value is not base64url JSON") from exc
    return _public_members(jwk, None)


def _public_members(jwk: Any, jcs: bytes | None) -> dict[str, str]:
    if not isinstance(jwk, dict) or not all(isinstance(v, str) for v in jwk.values()):
        raise ValueError("not a JWK")
    if any(k in jwk for k in ("d", "p", "q", "dp", "dq", "qi", "k")):
        raise ValueError("a secret key was given where a public key is expected")
    if jcs is not None:
        canonical = json.dumps(jwk, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        if canonical.encode("utf-8") != jcs:
            raise ValueError("jwk_jcs-pub key is not in JCS form")
    public = {k: jwk[k] for k in _PUBLIC_JWK_MEMBERS if k in jwk}
    if public.get("kty") not in _THUMBPRINT_MEMBERS:
        raise ValueError("unknown JWK key type")
    return public


# --------------------------------------------------------------------------- JWK thumbprint

_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
}


def jwk_thumbprint(jwk: Any) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url. ValueError for other key types or missing
    members."""
    names = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if names is None or any(not isinstance(jwk.get(n), str) for n in names):
        raise ValueError("cannot compute a thumbprint for this key")
    canonical = json.dumps({n: jwk[n] for n in names}, separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


# --------------------------------------------------------------------------- Ed25519 small order

# The fourteen encodings of Ed25519's eight points of small order (the identity, one point of
# order 2, two of order 4, four of order 8), canonical and not (y >= p, or the sign bit set
# where x = 0), as listed in "Taming the many EdDSAs" (Chalkias et al., 2020) and refused by
# libsodium. A signature "verifies" for such a key without its private half being known.
ED25519_SMALL_ORDER = frozenset(
    bytes.fromhex(h)
    for h in (
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    )
)


def ed25519_small_order(jwk: Any) -> bool:
    """True for an Ed25519 JWK whose `x` is one of `ED25519_SMALL_ORDER`."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        return False
    try:
        return b64url_decode(str(jwk.get("x", ""))) in ED25519_SMALL_ORDER
    except ValueError:
        return False


# --------------------------------------------------------------------------- did:web, identifiers

_DEFAULT_PORTS = {"https": 443, "http": 80}
# Characters of a URL path segment that need no percent-encoding (RFC 3986 pchar).
_PCHAR_SAFE = "!$&'()*+,;=:@"


def _did_segment(segment: str) -> str:
    """A did:web path segment in normal form: DID Core `idchar`s (letters, digits, `.-_`),
    everything else percent-encoded with upper-case hex."""
    return quote(unquote(segment), safe="").replace("~", "%7E")


def _host(hostname: str, port: int | None, scheme: str) -> str:
    host = f"[{hostname}]" if ":" in hostname else hostname.lower()
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host += f":{port}"
    return host


def did_web(site_url: str, *segments: str) -> str:
    """The did:web of a URL, with further path segments (did:web §3.2 "Create"):
    `did_web("https://Example.ORG:8443/creds/", "issuers", "lu")` is
    `did:web:example.org%3A8443:creds:issuers:lu`.

    The host is lower-cased, a default port dropped and another one's colon written `%3A`; the
    URL's path segments and `segments` are joined with `:`, each percent-encoded in one way
    (an already encoded `%20` stays `%20`). ValueError unless `site_url` is an absolute http(s)
    URL.
    """
    parts = urlsplit(site_url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{site_url!r} has an invalid port") from None
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{site_url!r} is not an absolute https URL")
    host = quote(_host(parts.hostname, port, scheme), safe="")
    path = [_did_segment(s) for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *path, *(_did_segment(s) for s in segments if s)])


def did_web_url(did: str) -> str:
    """The URL of a did:web's DID document (did:web §3.2 "Read"): `did:web:example.org` is
    `https://example.org/.well-known/did.json`, `did:web:example.org:a:b` is
    `https://example.org/a/b/did.json`. ValueError for anything else."""
    if not did.startswith("did:web:"):
        raise ValueError("not a did:web")
    names = did.split("#", 1)[0][len("did:web:") :].split(":")
    host = unquote(names[0])
    if not host or "/" in host:
        raise ValueError("did:web without a host")
    path = [quote(unquote(n), safe=_PCHAR_SAFE) for n in names[1:] if n]
    tail = "/".join([*path, "did.json"]) if path else ".well-known/did.json"
    return f"https://{host}/{tail}"


def normalize_identifier(value: str) -> str:
    """The form in which issuer identifiers (DIDs, DID URLs, http(s) IRIs) are compared.

    Spellings that name the same thing get the same form: host case, a default port (written
    `:443` or `%3A443`), percent-encoding, dot segments and a trailing slash do not matter.
    A did:web keeps its fragment (the key id); an IRI keeps its query and fragment. Any other
    identifier (and any that cannot be read, such as a malformed port) is returned unchanged,
    so it can only equal itself.
    """
    if value.startswith("did:web:"):
        did, hash_, fragment = value.partition("#")
        names = did[len("did:web:") :].split(":")
        location = unquote(names[0])
        try:
            parts = urlsplit(f"https://{location}")
            port = parts.port
        except ValueError:
            return value
        if not parts.hostname or parts.path or parts.query or parts.fragment:
            return value
        host = quote(_host(parts.hostname, port, "https"), safe="")
        segments = [_did_segment(n) for n in names[1:] if n]
        return ":".join(["did:web", host, *segments]) + hash_ + fragment
    try:
        parts = urlsplit(value)  # (ValueError for a malformed IPv6 host, "https://a[/x")
        port = parts.port if parts.scheme.lower() in _DEFAULT_PORTS else None
    except ValueError:
        return value
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return value
    if not parts.hostname:
        return value
    kept: list[str] = []
    for segment in parts.path.split("/"):  # RFC 3986 §5.2.4: dot segments removed
        if segment == "..":
            if len(kept) > 1:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    path = "/".join(quote(unquote(s), safe=_PCHAR_SAFE) for s in kept)
    netloc = _host(parts.hostname, port, scheme)
    if parts.username is not None:
        return value  # user information has no place in an issuer identifier
    return urlunsplit((scheme, netloc, path.rstrip("/"), parts.query, parts.fragment))
