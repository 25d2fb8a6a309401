"""Work is bounded before it starts, malformed dates and indices fail closed, and text output
cannot be forged with control characters (the "valid must mean what it says" issue)."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld

from build_tools.cli.verify import main
from build_tools.findings import Finding, format_github, format_text
from build_tools.terminal import printable
from build_tools.verifier import Registry, testing, verify
from build_tools.verifier import jsonld as jl
from build_tools.verifier.engine import DEFAULT_MAX_BYTES

from . import _hostile
from . import _make as m

# --------------------------------------------------------------------------- JSON-LD limits


def _cred(**achievement: Any) -> dict[str, Any]:
    cred = m.ob3_credential()
    cred["credentialSubject"]["achievement"].update(achievement)
    return cred


def _over_and_at(code: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs (document just over the limit, document at it) for the limits with `code`."""
    alignment = {"type": "Alignment", "targetName": "n"}
    per = jl.MAX_CONTEXT_TERMS // 4
    terms = [{f"ex{i}x{j}": f"https://example.org/{i}/{j}" for j in range(per)} for i in range(4)]
    pairs = {
        "JSONLD_ARRAY_TOO_LONG": [
            (_cred(tag=["t"] * (jl.MAX_ARRAY_LENGTH + 1)), _cred(tag=["t"] * jl.MAX_ARRAY_LENGTH))
        ],
        "JSONLD_TOO_MANY_NODES": [
            # the credential has 5 objects of its own
            (
                _cred(alignment=[dict(alignment) for _ in range(jl.MAX_OBJECTS - 4)]),
                _cred(alignment=[dict(alignment) for _ in range(jl.MAX_OBJECTS - 5)]),
            ),
        ],
        "JSONLD_TOO_MANY_CONTEXTS": [
            (
                _cred(alignment=[{"@context": [m.OB3], **alignment}] * (jl.MAX_CONTEXTS - 1)),
                _cred(alignment=[{"@context": [m.OB3], **alignment}] * (jl.MAX_CONTEXTS - 2)),
            ),
            (
                _cred(alignment=[{"@context": {**t, "x": "https://e.org/x"}} for t in terms]),
                _cred(alignment=[{"@context": t} for t in terms]),
            ),
        ],
    }
    return pairs[code]


def _value_count(value: Any) -> int:
    """Values below `value`, counted as `check_size` counts them."""
    if isinstance(value, (dict, list)):
        children = list(value.values()) if isinstance(value, dict) else value
        return len(children) + sum(_value_count(c) for c in children)
    return 0


def _code_of(fn: Any, doc: dict[str, Any]) -> str | None:
    try:
        fn(doc)
    except jl.JsonLdStrictError as exc:
        return exc.code
    return None


@pytest.mark.parametrize(
    "code", ["JSONLD_ARRAY_TOO_LONG", "JSONLD_TOO_MANY_NODES", "JSONLD_TOO_MANY_CONTEXTS"]
)
def test_each_limit_has_its_code_on_every_path(code: str) -> None:
    for over, at in _over_and_at(code):
        for fn in (jl.check_size, jl.check_terms, jl.canonize, jl.expand_strict):
            assert _code_of(fn, over) == code, fn.__name__
        assert _code_of(jl.check_size, at) is None


def test_value_limit() -> None:
    with pytest.raises(jl.JsonLdStrictError) as exc:
        jl.check_size(_cred(tag=["t"] * 5_000, alignment=[["x"] * 9_000] * 4))
    assert exc.value.code == "JSONLD_TOO_MANY_NODES"
    assert "values" in exc.value.detail
    jl.check_size(_cred(tag=["t"] * 5_000, alignment=[["x"] * 8_000] * 4))


def test_limits_are_far_above_the_largest_real_credentials(vectors: Path) -> None:
    for name in ("Sample-MC-Annex1-signed.jsonld", "Sample-CertOfPart-signed.jsonld"):
        payload = json.loads(json.loads((vectors / "europass-edc" / name).read_text())["payload"])
        jl.check_size(payload)
        assert _value_count(payload) * 10 < jl.MAX_VALUES


def test_signed_jwt_over_a_limit_is_refused_not_warned(crypto: object, registry: Registry) -> None:
    """JOSE formats only warn about undefined terms (the bytes are signed), but a document over
    a limit was not checked at all: it fails."""
    cred = _cred(tag=["t"] * (jl.MAX_ARRAY_LENGTH + 1))
    token = m.sign_jwt(cred, m.keys()["lu-es"]).encode()
    report = verify(token, registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert report.codes["jsonld"] == "JSONLD_ARRAY_TOO_LONG"
    assert report.check("jsonld").status == "fail"  # type: ignore[union-attr]
    assert report.verdict == "invalid"


def test_limits_hold_for_a_presentation_as_a_whole(crypto: object, registry: Registry) -> None:
    """Each credential just within the limits, together over them."""
    share = jl.MAX_VALUES // 2  # per credential, so that three are over the limit
    items = [
        _hostile._signed_raw(
            _cred(tag=["t"] * 9_000, alignment=[["x"] * ((share - 9_000) // 2)] * 2)
        )
        for _ in range(3)
    ]
    vp = {"@context": [m.V2], "type": ["VerifiablePresentation"], "verifiableCredential": items}
    report = verify(m.dumps(vp), registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    assert report.codes["jsonld"] == "JSONLD_TOO_MANY_NODES"
    assert report.verdict == "invalid" and report.credentials == []


def test_node_map_compares_values_a_linear_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pyld's node map compared each new value with all of its subject's values (an 88 kB
    credential ran for 13 s). 3,000 values of one merged subject, via pyld (an undefined term
    sends the document there): the comparisons stay a small multiple of the values."""
    has_value = pyld.JsonLdProcessor.has_value
    calls = [0]
    compare = pyld.JsonLdProcessor.compare_values

    def counting(a: Any, b: Any) -> bool:
        calls[0] += 1
        return bool(compare(a, b))

    monkeypatch.setattr(pyld.JsonLdProcessor, "compare_values", staticmethod(counting))
    same = [
        {"id": "urn:x:same", "type": "Alignment", "targetName": [f"n{i}-{j}" for j in range(6)]}
        for i in range(500)
    ]
    doc = _cred(alignment=same)
    doc["undefinedTerm"] = 1
    assert _code_of(jl.canonize, doc) == "JSONLD_DROPPED_TERM"
    assert calls[0] < 30_000, calls[0]
    assert pyld.JsonLdProcessor.has_value is has_value  # put back afterwards


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, 1.0, -0.0, 2.5, float("nan")]),
    st.sampled_from(["", "a", "1", "true"]),
)
_values = st.one_of(
    _scalars,
    st.builds(lambda v: {"@id": v}, st.sampled_from(["_:b0", "urn:a", "urn:b"])),
    st.builds(
        lambda v, t, lang: {
            k: x for k, x in (("@value", v), ("@type", t), ("@language", lang)) if x is not None
        },
        _scalars,
        st.sampled_from([None, "urn:t"]),
        st.sampled_from([None, "en"]),
    ),
    st.builds(lambda v: {"@value": v, "@id": "urn:a"}, _scalars),
    st.just({}),
    st.lists(_scalars, max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_values, min_size=0, max_size=40), _values, st.booleans())
def test_indexed_has_value_answers_as_pyld(items: list[Any], probe: Any, wrap: bool) -> None:
    value: Any = {"@list": items} if wrap else items
    subject = {"p": value}
    expected = pyld.JsonLdProcessor.has_value(subject, "p", probe)
    assert testing.indexed_has_value(subject, "p", probe) == expected
    for item in items[:3]:  # items are found in themselves, also after the list grew
        assert testing.indexed_has_value(subject, "p", item) == pyld.JsonLdProcessor.has_value(
            subject, "p", item
        )
    items.append(probe)
    assert testing.indexed_has_value(subject, "p", probe) is True


# --------------------------------------------------------------------------- dates, indices


def _codes(data: bytes, registry: Registry, crypto: object) -> dict[str, str]:
    report = verify(data, registry, now=m.NOW, crypto=crypto)  # type: ignore[arg-type]
    return report.codes


def test_date_past_9999_in_utc_has_its_own_code(crypto: object, registry: Registry) -> None:
    cred = m.ob3_credential()
    cred["validUntil"] = "9999-12-31T23:59:59-14:00"
    codes = _codes(m.dumps(_hostile._signed_raw(cred)), registry, crypto)
    assert codes["format"] == "FORMAT_DATE_OUT_OF_RANGE"


def test_date_in_year_one_is_compared_without_overflow(crypto: object, registry: Registry) -> None:
    cred = m.ob3_credential()
    cred["validFrom"] = "0001-01-01T00:00:00Z"
    codes = _codes(m.dumps(m.sign_di(cred, m.keys()["lu-ed"])), registry, crypto)
    assert codes["format"] == "FORMAT_OK"
    assert codes["validity"] == "VALIDITY_OK"


@pytest.mark.parametrize(
    "index", ["²", "٣", "1" * 5000, "-1", " 1"], ids=["sup2", "arabic3", "5000-digits", "-1", "sp1"]
)
def test_status_index_that_int_cannot_read_is_a_malformed_entry(
    index: str, crypto: object, registry: Registry
) -> None:
    cred = m.ob3_credential(status_index=7)
    cred["credentialStatus"]["statusListIndex"] = index
    codes = _codes(m.dumps(m.sign_di(cred, m.keys()["lu-ed"])), registry, crypto)
    assert codes["revocation"] == "REVOCATION_ENTRY_INVALID"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("next year", "FORMAT_INVALID_DATE"),
        ("2020-01-01", "FORMAT_INVALID_DATE"),
        (True, "FORMAT_INVALID_DATE"),
        ({"n": 1}, "FORMAT_INVALID_DATE"),
        (-(10**20), "FORMAT_DATE_OUT_OF_RANGE"),
        (1e300, "FORMAT_DATE_OUT_OF_RANGE"),
    ],
)
@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
def test_flat_jwt_with_an_unreadable_date_claim_is_refused(
    claim: str, value: Any, code: str, crypto: object, registry: Registry
) -> None:
    payload = m.ob3_credential()
    payload[claim] = value
    token = m.sign_jwt(payload, m.keys()["lu-es"]).encode()
    codes = _codes(token, registry, crypto)
    assert codes["format"] == code


_DATE_TEXT = st.one_of(
    st.text(max_size=30),
    st.from_regex(
        r"\A(000[01]|999[89]|9999|2026)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
        r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?"
        r"(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])?\Z",
        fullmatch=True,
    ),
)
_ANY = st.one_of(
    _DATE_TEXT,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
_DATE_FIELDS = ["validFrom", "validUntil", "issuanceDate", "expirationDate"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    dates=st.dictionaries(st.sampled_from([*_DATE_FIELDS, "exp", "nbf", "iat"]), _ANY, max_size=3)
)
def test_no_date_yields_internal_error(
    dates: dict[str, Any], crypto: object, registry: Registry
) -> None:
    """Any value in any date field or claim, of a signed VCDM 2.0 vc+jwt and of a VCDM 1.1 JWT
    (whose claims fill or must agree with the credential's dates)."""
    key = m.keys()["lu-es"]
    flat = m.ob3_credential()
    flat.update(dates)
    v1 = m.ob3_credential()
    v1["@context"][0] = m.V1
    v1.update({k: v for k, v in dates.items() if k in _DATE_FIELDS})
    claims = {k: v for k, v in dates.items() if k not in _DATE_FIELDS}
    for data in (
        m.sign_jwt(flat, key),
        m.sign_jwt({"vc": v1, **claims}, key, header={"typ": "JWT"}),
    ):
        codes = _codes(data.encode(), registry, crypto)
        assert "INTERNAL_ERROR" not in codes.values(), (dates, codes)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    index=st.one_of(
        st.text(max_size=12),
        st.sampled_from(["²", "٣", "1" * 5000, "0" * 30 + "7"]),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(),
        st.booleans(),
        st.none(),
    )
)
def test_no_status_index_yields_internal_error(
    index: Any, crypto: object, registry: Registry
) -> None:
    cred = m.ob3_credential(status_index=7)
    cred["credentialStatus"]["statusListIndex"] = index
    token = m.sign_jwt(cred, m.keys()["lu-es"]).encode()
    codes = _codes(token, registry, crypto)
    assert "INTERNAL_ERROR" not in codes.values(), (index, codes)


# --------------------------------------------------------------------------- CLI


def test_cli_refuses_a_huge_file_by_size_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sparse = tmp_path / "huge.json"
    with open(sparse, "wb") as handle:
        handle.truncate(300_000_000)  # a sparse file: no disk used
    (tmp_path / "registry.json").write_text(json.dumps(m.registry_dict()))
    tracemalloc.start()
    try:
        code = main([str(sparse), "--registry", str(tmp_path / "registry.json"), "--json"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["checks"][0]["code"] == "FORMAT_TOO_LARGE"
    assert peak < 4 * DEFAULT_MAX_BYTES, peak


FORGED = "Intro\x1b[2K\r\x1b[1AVALID\u202e\x9bX\x7f"


def test_printable_escapes_controls_and_bidi_overrides() -> None:
    assert printable(FORGED) == "Intro\\x1b[2K\\x0d\\x1b[1AVALID\\u202e\\x9bX\\x7f"
    assert printable("Ürgüp — Łódź\t") == "Ürgüp — Łódź\\x09"
    for char in ("\x00", "\x1f", "\x7f", "\x80", "\x9f", "\u202a", "\u202e", "\u2066", "\u2069"):
        assert char not in printable(f"a{char}b")
    # Invisible characters: "Univer\u200bsity" must not print like "University".
    assert printable("a\xadb") == "a\\xadb"
    for char in ("\u200b", "\u200c", "\u200d", "\u200e", "\u2060", "\ufeff"):
        assert printable(f"a{char}b") == f"a\\u{ord(char):04x}b"


def test_cli_text_output_shows_credential_text_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cred = m.ob3_credential(title={"en": FORGED})
    path = tmp_path / "forged\x1b[31m.json"
    path.write_bytes(m.dumps(m.sign_di(cred, m.keys()["lu-ed"])))
    (tmp_path / "registry.json").write_text(json.dumps(m.registry_dict()))
    main([str(path), "--registry", str(tmp_path / "registry.json")])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "Intro\\x1b[2K\\x0d\\x1b[1AVALID" in out
    assert "forged\\x1b[31m.json" in out


def test_check_findings_show_catalogue_text_escaped() -> None:
    found = Finding("X_CODE", "error", f"title {FORGED!s}", "offers/a\x1b.yaml", 1, 2, "\u2066hint")
    for text in (format_text([found]), format_github([found]), str(found)):
        assert "\x1b" not in text and "\u202e" not in text and "\u2066" not in text, text
    assert "title Intro\\x1b[2K" in format_text([found])
