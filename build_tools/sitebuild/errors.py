"""The one error type of the site build: a plain message, with the details that locate it."""

from __future__ import annotations

from build_tools.errors import CredsiteError


class BuildError(CredsiteError):
    """The build stopped. `message` says what happened; `details` lists located problems, each
    a line (`file:line:col: what`) as `build_tools.findings.format_located` writes them."""

    default_code = "BUILD_FAILED"

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = list(details or [])

    def __reduce__(self) -> tuple[type[BuildError], tuple[str, list[str]]]:
        # Raised in a worker process too (published.py): keep the details across pickling.
        return (type(self), (self.message, self.details))

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  {d}" for d in self.details)
