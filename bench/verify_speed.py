"""Verifier speed: full `verify` against bare signature verification, per format, in one run.

    python bench/verify_speed.py [--rounds 5] [--n 200] [--batch 1000]

For each format: the median time of a full `verify()` (all eight checks, CPython crypto
backend, registry lookups, status list where the credential has one) and of the bare signature
verification with the same libraries (JWS: parse the envelope, decode, verify with
`cryptography`; Data Integrity: canonicalise proof options and document with pyld, hash,
verify). The ratio is taken within each round and the median reported (the machine is noisy).
Goal: ratio <= 3 for the JWS formats. Then a batch of files through `credsite verify` (process
pool) gives credentials per second.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools.verifier import Registry, verify  # noqa: E402
from build_tools.verifier._util import b58decode, multikey_to_jwk  # noqa: E402
from build_tools.verifier.crypto_cpython import CPythonCrypto, verify_signature_sync  # noqa: E402
from build_tools.verifier.jsonld import canonize  # noqa: E402
from tests.verifier import _make as m  # noqa: E402

VECTORS = ROOT / "tests" / "vectors"


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


# --------------------------------------------------------------------------- samples


def samples() -> list[
    tuple[str, bytes, Callable[[bytes, dict[str, Any]], bool], dict[str, Any], Registry]
]:
    k = m.keys()
    ours = Registry.from_json(
        m.registry_dict(), status_lists={m.status_url("lu"): m.dumps(m.status_list())}
    )
    eu = json.loads((VECTORS / "europass-edc/Sample-MC-Annex1-signed.jsonld").read_text())
    eu_header = json.loads(_b64u(eu["signatures"][0]["protected"]))
    from build_tools.verifier._x509 import parse_certificate

    eu_jwk = parse_certificate(base64.b64decode(eu_header["x5c"][0])).jwk
    w3c = VECTORS / "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"
    w3c_jwk = multikey_to_jwk(
        json.loads(w3c.read_text())["proof"]["verificationMethod"].split("#")[1]
    )
    return [
        (
            "edc-jades RS256 (project)",
            m.sign_jades(m.edc_credential(), k["lu-rsa"]),
            bare_jades,
            k["lu-rsa"].jwk,
            ours,
        ),
        (
            "edc-jades ES256 (project)",
            m.sign_jades(m.edc_credential(), k["lu-es"]),
            bare_jades,
            k["lu-es"].jwk,
            ours,
        ),
        (
            "edc-jades RS256 (EU sample, 150 kB)",
            (VECTORS / "europass-edc/Sample-MC-Annex1-signed.jsonld").read_bytes(),
            bare_jades,
            eu_jwk,
            Registry.empty(),
        ),
        (
            "vc-jwt ES256",
            m.sign_jwt(m.ob3_credential(), k["lu-es"]).encode(),
            bare_jwt,
            k["lu-es"].jwk,
            ours,
        ),
        (
            "vc-jwt ES384",
            m.sign_jwt(m.ob3_credential(), k["lu-es384"]).encode(),
            bare_jwt,
            k["lu-es384"].jwk,
            ours,
        ),
        (
            "vc-jwt EdDSA",
            m.sign_jwt(m.ob3_credential(), k["lu-ed"]).encode(),
            bare_jwt,
            k["lu-ed"].jwk,
            ours,
        ),
        (
            "vc-jwt-1.1 RS256",
            m.sign_jwt(
                {"vc": m.ob3_credential(), "iss": k["lu-rsa"].did},
                k["lu-rsa"],
                header={"typ": "JWT"},
            ).encode(),
            bare_jwt,
            k["lu-rsa"].jwk,
            ours,
        ),
        (
            "vc-di-eddsa-rdfc-2022 (project, + status list)",
            m.dumps(m.sign_di(m.ob3_credential(status_index=7), k["lu-ed"])),
            bare_di,
            k["lu-ed"].jwk,
            ours,
        ),
        (
            "vc-di-eddsa-rdfc-2022 (W3C vector)",
            w3c.read_bytes(),
            bare_di,
            w3c_jwk,
            Registry.empty(),
        ),
        (
            "vc-di-ecdsa-rdfc-2019 P-256",
            m.dumps(m.sign_di(m.ob3_credential(), k["lu-es"])),
            bare_di,
            k["lu-es"].jwk,
            ours,
        ),
        (
            "vc-di-ecdsa-rdfc-2019 P-384",
            m.dumps(m.sign_di(m.ob3_credential(), k["lu-es384"])),
            bare_di,
            k["lu-es384"].jwk,
            ours,
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
    for name, data, bare, jwk, registry in samples():
        report = verify(data, registry, now=now, crypto=crypto)
        assert report.codes["signature"] == "SIGNATURE_VALID", (name, report.to_dict()["checks"])
        assert bare(data, jwk)
        for _ in range(5):  # warm-up
            verify(data, registry, now=now, crypto=crypto)
            bare(data, jwk)
        fulls, bares, ratios = [], [], []
        for _ in range(rounds):
            full_ms = _median_ms(lambda d=data, r=registry: verify(d, r, now=now, crypto=crypto), n)
            bare_ms = _median_ms(lambda d=data, b=bare, j=jwk: b(d, j), n)
            fulls.append(full_ms)
            bares.append(bare_ms)
            ratios.append(full_ms / bare_ms)
        rows.append(
            (
                name,
                statistics.median(fulls),
                statistics.median(bares),
                statistics.median(ratios),
                report.verdict,
            )
        )
    print(f"{'format':<48} {'full verify':>12} {'bare sig':>10} {'ratio':>7}  verdict")
    for name, full, bare_ms, ratio, verdict in rows:
        goal = "  (goal <= 3)" if "jades" in name or "jwt" in name else ""
        print(f"{name:<48} {full:>9.3f} ms {bare_ms:>7.3f} ms {ratio:>6.2f}x  {verdict}{goal}")


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
            "build_tools.verifier_cli",
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
