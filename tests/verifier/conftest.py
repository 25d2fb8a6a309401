from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.verifier import Registry
from build_tools.verifier.crypto_cpython import CPythonCrypto

from . import _hostile
from . import _make as m

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


@pytest.fixture(scope="session")
def crypto() -> CPythonCrypto:
    return CPythonCrypto()


@pytest.fixture(scope="session")
def vectors() -> Path:
    return VECTORS


def lists(kind: str = "normal") -> dict[str, bytes]:
    if kind == "tampered":
        return {m.status_url("lu"): _hostile.tampered_status_list()}
    return {m.status_url("lu"): m.dumps(m.status_list(revoked=(42,)))}


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The test alliance registry (keys from tests/verifier/_make.py) with lu's status list."""
    return Registry.from_json(m.registry_dict(), status_lists=lists())
