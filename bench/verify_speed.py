"""Verifier speed: full `verify` against bare signature verification, per format, in one run.

    .venv/bin/python bench/verify_speed.py [--rounds 5] [--n 100] [--batch 1000]

For each format: the median time of a full `verify()` (all eight checks, CPython crypto
backend, registry lookups, status list where the credential has one) and of two bare
signature verifications:

- "bare sig with cryptography", the minimal one, with the libraries the verifier uses (JWS:
  parse the envelope with `json`, decode, verify with `cryptography`; Data Integrity:
  canonicalise proof options and document with pyld, hash, verify);
- "bare sig with jwcrypto", for the JWS formats: what a typical Python JWS verifier does:
  `jwcrypto.jws.JWS().deserialize(token)` then `.verify(jwk)`, with the `JWK` object built once
  (jwcrypto then keeps the imported key, as the verifier keeps its own). jwcrypto reads the
  JAdES JSON serialization with `b64: false` (RFC 7797) itself; it refuses critical headers it
  does not know, so JAdES's `sigT` and `adoTst` are registered as understood (jwcrypto checks
  neither). jwcrypto has no Data Integrity, so that column is empty for those formats.

Baked OB 3.0 PNG rows: the bare columns first take the credential out with Pillow
(`Image.text`), as a Python user would. SD-JWT rows: bare = the issuer JWT's signature (and,
with key binding, the holder's kb+jwt signature); disclosure digests are not checked there.
The EU SD-JWT example names no key the verifier can resolve offline, so its full verify stops
at SIGNATURE_KEY_UNAVAILABLE (reading, disclosures, key lookup) while the bare columns use the
key its source publishes: that ratio is not a like-for-like comparison and has no goal.

Each ratio is full / bare, taken within each round; the median over the rounds is reported
(the machine is noisy). Goal: ratio <= 3 for the JWS formats. Then a batch of files through
`credsite verify` (process pool) gives credentials per second.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from jwcrypto.common import JWSEHeaderParameter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools.verifier import Registry, verify  # noqa: E402
from build_tools.verifier.codec import b58decode, multikey_to_jwk  # noqa: E402
from build_tools.verifier.crypto_cpython import CPythonCrypto, verify_signature_sync  # noqa: E402
from build_tools.verifier.jsonld import canonize  # noqa: E402
from tests.verifier import _baked  # noqa: E402
from tests.verifier import _make as m  # noqa: E402
from tests.verifier.test_offline_methods import _sd_jwt  # noqa: E402

VECTORS = ROOT / "tests" / "vectors"


def _public(jwk: dict[str, Any]) -> dict[str, Any]:
    """The public members of a JWK (the example file holds the private key as well)."""
    return {k: jwk[k] for k in ("kty", "crv", "x", "y", "n", "e") if k in jwk}


def _b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --------------------------------------------------------------------------- bare verifiers


def bare_jades(data: bytes, jwk: dict[str, Any]) -> bool:
    env = json.loads(data)
    sig = env["signatures"][0]
    header = json.loads(_b64u(sig["protected"]))
    message = sig["protected"].encode() + b"." + env["payload"].encode()
    return verify_signature_sync(
        jwk=jwk, alg=header["alg"], message=message, signature=_b64u(sig["signature"])
    )


def bare_jwt(data: bytes, jwk: dict[str, Any]) -> bool:
    head, body, sig = data.decode().strip().split(".")
    header = json.loads(_b64u(head))
    json.loads(_b64u(body))
    return verify_signature_sync(
        jwk=jwk, alg=header["alg"], message=f"{head}.{body}".encode(), signature=_b64u(sig)
    )


def bare_di(data: bytes, jwk: dict[str, Any]) -> bool:
    doc = json.loads(data)
    proof = doc.pop("proof")
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = doc["@context"]
    p384 = jwk.get("crv") == "P-384"
    digest = hashlib.sha384 if p384 else hashlib.sha256
    message = digest(canonize(config).encode()).digest() + digest(canonize(doc).encode()).digest()
    alg = "EdDSA" if jwk["kty"] == "OKP" else ("ES384" if p384 else "ES256")
    return verify_signature_sync(
        jwk=jwk, alg=alg, message=message, signature=b58decode(proof["proofValue"][1:])
    )


def _baked_text(data: bytes) -> bytes:
    """The credential of an OB 3.0 baked PNG as a Pillow user reads it (`Image.text`)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return str(image.text[_baked.KEYWORD]).encode()  # type: ignore[attr-defined]


def bare_baked_jwt(data: bytes, jwk: dict[str, Any]) -> bool:
    return bare_jwt(_baked_text(data), jwk)


def bare_baked_di(data: bytes, jwk: dict[str, Any]) -> bool:
    return bare_di(_baked_text(data), jwk)


def bare_sd_jwt(data: bytes, jwk: dict[str, Any]) -> bool:
    """The issuer JWT's signature only (disclosure digests and key binding are not checked).
    The EU example file is wrapped at 120 columns, so white space is taken out first."""
    return bare_jwt("".join(data.decode().split()).split("~", 1)[0].encode(), jwk)


def bare_sd_jwt_kb(data: bytes, jwk: dict[str, Any]) -> bool:
    """The issuer JWT's signature and the key-binding JWT's signature (holder `cnf.jwk`)."""
    parts = data.decode().strip().split("~")
    payload = json.loads(_b64u(parts[0].split(".")[1]))
    return bare_jwt(parts[0].encode(), jwk) and bare_jwt(parts[-1].encode(), payload["cnf"]["jwk"])


# JAdES (ETSI TS 119 182-1) lists sigT and adoTst in `crit`; jwcrypto refuses unknown critical
# headers, so they are declared understood (must be protected, supported, no check function).
_JADES_HEADERS = {
    "sigT": JWSEHeaderParameter("JAdES claimed signing time", True, True, None),
    "adoTst": JWSEHeaderParameter("JAdES content time-stamp", True, True, None),
}


def jwcrypto_compact(data: bytes, key: jwcrypto_jwk.JWK) -> bool:
    token = jwcrypto_jws.JWS()
    token.deserialize(data.decode().strip())
    token.verify(key)  # raises when the signature does not verify
    return True


def jwcrypto_baked(data: bytes, key: jwcrypto_jwk.JWK) -> bool:
    return jwcrypto_compact(_baked_text(data), key)


def jwcrypto_sd_jwt(data: bytes, key: jwcrypto_jwk.JWK) -> bool:
    return jwcrypto_compact("".join(data.decode().split()).split("~", 1)[0].encode(), key)


def jwcrypto_jades(data: bytes, key: jwcrypto_jwk.JWK) -> bool:
    token = jwcrypto_jws.JWS(header_registry=_JADES_HEADERS)
    token.deserialize(data.decode())
    token.verify(key)
    return True


# --------------------------------------------------------------------------- samples


class Sample(NamedTuple):
    name: str
    data: bytes
    bare: Callable[[bytes, dict[str, Any]], bool]
    jwk: dict[str, Any]
    registry: Registry
    jwcrypto: Callable[[bytes, jwcrypto_jwk.JWK], bool] | None
    signature_code: str = "SIGNATURE_VALID"  # what the full verify's signature check gives


def samples() -> list[Sample]:
    k = m.keys()
    ours = Registry.from_json(
        m.registry_dict(), status_lists={m.status_url("lu"): m.dumps(m.status_list())}
    )
    eu = json.loads((VECTORS / "europass-edc/Sample-MC-Annex1-signed.jsonld").read_text())
    eu_header = json.loads(_b64u(eu["signatures"][0]["protected"]))
    from cryptography import x509
    from jwcrypto.jwk import JWK

    eu_cert = x509.load_der_x509_certificate(base64.b64decode(eu_header["x5c"][0]))
    eu_jwk = JWK.from_pyca(eu_cert.public_key()).export_public(as_dict=True)
    w3c = VECTORS / "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"
    w3c_jwk = multikey_to_jwk(
        json.loads(w3c.read_text())["proof"]["verificationMethod"].split("#")[1]
    )
    return [
        Sample(
            "edc-jades RS256 (project)",
            m.sign_jades(m.edc_credential(), k["lu-rsa"]),
            bare_jades,
            k["lu-rsa"].jwk,
            ours,
            jwcrypto_jades,
        ),
        Sample(
            "edc-jades ES256 (project)",
            m.sign_jades(m.edc_credential(), k["lu-es"]),
            bare_jades,
            k["lu-es"].jwk,
            ours,
            jwcrypto_jades,
        ),
        Sample(
            "edc-jades RS256 (EU sample, 150 kB)",
            (VECTORS / "europass-edc/Sample-MC-Annex1-signed.jsonld").read_bytes(),
            bare_jades,
            eu_jwk,
            Registry.empty(),
            jwcrypto_jades,
        ),
        Sample(
            "vc-jwt ES256",
            m.sign_jwt(m.ob3_credential(), k["lu-es"]).encode(),
            bare_jwt,
            k["lu-es"].jwk,
            ours,
            jwcrypto_compact,
        ),
        Sample(
            "vc-jwt ES384",
            m.sign_jwt(m.ob3_credential(), k["lu-es384"]).encode(),
            bare_jwt,
            k["lu-es384"].jwk,
            ours,
            jwcrypto_compact,
        ),
        Sample(
            "vc-jwt EdDSA",
            m.sign_jwt(m.ob3_credential(), k["lu-ed"]).encode(),
            bare_jwt,
            k["lu-ed"].jwk,
            ours,
            jwcrypto_compact,
        ),
        Sample(
            "vc-jwt-1.1 RS256",
            m.sign_jwt(
                {"vc": m.ob3_credential(), "iss": k["lu-rsa"].did},
                k["lu-rsa"],
                header={"typ": "JWT"},
            ).encode(),
            bare_jwt,
            k["lu-rsa"].jwk,
            ours,
            jwcrypto_compact,
        ),
        Sample(
            "ob3-baked-png: vc-jwt ES256 in iTXt",
            _baked.bake_png(m.sign_jwt(m.ob3_credential(), k["lu-es"])),
            bare_baked_jwt,
            k["lu-es"].jwk,
            ours,
            jwcrypto_baked,
        ),
        Sample(
            "ob3-baked-png: eddsa-rdfc-2022 in zip iTXt",
            _baked.bake_png(
                m.dumps(m.sign_di(m.ob3_credential(status_index=7), k["lu-ed"])), compress=True
            ),
            bare_baked_di,
            k["lu-ed"].jwk,
            ours,
            None,
        ),
        Sample(
            "dc+sd-jwt ES256 + key binding EdDSA",
            _sd_jwt(),
            bare_sd_jwt_kb,
            json.loads(_b64u(_sd_jwt().decode().split(".")[0]))["jwk"],
            Registry.empty(),
            None,
        ),
        Sample(
            "sd-jwt RS256 (EU example; key not resolvable)",
            (VECTORS / "wild/eudi-sdjwt/exampleIssuanceSdJwt.txt").read_bytes(),
            bare_sd_jwt,
            _public(json.loads((VECTORS / "wild/keys/eudi-examplesIssuerKey.json").read_text())),
            Registry.empty(),
            jwcrypto_sd_jwt,
            "SIGNATURE_KEY_UNAVAILABLE",
        ),
        Sample(
            "vc-di-eddsa-rdfc-2022 (project, + status list)",
            m.dumps(m.sign_di(m.ob3_credential(status_index=7), k["lu-ed"])),
            bare_di,
            k["lu-ed"].jwk,
            ours,
            None,
        ),
        Sample(
            "vc-di-eddsa-rdfc-2022 (W3C vector)",
            w3c.read_bytes(),
            bare_di,
            w3c_jwk,
            Registry.empty(),
            None,
        ),
        Sample(
            "vc-di-ecdsa-rdfc-2019 P-256",
            m.dumps(m.sign_di(m.ob3_credential(), k["lu-es"])),
            bare_di,
            k["lu-es"].jwk,
            ours,
            None,
        ),
        Sample(
            "vc-di-ecdsa-rdfc-2019 P-384",
            m.dumps(m.sign_di(m.ob3_credential(), k["lu-es384"])),
            bare_di,
            k["lu-es384"].jwk,
            ours,
            None,
        ),
    ]


def _median_ms(fn: Callable[[], Any], n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def per_format(rounds: int, n: int) -> None:
    crypto = CPythonCrypto()
    now = datetime(2026, 10, 1, tzinfo=UTC)
    rows = []
    for sample in samples():
        name, data, bare, jwk, registry, jwc, expected = sample
        report = verify(data, registry, now=now, crypto=crypto)
        assert report.codes["signature"] == expected, (name, report.to_dict()["checks"])
        assert bare(data, jwk)
        jwc_key = jwcrypto_jwk.JWK(**jwk) if jwc is not None else None
        if jwc is not None:
            assert jwc(data, jwc_key)
        for _ in range(5):  # warm-up
            verify(data, registry, now=now, crypto=crypto)
            bare(data, jwk)
            if jwc is not None:
                jwc(data, jwc_key)
        fulls, bares, ratios, jwcs, jwc_ratios = [], [], [], [], []
        for _ in range(rounds):
            full_ms = _median_ms(lambda d=data, r=registry: verify(d, r, now=now, crypto=crypto), n)
            bare_ms = _median_ms(lambda d=data, b=bare, j=jwk: b(d, j), n)
            fulls.append(full_ms)
            bares.append(bare_ms)
            ratios.append(full_ms / bare_ms)
            if jwc is not None:
                jwc_ms = _median_ms(lambda d=data, f=jwc, k=jwc_key: f(d, k), n)
                jwcs.append(jwc_ms)
                jwc_ratios.append(full_ms / jwc_ms)
        rows.append(
            (
                name,
                statistics.median(fulls),
                statistics.median(bares),
                statistics.median(ratios),
                statistics.median(jwcs) if jwcs else None,
                statistics.median(jwc_ratios) if jwc_ratios else None,
                report.verdict,
            )
        )
    print(f"{'':<48} {'':>12} {'bare signature verification':^37}")
    print(f"{'':<48} {'':>12} {'with cryptography':^18} {'with jwcrypto':^18}")
    print(
        f"{'format':<48} {'full verify':>12} {'bare sig':>10} {'ratio':>7}"
        f" {'bare sig':>10} {'ratio':>7}  verdict"
    )
    for name, full, bare_ms, ratio, jwc_ms, jwc_ratio, verdict in rows:
        goal = (
            "  (goal <= 3)"
            if ("jades" in name or "jwt" in name) and "EU example" not in name
            else ""
        )
        jwc_text = (
            f"{jwc_ms:>7.3f} ms {jwc_ratio:>6.2f}x"
            if jwc_ms is not None and jwc_ratio is not None
            else " " * 18
        )
        print(
            f"{name:<48} {full:>9.3f} ms {bare_ms:>7.3f} ms {ratio:>6.2f}x "
            f"{jwc_text}  {verdict}{goal}"
        )
    print(
        "\nratio = full verify / bare sig. With cryptography: parse with json, verify with"
        " cryptography\n(the minimal work; Data Integrity: canonicalise with pyld, hash, verify)."
        " With jwcrypto:\njwcrypto.jws.JWS deserialize + verify with a prepared JWK (JAdES: JSON"
        " serialization,\nb64:false, sigT/adoTst declared understood); jwcrypto has no Data"
        " Integrity."
    )


def batch(count: int) -> None:
    k = m.keys()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "registry.json").write_text(json.dumps(m.registry_dict()))
        (folder / "issuers/lu/status").mkdir(parents=True)
        (folder / "issuers/lu/status/1.json").write_bytes(m.dumps(m.status_list()))
        kinds = [
            ("edc", ".jsonld", m.sign_jades(m.edc_credential(), k["lu-rsa"])),
            ("ob3", ".json", m.dumps(m.sign_di(m.ob3_credential(status_index=7), k["lu-ed"]))),
            ("jwt", ".jwt", m.sign_jwt(m.ob3_credential(), k["lu-es"]).encode()),
        ]
        files = []
        for i in range(count):
            label, ext, data = kinds[i % len(kinds)]
            path = folder / f"{label}-{i:04d}{ext}"
            path.write_bytes(data)
            files.append(str(path))
        command = [
            sys.executable,
            "-m",
            "build_tools.cli",
            "verify",
            *files,
            "--registry",
            str(folder / "registry.json"),
            "--json",
            "--now",
            "2026-10-01T12:00:00Z",
        ]
        start = time.perf_counter()
        out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        lines = out.stdout.splitlines()
        valid = sum(json.loads(line)["verdict"] == "valid" for line in lines)
        print(
            f"\nCLI batch: {count} files (EDC/JAdES, OB3/eddsa-rdfc-2022 + status list, vc+jwt) "
            f"with {os.cpu_count()} CPUs: {elapsed:.2f} s wall, "
            f"{count / elapsed:.0f} credentials/s "
            f"(process start included); {valid}/{len(lines)} valid; exit {out.returncode}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
        f"medians of {args.rounds} rounds x "
        f"{args.n} calls\n"
    )
    per_format(args.rounds, args.n)
    batch(args.batch)


if __name__ == "__main__":
    main()
