"""Anyone can add a seal of their own to a sealed file: an extra seal, whatever its key and its
signing time, never makes the verdict better than the issuer's seal alone makes it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from build_tools.verifier import Registry, verify

from . import _make as m

_BEFORE_KEY = datetime(2025, 6, 1, tzinfo=UTC)  # before the test keys' valid_from (2026-01-01)
# Better to worse; "unverifiable" (a seal whose key cannot be found) accepts nothing either.
_RANK = {"valid": 0, "valid_with_warnings": 1, "invalid": 2, "unverifiable": 2}


def _with_seals(issuer_seal: bytes, *extra: bytes) -> bytes:
    doc = json.loads(issuer_seal)
    for seal in extra:
        doc["signatures"] += json.loads(seal)["signatures"]
    return json.dumps(doc).encode()


def _codes(report: Any) -> dict[str, str]:
    return {check.id: check.code for check in report.checks}


@pytest.mark.parametrize("sealed_at", [_BEFORE_KEY, m.NOW.replace(month=3)])
@pytest.mark.parametrize(
    "stranger_time",
    [datetime(2026, 12, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC), m.NOW],
)
@pytest.mark.parametrize("kind", ["P-256", "RSA", "Ed25519"])
def test_a_strangers_seal_changes_nothing(
    sealed_at: datetime, stranger_time: datetime, kind: str, registry: Registry, crypto: Any
) -> None:
    payload = json.dumps(m.edc_credential(issued=sealed_at), ensure_ascii=False)
    issuer = m.sign_jades(payload, m.keys()["lu-rsa"], sig_time=sealed_at)
    alone = verify(issuer, registry, now=m.NOW, crypto=crypto)
    extra = m.sign_jades(payload, m.stranger(kind), sig_time=stranger_time)
    both = verify(_with_seals(issuer, extra), registry, now=m.NOW, crypto=crypto)
    assert _RANK[both.verdict] >= _RANK[alone.verdict]
    if both.verdict != "unverifiable":
        assert _codes(both)["issuer_key"] == _codes(alone)["issuer_key"]
    if sealed_at == _BEFORE_KEY:
        assert alone.verdict == "invalid"
        assert _codes(alone)["issuer_key"] == "ISSUER_KEY_NOT_YET_ACTIVE"
