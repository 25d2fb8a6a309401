"""1 format: the file is a well-formed credential or presentation."""

from __future__ import annotations

from ...messages import msg
from ...model import CheckId, CheckResult, Status
from ..envelope import check_data_model, read_envelope
from ..errors import InputError
from ..state import Parsed, State
from .base import Stop, result

_FORMAT_HINTS = {
    "FORMAT_LEGACY_EDC_XML": "edc-xml-legacy",
    "FORMAT_UNSIGNED": "unsigned",
    "FORMAT_UNSUPPORTED": "unsupported",
}


class FormatCheck:
    id = CheckId.FORMAT

    async def run(self, st: State) -> CheckResult:
        try:
            env = read_envelope(st.inputs.data, max_bytes=st.inputs.max_bytes)
            st.parsed = Parsed(env, env.document, None)
            st.unsigned.extend(env.unsigned)
            # An SD-JWT VC is not a W3C credential: its dates are its JWT claims.
            dates = (
                {}
                if env.kind == "sd-jwt"
                else check_data_model(env.document, presentation=env.kind == "vp")
            )
            st.parsed = Parsed(env, env.document, dates)
        except InputError as exc:
            st.seal = exc.seal
            st.format_hint = _FORMAT_HINTS.get(exc.code, st.env.format if st.env else "unknown")
            raise Stop(result(self.id, Status.FAIL, exc.code, exc.message, exc.detail)) from exc
        return result(
            self.id,
            Status.PASS,
            "FORMAT_OK",
            msg("The file is a well-formed presentation.")
            if env.kind == "vp"
            else msg("The file is a well-formed credential."),
            f"{env.format}; {env.found}",
        )
