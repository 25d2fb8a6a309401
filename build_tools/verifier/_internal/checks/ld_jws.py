"""The two Linked Data proof suites signed with a detached JWS over the RDFC-1.0 canonical form:
`Ed25519Signature2018` (W3C CCG Ed25519 Signature 2018) and `JsonWebSignature2020` (W3C CCG
JSON Web Signature 2020).

Both sign `base64url(header) + "." + SHA-256(canonical proof options) + SHA-256(canonical
document)` with a JWS whose header is `{"alg": ..., "b64": false, "crit": ["b64"]}` (RFC 7797).
The proof's fields are read as signed, from its expansion (ADR 0007): a proof whose JSON says
one thing and whose signed data another (an inline context that gives `type` or `proofPurpose`
another meaning) is refused. The algorithm comes from the key; the header may only agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ...codec import b64url_decode
from ...messages import msg
from ...model import Status
from ..jsonld.expand import expand_strict
from ..jsonld.limits import JsonLdStrictError
from ..keys import KeyProblem, check_header_alg

SEC = "https://w3id.org/security#"
_CREATED = "http://purl.org/dc/terms/created"
_PURPOSE_IRI = {
    "assertionMethod": SEC + "assertionMethod",
    "authentication": SEC + "authenticationMethod",
}

#: The proof type -> the key types it may be made with, and the JWS `alg` each key type fixes.
SUITE_KEYS: dict[str, dict[tuple[str, str | None], str]] = {
    "Ed25519Signature2018": {("OKP", "Ed25519"): "EdDSA"},
    "JsonWebSignature2020": {
        ("OKP", "Ed25519"): "EdDSA",
        ("EC", "P-256"): "ES256",
        ("EC", "P-384"): "ES384",
        ("EC", "secp256k1"): "ES256K",
        ("RSA", None): "PS256",
    },
}

_MALFORMED = msg("The credential's proof is malformed.")


@dataclass(frozen=True)
class LdJwsProof:
    verification_method: str
    created: Any
    header_b64: bytes
    header: dict[str, Any]
    signature: bytes


def _values(node: dict[str, Any], iri: str, member: str) -> list[Any]:
    return [v.get(member) for v in node.get(iri, []) if isinstance(v, dict)]


def read_proof(config: dict[str, Any], proof: dict[str, Any], purpose: str) -> LdJwsProof:
    """The proof's fields as signed (`config` is the proof without `jws`, with the document's
    @context), checked against its JSON; then its detached JWS."""
    name = str(proof.get("type"))
    try:
        expanded = expand_strict(config)
    except JsonLdStrictError as exc:
        raise KeyProblem(
            Status.FAIL, exc.code, "The signature's own data is not well defined.", exc.detail
        ) from exc
    node = expanded[0] if len(expanded) == 1 and isinstance(expanded[0], dict) else {}
    types = node.get("@type", [])
    if types != [SEC + name]:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_PROOF_TYPE",
            "The proof names a signature method, but its signed data says it is something else.",
            f"type {name[:40]!r} is signed as {', '.join(str(t)[:80] for t in types) or 'nothing'}",
        )
    purposes = _values(node, SEC + "proofPurpose", "@id")
    if proof.get("proofPurpose") != purpose or purposes != [_PURPOSE_IRI[purpose]]:
        written = proof.get("proofPurpose")
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_PROOF_PURPOSE",
            msg("The signature was not made for issuing credentials.")
            if purpose == "assertionMethod"
            else msg("The presentation's signature was not made to authenticate its holder."),
            f"proofPurpose {str(written)[:40]!r}, signed as "
            f"{', '.join(str(p)[:80] for p in purposes) or 'nothing'}; expected {purpose}",
        )
    methods = _values(node, SEC + "verificationMethod", "@id")
    written_vm = proof.get("verificationMethod")
    if isinstance(written_vm, dict):
        written_vm = written_vm.get("id")
    if len(methods) != 1 or methods[0] != written_vm:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_INVALID",
            "The signature does not say which key made it.",
            "verificationMethod missing, repeated or signed as another key",
        )
    created = _values(node, _CREATED, "@value")
    jws = proof.get("jws")
    if not isinstance(jws, str) or jws.count(".") != 2:
        raise KeyProblem(Status.FAIL, "SIGNATURE_INVALID", _MALFORMED, "jws is not a compact JWS")
    header_b64, payload, signature_b64 = jws.split(".")
    if payload:
        raise KeyProblem(Status.FAIL, "SIGNATURE_INVALID", _MALFORMED, "jws is not detached")
    try:
        header = json.loads(b64url_decode(header_b64))
        signature = b64url_decode(signature_b64)
    except (ValueError, UnicodeDecodeError) as exc:
        raise KeyProblem(
            Status.FAIL, "SIGNATURE_INVALID", _MALFORMED, "jws is not base64url"
        ) from exc
    if not isinstance(header, dict):
        raise KeyProblem(
            Status.FAIL, "SIGNATURE_INVALID", _MALFORMED, "jws header is not an object"
        )
    check_header_alg(header.get("alg"))
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_INVALID",
            _MALFORMED,
            'jws header must have "b64": false and "crit": ["b64"] (RFC 7797)',
        )
    unknown = sorted(set(header) - {"alg", "b64", "crit", "kid", "typ"})
    if unknown:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_UNKNOWN_CRIT",
            "The signature requires features this verifier does not know, so it must be refused.",
            "jws header: " + ", ".join(u[:30] for u in unknown),
        )
    return LdJwsProof(
        str(written_vm),
        created[0] if len(created) == 1 else None,
        header_b64.encode("ascii"),
        header,
        signature,
    )


def alg_for(name: str, jwk: dict[str, Any], header_alg: Any) -> str:
    """The algorithm the key fixes for this suite; the header's `alg` must be the same."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    allowed = SUITE_KEYS[name]
    alg = allowed.get((str(kty), None if kty == "RSA" else crv))
    if alg is None:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_TYPE_MISMATCH",
            "The signing key does not fit the signature method.",
            f"{name} cannot be made with a {kty}/{crv} key",
        )
    if header_alg != alg:
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_ALG_MISMATCH",
            "The signature's algorithm does not match its key.",
            f"jws alg {str(header_alg)[:20]}; a {kty}/{crv} key signs {name} with {alg}",
        )
    return alg
