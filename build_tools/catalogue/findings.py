"""Findings: what the validator tells a maintainer, and the one error type of the build side.

A `Finding` names a stable code (`ANNEX1_WORKLOAD_MISSING`), a severity, a plain message that
says what to do, and where: file (relative to the catalogue root), 1-based line and column.
Validation accumulates findings; callers that must stop raise `CatalogueError`, which carries
them all.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from build_tools.catalogue.model import Location
from build_tools.terminal import printable

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # stable, UPPER_SNAKE_CASE; documented in the maintainers' guide
    severity: Severity
    message: str  # plain English: what is wrong and what to do
    file: str = ""  # relative to the catalogue root ("" for the catalogue as a whole)
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0  # 1-based; 0 when unknown
    hint: str = ""  # e.g. "Did you mean 'written-exam'?"

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = str(self.location) if self.file else "catalogue"
        text = f"{where}: {self.severity} {self.code}: {self.message}"
        return printable(f"{text} {self.hint}" if self.hint else text)


def finding(
    code: str,
    message: str,
    where: Location,
    *,
    severity: Severity = "error",
    hint: str = "",
) -> Finding:
    """Build a finding at a model location."""
    return Finding(code, severity, message, where.file, where.line, where.column, hint)


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """A "Did you mean ...?" hint for a mistyped key or code ("" when nothing is close)."""
    pool = [str(c) for c in choices]
    close = difflib.get_close_matches(word, pool, n=3, cutoff=cutoff)
    if not close and word.lower() != word:
        close = difflib.get_close_matches(word.lower(), pool, n=3, cutoff=cutoff)
    if not close:
        return ""
    if len(close) == 1:
        return f"Did you mean '{close[0]}'?"
    return "Did you mean " + ", ".join(f"'{c}'" for c in close[:-1]) + f" or '{close[-1]}'?"


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


class CatalogueError(Exception):
    """The catalogue cannot be used; `findings` lists every problem found (errors first)."""

    def __init__(self, findings: Sequence[Finding], message: str = "") -> None:
        self.findings: tuple[Finding, ...] = tuple(
            sorted(findings, key=lambda f: (not f.is_error, *f.sort_key()))
        )
        errors = [f for f in self.findings if f.is_error]
        if not message:
            first = str(errors[0]) if errors else "no details"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            message = f"The catalogue has errors: {first}{more}"
        super().__init__(message)

    @property
    def code(self) -> str:
        """The code of the first error, for callers that show one line."""
        errors = [f for f in self.findings if f.is_error]
        return errors[0].code if errors else ""

    @property
    def location(self) -> Location | None:
        errors = [f for f in self.findings if f.is_error]
        return errors[0].location if errors else None


# --------------------------------------------------------------------------------------------
# Output formats for `credsite check`


def _display_path(prefix: str, file: str) -> str:
    if not file:
        return prefix
    if not prefix or prefix == ".":
        return file
    return prefix.rstrip("/") + "/" + file


def format_text(findings: Sequence[Finding], *, prefix: str = "") -> str:
    lines = []
    for f in findings:
        where = _display_path(prefix, f.file)
        if f.line:
            where += f":{f.line}:{f.column}"
        text = printable(f"{where}: {f.severity}: {f.message} [{f.code}]")
        if f.hint:
            text += f"\n    {printable(f.hint)}"
        lines.append(text)
    return "\n".join(lines)


def format_json(findings: Sequence[Finding], *, prefix: str = "") -> str:
    items = []
    for f in findings:
        item = f.to_dict()
        item["file"] = _display_path(prefix, f.file)
        items.append(item)
    errors = sum(1 for f in findings if f.is_error)
    doc = {
        "ok": errors == 0,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": items,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _gh_data(text: str) -> str:
    # GitHub workflow commands: escape %, CR, LF in the message ...
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    # ... and additionally ':' and ',' inside property values.
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: Sequence[Finding], *, prefix: str = "") -> str:
    """GitHub Actions annotations: `::error file=...,line=...,col=...,title=CODE::message`."""
    lines = []
    for f in findings:
        command = "error" if f.is_error else "warning"
        props = [f"file={_gh_property(_display_path(prefix, f.file))}"]
        if f.line:
            props.append(f"line={f.line}")
            if f.column:
                props.append(f"col={f.column}")
        props.append(f"title={_gh_property(f.code)}")
        message = f.message + (f" {f.hint}" if f.hint else "")
        lines.append(printable(f"::{command} {','.join(props)}::{_gh_data(message)}"))
    return "\n".join(lines)
