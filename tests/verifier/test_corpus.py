"""Replay tests/vectors/corpus.json (the parity corpus the browser tests replay too)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

import pytest

from build_tools.registry_files import load_registry
from build_tools.verifier import Registry, verify

from .conftest import VECTORS
from .make_corpus import summarise

CORPUS = json.loads((VECTORS / "corpus.json").read_text())["entries"]


@cache
def _registry(rel: str | None) -> Registry:
    if rel is None:
        return Registry.empty()
    raw, lists = load_registry(str(VECTORS / rel), allow_network=False)
    return Registry.from_json(raw, status_lists=lists)


def test_corpus_covers_every_format_and_verdict() -> None:
    formats = {e["format"] for e in CORPUS}
    assert {
        "edc-jades",
        "vc-di-eddsa-rdfc-2022",
        "vc-di-ecdsa-rdfc-2019",
        "vc-di-ed25519signature2020",
        "vc-jwt",
        "vc-jwt-1.1",
        "vp",
    } <= formats
    assert {e["verdict"] for e in CORPUS} == {
        "valid",
        "valid_with_warnings",
        "invalid",
        "unverifiable",
    }
    for entry in CORPUS:
        assert (VECTORS / entry["file"]).is_file(), entry["file"]


@pytest.mark.parametrize("entry", CORPUS, ids=[f"{e['file']}@{e['registry']}" for e in CORPUS])
def test_corpus_entry(entry: dict[str, Any], crypto: Any) -> None:
    now = datetime.fromisoformat(entry["now"].replace("Z", "+00:00"))
    report = verify(
        (VECTORS / entry["file"]).read_bytes(), _registry(entry["registry"]), now=now, crypto=crypto
    )
    expected = {k: entry[k] for k in ("verdict", "format", "checks", "credentials") if k in entry}
    assert summarise(report) == expected
