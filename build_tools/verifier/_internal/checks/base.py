"""What every check shares: the `Check` protocol, `Stop`, and the result helper."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from ...model import CheckId, CheckResult, Status
from ..state import State

CLOCK_SKEW = timedelta(minutes=5)


class Check(Protocol):
    """One check: reads the state, may add its stage's result to it, returns its outcome.

    A check that cannot continue raises `Stop` with its result; the pipeline then marks the
    checks after it as not applicable.
    """

    id: CheckId

    async def run(self, st: State) -> CheckResult: ...


class Stop(Exception):
    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.code)
        self.result = result


def result(
    check_id: CheckId, status: Status, code: str, message: str, detail: str = ""
) -> CheckResult:
    return CheckResult(check_id, status, code, message, detail)


def too_complex(check_id: CheckId, exc: BaseException) -> CheckResult:
    """The failure for input that exhausted the interpreter (recursion, memory) in a check."""
    return result(
        check_id,
        Status.FAIL,
        "INPUT_TOO_COMPLEX",
        "The file is too complex to check safely.",
        type(exc).__name__,
    )
