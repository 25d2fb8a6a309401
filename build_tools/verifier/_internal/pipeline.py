"""The checks in order, run over one state; a failing gate marks the rest not applicable."""

from __future__ import annotations

from ..messages import msg
from ..model import CheckId, CheckResult, Status
from .checks.base import Check, Stop, result, too_complex
from .checks.catalogue import CatalogueCheck
from .checks.eu_elements import EuElementsCheck
from .checks.format import FormatCheck
from .checks.issuer_key import IssuerKeyCheck
from .checks.jsonld import JsonLdCheck
from .checks.revocation import RevocationCheck
from .checks.signature import SignatureCheck, seal_broken
from .checks.validity import ValidityCheck
from .state import State

# Failing codes after which nothing can be said, rather than something proven wrong.
UNVERIFIABLE_CODES = frozenset(
    {
        "FORMAT_UNRECOGNISED",
        "FORMAT_LEGACY_EDC_XML",
        "FORMAT_UNSIGNED",
        "FORMAT_UNSUPPORTED",
        "FORMAT_EMPTY",
        "FORMAT_BAKED_NO_CREDENTIAL",
    }
)

#: Every check of a credential, in report order.
CREDENTIAL_CHECKS: tuple[Check, ...] = (
    FormatCheck(),
    JsonLdCheck(),
    SignatureCheck(),
    IssuerKeyCheck(),
    ValidityCheck(),
    RevocationCheck(),
    CatalogueCheck(),
    EuElementsCheck(),
)

#: The checks a status list must pass before its bits are believed (no revocation of the list
#: itself, no catalogue).
STATUS_LIST_CHECKS: tuple[Check, ...] = (
    FormatCheck(),
    JsonLdCheck(),
    SignatureCheck(),
    IssuerKeyCheck(),
    ValidityCheck(),
)

#: Checks whose failure makes the checks after them meaningless.
GATE_CHECKS = frozenset({CheckId.FORMAT, CheckId.JSONLD, CheckId.SIGNATURE})


def _not_applicable(check_id: CheckId, gate: CheckResult) -> CheckResult:
    if gate.id == CheckId.FORMAT:
        why = msg("Not applicable: the file could not be read as a credential.")
    elif gate.status == Status.FAIL:
        why = (
            msg("Not applicable: the signature is not valid.")
            if gate.id == CheckId.SIGNATURE
            else msg("Not applicable: the credential's data is not well defined.")
        )
    else:
        why = msg("Not applicable: the signature could not be checked.")
    return result(check_id, Status.SKIP, "NOT_APPLICABLE", why, f"after {gate.code}")


async def run_checks(st: State, checks: tuple[Check, ...] = CREDENTIAL_CHECKS) -> None:
    gate: CheckResult | None = None
    for check in checks:
        if gate is not None:
            if check.id == CheckId.SIGNATURE:
                # A JOSE signature covers the bytes, whatever they say: if the content failed
                # an earlier check because it was changed, the signature says so.
                broken = await seal_broken(st)
                if broken is not None:
                    st.results.append(broken)
                    gate = broken
                    continue
            st.results.append(_not_applicable(check.id, gate))
            continue
        if st.env is not None and st.env.kind == "vp":
            return  # presentations are handled by the engine (holder check + each credential)
        try:
            outcome = await check.run(st)
        except Stop as stop:
            outcome = stop.result
            gate = outcome
        except (RecursionError, MemoryError) as exc:
            outcome = too_complex(check.id, exc)
            gate = outcome
        st.results.append(outcome)
        if check.id in GATE_CHECKS and outcome.status == Status.FAIL and gate is None:
            gate = outcome
