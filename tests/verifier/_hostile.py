"""Hostile inputs: each a factory of bytes and the check (id, code) it must end in.

Shared by tests/verifier/test_hostile.py and the parity corpus (make_corpus.py).
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import _make as m


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    check: str
    code: str
    verdict: str = "invalid"
    in_corpus: bool = True
    status_list: str = "normal"  # which lu status list the registry serves: normal | tampered


def _cred() -> dict:
    return m.ob3_credential()


def _signed(cred: dict | None = None, key: str = "lu-ed") -> dict:
    return m.sign_di(cred or _cred(), m.keys()[key])


def _jwt_header(**extra: object) -> dict:
    key = m.keys()["lu-es"]
    head = {"alg": "ES256", "typ": "vc+jwt", "kid": key.vm}
    head.update(extra)
    return head


def _truncated() -> bytes:
    return m.dumps(_signed())[:-25]


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def _alg_none() -> bytes:
    return m.forge_jwt(_jwt_header(alg="none"), _cred()).encode()


def _hs256_public_key_secret() -> bytes:
    # The classic confusion attack: HMAC keyed with the issuer's *public* key bytes.
    import hashlib
    import hmac

    key = m.keys()["lu-es"]
    secret = json.dumps(key.jwk).encode()
    head = m.b64u(json.dumps(_jwt_header(alg="HS256")).encode())
    body = m.b64u(json.dumps(_cred()).encode())
    sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{m.b64u(sig)}".encode()


def _unknown_crit() -> bytes:
    return m.sign_jwt(
        _cred(), m.keys()["lu-es"], header={"crit": ["exp-policy"], "exp-policy": 1}
    ).encode()


def _jades_unknown_crit() -> bytes:
    return m.sign_jades(
        m.edc_credential(),
        m.keys()["lu-rsa"],
        crit=["b64", "sigT", "mystery"],
        header={"mystery": True},
    )


def _b64_false_without_crit() -> bytes:
    return m.sign_jades(m.edc_credential(), m.keys()["lu-rsa"], crit=["sigT"])


def _jku() -> bytes:
    return m.sign_jwt(
        _cred(), m.keys()["lu-es"], header={"jku": "https://evil.example/jwks.json"}
    ).encode()


def _x5u() -> bytes:
    return m.sign_jwt(
        _cred(), m.keys()["lu-es"], header={"x5u": "https://evil.example/cert.pem"}
    ).encode()


def _jwk_elsewhere() -> bytes:
    # Forged credential naming the registered issuer, signed by a key carried in the header.
    attacker = m.stranger("P-256")
    return m.sign_jwt(_cred(), attacker, header={"kid": None, "jwk": attacker.jwk}).encode()


def _remote_context() -> bytes:
    cred = _cred()
    cred["@context"].append("https://evil.example/context.jsonld")
    return m.dumps(_signed_raw(cred))


def _signed_raw(cred: dict) -> dict:
    """Sign without canonicalising (for documents canonize refuses): a syntactically complete
    but cryptographically meaningless proof."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-06-01T00:00:00Z",
        "verificationMethod": m.keys()["lu-ed"].vm,
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 80,
    }
    out = copy.deepcopy(cred)
    out["proof"] = proof
    return out


def _redefine_id() -> bytes:
    cred = _cred()
    cred["@context"].append({"id": "https://evil.example/id"})
    return m.dumps(_signed_raw(cred))


def _redefine_type() -> bytes:
    cred = _cred()
    cred["@context"].append({"type": "https://evil.example/type"})
    return m.dumps(_signed_raw(cred))


def _dropped_terms_after_signing() -> bytes:
    # vc-ob3.md §7.3: undefined terms are dropped before canonicalisation, so the signature
    # still verifies; the verifier must refuse the data loss.
    doc = _signed(_plain_v2())
    doc["degreeAwarded"] = "PhD"
    doc["credentialSubject"]["honours"] = "summa cum laude"
    return m.dumps(doc)


def _plain_v2() -> dict:
    cred = _cred()
    cred["@context"] = [m.V2]
    cred["type"] = ["VerifiableCredential"]
    cred["credentialSubject"] = {"id": "did:example:learner"}
    cred["issuer"] = cred["issuer"]["id"]
    del cred["name"]
    return cred


def _relative_iri() -> bytes:
    cred = _cred()
    cred["credentialSubject"]["achievement"]["id"] = "offers/intro-ai/"
    return m.dumps(_signed_raw(cred))


def _relative_type() -> bytes:
    # A type the contexts do not define: pyld would silently resolve it against a base IRI.
    cred = _cred()
    cred["credentialSubject"]["achievement"]["type"] = ["Achievement", "MicroCredentialKind"]
    return m.dumps(_signed_raw(cred))


def _proof_copied() -> bytes:
    donor = _signed(m.ob3_credential(title={"en": "Another course"}))
    target = _cred()
    target["proof"] = donor["proof"]
    return m.dumps(target)


def _other_issuer_key() -> bytes:
    return m.dumps(_signed(_cred(), key="jyu-ed"))


def _other_issuer_key_vm_claim() -> bytes:
    # Signed by jyu's key but pointing verificationMethod at lu's DID URL.
    doc = m.sign_di(_cred(), m.keys()["jyu-ed"], vm=m.keys()["lu-ed"].vm)
    return m.dumps(doc)


def _retired_after() -> bytes:
    return m.dumps(_signed(_cred(), key="lu-old"))


def _compromised() -> bytes:
    cred = m.ob3_credential(issued=datetime(2026, 2, 1, tzinfo=UTC))
    return m.dumps(m.sign_di(cred, m.keys()["lu-bad"], created=datetime(2026, 2, 1, tzinfo=UTC)))


def _revoked() -> bytes:
    return m.dumps(_signed(m.ob3_credential(status_index=42)))


def _tampered_status_list_credential() -> bytes:
    return m.dumps(_signed(m.ob3_credential(status_index=7)))


def _expired() -> bytes:
    return m.dumps(_signed(m.ob3_credential(valid_until=datetime(2026, 9, 1, tzinfo=UTC))))


def _not_yet_valid() -> bytes:
    return m.dumps(_signed(m.ob3_credential(issued=datetime(2027, 1, 1, tzinfo=UTC))))


def _presentation_mixed() -> bytes:
    good = _signed()
    bad = _signed()
    bad["credentialSubject"]["achievement"]["creditsAvailable"] = 50
    return m.dumps(
        {
            "@context": [m.V2],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [good, bad],
        }
    )


def _blowup_graph() -> bytes:
    # Many indistinguishable blank nodes linked to each other: RDFC-1.0's exponential case.
    nodes = [
        {
            "@id": f"_:b{i}",
            "https://example.org/p": [{"@id": f"_:b{j}"} for j in range(12) if j != i],
        }
        for i in range(12)
    ]
    cred = _cred()
    cred["credentialSubject"]["achievement"]["https://example.org/related"] = nodes
    return m.dumps(_signed_raw(cred))


def _elsewhere() -> dict[str, Any]:
    """An EDC of an organisation this registry does not know, for its own qualification."""
    cred = m.edc_credential(org_id="urn:epass:org:elsewhere")
    cred["issuer"]["legalName"] = {"en": "Elsewhere Ltd"}
    cred["issuer"]["eIDASIdentifier"]["notation"] = "EE10000000"
    cred["credentialSubject"]["hasClaim"]["specifiedBy"]["id"] = "urn:epass:qualification:1"
    return cred


def _self_signed_x5c() -> bytes:
    return m.sign_jades(_elsewhere(), m.stranger("RSA"))


def _name_impersonation() -> bytes:
    # Another organisation's identifier, but a registered issuer's legal name.
    cred = _elsewhere()
    cred["issuer"]["legalName"] = {"en": "University  of LATVIA"}
    return m.sign_jades(cred, m.stranger("RSA"))


def _certificate_impersonation() -> bytes:
    # Nothing in the credential names a registered issuer; the self-made certificate does.
    key = m.stranger("RSA")
    key.cert_der = m.self_signed(key, cn="University of Latvia", org="University of Latvia")
    return m.sign_jades(_elsewhere(), key)


def _self_signed_x5c_impersonation() -> bytes:
    # Names a registered issuer (its organisation IRI) but is sealed with a foreign certificate.
    return m.sign_jades(m.edc_credential(), m.stranger("RSA"))


def _binary() -> bytes:
    return bytes((i * 97 + 13) % 256 for i in range(4096))


def _html() -> bytes:
    return b"<!DOCTYPE html><html><body>not a credential</body></html>"


def _lone_surrogate_in_name() -> bytes:
    # A \ud800-\udfff escape with no partner is no character; nothing downstream can write it.
    return m.dumps(_signed()).replace(b'"name": "', b'"name": "\\udc00', 1)


def _lone_surrogate_payload() -> bytes:
    sealed = json.loads(_self_signed_x5c())
    return json.dumps({**sealed, "payload": "PAYLOAD"}).replace('"PAYLOAD"', '"\\ud800"').encode()


def _lone_surrogate_presentation_item() -> bytes:
    vp = {"@context": [m.V2], "type": ["VerifiablePresentation"], "verifiableCredential": ["X"]}
    return m.dumps(vp).replace(b'"X"', b'"\\ud800"')


def _malformed_ipv6_issuer() -> bytes:
    # urlsplit raises on "[" in a host: the identifier is compared as written instead.
    cred = _elsewhere()
    cred["issuer"]["id"] = "https://alliance.example[/x"
    return m.sign_jades(cred, m.stranger("RSA"))


CASES: tuple[Case, ...] = (
    Case("truncated-json", _truncated, "format", "FORMAT_INVALID_JSON"),
    Case("lone-surrogate-in-name", _lone_surrogate_in_name, "format", "FORMAT_INVALID_JSON"),
    Case("lone-surrogate-payload", _lone_surrogate_payload, "format", "FORMAT_INVALID_JSON"),
    Case(
        "lone-surrogate-vp-item",
        _lone_surrogate_presentation_item,
        "format",
        "FORMAT_INVALID_JSON",
    ),
    Case(
        "malformed-ipv6-issuer-id",
        _malformed_ipv6_issuer,
        "issuer_key",
        "ISSUER_NOT_IN_REGISTRY",
        verdict="valid_with_warnings",
    ),
    Case("invalid-utf8", lambda: b'{"@context": "\xff\xfe", "x": 1}', "format", "FORMAT_NOT_UTF8"),
    Case("bom", lambda: b"\xef\xbb\xbf" + m.dumps(_signed()), "format", "FORMAT_BOM"),
    Case(
        "duplicate-keys",
        lambda: b'{"issuer": "did:web:a", "issuer": "did:web:b"}',
        "format",
        "FORMAT_DUPLICATE_KEY",
    ),
    Case("deep-nesting-10000", lambda: _nested(10_000), "format", "FORMAT_TOO_DEEP"),
    Case(
        "huge-integer",
        lambda: b'{"n": 1' + b"0" * 100_000 + b"}",
        "format",
        "FORMAT_NUMBER_TOO_LARGE",
    ),
    Case("huge-float", lambda: b'{"n": 1e999999}', "format", "FORMAT_NUMBER_TOO_LARGE"),
    Case(
        "file-50mb",
        lambda: b"{" + b" " * 50_000_000 + b"}",
        "format",
        "FORMAT_TOO_LARGE",
        in_corpus=False,
    ),
    Case("empty-file", lambda: b"", "format", "FORMAT_EMPTY", verdict="unverifiable"),
    Case("binary-garbage", _binary, "format", "FORMAT_UNRECOGNISED", verdict="unverifiable"),
    Case("html-page", _html, "format", "FORMAT_UNRECOGNISED", verdict="unverifiable"),
    Case("alg-none", _alg_none, "signature", "SIGNATURE_ALG_NONE"),
    Case("hs256-public-key-secret", _hs256_public_key_secret, "signature", "SIGNATURE_ALG_HMAC"),
    Case("unknown-crit-jwt", _unknown_crit, "signature", "SIGNATURE_UNKNOWN_CRIT"),
    Case("unknown-crit-jades", _jades_unknown_crit, "signature", "SIGNATURE_UNKNOWN_CRIT"),
    Case(
        "b64-false-without-crit", _b64_false_without_crit, "signature", "SIGNATURE_B64_NOT_CRITICAL"
    ),
    Case("jku-header", _jku, "signature", "SIGNATURE_REMOTE_KEY_REFERENCE"),
    Case("x5u-header", _x5u, "signature", "SIGNATURE_REMOTE_KEY_REFERENCE"),
    Case("jwk-header-elsewhere", _jwk_elsewhere, "issuer_key", "ISSUER_KEY_NOT_REGISTERED"),
    Case(
        "remote-context",
        _remote_context,
        "jsonld",
        "JSONLD_UNKNOWN_CONTEXT",
        verdict="unverifiable",
    ),
    Case("inline-context-redefines-id", _redefine_id, "jsonld", "JSONLD_TERM_REDEFINED"),
    Case("inline-context-redefines-type", _redefine_type, "jsonld", "JSONLD_TERM_REDEFINED"),
    Case(
        "dropped-terms-after-signing", _dropped_terms_after_signing, "jsonld", "JSONLD_DROPPED_TERM"
    ),
    Case("relative-iri", _relative_iri, "jsonld", "JSONLD_RELATIVE_IRI"),
    Case("relative-type", _relative_type, "jsonld", "JSONLD_RELATIVE_IRI"),
    Case("proof-copied", _proof_copied, "signature", "SIGNATURE_INVALID"),
    Case("other-registered-issuer-key", _other_issuer_key, "issuer_key", "ISSUER_KEY_WRONG_ISSUER"),
    Case(
        "other-issuer-key-claims-vm", _other_issuer_key_vm_claim, "signature", "SIGNATURE_INVALID"
    ),
    Case("retired-key-after-retirement", _retired_after, "issuer_key", "ISSUER_KEY_RETIRED"),
    Case("compromised-key", _compromised, "issuer_key", "ISSUER_KEY_COMPROMISED"),
    Case("revoked", _revoked, "revocation", "REVOCATION_REVOKED"),
    Case(
        "tampered-status-list",
        _tampered_status_list_credential,
        "revocation",
        "REVOCATION_LIST_INVALID",
        status_list="tampered",
    ),
    Case("expired", _expired, "validity", "VALIDITY_EXPIRED"),
    Case("not-yet-valid", _not_yet_valid, "validity", "VALIDITY_NOT_YET_VALID"),
    Case("presentation-mixed", _presentation_mixed, "signature", "PRESENTATION_NOT_SIGNED"),
    Case("canonicalisation-blowup", _blowup_graph, "jsonld", "JSONLD_TOO_COMPLEX"),
    Case(
        "self-signed-x5c-unregistered",
        _self_signed_x5c,
        "issuer_key",
        "ISSUER_NOT_IN_REGISTRY",
        verdict="valid_with_warnings",
    ),
    Case("legal-name-impersonation", _name_impersonation, "issuer_key", "ISSUER_IMPERSONATION"),
    Case(
        "certificate-subject-impersonation",
        _certificate_impersonation,
        "issuer_key",
        "ISSUER_IMPERSONATION",
    ),
    Case(
        "self-signed-x5c-impersonating",
        _self_signed_x5c_impersonation,
        "issuer_key",
        "ISSUER_KEY_NOT_REGISTERED",
    ),
)


def tampered_status_list() -> bytes:
    """lu's status list with one bit flipped after signing (its proof no longer verifies)."""
    doc = m.status_list(revoked=(42,))
    encoded = doc["credentialSubject"]["encodedList"]
    import gzip

    raw = bytearray(gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "==")))
    raw[0] |= 0x01  # index 7
    doc["credentialSubject"]["encodedList"] = "u" + m.b64u(gzip.compress(bytes(raw), mtime=0))
    return m.dumps(doc)
