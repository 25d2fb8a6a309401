"""5 validity: the credential is within its validity period."""

from __future__ import annotations

from ...messages import msg
from ...model import CheckId, CheckResult, Status
from ..dates import iso, numeric_date
from ..state import State
from .base import CLOCK_SKEW, result


class ValidityCheck:
    id = CheckId.VALIDITY

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None and st.env is not None
        claims = st.env.jwt_claims
        starts = [st.date(n) for n in ("validFrom", "issuanceDate")]
        ends = [st.date(n) for n in ("validUntil", "expirationDate")]
        starts.append(numeric_date(claims.get("nbf")) if "nbf" in claims else None)
        ends.append(numeric_date(claims.get("exp")) if "exp" in claims else None)
        start = max((s for s in starts if s), default=None)
        end = min((e for e in ends if e), default=None)
        # differences, not `start - CLOCK_SKEW`: dates near year 1 or 9999 must not overflow
        if start and start - st.inputs.now > CLOCK_SKEW:
            return result(
                self.id,
                Status.FAIL,
                "VALIDITY_NOT_YET_VALID",
                msg(
                    "The credential is not valid yet: it becomes valid on {date}.",
                    date=iso(start),
                ),
                f"now {iso(st.inputs.now)}",
            )
        if end and st.inputs.now > end:
            return result(
                self.id,
                Status.FAIL,
                "VALIDITY_EXPIRED",
                msg("The credential expired on {date}.", date=iso(end)),
                f"now {iso(st.inputs.now)}",
            )
        span = f"valid from {iso(start)}" if start else "no start date"
        span += f" until {iso(end)}" if end else ", no expiry date"
        return result(
            self.id,
            Status.PASS,
            "VALIDITY_OK",
            "The credential is within its validity period.",
            span,
        )
