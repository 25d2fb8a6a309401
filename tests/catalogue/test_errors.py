"""One error tree and one findings formatter for every command."""

from __future__ import annotations

import pytest

from build_tools.catalogue.findings import CatalogueError, Finding
from build_tools.catalogue.schema import SchemaFolderError
from build_tools.errors import CredsiteError
from build_tools.findings import format_located, format_text
from build_tools.issuing._common import IssuingError
from build_tools.issuing.learners import LearnerFileError
from build_tools.outputs.verifier_bundle import VerifierBundleError
from build_tools.registry_files import RegistryError
from build_tools.sitebuild.errors import BuildError


@pytest.mark.parametrize(
    "error",
    [
        CatalogueError([Finding("X", "error", "bad", "a.yaml", 2, 3)]),
        IssuingError("bad", file="k.pem", code="KEY_UNREADABLE"),
        LearnerFileError([IssuingError("bad", file="l.csv", line=3, column=3)]),
        BuildError("stopped", ["a.md:1:1: broken"]),
        VerifierBundleError("run npm ci"),
        RegistryError("registry not found: x"),
        SchemaFolderError("'x' is not a folder."),
    ],
)
def test_every_public_error_is_a_located_credsite_error(error: CredsiteError) -> None:
    assert isinstance(error, CredsiteError)
    assert error.code and error.message
    assert error.as_finding().severity == "error"


def test_a_catalogue_error_keeps_each_finding_located() -> None:
    findings = [
        Finding("B", "error", "second", "offers/b.yaml", 9, 1),
        Finding("A", "error", "first", "offers/a.yaml", 4, 7, "Fix it."),
    ]
    error = CatalogueError(findings, "The catalogue cannot be read.")
    assert [str(f.location) for f in error.findings] == ["offers/a.yaml:4:7", "offers/b.yaml:9:1"]
    assert (error.code, str(error.location)) == ("A", "offers/a.yaml:4:7")
    assert format_text(error.findings, prefix="cat").splitlines() == [
        "cat/offers/a.yaml:4:7: error: first [A]",
        "    Fix it.",
        "cat/offers/b.yaml:9:1: error: second [B]",
    ]


def test_error_text_is_made_printable() -> None:
    """Issuing errors used to reach the terminal as they were: a file name with an escape
    sequence could rewrite the line. They now pass through `printable` like findings."""
    error = IssuingError("The key file does not exist.", file="evil\x1b[2K.pem", line=1)
    assert str(error) == "evil\\x1b[2K.pem:1: The key file does not exist."
    assert format_located(Finding("C", "error", "m\u202e", "f", 2, 5, "h")) == "f:2:5: m\\u202e h"
