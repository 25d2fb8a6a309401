"""The one root of credsite's errors.

Every error a caller of the build side can meet derives from `CredsiteError`: a stable `code`,
a plain `message`, where it happened (`location`: file, line, column; empty when it is not
about a file) and a `hint` that says what to do. An error that gathers several located
problems (an invalid catalogue, a learner file with many bad rows) carries them as `findings`.

The parts raise these errors; the command line (`build_tools.cli`) catches them and prints them
with the one formatter (`build_tools.findings`). The verifier is not part of this tree: it
imports nothing from the build side and reports problems in its report instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from build_tools.findings import Finding, Location, format_located

__all__ = ["CredsiteError", "Location"]


class CredsiteError(Exception):
    """A problem the user must fix: what (`message`), where (`location`), what to do (`hint`)."""

    default_code = "CREDSITE_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        file: str = "",
        line: int = 0,
        column: int = 0,
        hint: str = "",
        findings: Iterable[Finding] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        self.findings: tuple[Finding, ...] = tuple(findings)

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)

    def as_finding(self) -> Finding:
        """This error as an error finding (same code, message, location and hint)."""
        return Finding(
            self.code, "error", self.message, self.file, self.line, self.column, self.hint
        )

    def __str__(self) -> str:
        """`file:line:col: message hint`, then one line per finding it carries."""
        return "\n".join(
            [format_located(self.as_finding()), *(format_located(f) for f in self.findings)]
        )
