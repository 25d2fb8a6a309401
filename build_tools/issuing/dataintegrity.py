"""W3C Data Integrity proofs: eddsa-rdfc-2022 (Ed25519) and ecdsa-rdfc-2019 (P-256).

The steps follow VC-DI-EdDSA §3.3 ("Add Proof (eddsa-rdfc-2022)": Transformation, Hashing,
Proof Configuration, Proof Serialization) and VC-DI-ECDSA §3.3 for P-256:

1. proof options = type, cryptosuite, created, verificationMethod, proofPurpose;
2. proof config = the options plus the document's `@context`, canonicalised with RDFC-1.0;
3. the document without `proof`, canonicalised with RDFC-1.0;
4. hashData = SHA-256(canonical proof config) || SHA-256(canonical document)
   (the proof hash comes first);
5. signature over hashData: Ed25519 (pure), or ECDSA P-256/SHA-256 in raw r||s form,
   deterministic (RFC 6979) so that reruns give the same bytes;
6. proofValue = multibase base58btc (`z…`) of the signature.

Canonicalisation is `build_tools.verifier.jsonld.canonize`: the same strict code (bundled
contexts only, no dropped terms) that the verifier uses.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from build_tools.verifier.codec import b58encode
from build_tools.verifier.jsonld import canonize

from ._common import IssuingError, format_utc
from .keys import PrivateKey, PublicKey, sign

__all__ = ["add_proof", "cryptosuite_for", "hash_data", "proof_options", "sign_single"]


def cryptosuite_for(key: PrivateKey | PublicKey) -> str:
    """eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for P-256; RSA has no Data Integrity suite."""
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "eddsa-rdfc-2022"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) and isinstance(
        key.curve, ec.SECP256R1
    ):
        return "ecdsa-rdfc-2019"
    raise IssuingError(
        "This key cannot make a Data Integrity proof.",
        hint="Use an EdDSA (Ed25519) or ES256 (P-256) key; RSA keys have no Data Integrity "
        "cryptosuite.",
        code="KEY_NOT_DATA_INTEGRITY",
    )


def proof_options(
    *,
    cryptosuite: str,
    created: dt.datetime | str,
    verification_method: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, str]:
    """The proof without `proofValue`, members in the order of the W3C test vectors."""
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": created if isinstance(created, str) else format_utc(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }


def hash_data(document: dict[str, Any], options: dict[str, Any]) -> tuple[bytes, str, str]:
    """(hashData, canonical proof config, canonical document) for a document and its options."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" not in unsecured:
        raise IssuingError("The document has no @context.")
    config = {k: v for k, v in options.items() if k != "proofValue"}
    config["@context"] = copy.deepcopy(unsecured["@context"])
    canonical_config = canonize(config)
    canonical_document = canonize(unsecured)
    digest = (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )
    return digest, canonical_config, canonical_document


def add_proof(
    document: dict[str, Any],
    *,
    private_key: PrivateKey,
    verification_method: str,
    created: dt.datetime | str,
) -> dict[str, Any]:
    """A copy of `document` with a Data Integrity proof appended.

    An existing single proof becomes a proof set; the 1EdTech OB 3.0 JSON Schema wants `proof`
    as an array, so the result always holds a list.
    """
    suite = cryptosuite_for(private_key)
    options = proof_options(
        cryptosuite=suite, created=created, verification_method=verification_method
    )
    digest, _, _ = hash_data(document, options)
    proof = {**options, "proofValue": "z" + b58encode(sign(private_key, digest))}
    signed = copy.deepcopy(document)
    existing = signed.pop("proof", None)
    proofs = [] if existing is None else (existing if isinstance(existing, list) else [existing])
    signed["proof"] = [*proofs, proof]
    return signed


def sign_single(
    document: dict[str, Any],
    *,
    private_key: PrivateKey,
    verification_method: str,
    created: dt.datetime | str,
) -> dict[str, Any]:
    """Like `add_proof`, but `proof` is one object (as in the W3C test vectors)."""
    signed = add_proof(
        document, private_key=private_key, verification_method=verification_method, created=created
    )
    signed["proof"] = signed["proof"][-1]
    return signed
