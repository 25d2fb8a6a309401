"""Findings of the catalogue check, and the error that carries them.

A `Finding` (`build_tools.findings`) names a stable code (`ANNEX1_WORKLOAD_MISSING`), a
severity, a plain message that says what to do, and where: file (relative to the catalogue
root), 1-based line and column. Validation accumulates findings; callers that must stop raise
`CatalogueError`, which carries them all. How findings are shown is decided in one place,
`build_tools.findings`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from build_tools.errors import CredsiteError
from build_tools.findings import Finding, Location, Severity

__all__ = [
    "CatalogueError",
    "Finding",
    "Severity",
    "did_you_mean",
    "finding",
    "has_errors",
    "sort_findings",
]


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


class CatalogueError(CredsiteError):
    """The catalogue cannot be used; `findings` lists every problem found (errors first)."""

    default_code = "CATALOGUE_INVALID"

    def __init__(self, findings: Sequence[Finding], message: str = "", *, hint: str = "") -> None:
        ordered = sorted(findings, key=lambda f: (not f.is_error, *f.sort_key()))
        errors = [f for f in ordered if f.is_error]
        if not message:
            first = str(errors[0]) if errors else "no details"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            message = f"The catalogue has errors: {first}{more}"
        where = errors[0].location if errors else Location("")
        super().__init__(
            message,
            code=errors[0].code if errors else "",
            file=where.file,
            line=where.line,
            column=where.column,
            hint=hint,
            findings=ordered,
        )

    def __str__(self) -> str:
        return self.message
