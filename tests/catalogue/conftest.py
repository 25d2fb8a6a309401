from __future__ import annotations

from pathlib import Path

import pytest

from .factory import CatalogueFactory


@pytest.fixture
def factory(tmp_path: Path) -> CatalogueFactory:
    return CatalogueFactory(tmp_path / "catalogue")
