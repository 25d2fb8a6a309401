"""Findings, and the one place that turns them into text, JSON or GitHub annotations.

A `Finding` is a located problem: a stable code (`ANNEX1_WORKLOAD_MISSING`), a severity, a
plain message that says what to do, and where: file, 1-based line and column (0 when unknown),
with an optional hint. The catalogue check produces them, and every `CredsiteError` can be
shown as one (`build_tools.errors`), so that file:line:col reaches the terminal unchanged.

Every text form here passes through `build_tools.terminal.printable`: file names, messages and
hints come from files, and a control character in them must not act on the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from build_tools.terminal import printable

__all__ = [
    "Finding",
    "Location",
    "Severity",
    "format_github",
    "format_json",
    "format_located",
    "format_text",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a file: its path (relative to the catalogue root for catalogue files),
    1-based line and column (0 when unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


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
        return format_text([self])


def _display_path(prefix: str, file: str) -> str:
    if not file:
        return prefix
    if not prefix or prefix == ".":
        return file
    return prefix.rstrip("/") + "/" + file


def format_located(f: Finding, *, prefix: str = "") -> str:
    """One line, `file:line:col: message hint`: a problem inside an error's report (the site
    build's details, the lines of an issuing error)."""
    where = _display_path(prefix, f.file)
    if f.line:
        where += f":{f.line}" + (f":{f.column}" if f.column else "")
    text = f"{where}: {f.message}" if where else f.message
    return printable(f"{text} {f.hint}" if f.hint else text)


def format_text(findings: Iterable[Finding], *, prefix: str = "") -> str:
    """`file:line:col: severity: message [CODE]`, the hint indented on the next line."""
    lines = []
    for f in findings:
        where = _display_path(prefix, f.file) or "catalogue"
        if f.line:
            where += f":{f.line}:{f.column}"
        text = printable(f"{where}: {f.severity}: {f.message} [{f.code}]")
        if f.hint:
            text += f"\n    {printable(f.hint)}"
        lines.append(text)
    return "\n".join(lines)


def format_json(findings: Sequence[Finding], *, prefix: str = "") -> str:
    """`{"ok", "errors", "warnings", "findings": [...]}`, file names under `prefix`."""
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


def format_github(findings: Iterable[Finding], *, prefix: str = "") -> str:
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
