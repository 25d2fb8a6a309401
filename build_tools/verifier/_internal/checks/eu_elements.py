"""8 eu_elements: the EU standard elements for micro-credentials (2022/C 243/02, Annex I)."""

from __future__ import annotations

from ...messages import msg
from ...model import CheckId, CheckResult, Status
from .. import facts as _facts
from ..state import State
from .base import result


class EuElementsCheck:
    id = CheckId.EU_ELEMENTS

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None
        mapped = _facts.annex_i_elements(st.doc)
        if mapped is None:
            return result(
                self.id,
                Status.SKIP,
                "EU_ELEMENTS_NOT_EDC",
                "The EU standard elements for micro-credentials are checked for European "
                "Digital Credentials and Open Badges micro-credentials only.",
                "neither an EuropeanDigitalCredential nor an achievement with "
                "achievementType MicroCredential",
            )
        mapping, found = mapped
        present = [label for key, label in _facts.ANNEX_I if found.get(key)]
        missing = [label for key, label in _facts.ANNEX_I if not found.get(key)]
        detail = (
            f"Council Recommendation 2022/C 243/02, Annex I; mapping: {mapping}; "
            f"present: {', '.join(present) or 'none'}; missing: {', '.join(missing) or 'none'}"
        )
        if missing:
            return result(
                self.id,
                Status.WARN,
                "EU_ELEMENTS_MISSING",
                msg(
                    "The credential carries {present} of the 11 elements the EU requires for "
                    "micro-credentials; missing: {missing}.",
                    present=len(present),
                    missing=missing,
                ),
                detail,
            )
        return result(
            self.id,
            Status.PASS,
            "EU_ELEMENTS_COMPLETE",
            "The credential carries all 11 elements the EU requires for micro-credentials.",
            detail,
        )
