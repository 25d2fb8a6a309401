"""The report model: check ids, statuses, verdicts, check results and reports.

The enums are `StrEnum`s, so reports and their JSON carry the same plain strings as before
(`"pass"`, `"valid_with_warnings"`, `"issuer_key"`, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .messages import translated

__all__ = [
    "CHECK_IDS",
    "CheckId",
    "CheckResult",
    "Report",
    "Status",
    "Verdict",
]


class CheckId(StrEnum):
    """The checks, in report order (docs/verifier-codes.md)."""

    FORMAT = "format"
    JSONLD = "jsonld"
    SIGNATURE = "signature"
    ISSUER_KEY = "issuer_key"
    VALIDITY = "validity"
    REVOCATION = "revocation"
    CATALOGUE = "catalogue"
    EU_ELEMENTS = "eu_elements"


CHECK_IDS: tuple[CheckId, ...] = tuple(CheckId)


class Status(StrEnum):
    """The outcome of one check."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


class Verdict(StrEnum):
    """The outcome of a whole report, from its checks (`engine.verdict_of`)."""

    VALID = "valid"
    VALID_WITH_WARNINGS = "valid_with_warnings"
    INVALID = "invalid"
    UNVERIFIABLE = "unverifiable"


@dataclass(frozen=True)
class CheckResult:
    id: CheckId
    status: Status
    code: str
    message: str
    detail: str = ""

    def to_dict(self, messages: Mapping[str, str] | None = None) -> dict[str, str]:
        """The result as JSON; `messages`: translations of the message templates
        (`messages.translated`), for a report in another language."""
        return {
            "id": str(self.id),
            "status": str(self.status),
            "code": self.code,
            "message": translated(self.message, messages),
            "detail": self.detail,
        }


@dataclass
class Report:
    """The result of verifying one file (docs/adr/0003).

    `credential` holds only values taken from signed content (issuer name and country only from
    the registry). `unsigned` names displayed fields that no signature covers. For a
    presentation, `credentials` holds one report per embedded credential.
    """

    verdict: Verdict
    format: str
    checks: list[CheckResult]
    credential: dict[str, Any] | None = None
    unsigned: list[str] = field(default_factory=list)
    credentials: list[Report] | None = None

    def check(self, check_id: str) -> CheckResult | None:
        for item in self.checks:
            if item.id == check_id:
                return item
        return None

    @property
    def codes(self) -> dict[str, str]:
        return {c.id: c.code for c in self.checks}

    def to_dict(self, messages: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The report as JSON (docs/architecture.md, "The report"); `messages`: translations
        of the check messages, so that `message` is in that language (codes do not change)."""
        out: dict[str, Any] = {"verdict": str(self.verdict), "format": self.format}
        if self.credentials is not None:
            out["credentials"] = [r.to_dict(messages) for r in self.credentials]
        else:
            out["credential"] = self.credential
        out["checks"] = [c.to_dict(messages) for c in self.checks]
        out["unsigned"] = [translated(u, messages) for u in self.unsigned]
        return out
