"""6 revocation: the credential's status list entry, from a verified status list."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime
from typing import Any

from ...model import CheckId, CheckResult, Status
from ...registry import Registry
from .. import facts as _facts
from ..nodes import as_list, node_id, types_of
from ..state import State
from ..status_list import MIN_ENTRIES, StatusListError, decode_encoded_list
from .base import result

_MAX_ENTRIES = 8
_ENTRY_TYPES = {
    "BitstringStatusListEntry": "BitstringStatusList",
    "StatusList2021Entry": "StatusList2021",
}


def _unsupported(detail: str) -> CheckResult:
    return result(
        CheckId.REVOCATION,
        Status.WARN,
        "REVOCATION_UNSUPPORTED",
        "Revocation could not be checked: the credential uses a revocation method this "
        "verifier does not support.",
        detail,
    )


class RevocationCheck:
    id = CheckId.REVOCATION

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None
        entries = [e for e in as_list(st.doc.get("credentialStatus")) if isinstance(e, dict)]
        claims = st.env.jwt_claims if st.env is not None else {}
        if not entries and "status" in claims:
            # A JWT's own status claim (the IETF Token Status List): a method, but not one
            # this verifier reads.
            return _unsupported("JWT status claim")
        if not entries:
            return result(
                self.id,
                Status.SKIP,
                "REVOCATION_NONE",
                "The issuer provides no way to check whether this credential was revoked.",
                "no credentialStatus",
            )
        if len(entries) > _MAX_ENTRIES:
            # Each entry is checked (a revocation in any one counts); more than a credential
            # ever needs would make the check expensive, so they are refused, never skipped.
            return result(
                self.id,
                Status.FAIL,
                "REVOCATION_ENTRY_INVALID",
                "The credential's revocation information is malformed.",
                f"{len(entries)} credentialStatus entries (at most {_MAX_ENTRIES})",
            )
        outcomes = [await self._entry(st, entry) for entry in entries]
        for status in (Status.FAIL, Status.WARN, Status.PASS):
            for item in outcomes:
                if item.status == status:
                    return item
        return outcomes[0]

    async def _entry(self, st: State, entry: dict[str, Any]) -> CheckResult:
        etype = next((t for t in types_of(entry) if t in _ENTRY_TYPES), None)
        if etype is None:
            return _unsupported("credentialStatus type " + ", ".join(types_of(entry))[:80])
        fields = _entry_fields(entry)
        if fields is None:
            return result(
                self.id,
                Status.FAIL,
                "REVOCATION_ENTRY_INVALID",
                "The credential's revocation information is malformed.",
                "statusListCredential, statusListIndex or statusPurpose invalid",
            )
        url, purpose, index, size = fields
        raw = st.inputs.registry.status_list(url)
        if raw is None:
            return result(
                self.id,
                Status.WARN,
                "REVOCATION_NOT_CHECKED",
                "Revocation could not be checked: the revocation list is not one this "
                "registry publishes or supplies.",
                f"status list {url[:160]} not supplied",
            )
        list_state = await _verify_nested(raw, st)
        problem = _status_list_problem(list_state, st, etype)
        if problem:
            return result(
                self.id,
                Status.FAIL,
                "REVOCATION_LIST_INVALID",
                "The revocation list for this credential cannot be trusted, so its status "
                "is unknown.",
                f"{url[:120]}: {problem}",
            )
        assert list_state.doc is not None
        subject = list_state.doc.get("credentialSubject")
        assert isinstance(subject, dict)
        if purpose not in as_list(subject.get("statusPurpose")):
            return result(
                self.id,
                Status.FAIL,
                "REVOCATION_LIST_INVALID",
                "The revocation list does not serve this purpose.",
                f"entry purpose {purpose!r} not in list purposes",
            )
        try:
            bits = decode_encoded_list(subject.get("encodedList"))
            value = bits.value(index, size)
        except StatusListError as exc:
            return result(
                self.id,
                Status.FAIL,
                "REVOCATION_LIST_INVALID",
                "The revocation list is damaged.",
                str(exc),
            )
        except IndexError:
            return result(
                self.id,
                Status.FAIL,
                "REVOCATION_ENTRY_INVALID",
                "The credential points outside its revocation list.",
                f"index {index} beyond {bits.bits // size} entries",
            )
        return self._outcome(
            f"{url[:120]} index {index}: {value}", value, purpose, bits.bits // size
        )

    def _outcome(self, detail: str, value: int, purpose: str, entries: int) -> CheckResult:
        """What the status bit(s) say, for the entry's purpose."""
        if value:
            if purpose == "revocation":
                return result(
                    self.id,
                    Status.FAIL,
                    "REVOCATION_REVOKED",
                    "The issuer has revoked this credential.",
                    detail,
                )
            if purpose == "suspension":
                return result(
                    self.id,
                    Status.FAIL,
                    "REVOCATION_SUSPENDED",
                    "The issuer has suspended this credential.",
                    detail,
                )
            return result(
                self.id,
                Status.WARN,
                "REVOCATION_STATUS_MESSAGE",
                "The issuer has set a status message on this credential.",
                f"{detail}; purpose {purpose}",
            )
        if entries < MIN_ENTRIES:
            return result(
                self.id,
                Status.WARN,
                "REVOCATION_LIST_SMALL",
                "The credential is not revoked, but its revocation list is smaller than "
                "the privacy minimum.",
                f"{detail}; {entries} entries",
            )
        return result(
            self.id, Status.PASS, "REVOCATION_OK", "The credential has not been revoked.", detail
        )


def _entry_fields(entry: dict[str, Any]) -> tuple[str, str, int, int] | None:
    """(list URL, purpose, index, status size) of a status entry, or None if malformed: the
    index is a short string of ASCII digits or an integer, the size 1 to 8 bits."""
    url = entry.get("statusListCredential")
    purpose = entry.get("statusPurpose")
    raw_index = entry.get("statusListIndex")
    index = (
        int(raw_index)
        if isinstance(raw_index, str) and _facts.decimal(raw_index)
        else (raw_index if isinstance(raw_index, int) and not isinstance(raw_index, bool) else None)
    )
    size = entry.get("statusSize", 1)
    if (
        not isinstance(url, str)
        or index is None
        or not isinstance(purpose, str)
        or not isinstance(size, int)
        or isinstance(size, bool)
        or not 1 <= size <= 8
    ):
        return None
    return url, purpose, index, size


def _status_list_problem(ls: State, st: State, etype: str) -> str | None:
    checks = {c.id: c for c in ls.results}
    required = (
        CheckId.FORMAT,
        CheckId.JSONLD,
        CheckId.SIGNATURE,
        CheckId.ISSUER_KEY,
        CheckId.VALIDITY,
    )
    for cid in required:
        check = checks.get(cid)
        if check is None:
            return f"{cid} not checked"
        if check.status == Status.FAIL or (
            cid in (CheckId.FORMAT, CheckId.SIGNATURE) and check.status != Status.PASS
        ):
            return f"{cid}: {check.code} ({check.detail[:100]})"
    assert ls.doc is not None and st.doc is not None and ls.key is not None
    list_type = _ENTRY_TYPES[etype]
    if list_type + "Credential" not in types_of(ls.doc):
        return f"not a {list_type}Credential"
    subject = ls.doc.get("credentialSubject")
    if not isinstance(subject, dict) or list_type not in types_of(subject):
        return f"credentialSubject is not a {list_type}"
    # The list must come from the credential's own issuer: the same registry issuer, or (for
    # issuers outside the registry) the same issuer id, bound to the list's key.
    if st.trust.issuer is not None:
        if ls.trust.issuer is None or ls.trust.issuer.slug != st.trust.issuer.slug:
            return "the list is not signed by the credential's issuer"
        return None
    # Issuer outside the registry: the list's own signature must at least be bound to the
    # list's issuer (BSL allows the list issuer to differ from the credential issuer).
    list_issuer = node_id(ls.doc.get("issuer"))
    if ls.key.controller != list_issuer and ls.trust.issuer is None:
        return "the list is not signed by its own issuer"
    return None


# Status lists verified lately: one list serves thousands of credentials, so a batch (or a
# browser session) verifies its signature once. Keyed by the list's bytes, the registry, the
# clock and the crypto backend; the entry keeps the registry and backend alive and is used only
# for the very same objects, so a recycled id() can never produce a false hit.
_NESTED: OrderedDict[tuple[bytes, int, datetime, int], tuple[Registry, Any, State]] = OrderedDict()
_NESTED_MAX = 16


async def _verify_nested(raw: bytes, st: State) -> State:
    key = (
        hashlib.sha256(raw).digest(),
        id(st.inputs.registry),
        st.inputs.now,
        id(st.inputs.crypto),
    )
    hit = _NESTED.get(key)
    if hit is not None and hit[0] is st.inputs.registry and hit[1] is st.inputs.crypto:
        _NESTED.move_to_end(key)
        return hit[2]
    from ..pipeline import STATUS_LIST_CHECKS, run_checks  # the pipeline holds this check

    nested = State(inputs=replace(st.inputs, data=raw, status_list=True))
    await run_checks(nested, STATUS_LIST_CHECKS)
    _NESTED[key] = (st.inputs.registry, st.inputs.crypto, nested)
    if len(_NESTED) > _NESTED_MAX:
        _NESTED.popitem(last=False)
    return nested
