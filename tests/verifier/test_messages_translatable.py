"""Every message the verifier gives can be shown in every language of the site.

Each message of a report must be a string the translators have: a `msg()` template or a plain
message, listed in build_tools/locale/messages.pot. Checked over every file the test suite
keeps (conformance vectors, the wild corpus, the site's samples) and every hostile input, so
that a message built at run time (an f-string, a sentence glued from parts) cannot slip past
the extraction and stay English on a translated page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from build_tools.i18n import catalogs
from build_tools.verifier import Registry, Report, verify
from build_tools.verifier.messages import Message, translated

from . import _hostile
from .conftest import lists

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p
    for folder in (ROOT / "tests" / "vectors", ROOT / "site_src" / "samples")
    for p in folder.rglob("*")
    if p.is_file()
    and p.suffix in (".json", ".jsonld", ".jwt", ".txt", ".png", ".svg")
    and p.stat().st_size < 5_000_000
)
NOW = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)


def _reports(report: Report) -> Iterator[Report]:
    yield report
    for inner in report.credentials or []:
        yield from _reports(inner)


def _templates(report: Report) -> Iterator[tuple[str, str]]:
    for r in _reports(report):
        for check in r.checks:
            message: Any = check.message
            yield check.code, message.template if isinstance(message, Message) else str(message)


@pytest.fixture(scope="module")
def msgids() -> set[str]:
    return {str(m.id) for m in catalogs.template() if m.id}


def _assert_known(report: Report, msgids: set[str], where: str) -> None:
    unknown = [(code, text) for code, text in _templates(report) if text not in msgids]
    assert unknown == [], f"{where}: messages not in messages.pot: {unknown}"


def test_the_corpus_is_large(msgids: set[str]) -> None:
    assert len(FILES) > 150 and len(msgids) > 500


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_messages_of_every_kept_file_are_translatable(
    path: Path, msgids: set[str], registry: Registry, crypto: Any
) -> None:
    report = verify(path.read_bytes(), registry, now=NOW, crypto=crypto)
    _assert_known(report, msgids, str(path.relative_to(ROOT)))


@pytest.mark.parametrize("case", _hostile.CASES, ids=lambda c: c.name)
def test_messages_of_hostile_inputs_are_translatable(
    case: _hostile.Case, msgids: set[str], crypto: Any
) -> None:
    from . import _make as m

    registry = Registry.from_json(m.registry_dict(), status_lists=lists(case.status_list))
    report = verify(case.make(), registry, now=NOW, crypto=crypto)
    _assert_known(report, msgids, case.name)


def test_a_report_in_latvian_keeps_its_codes() -> None:
    table = catalogs.strings_for("lv")
    sample = ROOT / "site_src" / "samples" / "edc-tampered.jsonld"
    from build_tools.registry_files import load_registry
    from build_tools.verifier.crypto_cpython import CPythonCrypto

    data, status = load_registry(str(ROOT / "catalogue"), allow_network=False)
    report = verify(
        sample.read_bytes(),
        Registry.from_json(data, status_lists=status),
        now=NOW,
        crypto=CPythonCrypto(),
    )
    english, latvian = report.to_dict(), report.to_dict(table)
    assert [c["code"] for c in english["checks"]] == [c["code"] for c in latvian["checks"]]
    for en, lv, check in zip(english["checks"], latvian["checks"], report.checks, strict=True):
        assert lv["message"] == translated(check.message, table)
        assert lv["message"] != en["message"], en["message"]
