"""Issuer key listings for the site: JWKS, did:web documents, status list copies, key facts.

`render_issuer_listings(catalogue)` returns, per issuer:

- `issuers/<slug>/jwks.json`: a JWK Set (RFC 7517 §5) of the keys verifiers may use: signing
  and eSeal keys that are not compromised, each with `kid`, `alg`, `use: sig`, `x5c` and
  `x5t#S256` when there is a certificate. Retired keys stay listed, because credentials issued
  before retirement remain valid; compromised keys are left out, so that tools which know only
  this file cannot accept them.
- `issuers/<slug>/did.json`: the did:web document (`did:web:<host>[:<path>]:issuers:<slug>`).
  Every usable signing key appears as `{did}#{kid}`: a Multikey (Ed25519, P-256) or, for RSA,
  a JsonWebKey; Multikey keys also appear as a JsonWebKey `{did}#{kid}-jwk` for JOSE tools.
  All of them are in `assertionMethod`.
- `issuers/<slug>/status/<list_id>.json`: byte copies of the committed, signed status lists.

`key_facts(catalogue, issuer, key)` is one registry key entry, exactly the docs/interfaces.md
`registry.json` shape; the site renders the keys tables from it, with `key_status_label()` for
the status (the registry keeps the code).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from build_tools.catalogue.model import Catalogue, Issuer, IssuerKey
from build_tools.errors import CredsiteError
from build_tools.i18n import N_, _
from build_tools.issuing._common import format_utc
from build_tools.issuing.keys import (
    cert_sha256,
    cert_subject,
    did_url,
    issuer_did,
    load_certificate,
    multikey,
    public_jwk,
    public_key_from_jwk,
)
from build_tools.verifier.codec import jwk_thumbprint

__all__ = ["did_document", "jwks", "key_facts", "key_status_label", "render_issuer_listings"]

DID_CONTEXTS = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/jwk/v1",
]


# A key's status as the keys tables show it (the keys page explains each word).
KEY_STATUS_LABELS: dict[str, str] = {
    "active": N_("active"),
    "retired": N_("retired"),
    "compromised": N_("compromised"),
}


def key_status_label(status: str) -> str:
    """The status of a key in the active language ("active", "retired", "compromised")."""
    return _(KEY_STATUS_LABELS[status]) if status in KEY_STATUS_LABELS else status


def _key_jwk(key: IssuerKey) -> dict[str, str] | None:
    """The public JWK of a key: as listed, or taken from its certificate (eSeal entries)."""
    if key.jwk:
        return {str(k): str(v) for k, v in key.jwk.items()}
    if key.certificate_pem:
        try:
            cert = load_certificate(key.certificate_pem)
            return public_jwk(cert.public_key())  # type: ignore[arg-type]
        except (CredsiteError, ValueError, TypeError, KeyError):
            return None
    return None


def _cert(key: IssuerKey) -> Any:
    if not key.certificate_pem:
        return None
    try:
        return load_certificate(key.certificate_pem)
    except CredsiteError:
        return None


def key_facts(catalogue: Catalogue, issuer: Issuer, key: IssuerKey) -> dict[str, Any]:
    """One key as listed in registry.json (docs/interfaces.md), derived from the key itself."""
    jwk = _key_jwk(key)
    cert = _cert(key)
    try:
        thumbprint = jwk_thumbprint(jwk) if jwk else None
    except ValueError:
        thumbprint = None
    return {
        "kid": key.kid,
        "alg": key.alg,
        "use": key.use,
        "status": key.status,
        "valid_from": format_utc(key.valid_from) if key.valid_from else None,
        "valid_until": format_utc(key.valid_until) if key.valid_until else None,
        "jwk": jwk or {},
        "thumbprint": thumbprint,
        "did_url": did_url(catalogue.alliance.site_url, issuer.slug, key.kid),
        "cert_sha256": cert_sha256(cert) if cert is not None else None,
        "cert_subject": cert_subject(cert) if cert is not None else None,
    }


def jwks(catalogue: Catalogue, issuer: Issuer) -> dict[str, Any]:
    keys = []
    for key in issuer.keys:
        if key.status == "compromised":
            continue
        jwk = _key_jwk(key)
        if not jwk:
            continue
        entry: dict[str, Any] = {**jwk, "kid": key.kid, "alg": key.alg, "use": "sig"}
        cert = _cert(key)
        if cert is not None:
            der = cert.public_bytes(serialization.Encoding.DER)
            entry["x5c"] = [base64.b64encode(der).decode("ascii")]
            entry["x5t#S256"] = (
                base64.urlsafe_b64encode(bytes.fromhex(cert_sha256(cert)))
                .rstrip(b"=")
                .decode("ascii")
            )
        keys.append(entry)
    return {"keys": keys}


def did_document(catalogue: Catalogue, issuer: Issuer) -> dict[str, Any]:
    did = issuer_did(catalogue.alliance.site_url, issuer.slug)
    methods: list[dict[str, Any]] = []
    for key in issuer.keys:
        if key.use != "signing" or key.status == "compromised" or not key.jwk:
            continue
        jwk = _key_jwk(key)
        if not jwk:
            continue
        try:
            public = public_key_from_jwk(jwk)
        except CredsiteError:
            continue
        multibase = multikey(public)
        if multibase:
            methods.append(
                {
                    "id": f"{did}#{key.kid}",
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": multibase,
                }
            )
            methods.append(
                {
                    "id": f"{did}#{key.kid}-jwk",
                    "type": "JsonWebKey",
                    "controller": did,
                    "publicKeyJwk": jwk,
                }
            )
        else:
            methods.append(
                {
                    "id": f"{did}#{key.kid}",
                    "type": "JsonWebKey",
                    "controller": did,
                    "publicKeyJwk": jwk,
                }
            )
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "alsoKnownAs": [f"{catalogue.alliance.site_url}issuers/{issuer.slug}/"],
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render_issuer_listings(catalogue: Catalogue) -> dict[str, bytes]:
    """{site path: bytes} for every issuer's jwks.json, did.json and status lists."""
    out: dict[str, bytes] = {}
    root = Path(catalogue.root)
    for slug, issuer in catalogue.issuers.items():
        out[f"issuers/{slug}/jwks.json"] = _json(jwks(catalogue, issuer))
        out[f"issuers/{slug}/did.json"] = _json(did_document(catalogue, issuer))
        for status_list in issuer.status_lists:
            source = root / status_list.path
            try:
                out[f"issuers/{slug}/status/{status_list.list_id}.json"] = source.read_bytes()
            except OSError:
                continue  # the loader reported unreadable files already
    return out
