"""Hostile and broken input: every case ends quickly with a located finding, never a traceback
or a hang. (Speed is not asserted here; bench/ measures it. A hang would stall the suite.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from build_tools.catalogue.loader import load_catalogue
from build_tools.catalogue.yamlsource import compose

from .factory import NOW, CatalogueFactory

OFFER = "offers/aa/aa-one.yaml"

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _valid_offer_text(factory: CatalogueFactory) -> str:
    factory.write()
    return (factory.root / OFFER).read_text("utf-8")


def _only(factory: CatalogueFactory, content: bytes, code: str) -> tuple[int, int]:
    factory.raw[OFFER] = content
    result = factory.load(now=NOW)
    found = [f for f in result.findings if f.file == OFFER]
    assert [f.code for f in found] == [code], [str(f) for f in result.findings]
    assert not result.ok
    assert result.catalogue is not None  # the rest of the catalogue still loads
    assert "aa-two" in result.catalogue.offers
    return found[0].line, found[0].column


def test_tab_indentation(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory)
    broken = text.replace("\n  teaching:", "\n\tteaching:", 1)
    line, column = _only(factory, broken.encode(), "YAML_TAB")
    assert broken.splitlines()[line - 1].startswith("\tteaching")
    assert column == 1


def test_broken_indentation(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory)
    broken = text.replace("\n  assessment: [en]", "\n assessment: [en]", 1)
    broken = broken.replace("\n  assessment:\n", "\n assessment:\n", 1)
    assert broken != text
    line, _ = _only(factory, broken.encode(), "YAML_SYNTAX")
    assert broken.splitlines()[line - 1].startswith(" assessment:")


def test_duplicate_key(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory)
    broken = text.replace("ects: 3\n", "ects: 3\nects: 4\n", 1)
    line, column = _only(factory, broken.encode(), "YAML_DUPLICATE_KEY")
    assert broken.splitlines()[line - 1] == "ects: 4"
    assert column == 1


def test_non_utf8(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory)
    data = text.replace("Piedāvājums", "PiedXvXjums").encode("utf-8").replace(b"X", b"\xe2", 1)
    line, column = _only(factory, data, "FILE_NOT_UTF8")
    assert "PiedXv" not in text and text.splitlines()[line - 1].lstrip().startswith("lv:")
    assert column > 1


def test_latin1_file(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory).replace("Piedāvājums", "Café")
    line, column = _only(factory, text.encode("latin-1"), "FILE_NOT_UTF8")
    assert "Café" in text.splitlines()[line - 1]
    assert text.splitlines()[line - 1][column - 1] == "é"


def test_billion_laughs(factory: CatalogueFactory) -> None:
    line, column = _only(factory, BILLION_LAUGHS.encode(), "YAML_ALIAS")
    assert (line, column) == (1, 4)  # the first anchor


def test_alias_to_a_mapping(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory)
    broken = text.replace("contact:\n", "contact: &c\n", 1) + "application: *c\n"
    line, _ = _only(factory, broken.encode(), "YAML_ALIAS")
    assert "&c" in broken.splitlines()[line - 1]


def test_recursive_alias() -> None:
    node, findings = compose("a: &x [1, *x]\n", "f.yaml")
    assert node is None
    assert [f.code for f in findings] == ["YAML_ALIAS"]


def test_fifty_megabytes_refused_unread(factory: CatalogueFactory) -> None:
    factory.write()
    path = factory.root / OFFER
    with path.open("wb") as fh:  # sparse: 50 MB on paper, nothing to read
        fh.truncate(50 * 1024 * 1024)
    result = load_catalogue(factory.root, now=NOW)
    found = [f for f in result.findings if f.file == OFFER]
    assert [f.code for f in found] == ["FILE_TOO_LARGE"]
    assert (found[0].line, found[0].column) == (1, 1)
    assert "52,428,800 bytes" in found[0].message


def test_empty_file(factory: CatalogueFactory) -> None:
    assert _only(factory, b"", "FILE_EMPTY") == (1, 1)


def test_comments_only_file(factory: CatalogueFactory) -> None:
    assert _only(factory, b"# nothing here yet\n\n", "FILE_EMPTY") == (1, 1)


def test_deep_nesting(factory: CatalogueFactory) -> None:
    # libyaml's C composer would overflow the stack on this; our composer stops at MAX_DEPTH.
    deep = b"a: " + b"[" * 200_000 + b"]" * 200_000 + b"\n"
    line, column = _only(factory, deep, "YAML_TOO_DEEP")
    assert line == 1 and column > 3


def test_deep_block_nesting(factory: CatalogueFactory) -> None:
    line, _ = _only(factory, b"- " * 300_000 + b"x\n", "YAML_TOO_DEEP")
    assert line == 1


def test_python_tag(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory)
    broken = text.replace("ects: 3", "ects: !!python/object/apply:os.system ['true']", 1)
    line, _ = _only(factory, broken.encode(), "YAML_TAG")
    assert broken.splitlines()[line - 1].startswith("ects:")


def test_custom_tag(factory: CatalogueFactory) -> None:
    assert _only(factory, b"id: !secret aa-one\n", "YAML_TAG") == (1, 5)


def test_two_documents(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory)
    line, _ = _only(factory, (text + "---\nid: x\n").encode(), "YAML_MULTIPLE_DOCUMENTS")
    assert line == len(text.splitlines()) + 1


def test_complex_key(factory: CatalogueFactory) -> None:
    assert _only(factory, b"? [a, b]\n: 1\n", "YAML_COMPLEX_KEY")[0] == 1


def test_top_level_list(factory: CatalogueFactory) -> None:
    assert _only(factory, b"- id: aa-one\n", "TYPE_MAPPING") == (1, 1)


def test_top_level_scalar(factory: CatalogueFactory) -> None:
    assert _only(factory, b"just words\n", "TYPE_MAPPING") == (1, 1)


def test_unclosed_quote(factory: CatalogueFactory) -> None:
    line, _ = _only(factory, b'id: aa-one\ntitle: {en: "Open\n', "YAML_SYNTAX")
    assert line >= 2


def test_bom_is_accepted(factory: CatalogueFactory) -> None:
    text = _valid_offer_text(factory)
    factory.raw[OFFER] = b"\xef\xbb\xbf" + text.encode()
    assert factory.load().ok


def test_binary_garbage(factory: CatalogueFactory) -> None:
    factory.raw[OFFER] = bytes(range(256)) * 4
    result = factory.load()
    found = [f for f in result.findings if f.file == OFFER]
    assert len(found) == 1 and found[0].code == "FILE_NOT_UTF8"


def test_control_characters(factory: CatalogueFactory) -> None:
    factory.raw[OFFER] = b'id: aa-one\ntitle: {en: "a\x07b"}\n'
    result = factory.load()
    found = [f for f in result.findings if f.file == OFFER]
    assert [(f.code, f.line, f.column) for f in found] == [("FILE_CONTROL_CHARACTER", 2, 15)]


@pytest.mark.parametrize("name", ["alliance.yaml", "issuers/aa.yaml", "pathways/testa-path.yaml"])
def test_broken_files_of_every_kind(factory: CatalogueFactory, name: str) -> None:
    factory.raw[name] = b"a: 1\na: 2\n"
    result = factory.load()
    assert any(
        f.code == "YAML_DUPLICATE_KEY" and f.file == name and f.line == 2 for f in result.findings
    )


def test_missing_catalogue_folder(tmp_path: Path) -> None:
    result = load_catalogue(tmp_path / "nope")
    assert result.catalogue is None
    assert [f.code for f in result.findings] == ["CATALOGUE_NOT_FOUND"]


def test_missing_alliance(factory: CatalogueFactory) -> None:
    factory.write()
    (factory.root / "alliance.yaml").unlink()
    result = load_catalogue(factory.root, now=NOW)
    assert "ALLIANCE_MISSING" in [f.code for f in result.findings]
    assert result.catalogue is not None and len(result.catalogue.offers) == 3


def test_symlink_not_followed(factory: CatalogueFactory, tmp_path: Path) -> None:
    factory.write()
    secret = tmp_path / "outside.yaml"
    secret.write_text("id: outside\n")
    (factory.root / "offers" / "aa" / "outside.yaml").symlink_to(secret)
    result = load_catalogue(factory.root, now=NOW)
    found = [f for f in result.findings if f.code == "FILE_SYMLINK"]
    assert [f.file for f in found] == ["offers/aa/outside.yaml"]


def test_named_pipe_does_not_block(factory: CatalogueFactory) -> None:
    factory.write()
    os.mkfifo(factory.root / "offers" / "aa" / "pipe.yaml")
    result = load_catalogue(factory.root, now=NOW)
    found = [(f.code, f.file) for f in result.findings]
    assert found == [("FILE_UNREADABLE", "offers/aa/pipe.yaml")]


def test_folder_named_like_a_file(factory: CatalogueFactory) -> None:
    factory.write()
    path = factory.root / OFFER
    path.unlink()
    path.mkdir()  # a folder where a file is expected: not a file, skipped by the walk
    (factory.root / "offers" / "aa" / "aa-one.yaml" / "x.yaml").write_text("id: x\n")
    result = load_catalogue(factory.root, now=NOW)
    assert any(f.code == "FILE_UNEXPECTED" for f in result.findings)


def test_unclosed_quote_is_reported_at_its_own_line_with_a_hint(
    factory: CatalogueFactory,
) -> None:
    text = _valid_offer_text(factory)
    lines = text.splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.startswith("  en: ") and i > 0)
    lines[n] = '  en: "A title without its closing quote'
    broken = "\n".join(lines) + "\n"
    factory.raw[OFFER] = broken.encode()
    result = factory.load(now=NOW)
    (found,) = [f for f in result.findings if f.file == OFFER]
    assert found.code == "YAML_SYNTAX"
    assert found.line == n + 1, (found, lines[n - 1 : n + 2])
    assert found.column == len('  en: "')
    assert "quote" in found.hint and '"' in found.hint


def test_a_file_that_fails_to_parse_still_exists_for_references(
    factory: CatalogueFactory,
) -> None:
    """A pathway naming an offer whose file is broken gets no cascade of follow-on errors."""
    factory.pathways["testa-path"]["min_ects"] = 6
    factory.raw["offers/aa/aa-two.yaml"] = b'id: aa-two\ntitle: {en: "Open\n'
    result = factory.load(now=NOW)
    codes = {f.code for f in result.findings}
    assert "testa-path" in (result.catalogue.pathways if result.catalogue else {})
    assert "YAML_SYNTAX" in codes
    assert "REF_UNKNOWN_OFFER" not in codes, [str(f) for f in result.findings]
    assert "PATHWAY_MIN_ECTS_UNREACHABLE" not in codes


def test_a_bad_date_is_only_a_type_error(factory: CatalogueFactory) -> None:
    factory.offers["aa-one"]["schedule"]["start"] = "2027-02-31"
    result = factory.load(now=NOW)
    codes = [f.code for f in result.findings if f.file == OFFER and f.is_error]
    assert codes == ["TYPE_DATE"], [str(f) for f in result.findings]
