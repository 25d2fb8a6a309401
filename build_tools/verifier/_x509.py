"""X.509 certificate facts (asn1crypto, pure Python): public key, fingerprint, subject, validity.

Only facts are extracted here; signatures are checked by the crypto backend, and no chain is
built (eIDAS qualification is not checked; see the report wording).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from ._util import b64url_encode

_SUBJECT_LABELS = (
    ("common_name", "CN"),
    ("organization_name", "O"),
    ("organizational_unit_name", "OU"),
    ("organization_identifier", "organizationIdentifier"),
    ("serial_number", "serialNumber"),
    ("locality_name", "L"),
    ("state_or_province_name", "ST"),
    ("country_name", "C"),
)

_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384"}


@dataclass(frozen=True)
class CertInfo:
    sha256_hex: str
    jwk: dict[str, Any]
    subject: str
    organization: str | None
    organization_identifier: str | None
    country: str | None
    not_before: datetime | None
    not_after: datetime | None
    self_signed: bool


def _subject_text(native: dict[str, Any]) -> str:
    parts = []
    for key, label in _SUBJECT_LABELS:
        value = native.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value:
            parts.append(f"{label}={value}")
    return ",".join(parts)


@lru_cache(maxsize=64)
def parse_certificate(der: bytes) -> CertInfo:
    """Facts from one DER certificate (a pure function of the bytes, so cached); ValueError
    when it cannot be used."""
    from asn1crypto import x509

    try:
        cert = x509.Certificate.load(der, strict=True)
        spki = cert.public_key
        algorithm = spki.algorithm
        jwk: dict[str, Any]
        if algorithm == "rsa":
            numbers = spki["public_key"].parsed
            n = int(numbers["modulus"].native)
            e = int(numbers["public_exponent"].native)
            jwk = {
                "kty": "RSA",
                "n": b64url_encode(n.to_bytes((n.bit_length() + 7) // 8, "big")),
                "e": b64url_encode(e.to_bytes((e.bit_length() + 7) // 8, "big")),
            }
        elif algorithm == "ec":
            curve_kind, curve_name = spki.curve
            crv = _CURVE_NAMES.get(str(curve_name)) if curve_kind == "named" else None
            if crv is None:
                raise ValueError(f"unsupported curve {curve_name}")
            point = bytes(spki["public_key"].native)
            size = 32 if crv == "P-256" else 48
            if len(point) != 1 + 2 * size or point[0] != 4:
                raise ValueError("EC point is not uncompressed")
            jwk = {
                "kty": "EC",
                "crv": crv,
                "x": b64url_encode(point[1 : 1 + size]),
                "y": b64url_encode(point[1 + size :]),
            }
        elif algorithm == "ed25519":
            jwk = {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64url_encode(bytes(spki["public_key"].native)),
            }
        else:
            raise ValueError(f"unsupported key algorithm {algorithm}")
        native = cert.subject.native
        validity = cert["tbs_certificate"]["validity"]
        return CertInfo(
            sha256_hex=hashlib.sha256(der).hexdigest(),
            jwk=jwk,
            subject=_subject_text(native),
            organization=native.get("organization_name"),
            organization_identifier=native.get("organization_identifier"),
            country=native.get("country_name"),
            not_before=validity["not_before"].native,
            not_after=validity["not_after"].native,
            self_signed=cert.self_signed != "no",
        )
    except ValueError:
        raise
    except Exception as exc:  # asn1crypto raises many types for malformed DER
        raise ValueError(f"certificate cannot be parsed: {type(exc).__name__}") from exc


def timestamp_imprint(token_der: bytes) -> tuple[str, bytes, datetime | None]:
    """(hash algorithm, message imprint, genTime) of an RFC 3161 time-stamp token.

    The TSA's own signature is not validated; the imprint binds the token to the content.
    """
    from asn1crypto import cms, tsp  # tsp registers the TSTInfo content type

    del tsp

    try:
        info = cms.ContentInfo.load(token_der, strict=True)
        tst = info["content"]["encap_content_info"]["content"].parsed
        imprint = tst["message_imprint"]
        return (
            str(imprint["hash_algorithm"]["algorithm"].native),
            bytes(imprint["hashed_message"].native),
            tst["gen_time"].native,
        )
    except Exception as exc:
        raise ValueError(f"time-stamp token cannot be parsed: {type(exc).__name__}") from exc
