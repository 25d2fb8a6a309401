"""The fast paths of strict JSON reading give the answers of the plain ones.

On CPython the nesting measurement runs only after a failed parse or shape check (the parser
itself is safe on deep input); in the browser it runs first. Both orders must give every input
the same code and detail. The base64url and date helpers are checked against the reference
forms they replace.
"""

from __future__ import annotations

import base64
import json
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from build_tools.verifier.codec import b64url_decode
from build_tools.verifier.testing import (
    InputError,
    check_parsed_shape,
    is_compact_jws,
    iso,
    measures_first,
    parse_datetime,
    parse_datetime_general,
    strict_json,
)


@pytest.mark.parametrize("depth", [10_000, 100_000, 1_000_000])
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_cpython_json_parser_refuses_deep_nesting_without_crashing(depth: int, opener: str) -> None:
    """The claim the CPython fast path rests on: RecursionError, never a crashed interpreter.
    Run in a child process, so a crash fails this test instead of killing the test run."""
    closer = "]" if opener == "[" else "}"
    script = (
        "import json, sys\n"
        f"text = {opener!r} * {depth} + '1' + {closer!r} * {depth}\n"
        "try:\n"
        "    json.loads(text)\n"
        "except RecursionError:\n"
        "    sys.exit(0)\n"
        "sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]


def _outcome(text: str | bytes, measure_first: bool | None = None) -> tuple[str, str] | str:
    try:
        value = strict_json(text, measure_first=measure_first)
    except InputError as exc:
        return (exc.code, exc.detail)
    return json.dumps(value, sort_keys=True)


def _both_orders(text: str | bytes) -> None:
    assert not measures_first()  # CPython with its default recursion limit
    fast = _outcome(text)
    first = _outcome(text, measure_first=True)
    assert fast == first, (text[:80], fast, first)


def _deep(depth: int, inner: str = "1") -> str:
    return '{"a":' * depth + inner + "}" * depth


CASES = [
    _deep(10),
    _deep(64),
    _deep(65),
    _deep(600),
    _deep(5_000),
    _deep(50_000),
    _deep(600)[:-3],  # cut short
    _deep(50_000)[:-3],
    "[" * 600 + "]" * 599,
    '{"a": 1, "a": ' + _deep(600) + "}",  # duplicate key in deep data
    '{"a": 1, "a": 2, "b": ' + "[" * 50 + "]" * 50 + "}",
    _deep(600, "1" + "0" * 100),  # huge number
    _deep(30, "1" + "0" * 100),
    _deep(600, "NaN"),
    "\ufeff" + _deep(600),
    "\ufeff" + _deep(3),
    json.dumps({"x": "[" * 2_000}),  # brackets inside strings only
    json.dumps({"x": '\\"[' * 700, "y": [[[1]]]}),
    json.dumps({"x": "\\" * 9 + '"' + "{" * 700}),
    "[" + ",".join(["[]"] * 600) + "]",
    "[" + "0," * 500_001 + "0]",  # more than MAX_NODES values
    "[" * 70 + "0," * 500_001 + "0" + "]" * 70,  # both limits
    "[" * 70 + "]" * 70,
    "[" * 700 + "1" + "]" * 700 + "x",
    "{}",
    "[]",
    "1",
    '"text"',
    "",
]


@pytest.mark.parametrize("text", CASES, ids=range(len(CASES)))
def test_measurement_order_gives_the_same_outcome(text: str) -> None:
    _both_orders(text)


def test_measurement_order_on_random_damaged_documents() -> None:
    rnd = random.Random(7)
    pieces = ['{"a":', '{"b":', "[", "]", "}", ",", "1", '"x"', '"{"', '"\\""', "\\", " ", '"']
    for _ in range(400):
        depth = rnd.choice([3, 40, 63, 64, 65, 70, 300, 700])
        text = _deep(depth) if rnd.random() < 0.5 else "[" * depth + "1" + "]" * depth
        for _ in range(rnd.randint(1, 4)):
            at = rnd.randint(0, len(text))
            text = text[:at] + rnd.choice(pieces) + text[at + rnd.randint(0, 2) :]
        _both_orders(text)


def test_a_recursion_limit_above_the_safe_one_measures_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "getrecursionlimit", lambda: 1_000_000)
    assert measures_first()
    assert _outcome(_deep(50_000)) == ("FORMAT_TOO_DEEP", "nesting deeper than 64 levels")


# --------------------------------------------------------------------------- base64url

_REFERENCE = re.compile(r"^[A-Za-z0-9_-]*$")


def _reference_b64url(value: object) -> bytes:
    if not isinstance(value, str) or not _REFERENCE.match(value) or len(value) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _result(fn: object, value: object) -> object:
    try:
        return fn(value)  # type: ignore[operator]
    except ValueError as exc:
        return (type(exc), str(exc))


def test_b64url_decode_matches_the_regex_reference() -> None:
    rnd = random.Random(11)
    alphabet = "ABCDEFGHabcdefgh0123-_"
    odd = "+/=\n \r\t.é\x00~"
    values: list[object] = [None, 1, b"QUJD", "", "\n", "QUJD\n", "QUJDRA\n", "QUJDRA\n\n"]
    values += ["\nQUJD", "QU\nJD", "QUJDRA==", "é", "QUJDRA\r"]
    for _ in range(50_000):
        values.append(
            "".join(
                rnd.choice(odd) if rnd.random() < 0.2 else rnd.choice(alphabet)
                for _ in range(rnd.randint(0, 13))
            )
        )
    for value in values:
        assert _result(b64url_decode, value) == _result(_reference_b64url, value), repr(value)


def test_iso_matches_strftime() -> None:
    rnd = random.Random(5)
    for _ in range(20_000):
        offset = timezone(timedelta(minutes=rnd.randint(-23 * 60, 23 * 60)))
        moment = datetime(
            rnd.choice([1, 9, 999, 1000, 1970, 2026, 9998]),
            rnd.randint(1, 12),
            rnd.randint(1, 28),
            rnd.randint(0, 23),
            rnd.randint(0, 59),
            rnd.randint(0, 59),
            rnd.choice([0, 1, 999_999]),
            tzinfo=rnd.choice([UTC, offset]),
        )
        try:
            expected: object = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except OverflowError:
            expected = OverflowError
        try:
            got: object = iso(moment)
        except OverflowError:
            got = OverflowError
        assert got == expected, moment


# --------------------------------------------------------------------------- shape limits


def _reference_shape(value: Any, max_depth: int, max_nodes: int) -> str | None:
    """check_shape's depth-first walk, as a reference: the first limit it meets."""
    if not isinstance(value, (dict, list)):
        return None
    stack: list[tuple[Any, int]] = [(value, 1)]
    nodes = 1
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return "FORMAT_TOO_DEEP"
        children = list(item.values()) if isinstance(item, dict) else item
        nodes += len(children)
        if nodes > max_nodes:
            return "FORMAT_TOO_LARGE"
        stack.extend((child, depth + 1) for child in children if type(child) in (dict, list))
    return None


def test_shape_checks_match_the_depth_first_reference() -> None:
    rnd = random.Random(3)

    def make(depth: int) -> Any:
        pick = rnd.random()
        if depth > 9 or pick < 0.3:
            return rnd.choice([1, "x", None, True, 2.5, {}, []])
        if pick < 0.65:
            return [make(depth + 1) for _ in range(rnd.randint(0, 4))]
        return {f"k{i}": make(depth + 1) for i in range(rnd.randint(0, 4))}

    for _ in range(20_000):
        value = make(0)
        max_depth, max_nodes = rnd.randint(1, 8), rnd.randint(1, 60)
        expected = _reference_shape(value, max_depth, max_nodes)
        # the depth-first walk alone, and the level-wise test first (as for large documents)
        for size in (0, 10**6):
            try:
                check_parsed_shape(value, size, max_depth, max_nodes)
                got = None
            except InputError as exc:
                got = exc.code
            assert got == expected, (value, max_depth, max_nodes, size)


# --------------------------------------------------------------------------- dates


def _reference_parse_datetime(value: Any) -> datetime | None:
    """parse_datetime without its direct path for the usual form."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    return parse_datetime_general(value)


def test_parse_datetime_matches_the_reference() -> None:
    rnd = random.Random(9)
    values: list[Any] = [None, 5, "", "2026-06-01T00:00:00Z", "2026-02-30T00:00:00Z"]
    values += ["0000-01-01T00:00:00Z", "2026-06-01T24:00:00Z", "2026-06-01T00:00:60Z"]
    values += ["٢٠٢٦-06-01T00:00:00Z", "2026-06-01t00:00:00Z", " 2026-06-01T00:00:00Z"]
    values += ["2026-06-01T00:00:00z", "2026-06-01 00:00:00Z", "2026-06-01T00:00:00+01:00"]
    pieces = "0123456789-T:Z tz+.٢"
    for _ in range(30_000):
        chars = list("2026-06-01T12:34:56Z")
        for _ in range(rnd.randint(0, 3)):
            chars[rnd.randrange(len(chars))] = rnd.choice(pieces)
        values.append("".join(chars))
    for value in values:
        got, expected = parse_datetime(value), _reference_parse_datetime(value)
        assert got == expected and repr(got) == repr(expected), value


# --------------------------------------------------------------------------- compact JWS


def test_compact_jws_test_matches_the_regex() -> None:
    reference = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$")
    rnd = random.Random(13)
    values = ["", ".", "..", "a..", ".a.b", "a.b.c", "a.b.c\n", "a.b.c\n\n", "a.b.c.d", "a.b"]
    values += ["\na.b.c", "a.b.c ", "é.b.c", "a.b.c\r", "a.b=.c", "a+.b.c"]
    for _ in range(50_000):
        values.append("".join(rnd.choice("aZ09-_..\n =+/é~") for _ in range(rnd.randint(0, 9))))
    for value in values:
        assert is_compact_jws(value) == bool(reference.match(value)), repr(value)
