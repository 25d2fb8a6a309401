"""JAdES sealing of EDC credentials, shaped like the EU's EDC issuer (EDCI) output.

The official sealed sample (`Sample-MC-Annex1-signed.jsonld`, ELM repository) is a JWS in
general JSON serialization with an unencoded payload:

    {"payload": "<credential JSON text>",
     "signatures": [{"protected": "<base64url(header)>", "signature": "<base64url>"}]}

Protected header, in the sample's member order: `alg`, `cty` ("octet-stream"), `kid`
(base64 of the DER `IssuerSerial` of the certificate, ETSI TS 119 182-1 §5.1.4 / RFC 5035),
`x5t#S256`, `x5c` (the signing certificate, standard base64 DER), `typ` ("jose+json"),
`b64` false (RFC 7797), `sigT` (claimed signing time, ETSI TS 119 182-1 §5.2.1) and
`crit` ["b64", "sigT"]. The signing input is ASCII(protected) || "." || the payload bytes as
stored (RFC 7797 §3), so the payload string must never be re-serialised after sealing.

The EU sample is JAdES-B-LTA: it adds a content timestamp (`adoTst`) and unprotected `etsiU`
timestamps and validation data from a TSA. We seal at JAdES-B-B level (no TSA exists offline):
the same signature, without timestamps.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from build_tools.verifier.codec import b64url_decode, b64url_encode

from ._common import IssuingError, format_utc
from .keys import PrivateKey, alg_of

__all__ = ["issuer_serial_kid", "payload_text", "seal", "signing_input", "verify_seal"]


def payload_text(credential: dict[str, Any]) -> str:
    """The credential as compact JSON text (UTF-8, no ASCII escaping), as the sample has it."""
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def issuer_serial_kid(cert: x509.Certificate) -> str:
    """base64 (standard alphabet) of DER IssuerSerial {issuer GeneralNames, serialNumber}."""
    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    issuer_serial = asn1_cms.IssuerSerial({
        "issuer": asn1_x509.GeneralNames([
            asn1_x509.GeneralName(name="directory_name", value=parsed.issuer)]),
        "serial": parsed.serial_number,
    })
    return base64.b64encode(issuer_serial.dump()).decode("ascii")


def protected_header(*, alg: str, cert: x509.Certificate, signing_time: dt.datetime
                     ) -> dict[str, Any]:
    der = cert.public_bytes(serialization.Encoding.DER)
    return {
        "alg": alg,
        "cty": "octet-stream",
        "kid": issuer_serial_kid(cert),
        "x5t#S256": b64url_encode(hashlib.sha256(der).digest()),
        "x5c": [base64.b64encode(der).decode("ascii")],
        "typ": "jose+json",
        "b64": False,
        "sigT": format_utc(signing_time),
        "crit": ["b64", "sigT"],
    }


def signing_input(protected_b64: str, payload: str) -> bytes:
    """RFC 7797 §3: ASCII(BASE64URL(UTF8(JWS Protected Header))) || '.' || JWS Payload."""
    return protected_b64.encode("ascii") + b"." + payload.encode("utf-8")


def _sign(key: PrivateKey, data: bytes) -> bytes:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = hashes.SHA256() if isinstance(key.curve, ec.SECP256R1) else hashes.SHA384()
        der = key.sign(data, ec.ECDSA(algorithm, deterministic_signing=True))
        r, s = decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")  # RFC 7518 §3.4: r || s
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise IssuingError("Unsupported key type for sealing.")


def seal(credential: dict[str, Any] | str, *, private_key: PrivateKey,
         certificate: x509.Certificate, signing_time: dt.datetime) -> dict[str, Any]:
    """Seal a credential: the JAdES JSON document `{"payload", "signatures"}`."""
    cert_key = certificate.public_key()
    own = private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    if cert_key.public_bytes(serialization.Encoding.DER,
                             serialization.PublicFormat.SubjectPublicKeyInfo) != own:
        raise IssuingError("The certificate does not belong to the signing key.",
                           code="CERTIFICATE_KEY_MISMATCH")
    payload = credential if isinstance(credential, str) else payload_text(credential)
    header = protected_header(alg=alg_of(private_key), cert=certificate,
                              signing_time=signing_time)
    protected = b64url_encode(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    signature = _sign(private_key, signing_input(protected, payload))
    return {"payload": payload, "signatures": [{"protected": protected,
                                                 "signature": b64url_encode(signature)}]}


def verify_seal(document: dict[str, Any]) -> bool:
    """Check every signature with the certificate in its own `x5c` (our independent check).

    Trust (is this certificate registered?) is the verifier's job; this only proves integrity.
    """
    try:
        payload = document["payload"]
        signatures = document["signatures"]
        if not isinstance(payload, str) or not signatures:
            return False
        for entry in signatures:
            header = json.loads(b64url_decode(entry["protected"]))
            if header.get("b64") is not False or "b64" not in header.get("crit", []):
                return False
            cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
            der = cert.public_bytes(serialization.Encoding.DER)
            if header.get("x5t#S256") != b64url_encode(hashlib.sha256(der).digest()):
                return False
            data = signing_input(entry["protected"], payload)
            signature = b64url_decode(entry["signature"])
            key = cert.public_key()
            alg = header.get("alg")
            if isinstance(key, ed25519.Ed25519PublicKey) and alg == "EdDSA":
                key.verify(signature, data)
            elif isinstance(key, ec.EllipticCurvePublicKey) and alg in ("ES256", "ES384"):
                size = (key.curve.key_size + 7) // 8
                if len(signature) != 2 * size:
                    return False
                algorithm = hashes.SHA256() if alg == "ES256" else hashes.SHA384()
                key.verify(encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                                int.from_bytes(signature[size:], "big")),
                           data, ec.ECDSA(algorithm))
            elif isinstance(key, rsa.RSAPublicKey) and alg == "RS256":
                key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            else:
                return False
        return True
    except (InvalidSignature, KeyError, TypeError, ValueError, IndexError):
        return False
