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
from cryptography.hazmat.primitives import serialization

from build_tools.verifier.codec import b64url_encode

from ._common import IssuingError, format_utc
from .keys import PrivateKey, alg_of, sign

__all__ = ["issuer_serial_kid", "payload_text", "seal", "signing_input"]


def payload_text(credential: dict[str, Any]) -> str:
    """The credential as compact JSON text (UTF-8, no ASCII escaping), as the sample has it."""
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def issuer_serial_kid(cert: x509.Certificate) -> str:
    """base64 (standard alphabet) of DER IssuerSerial {issuer GeneralNames, serialNumber}."""
    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    issuer_serial = asn1_cms.IssuerSerial(
        {
            "issuer": asn1_x509.GeneralNames(
                [asn1_x509.GeneralName(name="directory_name", value=parsed.issuer)]
            ),
            "serial": parsed.serial_number,
        }
    )
    return base64.b64encode(issuer_serial.dump()).decode("ascii")


def protected_header(
    *, alg: str, cert: x509.Certificate, signing_time: dt.datetime
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


def seal(
    credential: dict[str, Any] | str,
    *,
    private_key: PrivateKey,
    certificate: x509.Certificate,
    signing_time: dt.datetime,
) -> dict[str, Any]:
    """Seal a credential: the JAdES JSON document `{"payload", "signatures"}`."""
    cert_key = certificate.public_key()
    own = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if (
        cert_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        != own
    ):
        raise IssuingError(
            "The certificate does not belong to the signing key.", code="CERTIFICATE_KEY_MISMATCH"
        )
    payload = credential if isinstance(credential, str) else payload_text(credential)
    header = protected_header(alg=alg_of(private_key), cert=certificate, signing_time=signing_time)
    protected = b64url_encode(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    signature = sign(private_key, signing_input(protected, payload))
    return {
        "payload": payload,
        "signatures": [{"protected": protected, "signature": b64url_encode(signature)}],
    }
