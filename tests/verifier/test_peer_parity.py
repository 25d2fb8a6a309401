"""Peer parity: Digital Bazaar's verifier (`@digitalbazaar/vc` in Node, harness
peer_parity_db.mjs) and this verifier must give the same signature verdict on every Data
Integrity file of the parity corpus (tests/vectors/corpus.json, formats `vc-di*`) and every
signed W3C vc-di-eddsa / vc-di-ecdsa conformance vector.

The Node side is offline: it is served only this project's bundled, pinned contexts, did:key
(did-method-key) and the did:web keys of the corpus registries passed in from here. Files whose
cryptosuite has no Digital Bazaar package in node_modules are listed in NOT_COMPARED; files on
which the two verifiers legitimately disagree are listed in DIFFERENCES with the spec text that
decides it. Anything else that disagrees fails the test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from build_tools.registry_files import load_registry
from build_tools.verifier import Registry, verify
from build_tools.verifier.codec import b58encode, b64url_decode
from build_tools.verifier.crypto_cpython import CPythonCrypto
from build_tools.verifier.jsonld import CONTEXTS, bundled_context

from .conftest import VECTORS

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).with_name("peer_parity_db.mjs")
W3C_NOW = "2026-10-01T12:00:00Z"

# Not compared, suite not installed: suite -> files, for the suites Digital Bazaar's packages in
# node_modules lack (the proof's `cryptosuite` for DataIntegrityProof, else its `type`).
_DCC = "dcc/verifiableCredentials/"
NOT_COMPARED_BY_SUITE: dict[str, tuple[str, ...]] = {
    "Ed25519Signature2018": (
        "wild/jff-plugfest/plugfest-1-ex-1.json",
        "wild/derived/jff-p1-ex-1-tampered-date.json",
        "wild/derived/jff-p1-ex-1-wrong-key.json",
        "wild/transmute/ed25519-2018-transmute.json",
    ),
    "Ed25519Signature2020": (
        "corpus/ob3-ed25519signature2020.json",
        "w3c-vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
        _DCC + "v1/bothSignatureTypes/didKey/fourRegistry-noStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didKey/legacy-noStatus-noExpiry-basicOBv3.json",
        _DCC + "v1/bothSignatureTypes/didKey/legacy-noStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didKey/mixedRegistry-validStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didKey/noRegistry-noStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didKey/oidf-noStatus-expired.json",
        _DCC + "v1/bothSignatureTypes/didKey/oidf-noStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didKey/oidf-revokedStatus-expired.json",
        _DCC + "v1/bothSignatureTypes/didWeb/legacy-noStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didWeb/legacy-revokedStaus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didWeb/legacy-validStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didWeb/oidf-noStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didWeb/oidf-revokedStatus-noExpiry.json",
        _DCC + "v1/bothSignatureTypes/didWeb/oidf-validStatus-noExpiry.json",
        _DCC + "v1/ed25519/didKey/fourRegistry-noStatus-noExpiry.json",
        _DCC + "v1/ed25519/didKey/legacy-noStatus-expired.json",
        _DCC + "v1/ed25519/didKey/legacy-noStatus-noExpiry-stringIssuerId.json",
        _DCC + "v1/ed25519/didKey/legacyRegistry-noStatus-noExpiry-issuerImageId.json",
        _DCC + "v1/ed25519/didKey/mixedRegistry-validStatus-noExpiry.json",
        _DCC + "v1/ed25519/didKey/noRegistry-noStatus-noExpiry.json",
        _DCC + "v1/ed25519/didKey/oidf-noStatus-expired.json",
        _DCC + "v1/ed25519/didKey/oidf-noStatus-noExpiry.json",
        _DCC + "v1/ed25519/didKey/oidf-revokedStatus-expired.json",
        _DCC + "v1/ed25519/didWeb/legacy-noStatus-noExpiry.json",
        _DCC + "v1/ed25519/didWeb/legacy-revokedStatus-noExpiry.json",
        _DCC + "v1/ed25519/didWeb/legacy-validStatus-noExpiry.json",
        _DCC + "v1/ed25519/didWeb/oidf-noStatus-noExpiry.json",
        _DCC + "v1/ed25519/didWeb/oidf-revokedStatus-noExpiry.json",
        _DCC + "v1/ed25519/didWeb/oidf-validStatus-noExpiry.json",
        _DCC + "v2/bothSignatureTypes/didkey/legacy-noStatus-noExpiry-nonOBWithOBContext.json",
        _DCC + "v2/bothSignatureTypes/didkey/legacy-noStatus-noExpiry.json",
        _DCC
        + "v2/bothSignatureTypes/didkey/legacy-noStatus-notExpired-endorsement-withSchema.json",
        _DCC + "v2/bothSignatureTypes/didkey/legacy-noStatus-notExpired-endorsement.json",
        _DCC + "v2/bothSignatureTypes/didkey/noRegistry-revokedStatus-expired.json",
        _DCC + "v2/bothSignatureTypes/didkey/noRegistry-revokedStatus-notExpired.json",
        _DCC + "v2/bothSignatureTypes/didkey/oidf-revokedStatus-noExpiry.json",
        _DCC + "v2/bothSignatureTypes/didweb/legacy-revokedStatus-expired.json",
        _DCC + "v2/bothSignatureTypes/didweb/legacy-revokedStatus-noExpiry.json",
        _DCC + "v2/bothSignatureTypes/didweb/oidf-noStatus-notExpired.json",
        _DCC + "v2/ed25519/didKey/legacy-expiredStatus-noExpiry.json",
        _DCC + "v2/ed25519/didKey/legacy-missingTypeStatus-noExpiry.json",
        _DCC + "v2/ed25519/didKey/legacy-noStatus-expired.json",
        _DCC + "v2/ed25519/didKey/legacy-noStatus-noExpiry-lcwExperience.json",
        _DCC + "v2/ed25519/didKey/legacy-noStatus-noExpiry-stringIssuerId.json",
        _DCC + "v2/ed25519/didKey/legacy-noStatus-noExpiry-tampered.json",
        _DCC + "v2/ed25519/didKey/legacy-noStatus-noExpiry.json",
        _DCC + "v2/ed25519/didKey/legacy-notYetValidStatus-noExpiry.json",
        _DCC + "v2/ed25519/didKey/legacy-tamperedStatus-noExpiry.json",
        _DCC + "v2/ed25519/didKey/noRegistry-revokedStatus-expired.json",
        _DCC + "v2/ed25519/didKey/noRegistry-revokedStatus-notExpired.json",
        _DCC + "v2/ed25519/didKey/oidf-revokedStatus-noExpiry.json",
        _DCC + "v2/ed25519/didWeb/badDidWeb.json",
        _DCC + "v2/ed25519/didWeb/legacy-revokedStatus-expired.json",
        _DCC + "v2/ed25519/didWeb/legacy-revokedStatus-noExpiry.json",
        _DCC + "v2/ed25519/didWeb/oidf-noStatus-notExpired.json",
    ),
    "JsonWebSignature2020": (
        "corpus/ob3-jws2020-es256.json",
        "corpus/ob3-jws2020-ps256.json",
        "corpus/ob3-jws2020-eddsa.json",
        "wild/spruceid/vc-jws2020-bad-purpose.jsonld",
        "wild/spruceid/vc-jws2020-bad-type.jsonld",
        "wild/spruceid/vc.jsonld",
    ),
    "ecdsa-jcs-2019": (
        "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json",
        "w3c-vc-di-ecdsa/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json",
    ),
    "ecdsa-rdfc-2019": (
        "corpus/ob3-ecdsa-rdfc-2019-p256.json",
        "corpus/ob3-ecdsa-rdfc-2019-p384.json",
        "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json",
        "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p384/signedECDSAP384.json",
    ),
    "eddsa-2022": ("corpus/ob3-eddsa-2022-legacy-name.json",),
    "eddsa-jcs-2022": ("w3c-vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",),
}
NOT_COMPARED: dict[str, str] = {f: s for s, files in NOT_COMPARED_BY_SUITE.items() for f in files}

# Legitimate differences in the signature verdict, each with the text that decides it.
DIFFERENCES: dict[str, str] = {
    "corpus/rewritten/status-given-with-at-reverse.json": (
        "this project refuses (JSONLD_NOT_COMPACT), DB verifies: a holder rewrote the signed "
        "credential with @reverse, which keeps the RDF dataset the proof signs but hides "
        "credentialStatus from any reader of the JSON. Decided by VC Data Model 2.0 §6.1: "
        "'The JSON-LD 1.1 compacted document form MUST be used for all representations of "
        "the data model'; ADR 0007 refuses shapes compaction cannot put back together"
    ),
    "corpus/rewritten/proof-purpose-as-a-full-IRI.json": (
        "this project verifies, DB refuses: the proof writes its purpose as the member "
        "'https://w3id.org/security#proofPurpose' instead of 'proofPurpose'. The signed proof "
        "configuration is the same dataset, and ADR 0007 reads a proof's fields from its "
        "compact form; DB reads the JSON member and finds no proof with the required purpose. "
        "VC Data Integrity 1.0 (Verify Proof) raises an error when proof.proofPurpose does not "
        "exist, which sides with DB on the JSON as written"
    ),
    "corpus/credential-wrapper.json": (
        "this project verifies, DB refuses: the file is {'credential': <signed credential>}, "
        "an envelope with no @context around the credential (VC Data Model 2.0 §4.3: "
        "'Verifiable credentials and verifiable presentations MUST include a @context "
        "property'). This project unwraps it and reports the wrapper as unsigned; "
        "vc.verifyCredential is handed the file as a credential and finds no proof in it"
    ),
}


def _cases() -> list[dict[str, Any]]:
    """Every DI file of the corpus, then every signed W3C DI vector not already in it."""
    corpus = json.loads((VECTORS / "corpus.json").read_text())["entries"]
    cases = [
        {"file": e["file"], "registry": e["registry"], "now": e["now"], "format": e["format"]}
        for e in corpus
        if e["format"].startswith("vc-di")
    ]
    seen = {c["file"] for c in cases}
    for folder in ("w3c-vc-di-eddsa", "w3c-vc-di-ecdsa"):
        for path in sorted((VECTORS / folder).rglob("signed*.json")):
            rel = path.relative_to(VECTORS).as_posix()
            if rel not in seen:
                cases.append({"file": rel, "registry": None, "now": W3C_NOW, "format": None})
    # A file the corpus verifies against more than one registry is named with its registry.
    for case in cases:
        twice = sum(c["file"] == case["file"] for c in cases) > 1
        case["id"] = case["file"] + (f" [{case['registry'] or 'no registry'}]" if twice else "")
    return cases


def _suites(case: dict[str, Any]) -> list[str]:
    try:
        proof = json.loads((VECTORS / case["file"]).read_bytes())["proof"]
    except (ValueError, KeyError, TypeError):
        # Not parseable here either: the corpus format names the suite.
        return [case["format"].removeprefix("vc-di-")]
    proofs = proof if isinstance(proof, list) else [proof]
    return sorted(
        {
            (p.get("cryptosuite") if p.get("type") == "DataIntegrityProof" else p.get("type"))
            or "?"
            for p in proofs
            if isinstance(p, dict)
        }
        or {"?"}
    )


def _registry(rel: str | None) -> Registry:
    if rel is None:
        return Registry.empty()
    raw, lists = load_registry(str(VECTORS / rel), allow_network=False)
    return Registry.from_json(raw, status_lists=lists)


def _ed25519_multikey(jwk: dict[str, str]) -> str:
    return "z" + b58encode(b"\xed\x01" + b64url_decode(jwk["x"]))


def _registry_methods(rel: str) -> dict[str, Any]:
    """Controller documents and Multikey verification methods of a registry's Ed25519 keys that
    are not did:key (did:key is resolved by did-method-key itself): did:web, and the one
    https controller of the 1EdTech OB 3.0 vector, each from the key the registry pins."""
    methods: dict[str, Any] = {}
    raw = json.loads((VECTORS / rel).read_text())
    for issuer in raw.get("issuers", {}).values():
        for key in issuer.get("keys", []):
            url = key.get("did_url") or ""
            jwk = key.get("jwk") or {}
            if not url or url.startswith("did:key:") or jwk.get("crv") != "Ed25519":
                continue
            did = url.split("#", 1)[0]
            method = {
                "@context": "https://w3id.org/security/multikey/v1",
                "id": url,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": _ed25519_multikey(jwk),
            }
            methods[url] = method
            # Shaped as did-method-key shapes a DID document (DID v1 context first), so that
            # jsonld-signatures reads `assertionMethod` as written instead of framing the
            # document with a context this offline loader does not serve.
            doc = methods.setdefault(
                did,
                {
                    "@context": [
                        "https://www.w3.org/ns/did/v1",
                        "https://w3id.org/security/multikey/v1",
                    ],
                    "id": did,
                    "verificationMethod": [],
                    "assertionMethod": [],
                },
            )
            doc["verificationMethod"].append(method)
            doc["assertionMethod"].append(url)
    return methods


def _id(case: dict[str, Any]) -> str:
    return case["id"]


def _run_peer(cases: list[dict[str, Any]], tmp: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.skip("node or node_modules/@digitalbazaar/vc not available")
    payload = {
        "contexts": {url: bundled_context(url) for url in CONTEXTS},
        "registries": {
            rel: _registry_methods(rel) for rel in {c["registry"] for c in cases if c["registry"]}
        },
        "cases": [
            {
                "id": _id(c),
                "path": str(VECTORS / c["file"]),
                "now": c["now"],
                "registry": c["registry"],
            }
            for c in cases
        ],
    }
    request = tmp / "peer_parity_request.json"
    request.write_text(json.dumps(payload))
    done = subprocess.run(
        [node, str(HARNESS), str(request)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _ours(case: dict[str, Any]) -> str:
    report = verify(
        (VECTORS / case["file"]).read_bytes(),
        _registry(case["registry"]),
        now=datetime.fromisoformat(case["now"].replace("Z", "+00:00")),
        crypto=CPythonCrypto(),
    )
    return report.codes.get("signature", "?")


def test_peer_parity(tmp_path: Path) -> None:
    cases = _cases()
    peer = _run_peer(cases, tmp_path)
    installed = set(peer["suites"])
    not_compared = {
        _id(c): ", ".join(s for s in _suites(c) if s not in installed)
        for c in cases
        if not set(_suites(c)) <= installed
    }
    # Never skipped silently: the list of files not compared is fixed here.
    assert not_compared == NOT_COMPARED

    agreeing: list[str] = []
    differing: dict[str, str] = {}
    unexplained: list[str] = []
    vc_refusals: dict[str, str] = {}
    for case in cases:
        key = _id(case)
        if key in not_compared:
            continue
        ours = _ours(case)
        theirs = peer["results"][key]
        if theirs["stage"] == "credential" and theirs["verified"] != theirs["signature"]:
            vc_refusals[key] = theirs["error"]
        if (ours == "SIGNATURE_VALID") == theirs["signature"]:
            agreeing.append(key)
        elif key in DIFFERENCES:
            differing[key] = DIFFERENCES[key]
        else:
            unexplained.append(
                f"{key}: ours {ours}, DB signature={theirs['signature']} "
                f"({theirs['stage']}: {theirs['error']} / {theirs['signatureError']}; "
                f"offline misses {theirs['offline']})"
            )
    compared = len(agreeing) + len(differing) + len(unexplained)
    print(
        f"\npeer parity (@digitalbazaar/vc): {compared} compared, {len(agreeing)} agreeing, "
        f"{len(differing)} differing with a reason, {len(not_compared)} not compared "
        f"(suite not installed: {sorted(set(not_compared.values()))})"
    )
    for file, reason in differing.items():
        print(f"  differs: {file}: {reason}")
    # Not signature verdicts, so not differences: vc's own checks refuse these credentials
    # (validity dates against `now`) before or besides the proofs that both sides accept.
    for file, error in vc_refusals.items():
        print(f"  vc refuses, signature agrees: {file}: {error}")
    assert not unexplained, "\n".join(unexplained)
    # A listed difference that no longer differs is stale: remove it.
    assert set(differing) == set(DIFFERENCES)
