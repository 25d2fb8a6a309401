"""Fixtures of the issuing tests (helpers in _world.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._world import IssuingWorld, make_world


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> IssuingWorld:
    return make_world(tmp_path_factory.mktemp("issuing") / "world")


@pytest.fixture
def world(world_template: IssuingWorld, tmp_path: Path) -> IssuingWorld:
    """A private, writable copy of the test world."""
    return world_template.copy(tmp_path / "world")
