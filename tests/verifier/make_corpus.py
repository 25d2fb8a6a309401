"""Write the parity corpus: tests/vectors/corpus/ (generated samples + registry) and
tests/vectors/corpus.json (every corpus file with its registry, clock and expected result).

Run from the repository root:  python -m tests.verifier.make_corpus

The expected results are what the CPython verifier reports; tests/verifier/test_corpus.py
replays them (regression) and the browser tests replay the same list through WebCrypto
(parity). Correctness against upstream expectations is asserted in test_conformance.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from build_tools.registry_files import load_registry
from build_tools.verifier.codec import jwk_thumbprint, multikey_to_jwk
from build_tools.verifier.crypto_cpython import CPythonCrypto
from build_tools.verifier.testing import read_certificate

from . import _hostile, _rewrites
from . import _make as m

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
CORPUS = VECTORS / "corpus"
NOW = "2026-10-01T12:00:00Z"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _registry_key(
    kid: str,
    jwk: dict[str, Any] | None,
    did_url: str | None,
    *,
    alg: str,
    cert_der: bytes | None = None,
    subject: str | None = None,
    use: str = "signing",
) -> dict[str, Any]:
    return {
        "kid": kid,
        "alg": alg,
        "use": use,
        "status": "active",
        "valid_from": "2000-01-01T00:00:00Z",
        "valid_until": None,
        "jwk": jwk,
        "thumbprint": jwk_thumbprint(jwk) if jwk else None,
        "did_url": did_url,
        "cert_sha256": hashlib.sha256(cert_der).hexdigest() if cert_der else None,
        "cert_subject": subject,
    }


def _issuer(
    slug: str,
    name: str,
    did: str | None,
    keys: list[dict[str, Any]],
    status_lists: list[dict[str, Any]] | None = None,
    country: str | None = None,
) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": name,
        "legal_name": {"en": name},
        "country": country,
        "homepage": None,
        "page": None,
        "did": did,
        "identifiers": {},
        "keys": keys,
        "status_lists": status_lists or [],
    }


def _registry(issuers: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "credsite-registry/1",
        "site_url": "https://registry.invalid/",
        "alliance": {"name": "test", "demo": True},
        "issuers": {i["slug"]: i for i in issuers},
        "offers": {},
        "pathways": {},
    }


def jose_registry() -> dict[str, Any]:
    keys = []
    for name in ("p256", "p384", "p521", "ed25519"):
        vm = json.loads((VECTORS / "vc-jose-cose" / f"vm-{name}.json").read_text())
        jwk = {k: v for k, v in vm["publicKeyJwk"].items() if k in ("kty", "crv", "x", "y")}
        keys.append(
            _registry_key(vm["publicKeyJwk"]["kid"], jwk, vm["id"], alg=vm["publicKeyJwk"]["alg"])
        )
    return _registry(
        [
            _issuer(
                "jose-example",
                "VC-JOSE-COSE test issuer",
                "https://example.issuer/vc-jose-cose",
                keys,
            )
        ]
    )


def ob3_registry() -> dict[str, Any]:
    doc = json.loads((VECTORS / "openbadges" / "ob3-ldp-test-vector-signed.json").read_text())
    vm = doc["proof"]["verificationMethod"]
    jwk = multikey_to_jwk(vm.split("#", 1)[1])
    return _registry(
        [
            _issuer(
                "example-edu",
                "Example University (1EdTech vector)",
                node_id(doc["issuer"]),
                [_registry_key("ob3", jwk, vm, alg="EdDSA")],
            )
        ]
    )


def node_id(value: Any) -> str:
    return value if isinstance(value, str) else value["id"]


# did:key issuers the DCC test registries list (vc-test-fixtures README, "DIDs"); did:key
# z6MkqBcw... ("noRegistry") is deliberately absent.
DCC_REGISTERED_DID_KEYS = (
    "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q",  # legacy sandbox; signs the status lists
    "z6MkjoriXdbyWD25YXTed114F8hdJrLXQ567xxPHAUKxpKkS",  # OIDF test registry
    "z6Mki7DqKQswPsjqMVhP4W3n2ABFb5wBegZC5erEVg5qcgEw",  # both
    "z6MkuL7x2mTEoBmUuuaQ2hvEUd2YsEtmsHeX9JzqJZ8VYaVH",  # four registries
)


def dcc_registry() -> dict[str, Any]:
    """One registry issuer for the DCC test keys: its two did:web DIDs and registered did:keys."""
    keys = []
    for slug in ("legacy", "oidf"):
        did_doc = json.loads((VECTORS / "dcc" / "dids" / slug / "did.json").read_text())
        keys += [
            _registry_key(
                f"{slug}-" + vm["id"].split("#")[1][:12],
                multikey_to_jwk(vm["publicKeyMultibase"]),
                vm["id"],
                alg="EdDSA",
            )
            for vm in did_doc["assertionMethod"]
        ]
    keys += [
        _registry_key(
            f"didkey-{value[:12]}", multikey_to_jwk(value), f"did:key:{value}#{value}", alg="EdDSA"
        )
        for value in DCC_REGISTERED_DID_KEYS
    ]
    base = "https://digitalcredentials.github.io/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/"
    lists = [
        {
            "url": base + name,
            "path": f"statusLists/didkey-ed25519Signature2020/{name}",
            "purpose": "revocation",
        }
        for name in (
            "e5WK8CbZ1GjycuPombrj",
            "expired",
            "notYetValid",
            "tampered",
            "missingBitStringType",
        )
    ]
    lists.append(
        {
            "url": "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/"
            "heads/main/src/test-fixtures/status/e5WK8CbZ1GjycuPombrj",
            "path": "verifier-core-status/e5WK8CbZ1GjycuPombrj",
            "purpose": "revocation",
        }
    )
    return _registry(
        [
            _issuer(
                "dcc",
                "Digital Credentials Consortium (test issuers)",
                "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy",
                keys,
                lists,
            )
        ]
    )


def edc_pinned_registry() -> dict[str, Any]:
    sealed = json.loads((VECTORS / "europass-edc" / "Sample-MC-Annex1-signed.jsonld").read_text())
    header = json.loads(base64.urlsafe_b64decode(sealed["signatures"][0]["protected"] + "=="))
    der = base64.b64decode(header["x5c"][0])
    cert = read_certificate(der)
    key = _registry_key(
        "test-seal", cert.jwk, None, alg="RS256", cert_der=der, subject=cert.subject, use="eseal"
    )
    return _registry(
        [_issuer("test-seal", "Organizacion Test (EU sample seal)", None, [key], country="ES")]
    )


# --------------------------------------------------------------------------- our samples


def write_generated() -> list[tuple[str, str]]:
    """Generated samples in tests/vectors/corpus/, each with its registry (relative paths)."""
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    k = m.keys()
    _write(CORPUS / "registry.json", json.dumps(m.registry_dict(), indent=1).encode())
    _write(CORPUS / "issuers/lu/status/1.json", m.dumps(m.status_list(revoked=(42,))))
    tampered = CORPUS / "tampered" / "registry.json"
    _write(tampered, json.dumps(m.registry_dict(), indent=1).encode())
    _write(CORPUS / "tampered/issuers/lu/status/1.json", _hostile.tampered_status_list())
    ed2020 = m.ob3_credential()
    ed2020["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    when = datetime(2026, 2, 1, tzinfo=UTC)
    stranger = m.stranger()
    dk = m.did_key(stranger)
    vp_signed = m.sign_di(
        {
            "@context": [m.V2],
            "type": ["VerifiablePresentation"],
            "holder": k["lu-ed"].did,
            "verifiableCredential": [m.sign_di(m.ob3_credential(), k["lu-ed"])],
        },
        k["lu-ed"],
        purpose="authentication",
    )
    jws2020 = m.ob3_credential()
    jws2020["@context"].append("https://w3id.org/security/suites/jws-2020/v1")
    samples: dict[str, bytes] = {
        "ob3-jws2020-es256.json": m.dumps(m.sign_ld_jws(jws2020, k["lu-es"])),
        "ob3-jws2020-ps256.json": m.dumps(m.sign_ld_jws(jws2020, k["lu-rsa"])),
        "ob3-jws2020-eddsa.json": m.dumps(m.sign_ld_jws(jws2020, k["lu-ed"])),
        "ob3-eddsa-2022-legacy-name.json": m.dumps(
            m.sign_di(m.ob3_credential(), k["lu-ed"], cryptosuite="eddsa-2022")
        ),
        "ob3-eddsa-rdfc-2022.json": m.dumps(
            m.sign_di(m.ob3_credential(status_index=7), k["lu-ed"])
        ),
        "ob3-ecdsa-rdfc-2019-p256.json": m.dumps(m.sign_di(m.ob3_credential(), k["lu-es"])),
        "ob3-ecdsa-rdfc-2019-p384.json": m.dumps(m.sign_di(m.ob3_credential(), k["lu-es384"])),
        "ob3-ed25519signature2020.json": m.dumps(
            m.sign_di(ed2020, k["lu-ed"], proof_type="Ed25519Signature2020")
        ),
        "ob3-older-offer-version.json": m.dumps(m.sign_di(m.ob3_credential(ects=4), k["lu-ed"])),
        "ob3-catalogue-mismatch.json": m.dumps(m.sign_di(m.ob3_credential(ects=3), k["lu-ed"])),
        "ob3-retired-key-before-retirement.json": m.dumps(
            m.sign_di(m.ob3_credential(issued=when), k["lu-old"], created=when)
        ),
        "ob3-did-key-unregistered.json": m.dumps(
            m.sign_di(
                {
                    **m.ob3_credential(),
                    "issuer": dk,
                    "credentialSubject": {
                        **m.ob3_credential()["credentialSubject"],
                        "achievement": {
                            "id": "urn:uuid:0e7b2c1a-1111-4a4a-9b9b-000000000001",
                            "type": ["Achievement"],
                            "name": "Elsewhere",
                            "criteria": {"narrative": "n/a"},
                        },
                    },
                },
                stranger,
                vm=f"{dk}#{dk[8:]}",
            )
        ),
        "edc-jades-rs256.jsonld": m.sign_jades(m.edc_credential(), k["lu-rsa"]),
        "edc-jades-es256.jsonld": m.sign_jades(m.edc_credential(), k["lu-es"]),
        "vc-jwt-es256.jwt": m.sign_jwt(m.ob3_credential(), k["lu-es"]).encode(),
        "vc-jwt-eddsa.jwt": m.sign_jwt(m.ob3_credential(), k["lu-ed"]).encode(),
        "vc-jwt-es384.jwt": m.sign_jwt(m.ob3_credential(), k["lu-es384"]).encode(),
        "vc-jwt-rs256-v11.jwt": m.sign_jwt(
            {
                "vc": m.ob3_credential(),
                "iss": k["lu-rsa"].did,
                "jti": m.ob3_credential()["id"],
                "nbf": 1780272000,
            },
            k["lu-rsa"],
            header={"typ": "JWT"},
        ).encode(),
        "jwt-in-text-file.txt": b"\n  "
        + m.sign_jwt(m.ob3_credential(), k["lu-es"]).encode()
        + b"\r\n",
        "credential-wrapper.json": json.dumps(
            {"credential": m.sign_di(m.ob3_credential(), k["lu-ed"])}
        ).encode(),
        "presentation-signed.json": m.dumps(vp_signed),
        "presentation-jwt-credentials.json": m.dumps(
            {
                "@context": [m.V2],
                "type": ["VerifiablePresentation"],
                "verifiableCredential": [
                    {
                        "@context": m.V2,
                        "type": "EnvelopedVerifiableCredential",
                        "id": "data:application/vc+jwt,"
                        + m.sign_jwt(m.ob3_credential(), k["lu-es"]),
                    },
                    m.sign_jwt(m.ob3_credential(), k["lu-ed"]),
                ],
            }
        ),
    }
    entries = []
    for name, data in samples.items():
        _write(CORPUS / name, data)
        entries.append((f"corpus/{name}", "corpus/registry.json"))
    # Holder rewrites of signed credentials that keep the signed data (docs/adr/0007).
    originals = _rewrites.samples()
    for title, sample, steps, _expected in _rewrites.ATTACKS:
        doc = originals[sample]
        for kind, path, key in steps:
            doc = _rewrites.rewrite(doc, kind, path, key)
        name = "rewritten/" + "-".join(title.replace("@", "at-").split()) + ".json"
        _write(CORPUS / name, m.dumps(doc))
        entries.append((f"corpus/{name}", "corpus/registry.json"))
    for case in _hostile.CASES:
        if not case.in_corpus:
            continue
        name = f"hostile/{case.name}.bin"
        _write(CORPUS / name, case.make())
        reg = (
            "corpus/tampered/registry.json"
            if case.status_list == "tampered"
            else "corpus/registry.json"
        )
        entries.append((f"corpus/{name}", reg))
    return entries


def external_entries() -> list[tuple[str, str | None]]:
    _write(
        VECTORS / "vc-jose-cose" / "registry.json", json.dumps(jose_registry(), indent=1).encode()
    )
    _write(VECTORS / "openbadges" / "registry.json", json.dumps(ob3_registry(), indent=1).encode())
    _write(VECTORS / "dcc" / "registry.json", json.dumps(dcc_registry(), indent=1).encode())
    _write(
        VECTORS / "europass-edc" / "registry-pinned.json",
        json.dumps(edc_pinned_registry(), indent=1).encode(),
    )
    out: list[tuple[str, str | None]] = []
    for path in sorted((VECTORS / "w3c-vc-di-eddsa").rglob("signed*.json")):
        out.append((str(path.relative_to(VECTORS)), None))
    for path in sorted((VECTORS / "w3c-vc-di-ecdsa").rglob("signed*.json")):
        out.append((str(path.relative_to(VECTORS)), None))
    out.append(("openbadges/ob3-ldp-test-vector-signed.json", "openbadges/registry.json"))
    out.append(("openbadges/ob3-ldp-test-vector-signed.json", None))
    jose = [
        *sorted((VECTORS / "vc-jose-cose").glob("*.txt")),
        VECTORS / "vc-jose-cose/credential-minimal.json",
    ]
    for path in jose:
        out.append((str(path.relative_to(VECTORS)), "vc-jose-cose/registry.json"))
    for name in (
        "Sample-MC-Annex1-signed.jsonld",
        "Sample-MC-Annex1-unsigned.jsonld",
        "Sample-MC-Annex1-unsigned-uploadable.json",
        "Sample-CertOfPart-signed.jsonld",
        "EDC_WileECoyote_Simple.xml",
    ):
        out.append((f"europass-edc/{name}", None))
    out.append(("europass-edc/Sample-MC-Annex1-signed.jsonld", "europass-edc/registry-pinned.json"))
    out.append(("mynextid/edc-mc-signed.jsonld", None))
    for path in sorted((VECTORS / "dcc" / "verifiableCredentials").rglob("*.json")):
        out.append((str(path.relative_to(VECTORS)), "dcc/registry.json"))
    return out


# Files of tests/vectors/wild/ the browser must answer as CPython does (each at its clock,
# with an empty registry): one per new suite or format, valid and not.
WILD_ENTRIES = (
    ("wild/jff-plugfest/plugfest-1-ex-1.json", "2022-05-01T00:00:00Z"),
    ("wild/derived/jff-p1-ex-1-tampered-date.json", "2022-05-01T00:00:00Z"),
    ("wild/derived/jff-p1-ex-1-wrong-key.json", "2022-05-01T00:00:00Z"),
    ("wild/spruceid/vc-jws2020-bad-purpose.jsonld", "2021-08-01T00:00:00Z"),
    ("wild/spruceid/vc-jws2020-bad-type.jsonld", "2021-08-01T00:00:00Z"),
    ("wild/spruceid/vc.jsonld", "2021-08-05T00:00:00Z"),
    ("wild/transmute/ed25519-2018-transmute.json", "2022-02-02T00:00:00Z"),
    ("wild/eudi-sdjwt/exampleIssuanceSdJwt.txt", "2024-06-01T00:00:00Z"),
    ("wild/eudi-sdjwt/examplePresentationSdJwt.txt", "2024-06-01T00:00:00Z"),
    ("wild/derived/eudi-issuance-tampered-disclosure.txt", "2024-06-01T00:00:00Z"),
)


def run() -> None:
    from build_tools.verifier import Registry, verify

    entries = write_generated() + external_entries()
    crypto = CPythonCrypto()
    now = datetime.fromisoformat(NOW.replace("Z", "+00:00"))
    registries: dict[str | None, Registry] = {None: Registry.empty()}
    records = []
    for rel, reg in entries:
        if reg not in registries:
            raw, lists = load_registry(str(VECTORS / reg), allow_network=False)  # type: ignore[operator]
            registries[reg] = Registry.from_json(raw, status_lists=lists)
        report = verify((VECTORS / rel).read_bytes(), registries[reg], now=now, crypto=crypto)
        records.append({"file": rel, "registry": reg, "now": NOW, **summarise(report)})
    for rel, at in WILD_ENTRIES:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        report = verify((VECTORS / rel).read_bytes(), registries[None], now=moment, crypto=crypto)
        records.append({"file": rel, "registry": None, "now": at, **summarise(report)})
    doc = {
        "description": "Parity corpus: verify `file` (relative to tests/vectors/) with the "
        "registry "
        "at `registry` (status lists read from each list's `path`, relative to the registry file; "
        "null = empty registry) at time `now`; expect `verdict`, `format` and the check codes.",
        "entries": records,
    }
    (VECTORS / "corpus.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(records)} corpus entries")


def summarise(report: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "verdict": report.verdict,
        "format": report.format,
        "checks": {c.id: c.code for c in report.checks},
    }
    if report.credentials is not None:
        out["credentials"] = [summarise(r) for r in report.credentials]
    return out


if __name__ == "__main__":
    run()
