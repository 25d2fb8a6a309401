"""Tamper corpus: every single-field mutation of every valid sample must stop being valid.

For each sample the test generates, over the signed content (the credential, its proof, the
protected JOSE header): change each value, delete each key, add a property to each object.
Fields beside a signature that no signature covers (a wrapper, JAdES unprotected headers) are
not credential content; they are reported in `unsigned` (test_hostile.py).
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from build_tools.registry_files import load_registry
from build_tools.verifier import Registry, verify

from . import _make as m
from .conftest import VECTORS

Path_ = tuple[Any, ...]
OK = ("valid", "valid_with_warnings")


def _paths(node: Any, prefix: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 1.5
    if isinstance(value, str):
        return value + "X"
    return "X"


def mutations(doc: Any, *, every: int = 1) -> Iterator[tuple[str, Any]]:
    """(description, mutated copy) for every single-field mutation of `doc`."""
    for n, (path, value) in enumerate(_paths(doc)):
        if n % every:
            continue
        parent_path, key = path[:-1], (path[-1] if path else None)
        if path and not isinstance(value, (dict, list)):
            out = copy.deepcopy(doc)
            _get(out, parent_path)[key] = _changed(value)
            yield f"change {path}", out
        if path and isinstance(_get(doc, parent_path), dict):
            out = copy.deepcopy(doc)
            del _get(out, parent_path)[key]
            yield f"delete {path}", out
        if isinstance(value, dict):
            out = copy.deepcopy(doc)
            _get(out, path)["tamperedField"] = "tampered"
            yield f"add to {path}", out


def _get(doc: Any, path: Path_) -> Any:
    for part in path:
        doc = doc[part]
    return doc


# --------------------------------------------------------------------------- encoders


def _json(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


def _jades_parts(data: bytes) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    env = json.loads(data)
    sig = env["signatures"][0]
    header = json.loads(base64.urlsafe_b64decode(sig["protected"] + "=="))
    return env, header, json.loads(env["payload"])


def _jades_with(
    env: dict[str, Any], header: dict[str, Any], payload: dict[str, Any], keep_header: bool
) -> bytes:
    out = copy.deepcopy(env)
    out["payload"] = json.dumps(payload, ensure_ascii=False)
    if not keep_header:
        out["signatures"][0]["protected"] = m.b64u(json.dumps(header).encode())
    return json.dumps(out).encode()


def _jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    head, body, sig = token.strip().split(".")
    return (
        json.loads(base64.urlsafe_b64decode(head + "==")),
        json.loads(base64.urlsafe_b64decode(body + "==")),
        sig,
    )


def _jwt_with(
    header: dict[str, Any], payload: dict[str, Any], sig: str, original: str, part: str
) -> bytes:
    head, body, _ = original.strip().split(".")
    if part == "header":
        head = m.b64u(json.dumps(header).encode())
    else:
        body = m.b64u(json.dumps(payload).encode())
    return f"{head}.{body}.{sig}".encode()


def variants(data: bytes, kind: str, every: int = 1) -> Iterator[tuple[str, bytes]]:
    if kind == "json":
        for what, doc in mutations(json.loads(data), every=every):
            yield what, _json(doc)
    elif kind == "jades":
        env, header, payload = _jades_parts(data)
        for what, doc in mutations(payload, every=every):
            yield "payload " + what, _jades_with(env, header, doc, keep_header=True)
        for what, head in mutations(header):
            yield "header " + what, _jades_with(env, head, payload, keep_header=False)
    elif kind == "jwt":
        token = data.decode()
        header, payload, sig = _jwt_parts(token)
        for what, doc in mutations(payload, every=every):
            yield "payload " + what, _jwt_with(header, doc, sig, token, "payload")
        for what, head in mutations(header):
            yield "header " + what, _jwt_with(head, payload, sig, token, "header")


# --------------------------------------------------------------------------- samples


def _ours() -> dict[str, tuple[Callable[[], bytes], str]]:
    k = m.keys()
    ed2020 = m.ob3_credential()
    ed2020["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    return {
        "ob3-eddsa-rdfc-2022": (
            lambda: m.dumps(m.sign_di(m.ob3_credential(status_index=7), k["lu-ed"])),
            "json",
        ),
        "ob3-ecdsa-p256": (lambda: m.dumps(m.sign_di(m.ob3_credential(), k["lu-es"])), "json"),
        "ob3-ecdsa-p384": (lambda: m.dumps(m.sign_di(m.ob3_credential(), k["lu-es384"])), "json"),
        "ob3-ed25519signature2020": (
            lambda: m.dumps(m.sign_di(ed2020, k["lu-ed"], proof_type="Ed25519Signature2020")),
            "json",
        ),
        "edc-jades-rs256": (lambda: m.sign_jades(m.edc_credential(), k["lu-rsa"]), "jades"),
        "edc-jades-es256": (lambda: m.sign_jades(m.edc_credential(), k["lu-es"]), "jades"),
        "vc-jwt-es256": (lambda: m.sign_jwt(m.ob3_credential(), k["lu-es"]).encode(), "jwt"),
        "vc-jwt-eddsa": (lambda: m.sign_jwt(m.ob3_credential(), k["lu-ed"]).encode(), "jwt"),
        "vc-jwt-v11-rs256": (
            lambda: m.sign_jwt(
                {"vc": m.ob3_credential(), "iss": k["lu-rsa"].did},
                k["lu-rsa"],
                header={"typ": "JWT"},
            ).encode(),
            "jwt",
        ),
        "presentation-holder-signed": (
            lambda: m.dumps(
                m.sign_di(
                    {
                        "@context": [m.V2],
                        "type": ["VerifiablePresentation"],
                        "holder": k["lu-ed"].did,
                        "verifiableCredential": [m.sign_di(m.ob3_credential(), k["lu-ed"])],
                    },
                    k["lu-ed"],
                    purpose="authentication",
                )
            ),
            "json",
        ),
    }


EXTERNAL = {
    # name: (file, registry, kind, sample every n-th path)
    "w3c-eddsa-rdfc-2022": ("w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json", None, "json", 1),
    "w3c-ecdsa-rdfc-2019-p256": (
        "w3c-vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json",
        None,
        "json",
        1,
    ),
    "1edtech-ob3": (
        "openbadges/ob3-ldp-test-vector-signed.json",
        "openbadges/registry.json",
        "json",
        1,
    ),
    "vc-jose-cose-minimal": (
        "vc-jose-cose/credential-jose-minimal.txt",
        "vc-jose-cose/registry.json",
        "jwt",
        1,
    ),
    "eu-edc-micro-credential": ("europass-edc/Sample-MC-Annex1-signed.jsonld", None, "jades", 23),
    "dcc-ob3-two-proofs": (
        "dcc/verifiableCredentials/v2/bothSignatureTypes/didkey/legacy-noStatus-noExpiry.json",
        "dcc/registry.json",
        "json",
        1,
    ),
}


def _check_all(
    data: bytes, kind: str, registry: Registry, crypto: Any, now: datetime, every: int = 1
) -> int:
    baseline = verify(data, registry, now=now, crypto=crypto)
    assert baseline.verdict in OK, baseline.to_dict()["checks"]
    survivors = []
    count = 0
    for what, mutated in variants(data, kind, every):
        count += 1
        report = verify(mutated, registry, now=now, crypto=crypto)
        if report.verdict not in OK:
            continue
        # A presentation's own holder proof is optional: garbling it leaves the signed
        # credentials inside intact and turns the holder check into a warning, never `valid`.
        holder_only = (
            report.format == "vp"
            and report.verdict != "valid"
            and report.codes.get("signature") != baseline.codes.get("signature")
            and [r.to_dict() for r in report.credentials or []]
            == [r.to_dict() for r in baseline.credentials or []]
        )
        if not holder_only:
            survivors.append(what)
    assert not survivors, survivors[:10]
    return count


@pytest.mark.parametrize("name", sorted(_ours()))
def test_tamper_corpus_project_samples(name: str, registry: Registry, crypto: Any) -> None:
    make, kind = _ours()[name]
    assert _check_all(make(), kind, registry, crypto, m.NOW) > 20


@pytest.mark.parametrize("name", sorted(EXTERNAL))
def test_tamper_corpus_external_samples(name: str, crypto: Any) -> None:
    rel, reg, kind, every = EXTERNAL[name]
    if reg is None:
        registry = Registry.empty()
    else:
        raw, lists = load_registry(str(VECTORS / reg), allow_network=False)
        registry = Registry.from_json(raw, status_lists=lists)
    now = datetime(2026, 10, 1, tzinfo=UTC)
    assert _check_all((VECTORS / rel).read_bytes(), kind, registry, crypto, now, every) > 20
