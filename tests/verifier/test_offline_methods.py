"""DID methods resolved offline (did:key for secp256k1 and EBSI jwk_jcs-pub, did:jwk), ES256K
outside and inside the browser, and SD-JWT key binding."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from build_tools.verifier import Registry, Verdict, verify
from build_tools.verifier.codec import b58encode, multikey_to_jwk
from build_tools.verifier.crypto_cpython import CPythonCrypto, verify_signature_sync
from build_tools.verifier.testing import KeyProblem
from build_tools.verifier.testing import resolve_offline_did as offline_did
from build_tools.verifier.webcrypto import ES256K_NOT_IN_BROWSER

from . import _make as m

WILD = Path(__file__).resolve().parents[1] / "vectors" / "wild"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jcs(jwk: dict[str, str]) -> bytes:
    return json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()


def test_ebsi_natural_person_did_key() -> None:
    jwk = json.loads((WILD / "dids" / "ebsi-jwk_jcs-pub.json").read_text())
    value = "z" + b58encode(b"\xd1\xd6\x03" + _jcs(jwk))
    assert multikey_to_jwk(value) == jwk
    resolved, did = offline_did(f"did:key:{value}#{value}")  # type: ignore[misc]
    assert resolved == jwk and did == f"did:key:{value}"
    spaced = json.dumps(jwk).encode()  # not its JCS form
    with pytest.raises(ValueError, match="JCS"):
        multikey_to_jwk("z" + b58encode(b"\xd1\xd6\x03" + spaced))
    with pytest.raises(ValueError, match="secret"):
        multikey_to_jwk("z" + b58encode(b"\xd1\xd6\x03" + _jcs({**jwk, "d": "AA"})))


def test_did_jwk() -> None:
    jwk = json.loads((WILD / "dids" / "ebsi-jwk_jcs-pub.json").read_text())
    did = "did:jwk:" + b64u(json.dumps(jwk).encode())
    assert offline_did(did + "#0") == (jwk, did)
    with pytest.raises(KeyProblem):
        offline_did(did + "#1")
    with pytest.raises(KeyProblem):
        offline_did("did:jwk:" + b64u(json.dumps({**jwk, "d": "AA"}).encode()))


def _secp256k1() -> tuple[Any, str]:
    private = ec.derive_private_key(12345678901234567890, ec.SECP256K1())
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    return private, "did:key:z" + b58encode(b"\xe7\x01" + point)


def _es256k_jwt() -> bytes:
    private, did = _secp256k1()
    header = {"alg": "ES256K", "typ": "vc+jwt", "kid": did + "#" + did[8:]}
    payload = m.ob3_credential()
    signing_input = (
        b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(payload).encode())
    ).encode()
    r, s = decode_dss_signature(private.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return signing_input + b"." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big")).encode()


def test_secp256k1_did_key_and_es256k_in_cpython() -> None:
    private, did = _secp256k1()
    jwk = multikey_to_jwk(did[8:])
    numbers = private.public_key().public_numbers()
    assert jwk["crv"] == "secp256k1"
    assert base64.urlsafe_b64decode(jwk["y"] + "=") == numbers.y.to_bytes(32, "big")
    report = verify(_es256k_jwt(), Registry.empty(), now=m.now(), crypto=CPythonCrypto())
    assert report.codes["signature"] == "SIGNATURE_VALID", report.checks


class _NoSecp256k1:
    """The browser backend's answer for secp256k1 keys (WebCrypto has no such curve)."""

    async def verify_signature(self, *, jwk: dict[str, Any], alg: str, **_: Any) -> bool:
        if jwk.get("crv") == "secp256k1":
            raise ValueError(ES256K_NOT_IN_BROWSER)
        raise AssertionError("not reached")


def test_es256k_in_the_browser_is_not_checked_and_says_so() -> None:
    report = verify(_es256k_jwt(), Registry.empty(), now=m.now(), crypto=_NoSecp256k1())  # type: ignore[arg-type]
    assert report.codes["signature"] == "SIGNATURE_ES256K_UNAVAILABLE"
    assert report.verdict == Verdict.UNVERIFIABLE


# --------------------------------------------------------------------------- SD-JWT


def _sd_jwt(
    *,
    kb: bool = True,
    sd_hash: str | None = None,
    repeat: bool = False,
    kb_key: Any = None,
    hidden: dict[str, Any] | None = None,
    clear: dict[str, Any] | None = None,
) -> bytes:
    """An SD-JWT VC; `hidden`: more top-level claims, each in a disclosure; `clear`: more
    top-level claims in the signed payload."""
    issuer = ec.derive_private_key(424242, ec.SECP256R1())
    holder = ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"holder").digest())
    holder_x = holder.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    nums = issuer.public_key().public_numbers()
    issuer_jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64u(nums.x.to_bytes(32, "big")),
        "y": b64u(nums.y.to_bytes(32, "big")),
    }
    disclosures = [
        b64u(json.dumps(["salt-1", "given_name", "Ada"]).encode()),
        b64u(json.dumps(["salt-2", "FR"]).encode()),
    ]
    for i, (name, value) in enumerate((hidden or {}).items()):
        disclosures.append(b64u(json.dumps([f"salt-h{i}", name, value]).encode()))
    digest = [b64u(hashlib.sha256(d.encode()).digest()) for d in disclosures]
    payload = {
        "iss": "https://issuer.example",
        "iat": 1780000000,
        "vct": "https://credentials.example/identity",
        "_sd_alg": "sha-256",
        "_sd": [digest[0], *digest[2:]],
        "nationalities": [{"...": digest[1]}, "DE"],
        "cnf": {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": b64u(holder_x)}},
        **(clear or {}),
    }
    header = {"alg": "ES256", "typ": "dc+sd-jwt", "jwk": issuer_jwk}
    signing_input = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(payload).encode())
    r, s = decode_dss_signature(issuer.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    jwt = signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    shown = [*disclosures, disclosures[0]] if repeat else disclosures
    presented = jwt + "~" + "".join(d + "~" for d in shown)
    if not kb:
        return presented.encode()
    kb_claims = {
        "iat": 1780000100,
        "aud": "https://verifier.example",
        "nonce": "n-1",
        "sd_hash": sd_hash or b64u(hashlib.sha256(presented.encode()).digest()),
    }
    kb_input = (
        b64u(json.dumps({"alg": "EdDSA", "typ": "kb+jwt"}).encode())
        + "."
        + b64u(json.dumps(kb_claims).encode())
    )
    kb_sig = (kb_key or holder).sign(kb_input.encode())
    return (presented + kb_input + "." + b64u(kb_sig)).encode()


def _check(data: bytes) -> tuple[str, str, Verdict]:
    report = verify(data, Registry.empty(), now=m.now(), crypto=CPythonCrypto())
    return report.codes["format"], report.codes["signature"], report.verdict


def test_sd_jwt_vc_with_key_binding() -> None:
    report = verify(_sd_jwt(), Registry.empty(), now=m.now(), crypto=CPythonCrypto())
    assert report.format == "dc+sd-jwt"
    assert report.codes["signature"] == "SIGNATURE_VALID", report.checks
    assert report.codes["jsonld"] == "JSONLD_NOT_USED"
    signature = next(c for c in report.checks if c.code == "SIGNATURE_VALID")
    assert "holder key binding verified" in signature.detail
    assert "https://verifier.example" in signature.detail
    assert report.verdict in (Verdict.VALID, Verdict.VALID_WITH_WARNINGS)
    assert _check(_sd_jwt(kb=False))[1] == "SIGNATURE_VALID"


def test_sd_jwt_refusals() -> None:
    other = ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"other").digest())
    assert _check(_sd_jwt(kb_key=other))[1:] == ("SIGNATURE_INVALID", Verdict.INVALID)
    assert _check(_sd_jwt(sd_hash="x" * 43))[0] == "FORMAT_SDJWT_KEY_BINDING"
    assert _check(_sd_jwt(repeat=True))[0] == "FORMAT_SDJWT_DISCLOSURE_REPEATED"
    stray = b64u(json.dumps(["salt-9", "family_name", "Lovelace"]).encode())
    assert _check(_sd_jwt(kb=False) + stray.encode() + b"~")[0] == (
        "FORMAT_SDJWT_DISCLOSURE_UNKNOWN"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("exp", 1780000500),  # expired at m.now(): withheld, it would not be
        ("nbf", 1900000000),
        ("status", {"status_list": {"idx": 3, "uri": "https://issuer.example/status/1"}}),
        ("vct", "https://credentials.example/other"),
        ("iss", "https://issuer.example"),
    ],
)
def test_sd_jwt_claims_that_must_be_in_clear_are_refused_when_hidden(name: str, value: Any) -> None:
    fmt, _, verdict = _check(_sd_jwt(kb=False, hidden={name: value}))
    assert (fmt, verdict) == ("FORMAT_SDJWT_DISCLOSURE_INVALID", Verdict.INVALID)
    # A claim of another name may be hidden.
    assert _check(_sd_jwt(kb=False, hidden={"family_name": "Lovelace"}))[0] == "FORMAT_OK"


def test_sd_jwt_status_claim_is_a_revocation_method_not_checked() -> None:
    status = {"status_list": {"idx": 3, "uri": "https://issuer.example/status/1"}}
    report = verify(
        _sd_jwt(kb=False, clear={"status": status}),
        Registry.empty(),
        now=m.now(),
        crypto=CPythonCrypto(),
    )
    assert report.codes["revocation"] == "REVOCATION_UNSUPPORTED"
    assert report.verdict == Verdict.VALID_WITH_WARNINGS
    plain = verify(_sd_jwt(kb=False), Registry.empty(), now=m.now(), crypto=CPythonCrypto())
    assert plain.codes["revocation"] == "REVOCATION_NONE"


def test_es256k_signature_math() -> None:
    private, did = _secp256k1()
    message = b"message"
    r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
    jwk = multikey_to_jwk(did[8:])
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    assert verify_signature_sync(jwk=jwk, alg="ES256K", message=message, signature=signature)
    assert not verify_signature_sync(jwk=jwk, alg="ES256K", message=b"other", signature=signature)


# --------------------------------------------------------------------------- explanations


def test_bare_iri_subject_is_named_as_such() -> None:
    cred = m.ob3_credential()
    cred["credentialSubject"] = "did:example:abc"
    report = verify(
        m.dumps(m.sign_di(cred, m.keys()["lu-ed"])),
        Registry.empty(),
        now=m.now(),
        crypto=CPythonCrypto(),
    )
    check = report.checks[0]
    assert check.code == "FORMAT_MISSING_PROPERTY"
    assert "bare IRI string" in check.message and "did:example:abc" in check.detail


def test_presentation_signed_for_assertion_says_so() -> None:
    k = m.keys()
    vp = m.sign_di(
        {
            "@context": [m.V2],
            "type": ["VerifiablePresentation"],
            "holder": k["lu-ed"].did,
            "verifiableCredential": [m.sign_di(m.ob3_credential(), k["lu-ed"])],
        },
        k["lu-ed"],
        purpose="assertionMethod",
    )
    report = verify(
        m.dumps(vp), Registry.from_json(m.registry_dict()), now=m.now(), crypto=CPythonCrypto()
    )
    check = next(c for c in report.checks if c.code == "SIGNATURE_PROOF_PURPOSE")
    assert "assertionMethod" in check.message and "authenticate its holder" in check.message


def test_jwt_iss_and_issuer_disagreement_names_both() -> None:
    token = m.forge_jwt(
        {"alg": "EdDSA", "typ": "JWT"}, {"iss": "did:example:other", "vc": m.ob3_credential()}
    )
    report = verify(token.encode(), Registry.empty(), now=m.now(), crypto=CPythonCrypto())
    check = report.checks[0]
    assert check.code == "FORMAT_JWT_CLAIMS"
    assert "did:example:other" in check.detail
    assert "did:web:alliance.example:credentials:issuers:lu" in check.detail
