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

from ..codec import b64url_encode

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
    common_name: str | None
    organization: str | None
    organization_identifier: str | None
    country: str | None
    not_before: datetime | None
    not_after: datetime | None
    self_signed: bool
    issuer: str = ""  # the issuer's distinguished name, written as `subject` is


def _subject_text(native: dict[str, Any]) -> str:
    parts = []
    for key, label in _SUBJECT_LABELS:
        value = native.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value:
            parts.append(f"{label}={value}")
    return ",".join(parts)


def _one(value: Any) -> str | None:
    """A subject attribute as one string (asn1crypto gives a list when it is repeated)."""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return value if isinstance(value, str) and value else None


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
            common_name=_one(native.get("common_name")),
            organization=_one(native.get("organization_name")),
            organization_identifier=native.get("organization_identifier"),
            country=native.get("country_name"),
            not_before=validity["not_before"].native,
            not_after=validity["not_after"].native,
            self_signed=cert.self_signed != "no",
            issuer=_subject_text(cert.issuer.native),
        )
    except ValueError:
        raise
    except Exception as exc:  # asn1crypto raises many types for malformed DER
        raise ValueError(f"certificate cannot be parsed: {type(exc).__name__}") from exc


# RFC 5652 / RFC 3161 object identifiers (DER contents) on the way to a time-stamp's imprint.
_OID_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")
_OID_TST_INFO = bytes.fromhex("2a864886f70d0109100104")
# The digests the content time-stamp check accepts, named as asn1crypto names them.
_DIGEST_NAMES = {
    bytes.fromhex("608648016503040201"): "sha256",
    bytes.fromhex("608648016503040202"): "sha384",
    bytes.fromhex("608648016503040203"): "sha512",
}
# SignedData's elements (RFC 5652 §5.1): version, digestAlgorithms, encapContentInfo,
# [0] certificates and [1] crls (both optional), signerInfos.
_SIGNED_DATA_TAGS = (
    (0x02, 0x31, 0x30, 0x31),
    (0x02, 0x31, 0x30, 0xA0, 0x31),
    (0x02, 0x31, 0x30, 0xA1, 0x31),
    (0x02, 0x31, 0x30, 0xA0, 0xA1, 0x31),
)
# TSTInfo (RFC 3161 §2.4.2): version, policy, messageImprint, serialNumber, genTime, then
# accuracy, ordering and nonce, each optional (tsa and extensions are left to asn1crypto).
_TST_INFO_HEAD = (0x02, 0x06, 0x30, 0x02, 0x18)
_TST_INFO_TAILS = frozenset(
    {(), (0x30,), (0x01,), (0x02,), (0x30, 0x01), (0x30, 0x02), (0x01, 0x02), (0x30, 0x01, 0x02)}
)

_Element = tuple[int, int, int]  # (identifier octet, contents start, contents end)


def _der_elements(data: bytes, start: int, end: int) -> list[_Element] | None:
    """The DER elements that exactly fill data[start:end], or None when one is not in the plain
    form `_imprint_fast` reads (low tag numbers, definite lengths of at most 4 octets)."""
    out: list[_Element] = []
    pos = start
    while pos < end:
        if end - pos < 2 or data[pos] & 0x1F == 0x1F:
            return None
        ident, length = data[pos], data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            if not 1 <= count <= 4 or end - pos < count:
                return None
            length = int.from_bytes(data[pos : pos + count], "big")
            pos += count
        if end - pos < length:
            return None
        out.append((ident, pos, pos + length))
        pos += length
    return out


def _only(data: bytes, element: _Element, ident: int) -> _Element | None:
    """The single element of identifier `ident` that makes up `element`'s contents."""
    inner = _der_elements(data, element[1], element[2])
    if inner is None or len(inner) != 1 or inner[0][0] != ident:
        return None
    return inner[0]


def _children(data: bytes, element: _Element) -> tuple[list[_Element], tuple[int, ...]] | None:
    inner = _der_elements(data, element[1], element[2])
    return None if inner is None else (inner, tuple(e[0] for e in inner))


def _typed_content(token: bytes, element: _Element, oid: bytes) -> _Element | None:
    """The [0] element of `element` when it is SEQUENCE { OBJECT IDENTIFIER `oid`, [0] ... }
    (a ContentInfo or EncapsulatedContentInfo of that type), else None."""
    children = _children(token, element)
    if children is None or children[1] != (0x06, 0xA0):
        return None
    found, wrapped = children[0]
    return wrapped if token[found[1] : found[2]] == oid else None


def _imprint_fast(token: bytes) -> tuple[str, bytes, bytes] | None:
    """(digest name, message imprint, genTime contents) of a time-stamp token in the shape TSAs
    issue, read straight from the DER; None for anything else.

    Stricter than asn1crypto on the same path (exact lengths, no trailing data, only the
    expected tags in order, known object identifiers), so whatever it reads asn1crypto reads
    alike; everything else is left to asn1crypto (tests/verifier/test_speed_x509.py compares
    the two on generated and damaged tokens).
    """
    top = _der_elements(token, 0, len(token))
    if top is None or len(top) != 1 or top[0][0] != 0x30:
        return None
    wrapped = _typed_content(token, top[0], _OID_SIGNED_DATA)
    if wrapped is None:
        return None
    signed_data_element = _only(token, wrapped, 0x30)
    signed_data = None if signed_data_element is None else _children(token, signed_data_element)
    if signed_data is None or signed_data[1] not in _SIGNED_DATA_TAGS:
        return None
    version = signed_data[0][0]
    if token[version[1] : version[2]] != b"\x03":
        # asn1crypto reads the content of a version 1 SignedData as PKCS #7 (not a TSTInfo)
        return None
    wrapped = _typed_content(token, signed_data[0][2], _OID_TST_INFO)
    if wrapped is None:
        return None
    octets = _only(token, wrapped, 0x04)
    tst_element = None if octets is None else _only(token, octets, 0x30)
    tst = None if tst_element is None else _children(token, tst_element)
    if tst is None or tst[1][:5] != _TST_INFO_HEAD or tst[1][5:] not in _TST_INFO_TAILS:
        return None
    imprint = _children(token, tst[0][2])
    if imprint is None or imprint[1] != (0x30, 0x04):
        return None
    algorithm = _children(token, imprint[0][0])
    if algorithm is None or algorithm[1] not in ((0x06,), (0x06, 0x05)):
        return None
    if len(algorithm[0]) == 2 and algorithm[0][1][1] != algorithm[0][1][2]:
        return None  # parameters other than NULL
    name = _DIGEST_NAMES.get(token[algorithm[0][0][1] : algorithm[0][0][2]])
    if name is None:
        return None
    hashed, gen_time = imprint[0][1], tst[0][4]
    return name, token[hashed[1] : hashed[2]], token[gen_time[1] : gen_time[2]]


def timestamp_imprint(token_der: bytes) -> tuple[str, bytes, datetime | None]:
    """(hash algorithm, message imprint, genTime) of an RFC 3161 time-stamp token.

    The TSA's own signature is not validated; the imprint binds the token to the content.
    """
    from asn1crypto import core

    fast = _imprint_fast(token_der)
    if fast is not None:
        name, imprint_bytes, gen_time = fast
        try:
            # The genTime field as asn1crypto reads it inside the TSTInfo.
            return name, imprint_bytes, core.GeneralizedTime(contents=gen_time).native
        except Exception:  # asn1crypto's full path below words the error
            pass
    return timestamp_imprint_asn1crypto(token_der)


def timestamp_imprint_asn1crypto(token_der: bytes) -> tuple[str, bytes, datetime | None]:
    """`timestamp_imprint` by asn1crypto's full parse alone (any token shape)."""
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
