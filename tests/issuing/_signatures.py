"""A signature check for Data Integrity proofs on documents that no registry vouches for.

Issued credentials are checked end to end with the project's verifier (`_world.verify_report`).
The W3C and 1EdTech vectors and stand-alone status lists are signed with keys that no catalogue
holds, so their proofs are checked here: the proof's hash data from the issuing code, the
signature through the verifier's own crypto backend.
"""

from __future__ import annotations

from typing import Any

from build_tools.issuing.dataintegrity import hash_data
from build_tools.issuing.keys import PublicKey, public_jwk
from build_tools.verifier.codec import b58decode
from build_tools.verifier.crypto_cpython import verify_signature_sync

_ALG = {"eddsa-rdfc-2022": "EdDSA", "ecdsa-rdfc-2019": "ES256"}


def proof_verifies(document: dict[str, Any], public_key: PublicKey) -> bool:
    """Every proof of `document` is a valid signature by `public_key`."""
    proofs = document.get("proof")
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not isinstance(proofs, list) or not proofs:
        return False
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    jwk = public_jwk(public_key)
    for proof in proofs:
        value = proof.get("proofValue") if isinstance(proof, dict) else None
        alg = _ALG.get(proof.get("cryptosuite", "")) if isinstance(proof, dict) else None
        if alg is None or not isinstance(value, str) or not value.startswith("z"):
            return False
        digest, _, _ = hash_data(unsecured, proof)
        try:
            if not verify_signature_sync(
                jwk=jwk, alg=alg, message=digest, signature=b58decode(value[1:])
            ):
                return False
        except ValueError:  # a key of the other kind, or a proof value that is not base58
            return False
    return True
