"""Test credentials made with `cryptography`: keys, a registry, EDC (JAdES), OB 3.0 (Data
Integrity), JWTs and status lists, so the verifier suite stands alone.

Keys are derived from fixed seeds, so every run signs the same bytes (RSA keys are generated
once per process: RSA has no seed API).
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from build_tools.verifier.codec import b58encode, jwk_thumbprint
from build_tools.verifier.jsonld import canonize

SITE = "https://alliance.example/credentials/"
HOST_DID = "did:web:alliance.example:credentials"
NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EDC_AP = "http://data.europa.eu/snb/model/context/edc-ap"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- keys


@dataclass
class Key:
    issuer: str
    kid: str
    kind: str  # "Ed25519" | "P-256" | "P-384" | "RSA"
    private: Any
    status: str = "active"
    valid_from: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    valid_until: datetime | None = None
    use: str = "signing"
    cert_der: bytes | None = None

    @property
    def did(self) -> str:
        return f"{HOST_DID}:issuers:{self.issuer}"

    @property
    def vm(self) -> str:
        return f"{self.did}#{self.kid}"

    @property
    def alg(self) -> str:
        return {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384", "RSA": "RS256"}[self.kind]

    @property
    def jwk(self) -> dict[str, str]:
        pub = self.private.public_key()
        if self.kind == "Ed25519":
            raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "x": b64u(raw)}
        if self.kind in ("P-256", "P-384"):
            nums = pub.public_numbers()
            size = 32 if self.kind == "P-256" else 48
            return {
                "kty": "EC",
                "crv": self.kind,
                "x": b64u(nums.x.to_bytes(size, "big")),
                "y": b64u(nums.y.to_bytes(size, "big")),
            }
        nums = pub.public_numbers()
        return {
            "kty": "RSA",
            "n": b64u(nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big")),
            "e": b64u(nums.e.to_bytes(3, "big")),
        }

    def sign(self, message: bytes) -> bytes:
        if self.kind == "Ed25519":
            return bytes(self.private.sign(message))
        if self.kind in ("P-256", "P-384"):
            digest = hashes.SHA256() if self.kind == "P-256" else hashes.SHA384()
            der = self.private.sign(message, ec.ECDSA(digest))
            r, s = decode_dss_signature(der)
            size = 32 if self.kind == "P-256" else 48
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")
        return bytes(self.private.sign(message, padding.PKCS1v15(), hashes.SHA256()))

    def registry_entry(self) -> dict[str, Any]:
        cert_sha = hashlib.sha256(self.cert_der).hexdigest() if self.cert_der else None
        return {
            "kid": self.kid,
            "alg": self.alg,
            "use": self.use,
            "status": self.status,
            "valid_from": iso(self.valid_from),
            "valid_until": iso(self.valid_until) if self.valid_until else None,
            "jwk": self.jwk,
            "thumbprint": jwk_thumbprint(self.jwk),
            "did_url": self.vm,
            "cert_sha256": cert_sha,
            "cert_subject": f"CN={self.issuer} seal,O={self.issuer.upper()},C=LV"
            if cert_sha
            else None,
        }


def _seed(label: str) -> bytes:
    return hashlib.sha256(b"credsite-test-" + label.encode()).digest()


def _private(kind: str, label: str) -> Any:
    if kind == "Ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(_seed(label))
    if kind in ("P-256", "P-384"):
        curve = ec.SECP256R1() if kind == "P-256" else ec.SECP384R1()
        order = (
            0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
            if kind == "P-256"
            else int(
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
                "581A0DB248B0A77AECEC196ACCC52973",
                16,
            )
        )
        return ec.derive_private_key(int.from_bytes(_seed(label), "big") % (order - 1) + 1, curve)
    return _rsa(label)


@cache
def _rsa(label: str) -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def self_signed(key: Key, *, cn: str, org: str, country: str = "LV") -> bytes:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        ]
    )
    algorithm = None if key.kind == "Ed25519" else hashes.SHA256()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.private.public_key())
        .serial_number(int.from_bytes(_seed(key.kid)[:8], "big"))
        .not_valid_before(datetime(2026, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2031, 1, 1, tzinfo=UTC))
        .sign(key.private, algorithm)
    )
    return cert.public_bytes(serialization.Encoding.DER)


@cache
def keys() -> dict[str, Key]:
    out = {
        "lu-ed": Key("lu", "lu-ed-1", "Ed25519", _private("Ed25519", "lu-ed")),
        "lu-es": Key("lu", "lu-es256-1", "P-256", _private("P-256", "lu-es")),
        "lu-es384": Key("lu", "lu-es384-1", "P-384", _private("P-384", "lu-es384")),
        "lu-rsa": Key("lu", "lu-rs256-1", "RSA", _private("RSA", "lu-rsa")),
        "lu-old": Key(
            "lu",
            "lu-ed-2025",
            "Ed25519",
            _private("Ed25519", "lu-old"),
            status="retired",
            valid_from=datetime(2025, 1, 1, tzinfo=UTC),
            valid_until=datetime(2026, 3, 1, tzinfo=UTC),
        ),
        "lu-bad": Key(
            "lu", "lu-ed-leaked", "Ed25519", _private("Ed25519", "lu-bad"), status="compromised"
        ),
        "jyu-ed": Key("jyu", "jyu-ed-1", "Ed25519", _private("Ed25519", "jyu-ed")),
        "jyu-es": Key("jyu", "jyu-es256-1", "P-256", _private("P-256", "jyu-es")),
    }
    out["lu-rsa"].cert_der = self_signed(out["lu-rsa"], cn="LU seal", org="University of Latvia")
    out["lu-es"].cert_der = self_signed(out["lu-es"], cn="LU seal ES", org="University of Latvia")
    return out


def stranger(kind: str = "Ed25519") -> Key:
    """A key no registry lists."""
    key = Key("stranger", "x-1", kind, _private(kind, "stranger-" + kind))
    if kind in ("RSA", "P-256"):
        key.cert_der = self_signed(key, cn="Stranger seal", org="Elsewhere Ltd", country="EE")
    return key


def did_key(key: Key) -> str:
    pub = key.private.public_key()
    if key.kind == "Ed25519":
        raw = b"\xed\x01" + pub.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
    else:
        header = b"\x80\x24" if key.kind == "P-256" else b"\x81\x24"
        raw = header + pub.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
    value = "z" + b58encode(raw)
    return f"did:key:{value}"


# --------------------------------------------------------------------------- registry

OFFER_ID = "intro-ai"
OFFER_IRI = f"{SITE}offers/{OFFER_ID}/"
SPEC_ID = f"{SITE}offers/{OFFER_ID}/elm.jsonld#specification"
TITLE = {"en": "Introduction to Artificial Intelligence"}
OUTCOMES = [
    {"en": "Explain the main families of machine-learning methods."},
    {"en": "Apply a supervised learning method to a small data set."},
]


def status_url(slug: str, list_id: str = "1") -> str:
    return f"{SITE}issuers/{slug}/status/{list_id}.json"


def registry_dict(extra_keys: list[Key] | None = None) -> dict[str, Any]:
    ks = list(keys().values()) + list(extra_keys or [])
    issuers = {}
    for slug, name, country in (
        ("lu", "University of Latvia", "LV"),
        ("jyu", "University of Jyväskylä", "FI"),
    ):
        issuers[slug] = {
            "slug": slug,
            "name": name,
            "legal_name": {"en": name},
            "country": country,
            "homepage": f"https://{slug}.example/",
            "page": f"issuers/{slug}/",
            "did": f"{HOST_DID}:issuers:{slug}",
            "identifiers": {"erasmus": None, "schac": None, "deqar": None},
            "keys": [k.registry_entry() for k in ks if k.issuer == slug],
            "status_lists": [
                {
                    "url": status_url(slug),
                    "path": f"issuers/{slug}/status/1.json",
                    "purpose": "revocation",
                }
            ],
        }
    return {
        "format": "credsite-registry/1",
        "site_url": SITE,
        "alliance": {"name": "FORTHEM", "demo": True},
        "issuers": issuers,
        "offers": {
            OFFER_ID: {
                "id": OFFER_ID,
                "iri": OFFER_IRI,
                "page": f"offers/{OFFER_ID}/",
                "specification_id": SPEC_ID,
                "awarding_bodies": ["lu"],
                "title": TITLE,
                "ects": 5,
                "eqf": 6,
                "learning_outcomes": OUTCOMES,
                "version": "1.2",
                "content_hash": "sha256:" + "0" * 64,
                "previous_versions": [
                    {
                        "version": "1.1",
                        "title": TITLE,
                        "ects": 4,
                        "eqf": 6,
                        "learning_outcomes": OUTCOMES,
                        "content_hash": "sha256:" + "1" * 64,
                    }
                ],
            }
        },
        "pathways": {},
    }


# --------------------------------------------------------------------------- OB 3.0 / DI


def ob3_credential(
    *,
    issuer: str = "lu",
    ects: float = 5,
    title: dict[str, str] | None = None,
    status_index: int | None = None,
    valid_until: datetime | None = None,
    issued: datetime = datetime(2026, 6, 1, tzinfo=UTC),
) -> dict[str, Any]:
    cred: dict[str, Any] = {
        "@context": [V2, OB3],
        "id": "urn:uuid:4f0c2a9e-4d7b-4c8e-9f0a-3b1c2d3e4f50",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": f"{HOST_DID}:issuers:{issuer}",
            "type": ["Profile"],
            "name": "University of Latvia",
        },
        "validFrom": iso(issued),
        "name": (title or TITLE)["en"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Ada Lovelace",
            "achievement": {
                "id": OFFER_IRI,
                "type": ["Achievement"],
                "name": (title or TITLE)["en"],
                "description": "A five-credit micro-credential.",
                "criteria": {"narrative": "Pass the final project."},
                "creditsAvailable": ects,
            },
        },
    }
    if valid_until is not None:
        cred["validUntil"] = iso(valid_until)
    if status_index is not None:
        cred["credentialStatus"] = {
            "id": status_url(issuer) + f"#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_url(issuer),
        }
    return cred


def sign_di(
    doc: dict[str, Any],
    key: Key,
    *,
    vm: str | None = None,
    cryptosuite: str | None = None,
    created: datetime | None = None,
    proof_type: str = "DataIntegrityProof",
    purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """vc-di-eddsa / vc-di-ecdsa "Add Proof": hash(proof config) || hash(document)."""
    unsecured = copy.deepcopy(doc)
    unsecured.pop("proof", None)
    suite = cryptosuite or ("eddsa-rdfc-2022" if key.kind == "Ed25519" else "ecdsa-rdfc-2019")
    proof: dict[str, Any] = {"type": proof_type}
    if proof_type == "DataIntegrityProof":
        proof["cryptosuite"] = suite
    proof.update(
        {
            "created": iso(created or datetime(2026, 6, 1, tzinfo=UTC)),
            "verificationMethod": vm or key.vm,
            "proofPurpose": purpose,
        }
    )
    config = dict(proof)
    config["@context"] = unsecured["@context"]
    digest = hashlib.sha384 if key.kind == "P-384" else hashlib.sha256
    message = (
        digest(canonize(config).encode()).digest() + digest(canonize(unsecured).encode()).digest()
    )
    proof["proofValue"] = "z" + b58encode(key.sign(message))
    unsecured["proof"] = proof
    return unsecured


def sign_ld_jws(
    doc: dict[str, Any], key: Key, *, proof_type: str = "JsonWebSignature2020"
) -> dict[str, Any]:
    """Ed25519Signature2018 / JsonWebSignature2020: a detached JWS (b64: false) over
    hash(proof options) || hash(document); RSA keys sign PS256 (JWS 2020)."""
    unsecured = copy.deepcopy(doc)
    unsecured.pop("proof", None)
    proof: dict[str, Any] = {
        "type": proof_type,
        "created": iso(datetime(2026, 6, 1, tzinfo=UTC)),
        "verificationMethod": key.vm,
        "proofPurpose": "assertionMethod",
    }
    config = dict(proof)
    config["@context"] = unsecured["@context"]
    alg = "PS256" if key.kind == "RSA" else key.alg
    header = b64u(json.dumps({"alg": alg, "b64": False, "crit": ["b64"]}).encode())
    message = (
        header.encode()
        + b"."
        + hashlib.sha256(canonize(config).encode()).digest()
        + hashlib.sha256(canonize(unsecured).encode()).digest()
    )
    if key.kind == "RSA":
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        signature = key.private.sign(message, pss, hashes.SHA256())
    else:
        signature = key.sign(message)
    proof["jws"] = header + ".." + b64u(signature)
    unsecured["proof"] = proof
    return unsecured


def dumps(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


# --------------------------------------------------------------------------- EDC / JAdES


def edc_credential(
    *,
    ects: str = "5",
    issued: datetime = datetime(2026, 6, 1, tzinfo=UTC),
    issuer_slug: str = "lu",
    org_id: str | None = None,
) -> dict[str, Any]:
    country = {
        "id": "http://publications.europa.eu/resource/authority/country/LVA",
        "type": "Concept",
        "inScheme": {
            "id": "http://publications.europa.eu/resource/authority/country",
            "type": "ConceptScheme",
        },
    }
    org = {
        "id": org_id or f"{SITE}issuers/{issuer_slug}/#org",
        "type": "Organisation",
        "legalName": {"en": "University of Latvia"},
        "location": {
            "id": "urn:epass:location:1",
            "type": "Location",
            "address": {"id": "urn:epass:address:1", "type": "Address", "countryCode": country},
        },
        "eIDASIdentifier": {
            "id": "urn:epass:legalIdentifier:1",
            "type": "LegalIdentifier",
            "notation": "LV90000076669",
            "spatial": country,
        },
        "accreditation": {
            "id": "urn:epass:accreditation:1",
            "type": "Accreditation",
            "title": {"en": "Institutional accreditation"},
        },
    }
    concept = {"type": "Concept"}
    return {
        "@context": [V1, EDC_AP],
        "id": "urn:credential:7d3f1b2a-9c4e-4e5f-8a6b-1c2d3e4f5a6b",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": org,
        "issued": iso(issued),
        "issuanceDate": iso(issued),
        "validFrom": iso(issued),
        "credentialSubject": {
            "id": "urn:epass:person:1",
            "type": "Person",
            "fullName": {"en": "Ada Lovelace"},
            "dateOfBirth": "2000-01-01T00:00:00Z",
            "hasClaim": {
                "id": "urn:epass:learningAchievement:1",
                "type": "LearningAchievement",
                "title": TITLE,
                "awardedBy": {
                    "id": "urn:epass:awardingProcess:1",
                    "type": "AwardingProcess",
                    "awardingBody": org,
                },
                "provenBy": {
                    "id": "urn:epass:assessment:1",
                    "type": "LearningAssessment",
                    "title": {"en": "Final project"},
                    "grade": {
                        "id": "urn:epass:note:1",
                        "type": "Note",
                        "noteLiteral": {"en": "Pass"},
                    },
                    "awardedBy": {"id": "urn:epass:awardingProcess:1"},
                    "specifiedBy": {
                        "id": "urn:epass:assessmentSpec:1",
                        "type": "LearningAssessmentSpecification",
                        "title": {"en": "Project"},
                        "dcType": {
                            **concept,
                            "id": "http://data.europa.eu/snb/assessment/795dac4096",
                        },
                    },
                },
                "specifiedBy": {
                    "id": SPEC_ID,
                    "type": "Qualification",
                    "title": TITLE,
                    "eqfLevel": {**concept, "id": "http://data.europa.eu/snb/eqf/6"},
                    "creditPoint": {
                        "id": "urn:epass:creditPoint:1",
                        "type": "CreditPoint",
                        "framework": {
                            **concept,
                            "id": "http://data.europa.eu/snb/education-credit/6fcec5c5af",
                        },
                        "point": ects,
                    },
                    "mode": {
                        **concept,
                        "id": "http://data.europa.eu/snb/learning-assessment/920fbb3cbe",
                    },
                    "learningOutcome": [
                        {
                            "id": f"{SITE}offers/{OFFER_ID}/elm.jsonld#outcome-{i}",
                            "type": "LearningOutcome",
                            "title": o,
                        }
                        for i, o in enumerate(OUTCOMES, 1)
                    ],
                },
            },
        },
    }


def sign_jades(
    payload: dict[str, Any] | str,
    key: Key,
    *,
    header: dict[str, Any] | None = None,
    x5c: bool = True,
    crit: list[str] | None = None,
    b64: bool = False,
    sig_time: datetime = datetime(2026, 6, 1, tzinfo=UTC),
) -> bytes:
    """JWS JSON serialization with an unencoded payload, as EDC seals credentials."""
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    protected: dict[str, Any] = {
        "alg": key.alg,
        "typ": "jose+json",
        "cty": "octet-stream",
        "kid": key.kid,
        "sigT": iso(sig_time),
    }
    if not b64:
        protected["b64"] = False
    protected["crit"] = crit if crit is not None else (["b64", "sigT"] if not b64 else ["sigT"])
    if x5c and key.cert_der:
        protected["x5c"] = [base64.b64encode(key.cert_der).decode()]
        protected["x5t#S256"] = b64u(hashlib.sha256(key.cert_der).digest())
    protected.update(header or {})
    protected = {k: v for k, v in protected.items() if v is not None}
    head = b64u(json.dumps(protected).encode())
    body = b64u(text.encode()) if b64 else text
    signature = key.sign(head.encode() + b"." + body.encode())
    return json.dumps(
        {"payload": body, "signatures": [{"protected": head, "signature": b64u(signature)}]}
    ).encode()


# --------------------------------------------------------------------------- JWT


def sign_jwt(payload: dict[str, Any], key: Key, *, header: dict[str, Any] | None = None) -> str:
    head: dict[str, Any] = {"alg": key.alg, "typ": "vc+jwt", "kid": key.vm}
    head.update(header or {})
    head = {k: v for k, v in head.items() if v is not None}
    h = b64u(json.dumps(head).encode())
    p = b64u(json.dumps(payload).encode())
    return f"{h}.{p}.{b64u(key.sign(f'{h}.{p}'.encode()))}"


def forge_jwt(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    h = b64u(json.dumps(header).encode())
    p = b64u(json.dumps(payload).encode())
    return f"{h}.{p}.{b64u(signature)}"


# --------------------------------------------------------------------------- status lists


def status_list(
    *,
    issuer: str = "lu",
    key_name: str = "lu-ed",
    revoked: tuple[int, ...] = (),
    bits: int = 131_072,
) -> dict[str, Any]:
    data = bytearray(bits // 8)
    for index in revoked:
        data[index >> 3] |= 0x80 >> (index & 7)
    encoded = "u" + b64u(gzip.compress(bytes(data), mtime=0))
    doc = {
        "@context": [V2],
        "id": status_url(issuer),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": f"{HOST_DID}:issuers:{issuer}",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": status_url(issuer) + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    return sign_di(doc, keys()[key_name])


@dataclass
class Setup:
    registry: dict[str, Any]
    status_lists: dict[str, bytes] = field(default_factory=dict)


def now() -> datetime:
    return NOW + timedelta(0)
