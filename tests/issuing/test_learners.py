"""Learner files: YAML/JSON for one learner, CSV for a batch, located errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from build_tools.issuing._common import IssuingError
from build_tools.issuing.learners import LearnerFileError, load_learners

from ._world import REPO

TODAY = dt.date(2026, 11, 28)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_the_repository_examples_load() -> None:
    one = load_learners(REPO / "examples" / "learner.yaml", today=TODAY)
    assert len(one) == 1 and one[0].given_name and one[0].completion_date
    batch = load_learners(REPO / "examples" / "learners.csv", today=TODAY)
    assert len(batch) >= 2
    assert all(b.date_of_birth or b.identifier for b in batch)


def test_yaml_learner(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "l.yaml",
        """\
given_name: Anna
family_name: Bērziņa
date_of_birth: 2002-05-14
identifier: {scheme: Student ID, value: 0042}
email: anna@example.org
grade: 8
completion_date: 2026-04-30
""",
    )
    [learner] = load_learners(path, today=TODAY)
    assert learner.full_name == "Anna Bērziņa"
    assert learner.date_of_birth == dt.date(2002, 5, 14)
    assert learner.identifier == "0042"  # kept as written (no YAML 1.1 octal surprise)
    assert learner.grade == "8"
    assert (learner.file, learner.line) == (str(path), 1)


def test_json_learner_and_yaml_list(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "l.json",
        '{"given_name": "Ada", "family_name": "L", '
        '"identifier": {"scheme": "Passport", "value": "X1"}, '
        '"completion_date": "2026-01-02"}',
    )
    [learner] = load_learners(path, today=TODAY)
    assert learner.identifier_scheme == "Passport" and learner.date_of_birth is None
    many = _write(
        tmp_path,
        "many.yaml",
        "learners:\n"
        "  - {given_name: A, family_name: B, date_of_birth: 2000-01-01,"
        " completion_date: 2026-01-01}\n"
        "  - {given_name: C, family_name: D, date_of_birth: 2000-01-02,"
        " completion_date: 2026-01-01}\n",
    )
    assert [x.line for x in load_learners(many, today=TODAY)] == [2, 3]


def test_csv_batch_with_located_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "b.csv",
        """\
given_name,family_name,date_of_birth,identifier_scheme,identifier,email,grade,completion_date
Jānis,Bērziņš,1999-03-14,Student ID,LU-1,janis@example.org,8,2026-11-20

Matti,Meikäläinen,,Student ID,JYU-2,,4,2026-11-20
""",
    )
    learners = load_learners(path, today=TODAY)
    assert [(x.given_name, x.line) for x in learners] == [("Jānis", 2), ("Matti", 4)]
    assert learners[1].date_of_birth is None and learners[1].identifier == "JYU-2"


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        (
            "given_name: A\nfamily_name: B\n"
            "date_of_brith: 2000-01-01\ncompletion_date: 2026-01-01\n",
            3,
            1,
            "Did you mean 'date_of_birth'?",
        ),
        (
            "given_name: A\nfamily_name: B\n"
            "date_of_birth: 2000-13-01\ncompletion_date: 2026-01-01\n",
            3,
            16,
            "not a date",
        ),
        ("given_name: A\nfamily_name: B\ndate_of_birth: 2000-01-01\n", 1, 0, "completion_date"),
        (
            "given_name: A\nfamily_name: B\ncompletion_date: 2026-01-01\n",
            1,
            0,
            "date of birth or an identifier",
        ),
        (
            "given_name: A\nfamily_name: B\n"
            "date_of_birth: 2000-01-01\ncompletion_date: 2027-01-01\n",
            4,
            18,
            "in the future",
        ),
        (
            "given_name: A\nfamily_name: B\ndate_of_birth: 2000-01-01\nemail: nope\n"
            "completion_date: 2026-01-01\n",
            4,
            8,
            "not an e-mail address",
        ),
        ("given_name: [A\n", 2, 1, "not valid YAML"),
    ],
)
def test_yaml_errors_name_file_line_and_column(
    tmp_path: Path, text: str, line: int, column: int, words: str
) -> None:
    path = _write(tmp_path, "bad.yaml", text)
    with pytest.raises(IssuingError) as info:
        load_learners(path, today=TODAY)
    rendered = str(info.value)
    assert words in rendered
    assert info.value.file == str(path)
    assert (info.value.line, info.value.column) == (line, column), rendered


def test_csv_errors_are_collected_with_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "bad.csv",
        """\
given_name,family_name,date_of_birth,identifier_scheme,identifier,email,grade,completion_date
A,B,2000-01-01,,,,,2026-01-01
,D,2000-01-01,,,,,2026-01-01
E,F,2000-01-01,,,,,2026-01-01,extra
G,H,2000-01-01,Student ID,,,,2026-01-01
""",
    )
    with pytest.raises(LearnerFileError) as info:
        load_learners(path, today=TODAY)
    found = [(e.line, e.message) for e in info.value.errors]
    assert (3, "given_name is missing.") in found
    assert any(line == 4 and "cells" in msg for line, msg in found)
    assert any(line == 5 and "scheme and a value" in msg for line, msg in found)
    assert all(e.file == str(path) for e in info.value.errors)


def test_csv_header_problems(tmp_path: Path) -> None:
    path = _write(tmp_path, "h.csv", "given_name,family_nme,completion_date\nA,B,2026-01-01\n")
    with pytest.raises(LearnerFileError) as info:
        load_learners(path, today=TODAY)
    messages = " ".join(str(e) for e in info.value.errors)
    assert "Unknown column 'family_nme'" in messages and "family_name" in messages


def test_file_level_problems(tmp_path: Path) -> None:
    with pytest.raises(IssuingError) as missing:
        load_learners(tmp_path / "none.yaml")
    assert missing.value.code == "LEARNER_FILE_MISSING"
    latin1 = tmp_path / "l.csv"
    latin1.write_bytes("given_name\nJ\xe2nis\n".encode("latin-1"))
    with pytest.raises(IssuingError) as encoding:
        load_learners(latin1)
    assert encoding.value.code == "LEARNER_FILE_ENCODING" and encoding.value.line == 2
    other = _write(tmp_path, "l.txt", "x")
    with pytest.raises(IssuingError) as kind:
        load_learners(other)
    assert kind.value.code == "LEARNER_FILE_TYPE"
