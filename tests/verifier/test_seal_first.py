"""A sealed EDC whose payload was changed after sealing is reported as changed: the signature
check says SIGNATURE_INVALID, whatever else the change happens to break first (the content
time-stamp, a date, a property, the vocabulary, or the JSON itself).

A JAdES seal covers the payload's bytes, so its verdict does not depend on reading them: the
seal is checked before the content time-stamp, and when an earlier check refuses the content
the pipeline still asks the seal (checks/signature.py: seal_broken)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.registry_files import load_registry
from build_tools.verifier import Registry, verify

from .conftest import VECTORS

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
EU = VECTORS / "europass-edc" / "Sample-MC-Annex1-signed.jsonld"
SITE_VALID = ROOT / "site_src" / "samples" / "edc-valid.jsonld"


def _registry(source: Path) -> Registry:
    raw, lists = load_registry(str(source), allow_network=False)
    return Registry.from_json(raw, lists)


@pytest.fixture(scope="module")
def eu_registry() -> Registry:
    return _registry(VECTORS / "europass-edc" / "registry-pinned.json")


@pytest.fixture(scope="module")
def site_registry() -> Registry:
    return _registry(ROOT / "catalogue")


def _with_payload(path: Path, change: Any) -> bytes:
    envelope = json.loads(path.read_text("utf-8"))
    payload = envelope["payload"]
    changed = change(payload)
    assert changed != payload
    envelope["payload"] = changed
    return json.dumps(envelope).encode("utf-8")


def _codes(data: bytes, registry: Registry, crypto: Any) -> dict[str, str]:
    return dict(verify(data, registry, now=NOW, crypto=crypto).codes)


def test_the_samples_themselves(
    eu_registry: Registry, site_registry: Registry, crypto: Any
) -> None:
    assert _codes(EU.read_bytes(), eu_registry, crypto)["signature"] == "SIGNATURE_VALID"
    assert _codes(SITE_VALID.read_bytes(), site_registry, crypto)["signature"] == "SIGNATURE_VALID"
    tampered = (ROOT / "site_src" / "samples" / "edc-tampered.jsonld").read_bytes()
    report = verify(tampered, site_registry, now=NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_INVALID"
    assert report.verdict == "invalid"


# Changes that each make some other check refuse the payload first, if it were asked first.
NAMED_CHANGES = {
    # the content time-stamp's imprint no longer fits (the EU sample carries adoTst)
    "one letter of the title": lambda p: p.replace(
        "Digital micro-credential", "Digital micro-credentiaI", 1
    ),
    # FORMAT_INVALID_DATE
    "a date made unreadable": lambda p: p.replace('"issued":"20', '"issued":"X0', 1),
    # FORMAT_MISSING_PROPERTY
    "issuer renamed": lambda p: p.replace('"issuer":', '"issuez":', 1),
    # JSONLD_UNKNOWN_CONTEXT (skip: unverifiable, if asked first)
    "vocabulary renamed": lambda p: p.replace(
        "http://data.europa.eu/snb/model/context/edc-ap",
        "http://data.europa.eu/snb/model/context/edc-aq",
        1,
    ),
    # JSONLD_DROPPED_TERM
    "a property renamed": lambda p: p.replace('"title":', '"titel":', 1),
    # FORMAT_INVALID_JSON: the payload is no longer JSON
    "cut short": lambda p: p[:-1],
    "a brace removed": lambda p: p.replace("{", "", 1),
    # FORMAT_DUPLICATE_KEY
    "a field doubled": lambda p: p.replace('"id":', '"id":"urn:x","id":', 1),
}


def _applicable() -> list[Any]:
    """(sample, change) pairs where the change alters the sample's payload."""
    cases = []
    for sample, label in ((EU, "eu-sample"), (SITE_VALID, "site-sample")):
        payload = json.loads(sample.read_text("utf-8"))["payload"]
        for name in sorted(NAMED_CHANGES):
            if NAMED_CHANGES[name](payload) != payload:
                cases.append(pytest.param(sample, name, id=f"{name}-{label}"))
    return cases


@pytest.mark.parametrize(("sample", "name"), _applicable())
def test_each_kind_of_change_is_reported_by_the_signature(
    eu_registry: Registry, site_registry: Registry, crypto: Any, sample: Path, name: str
) -> None:
    registry = eu_registry if sample == EU else site_registry
    change = NAMED_CHANGES[name]
    report = verify(_with_payload(sample, change), registry, now=NOW, crypto=crypto)
    assert report.codes["signature"] == "SIGNATURE_INVALID", report.to_dict()["checks"]
    assert report.verdict == "invalid"
    # Whatever follows the signature is not applicable, and nothing is shown as verified.
    after = [c for c in report.checks if c.id not in ("format", "jsonld", "signature")]
    assert {c.code for c in after} == {"NOT_APPLICABLE"}
    assert report.credential is None or report.credential["verified"] is False


_PAYLOAD_LENGTH = len(json.loads(EU.read_text("utf-8"))["payload"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    position=st.integers(min_value=0, max_value=_PAYLOAD_LENGTH - 1),
    replacement=st.characters(min_codepoint=0x20, max_codepoint=0x17F),
    insert=st.booleans(),
)
def test_any_change_inside_the_eu_payload_gives_signature_invalid(
    eu_registry: Registry, crypto: Any, position: int, replacement: str, insert: bool
) -> None:
    def change(payload: str) -> str:
        rest = position if insert else position + 1
        return payload[:position] + replacement + payload[rest:]

    envelope = json.loads(EU.read_text("utf-8"))
    if change(envelope["payload"]) == envelope["payload"]:
        return  # the same character written over itself: no change
    codes = _codes(_with_payload(EU, change), eu_registry, crypto)
    assert codes["signature"] == "SIGNATURE_INVALID", codes
