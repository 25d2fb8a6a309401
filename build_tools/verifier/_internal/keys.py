"""Finding the public key a signature claims, and what the registry says about it.

The key comes from the credential (`kid`, `verificationMethod`, `x5c`, `jwk`), the algorithm
from the key type (RFC 8725 §3.1), and trust only from the registry. Remote references
(`jku`, `x5u`, did:web) are never fetched: a did:web key is found only by its DID URL in the
registry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..codec import (
    b64_decode_any,
    b64url_encode,
    did_jwk_to_jwk,
    ed25519_small_order,
    jwk_thumbprint,
    multikey_to_jwk,
)
from ..messages import msg
from ..model import Status
from ..registry import KeyEntry, Registry
from .errors import CodedError
from .jwk import algs_for_key, public_jwk
from .x509 import CertInfo, parse_certificate


class KeyProblem(CodedError):
    """`status` is "fail" (the signature is refused) or "skip" (it cannot be checked)."""

    def __init__(self, status: Status, code: str, message: str, detail: str = "") -> None:
        super().__init__(code, message, detail)
        self.status = status


@dataclass
class ResolvedKey:
    jwk: dict[str, Any]
    how: str  # "did:key" | "did:jwk" | "registry" | "x5c" | "jwk header"
    reference: str
    entries: list[KeyEntry] = field(default_factory=list)
    controller: str | None = None
    cert: CertInfo | None = None

    def __post_init__(self) -> None:
        # Whatever the key's source (registry, did:key, certificate, header), a key of small
        # order is refused: with it a "signature" verifies without any private key.
        if ed25519_small_order(self.jwk):
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_KEY_SMALL_ORDER",
                "The signing key is a degenerate Ed25519 key with which anyone can make "
                "signatures, so it proves nothing.",
                f"Ed25519 public key of small order: {str(self.jwk.get('x'))[:60]}",
            )

    @property
    def thumbprint(self) -> str:
        return jwk_thumbprint(self.jwk)


def _did_key_jwk(did_url: str) -> tuple[dict[str, Any], str]:
    jwk, did = _did_key_cached(did_url)
    return dict(jwk), did


def _did_jwk(did_url: str) -> tuple[dict[str, Any], str]:
    """did:jwk URL -> (JWK, DID): the key is the DID itself; its one fragment is `0`."""
    did, _, fragment = did_url.partition("#")
    if fragment not in ("", "0"):
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_INVALID",
            "The signing key reference is malformed.",
            "did:jwk fragment is not #0",
        )
    try:
        return did_jwk_to_jwk(did[len("did:jwk:") :]), did
    except ValueError as exc:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_INVALID",
            "The signing key reference is malformed.",
            f"did:jwk: {exc}",
        ) from exc


def offline_did(did_url: str) -> tuple[dict[str, Any], str] | None:
    """(JWK, DID) for a DID whose key is in the DID itself (did:key, did:jwk), else None."""
    if did_url.startswith("did:key:"):
        return _did_key_jwk(did_url if "#" in did_url else did_url + "#" + did_url[8:])
    if did_url.startswith("did:jwk:"):
        return _did_jwk(did_url)
    return None


@lru_cache(maxsize=256)
def _did_key_cached(did_url: str) -> tuple[dict[str, Any], str]:
    """did:key URL -> (JWK, DID): a pure function of the string (point decompression is the
    costly part), so cached; `_did_key_jwk` hands out copies. Failures are not cached."""
    did = did_url.split("#", 1)[0]
    value = did[len("did:key:") :]
    fragment = did_url.split("#", 1)[1] if "#" in did_url else value
    if fragment != value:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_INVALID",
            "The signing key reference is malformed.",
            "did:key fragment does not match the key",
        )
    try:
        return multikey_to_jwk(value), did
    except ValueError as exc:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_INVALID",
            "The signing key reference is malformed.",
            f"did:key: {exc}",
        ) from exc


def _entries_jwk(entries: list[KeyEntry], reference: str) -> dict[str, Any]:
    for entry in entries:
        if entry.jwk:
            return public_jwk(entry.jwk)
    raise KeyProblem(
        Status.SKIP,
        "SIGNATURE_KEY_UNAVAILABLE",
        "The registry lists this key without its public value, so the signature cannot be checked.",
        f"registry key {reference} has no JWK",
    )


def _safe_thumbprint(jwk: dict[str, Any]) -> str | None:
    """RFC 7638 thumbprint, None when it cannot be computed (cached by the key's members)."""
    identity = _key_identity(jwk)
    return None if identity is None else _thumbprint(identity)


@lru_cache(maxsize=256)
def _thumbprint(identity: tuple[str, ...]) -> str:
    names = _THUMBPRINT_MEMBERS[identity[1]]  # identity[1] is kty for every key type
    return jwk_thumbprint(dict(zip(names, identity, strict=True)))


_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
}


def _key_identity(jwk: dict[str, Any]) -> tuple[str, ...] | None:
    """The members an RFC 7638 thumbprint covers (None when it cannot be computed): two keys
    are the same key exactly when these are equal, without hashing anything."""
    names = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if names is None:
        return None
    values = tuple(jwk.get(n) for n in names)
    if any(not isinstance(v, str) for v in values):
        return None
    return values  # type: ignore[return-value]


@lru_cache(maxsize=64)
def _x5c_certificate(x5c0: str) -> tuple[str, CertInfo]:
    """x5c[0] -> (base64url SHA-256 of the DER, for x5t#S256; the certificate's facts).

    A pure function of the string, and an issuer's certificate repeats on every credential it
    seals, so it is decoded and parsed once. ValueError when unusable (never cached)."""
    der = b64_decode_any(x5c0)
    return b64url_encode(hashlib.sha256(der).digest()), parse_certificate(der)


_X5C_CACHE_LIMIT = 64 * 1024  # certificates are a few kB; a huge one is parsed, not kept


def _x5c(x5c0: str) -> tuple[str, CertInfo]:
    if len(x5c0) > _X5C_CACHE_LIMIT:
        der = b64_decode_any(x5c0)
        return b64url_encode(hashlib.sha256(der).digest()), parse_certificate(der)
    return _x5c_certificate(x5c0)


def resolve_verification_method(vm: Any, registry: Registry) -> ResolvedKey:
    """Data Integrity `verificationMethod` -> key (CID §3.3 "Retrieve Verification Method")."""
    if isinstance(vm, dict):
        vm = vm.get("id")
    if not isinstance(vm, str) or ":" not in vm:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_INVALID",
            "The signature does not say which key made it.",
            "verificationMethod is not a URL",
        )
    entries = registry.keys_by_did_url(vm)
    if vm.startswith(("did:key:", "did:jwk:")):
        jwk, did = _did_key_jwk(vm) if vm.startswith("did:key:") else _did_jwk(vm)
        tp = _safe_thumbprint(jwk)
        if not entries and tp:
            entries = registry.keys_by_thumbprint(tp)
        return ResolvedKey(jwk, vm[:7], vm, entries, controller=did)
    if entries:
        return ResolvedKey(
            _entries_jwk(entries, vm), "registry", vm, entries, controller=vm.split("#", 1)[0]
        )
    _refuse_unpublished(vm, registry)
    raise KeyProblem(
        Status.SKIP,
        "SIGNATURE_KEY_UNAVAILABLE",
        "The signing key is published outside this registry, so the signature was not checked "
        "(this verifier does not fetch keys from the internet).",
        f"verificationMethod {vm[:120]} is not in the registry",
    )


def resolve_jose_key(
    header: dict[str, Any], registry: Registry, *, issuer: str | None
) -> ResolvedKey:
    """JOSE protected header -> key: `x5c`, `kid` (DID URL, registry DID URL, thumbprint, kid)
    and `jwk`; when several are given they must name the same key."""
    for name in ("jku", "x5u"):
        if name in header:
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_REMOTE_KEY_REFERENCE",
                "The signature points to a key on another web site; such keys are never trusted.",
                f"protected header carries {name}",
            )
    found: list[ResolvedKey] = []
    x5c = header.get("x5c")
    if x5c is not None:
        if not isinstance(x5c, list) or not x5c or not isinstance(x5c[0], str):
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_CERTIFICATE_INVALID",
                "The seal's certificate is damaged.",
                "x5c is not a list of base64 certificates",
            )
        try:
            der_digest, cert = _x5c(x5c[0])
        except ValueError as exc:
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_CERTIFICATE_INVALID",
                "The seal's certificate is damaged.",
                str(exc),
            ) from exc
        x5t = header.get("x5t#S256")
        if x5t is not None and x5t != der_digest:
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_CERTIFICATE_INVALID",
                "The seal names a different certificate from the one it carries.",
                "x5t#S256 does not match x5c[0]",
            )
        found.append(
            ResolvedKey(
                cert.jwk, "x5c", cert.subject, registry.keys_by_cert(cert.sha256_hex), cert=cert
            )
        )
    kid = header.get("kid")
    if isinstance(kid, str) and kid:
        resolved = _resolve_kid(kid, registry, issuer=issuer)
        if resolved is not None:
            found.append(resolved)
    jwk = header.get("jwk")
    if jwk is not None:
        if not isinstance(jwk, dict) or any(k in jwk for k in ("d", "p", "q", "k")):
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_KEY_INVALID",
                "The key embedded in the signature is unusable.",
                "jwk header is not a public JWK",
            )
        pub = public_jwk(jwk)
        tp = _safe_thumbprint(pub)
        if tp is None:
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_KEY_INVALID",
                "The key embedded in the signature is unusable.",
                "jwk header lacks required members",
            )
        found.append(ResolvedKey(pub, "jwk header", tp, registry.keys_by_thumbprint(tp)))
    if not found:
        raise KeyProblem(
            Status.SKIP,
            "SIGNATURE_KEY_UNAVAILABLE",
            "The signing key is not in this registry and the file does not carry it, so the "
            "signature was not checked.",
            f"kid {str(kid)[:120]!r} not found" if kid else "no kid, x5c or jwk in the header",
        )
    if len(found) > 1 and len({_key_identity(k.jwk) for k in found}) > 1:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_MISMATCH",
            "The signature names two different keys.",
            "x5c / kid / jwk do not refer to the same key",
        )
    # Prefer the registry-backed view of the key.
    found.sort(key=lambda k: (not k.entries, k.how != "x5c"))
    best = found[0]
    for other in found[1:]:
        if best.cert is None and other.cert is not None:
            best.cert = other.cert
    return best


def _refuse_unpublished(key_id: str, registry: Registry) -> None:
    """A key id under a registered issuer's DID that the registry does not list is not theirs:
    the registry is the complete list of that issuer's keys."""
    owner = registry.issuer_by_did(key_id.split("#", 1)[0])
    if owner is not None:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_NOT_PUBLISHED",
            msg(
                "The signature claims a key of {issuer} that {issuer} has not published.",
                issuer=owner.name,
            ),
            f"{key_id[:160]} is not among the registered keys of {owner.slug}",
        )


def _resolve_kid(kid: str, registry: Registry, *, issuer: str | None) -> ResolvedKey | None:
    offline = offline_did(kid)
    if offline is not None:
        jwk, did = offline
        entries = registry.keys_by_did_url(kid)
        tp = _safe_thumbprint(jwk)
        if not entries and tp:
            entries = registry.keys_by_thumbprint(tp)
        return ResolvedKey(jwk, kid[:7], kid, entries, controller=did)
    entries = registry.keys_by_did_url(kid) or registry.keys_by_thumbprint(kid)
    if not entries:
        candidates = registry.keys_by_kid(kid)
        if issuer is not None:
            owner = registry.issuer_by_did(issuer)
            if owner is not None:
                candidates = [k for k in candidates if k.issuer == owner.slug]
        if len({c.issuer for c in candidates}) == 1:
            entries = candidates
    if not entries:
        if "#" in kid:
            _refuse_unpublished(kid, registry)
        return None
    return ResolvedKey(
        _entries_jwk(entries, kid),
        "registry",
        kid,
        entries,
        controller=kid.split("#", 1)[0] if "#" in kid else None,
    )


def choose_alg(header_alg: Any, key: ResolvedKey) -> str:
    """The algorithm is chosen by the key; the header may only agree (RFC 8725 §2.1, §3.1)."""
    if not isinstance(header_alg, str) or not header_alg:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_ALG_FORBIDDEN",
            "The signature does not name its algorithm.",
            "alg missing",
        )
    allowed = algs_for_key(key.jwk)
    if not allowed:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_UNSUPPORTED",
            "The signing key is of a kind this verifier does not accept.",
            f"key {key.jwk.get('kty')}/{key.jwk.get('crv')} with alg {header_alg}",
        )
    for entry in key.entries:
        if entry.alg in allowed and entry.alg != header_alg:
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_ALG_MISMATCH",
                "The signature's algorithm does not match the registered key.",
                f"header alg {header_alg}, registry alg {entry.alg}",
            )
    if header_alg not in allowed:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_ALG_MISMATCH",
            "The signature's algorithm does not match its key.",
            f"header alg {header_alg}; key allows {', '.join(allowed)}",
        )
    return header_alg


def check_header_alg(header_alg: Any) -> None:
    """Refuse `none` and HMAC before anything else (RFC 8725 §2.1, §3.1)."""
    if header_alg == "none" or (isinstance(header_alg, str) and header_alg.lower() == "none"):
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_ALG_NONE",
            "The credential claims to need no signature; such files are never accepted.",
            "alg: none",
        )
    if isinstance(header_alg, str) and header_alg.upper().startswith("HS"):
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_ALG_HMAC",
            "The credential uses a shared-secret algorithm that cannot prove who issued it.",
            f"alg: {header_alg}",
        )
    if header_alg not in ("EdDSA", "ES256", "ES384", "ES256K", "RS256", "PS256"):
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_ALG_FORBIDDEN",
            "The signature uses an algorithm this verifier does not accept.",
            f"alg: {str(header_alg)[:20]}",
        )
