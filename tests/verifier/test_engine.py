"""The engine's contract: async core driven synchronously, report shape, registry parsing."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from typing import Any

import pytest

from build_tools.verifier import CHECK_IDS, Registry, averify, verify
from build_tools.verifier.crypto_cpython import CPythonCrypto

from . import _make as m


class SuspendingCrypto:
    """A backend that really awaits (like WebCrypto through Pyodide)."""

    def __init__(self) -> None:
        self.inner = CPythonCrypto()
        self.calls = 0

    async def verify_signature(
        self, *, jwk: dict[str, Any], alg: str, message: bytes, signature: bytes
    ) -> bool:
        self.calls += 1
        await asyncio.sleep(0)
        return await self.inner.verify_signature(
            jwk=jwk, alg=alg, message=message, signature=signature
        )


def _sample() -> bytes:
    return m.dumps(m.sign_di(m.ob3_credential(status_index=7), m.keys()["lu-ed"]))


def test_report_shape_matches_design(registry: Registry, crypto: Any) -> None:
    report = verify(_sample(), registry, now=m.NOW, crypto=crypto)
    shape = report.to_dict()
    assert list(shape) == ["verdict", "format", "credential", "checks", "unsigned"]
    assert [c["id"] for c in shape["checks"]] == list(CHECK_IDS)
    for check in shape["checks"]:
        assert set(check) == {"id", "status", "code", "message", "detail"}
        assert check["status"] in ("pass", "fail", "warn", "skip")
        assert check["code"].isupper() and check["message"]
    assert shape["credential"]["issuer"]["from_registry"] is True
    json.dumps(shape)  # serialisable


def test_averify_with_a_suspending_backend(registry: Registry) -> None:
    crypto = SuspendingCrypto()
    # A fresh thread has no event loop, whatever other tests (Playwright) left in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        report = pool.submit(
            asyncio.run, averify(_sample(), registry, now=m.NOW, crypto=crypto)
        ).result()
    assert report.verdict == "valid" and crypto.calls >= 2  # credential + its status list


def test_verify_fails_loudly_when_the_backend_suspends(registry: Registry) -> None:
    with pytest.raises(RuntimeError, match="suspended"):
        verify(_sample(), registry, now=m.NOW, crypto=SuspendingCrypto())  # type: ignore[arg-type]


def test_backend_value_error_becomes_a_report(registry: Registry) -> None:
    class Broken:
        async def verify_signature(self, **_: Any) -> bool:
            raise ValueError("unusable key")

    report = verify(_sample(), registry, now=m.NOW, crypto=Broken())  # type: ignore[arg-type]
    assert report.codes["signature"] == "SIGNATURE_KEY_UNSUPPORTED"


def test_unexpected_backend_error_never_escapes(registry: Registry) -> None:
    class Exploding:
        async def verify_signature(self, **_: Any) -> bool:
            raise KeyError("boom")

    report = verify(_sample(), registry, now=m.NOW, crypto=Exploding())  # type: ignore[arg-type]
    assert report.verdict == "invalid" and report.codes["format"] == "INTERNAL_ERROR"


def test_unverified_credential_data_is_marked(registry: Registry, crypto: Any) -> None:
    doc = m.sign_di(m.ob3_credential(), m.keys()["lu-ed"])
    doc["credentialSubject"]["achievement"]["name"] = "Forged title"
    report = verify(m.dumps(doc), registry, now=m.NOW, crypto=crypto)
    assert report.verdict == "invalid"
    assert report.credential is not None and report.credential["verified"] is False
    assert report.credential["issuer"]["name"] is None
    assert report.unsigned[0].startswith("all credential data")


def test_registry_from_bad_input_is_empty() -> None:
    for bad in (b"not json", b"[]", {"issuers": "x"}, {"issuers": {"a": {"keys": "nope"}}}, None):
        registry = Registry.from_json(bad)  # type: ignore[arg-type]
        assert registry.keys_by_thumbprint("x") == []


def test_a_status_list_not_supplied_is_asked_for_once_by_the_url_the_check_reads() -> None:
    asked: list[str] = []

    def fetch(url: str) -> bytes | None:
        asked.append(url)
        return None

    registry = Registry.from_json(m.registry_dict(), fetch_status_list=fetch)
    crypto = CPythonCrypto()
    for _ in range(2):
        report = verify(_sample(), registry, now=m.NOW, crypto=crypto)
        assert report.codes["revocation"] == "REVOCATION_NOT_CHECKED"
    assert asked == [m.status_url("lu")]
    assert Registry.from_json(m.registry_dict()).status_list(m.status_url("lu")) is None


def test_no_import_from_the_rest_of_build_tools() -> None:
    import ast
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "build_tools" / "verifier"
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith("build_tools"), (path.name, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith(
                        ("build_tools", "cryptography", "jwcrypto", "urllib", "requests")
                    ) or path.name in ("crypto_cpython.py", "webcrypto.py"), (path.name, alias.name)


def test_every_code_is_documented() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = "\n".join(p.read_text() for p in (root / "build_tools" / "verifier").rglob("*.py"))
    prefixes = "FORMAT|JSONLD|SIGNATURE|ISSUER|VALIDITY|REVOCATION|CATALOGUE|EU|PRESENTATION|INPUT"
    pattern = rf'"((?:{prefixes}|INTERNAL|NOT)_[A-Z_]+)"'
    codes = set(re.findall(pattern, source))
    documented = set(
        re.findall(r"\| `([A-Z_]+)` \|", (root / "docs" / "verifier-codes.md").read_text())
    )
    assert codes - documented == set()
    assert documented - codes == set()


@pytest.mark.parametrize(
    ("issuer", "ects", "code", "offer"),
    [
        ("lu", 5, "CATALOGUE_MATCH", {"id": m.OFFER_ID, "version": "1.2"}),
        # Matches version 1.1 (4 ECTS): the report names that version, not the current one.
        ("lu", 4, "CATALOGUE_OLDER_VERSION", {"id": m.OFFER_ID, "version": "1.1"}),
        # No offer is reported for a credential that does not match it or whose signer does
        # not award it.
        ("lu", 9, "CATALOGUE_MISMATCH", None),
        ("jyu", 5, "CATALOGUE_NOT_AWARDING_BODY", None),
    ],
)
def test_the_report_names_the_offer_only_as_matched(
    issuer: str, ects: int, code: str, offer: dict[str, str] | None, registry: Registry
) -> None:
    doc = m.sign_di(m.ob3_credential(issuer=issuer, ects=ects), m.keys()[f"{issuer}-ed"])
    report = verify(m.dumps(doc), registry, now=m.NOW, crypto=CPythonCrypto())
    assert report.codes["catalogue"] == code
    assert report.credential is not None
    shown = report.credential.get("offer")
    assert (None if shown is None else {k: shown[k] for k in ("id", "version")}) == offer
