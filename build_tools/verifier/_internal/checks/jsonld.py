"""2 jsonld: every field is defined by a known vocabulary."""

from __future__ import annotations

from typing import Any

from ...messages import msg
from ...model import CheckId, CheckResult, Status
from ..jsonld.contexts import ContextVersion, readings, under_version
from ..jsonld.limits import LIMIT_CODES, JsonLdStrictError
from ..jsonld.terms import check_terms
from ..jsonld.urdna2015 import canonize
from ..state import State
from .base import Stop, result


def explained(exc: JsonLdStrictError) -> str:
    """The message a reader sees; an unknown context is named, in plain words, as a vocabulary
    this verifier does not have (never as a fault of the credential)."""
    if exc.code != "JSONLD_UNKNOWN_CONTEXT":
        return exc.message
    url = exc.detail.removeprefix("context not bundled: ")
    return msg(
        "This verifier does not know this vocabulary: {url}. Without it the credential's "
        "meaning and signature cannot be checked; ask the issuer.",
        url=url[:200],
    )


def _canonize_some_reading(doc: dict[str, Any]) -> tuple[str, tuple[ContextVersion, ...]]:
    """The canonical N-Quads of `doc` under the first reading of its multi-version contexts
    that defines it (newest first; contexts.py), and that reading; the first reading's error
    when none does. Which reading the signature was made under is the signature check's."""
    first: JsonLdStrictError | None = None
    for reading in readings(doc):
        with under_version(doc, reading) as read:
            try:
                return canonize(read), reading
            except JsonLdStrictError as exc:
                if exc.code in LIMIT_CODES or exc.code == "JSONLD_UNKNOWN_CONTEXT":
                    raise
                first = first or exc
    assert first is not None
    raise first


class JsonLdCheck:
    id = CheckId.JSONLD

    async def run(self, st: State) -> CheckResult:
        assert st.env is not None and st.doc is not None
        if st.env.kind == "sd-jwt":
            return result(
                self.id,
                Status.PASS,
                "JSONLD_NOT_USED",
                "This format names its claims without JSON-LD vocabularies.",
                "SD-JWT: claim names are plain JSON",
            )
        di = st.env.kind == "di" or (
            st.env.kind == "vp" and "proof" in st.doc and not st.env.signatures
        )
        try:
            if di:
                unsecured = {k: v for k, v in st.doc.items() if k != "proof"}
                st.canonical_doc, st.canonical_reading = _canonize_some_reading(unsecured)
            else:
                check_terms(st.doc, st.env.totals if st.doc is st.env.document else None)
        except JsonLdStrictError as exc:
            if di or exc.code in LIMIT_CODES:
                status = Status.SKIP if exc.code == "JSONLD_UNKNOWN_CONTEXT" else Status.FAIL
                raise Stop(result(self.id, status, exc.code, explained(exc), exc.detail)) from exc
            # JOSE formats sign the bytes, so nothing is unsigned; the meaning of such fields is
            # merely undefined. Report it, do not fail it (docs/adr/0003).
            return result(
                self.id,
                Status.WARN,
                exc.code,
                msg(
                    "The credential contains fields that are not defined by its vocabulary, so "
                    "their meaning is not defined."
                )
                if exc.code == "JSONLD_DROPPED_TERM"
                else explained(exc),
                exc.detail,
            )
        return result(
            self.id,
            Status.PASS,
            "JSONLD_OK",
            "Every field is defined by a known vocabulary.",
            "strict expansion over bundled contexts",
        )
