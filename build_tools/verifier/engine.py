"""The verification engine: bytes + registry -> Report, never an exception for bad input.

`averify` is the engine (async, because the browser's WebCrypto is). `verify` drives the same
coroutine without an event loop: the CPython backend never suspends, so one `send(None)` runs
it to completion; a backend that does suspend is a programming error and fails loudly.
"""

from __future__ import annotations

import json
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

from ._internal import facts as _facts
from ._internal.checks.base import Stop, result, too_complex
from ._internal.checks.jsonld import JsonLdCheck
from ._internal.checks.signature import SignatureCheck
from ._internal.errors import InputError
from ._internal.jsonld.limits import JsonLdStrictError, check_size
from ._internal.keys import KeyProblem
from ._internal.pipeline import GATE_CHECKS, UNVERIFIABLE_CODES, run_checks
from ._internal.state import Inputs, State
from ._internal.strict_json import Totals
from .crypto import CryptoBackend
from .messages import msg
from .model import CheckId, CheckResult, Report, Status, Verdict
from .registry import Registry

__all__ = ["averify", "verdict_of", "verify"]

DEFAULT_MAX_BYTES = 5_000_000
MAX_PRESENTATION_ITEMS = 50

# Verdicts from best to worst.
_RANK = (Verdict.VALID, Verdict.VALID_WITH_WARNINGS, Verdict.UNVERIFIABLE, Verdict.INVALID)


def verdict_of(checks: list[CheckResult]) -> Verdict:
    fails = [c for c in checks if c.status == Status.FAIL]
    if any(c.code not in UNVERIFIABLE_CODES for c in fails):
        return Verdict.INVALID
    if fails:
        return Verdict.UNVERIFIABLE
    gate = {c.id: c for c in checks}
    for cid in GATE_CHECKS:
        check = gate.get(cid)
        if check is not None and check.status == Status.SKIP:
            return Verdict.UNVERIFIABLE
    if gate.get(CheckId.SIGNATURE) is None:
        return Verdict.UNVERIFIABLE
    if any(c.status == Status.WARN for c in checks):
        return Verdict.VALID_WITH_WARNINGS
    return Verdict.VALID


def _worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=_RANK.index) if verdicts else Verdict.UNVERIFIABLE


def _credential_summary(st: State) -> dict[str, Any] | None:
    if st.doc is None or st.env is None:
        return None
    try:
        out = _facts.summary(st.doc, st.trust.facts)
    except Exception:  # a summary must never break a report
        out = {}
    issuer = st.trust.issuer
    if issuer is not None:
        out["issuer"] = {
            "from_registry": True,
            "slug": issuer.slug,
            "name": issuer.name,
            "country": issuer.country,
            "page": issuer.page,
        }
    else:
        out["issuer"] = _unregistered_issuer(st)
    if st.trust.offer is not None:
        out["offer"] = {
            "id": st.trust.offer.id,
            "page": st.trust.offer.page,
            "version": st.trust.offer.version,
        }
    # Verified: an intact signature by a key this registry lists for the issuer. A signature
    # by any other key (e.g. a certificate inside the file) vouches for nothing shown here.
    key_ok = any(c.id == CheckId.ISSUER_KEY and c.status == Status.PASS for c in st.results)
    out["verified"] = bool(st.signature_ok) and key_ok
    return out


def _unregistered_issuer(st: State) -> dict[str, Any]:
    """What can be said of an issuer this registry does not list. Nothing the credential or
    its certificate says is shown as the issuer (`name` stays None): with an intact signature,
    the name the credential gives itself (`names_itself`), the seal certificate's subject and
    issuer (`certificate`, X.509 seals) or the signing key's DID (`did`), each only as what
    the file claims; `alliance` is the registry's own name for the alliance."""
    info: dict[str, Any] = {
        "from_registry": False,
        "name": None,
        "country": None,
        "alliance": st.inputs.registry.alliance_name,
    }
    key = st.key
    if key is None or st.doc is None:
        return info
    info["names_itself"] = _facts.self_name(st.doc)
    if key.cert is not None:
        info["unverified_certificate_subject"] = key.cert.subject
        info["certificate"] = {
            "subject": key.cert.subject,
            "issuer": key.cert.issuer,
            "self_signed": key.cert.self_signed,
        }
    elif key.controller and key.controller.startswith("did:"):
        info["did"] = key.controller[:500]
    return info


def _report(st: State) -> Report:
    unsigned = list(dict.fromkeys(st.unsigned))
    if st.doc is not None and not st.signature_ok:
        unsigned.insert(
            0, msg("all credential data (the signature is not valid or was not checked)")
        )
    return Report(
        verdict=verdict_of(st.results),
        format=st.format_name,
        checks=list(st.results),
        credential=_credential_summary(st),
        unsigned=unsigned,
    )


def _internal_error(exc: BaseException) -> Report:
    check = result(
        CheckId.FORMAT,
        Status.FAIL,
        "INTERNAL_ERROR",
        "The verifier could not process this file.",
        f"{type(exc).__name__}: {str(exc)[:200]}",
    )
    return Report(verdict=Verdict.INVALID, format="unknown", checks=[check], credential=None)


async def _verify_one(
    data: bytes,
    registry: Registry,
    now: datetime,
    crypto: CryptoBackend,
    max_bytes: int,
    *,
    in_presentation: bool,
) -> Report:
    st = State(Inputs(data=data, registry=registry, now=now, crypto=crypto, max_bytes=max_bytes))
    await run_checks(st)
    if st.env is not None and st.env.kind == "vp":
        if in_presentation:
            check = result(
                CheckId.FORMAT,
                Status.FAIL,
                "FORMAT_NESTED_PRESENTATION",
                "A presentation inside a presentation is not accepted.",
                "",
            )
            return Report(verdict=Verdict.INVALID, format="vp", checks=[check], credential=None)
        return await _verify_presentation(st)
    return _report(st)


async def _verify_presentation(first: State) -> Report:
    """A presentation: the holder's own signature (if any), then every credential in it."""
    assert first.env is not None and first.doc is not None
    st = State(first.inputs, parsed=first.parsed)
    checks: list[CheckResult] = [c for c in first.results if c.id == CheckId.FORMAT]
    items = first.env.presentation_items
    if checks and checks[0].status == Status.PASS and not items:
        checks[0] = result(
            CheckId.FORMAT,
            Status.FAIL,
            "FORMAT_EMPTY_PRESENTATION",
            "The presentation holds no credentials.",
            "verifiableCredential is empty",
        )
    if len(items) > MAX_PRESENTATION_ITEMS:
        checks[0] = result(
            CheckId.FORMAT,
            Status.FAIL,
            "FORMAT_TOO_LARGE",
            "The presentation holds too many credentials.",
            f"{len(items)} items",
        )
    if checks and checks[0].status == Status.PASS:
        checks.extend(_presentation_size(first.doc, first.env.totals))
    if checks and checks[-1].status != Status.PASS:
        return Report(
            verdict=verdict_of(checks), format="vp", checks=checks, credentials=[], unsigned=[]
        )
    holder = await _holder_check(st)
    checks.append(holder)
    reports: list[Report] = []
    for item in items:
        if isinstance(item, str):
            raw = item.strip().encode("utf-8")
        else:
            raw = json.dumps(item, ensure_ascii=False).encode("utf-8")
        reports.append(
            await _verify_one(
                raw,
                st.inputs.registry,
                st.inputs.now,
                st.inputs.crypto,
                st.inputs.max_bytes,
                in_presentation=True,
            )
        )
    own = verdict_of(checks) if holder.status == Status.FAIL else Verdict.VALID
    if holder.status == Status.WARN and own == Verdict.VALID:
        own = Verdict.VALID_WITH_WARNINGS
    verdict = _worst([own] + [r.verdict for r in reports])
    unsigned = [] if holder.status == Status.PASS else ["presentation fields (holder, id)"]
    return Report(
        verdict=verdict, format="vp", checks=checks, credentials=reports, unsigned=unsigned
    )


def _presentation_size(doc: dict[str, Any], totals: Totals | None) -> list[CheckResult]:
    """The JSON-LD limits hold for the file, not for each credential: the credentials of a
    presentation are checked one by one, and 30 of them each just within the limits took
    6 s in the browser (bench/hostile_inputs.py). `totals`: the document's, as read."""
    try:
        check_size(doc, totals)
    except JsonLdStrictError as exc:
        return [result(CheckId.JSONLD, Status.FAIL, exc.code, exc.message, exc.detail)]
    return []


async def _holder_check(st: State) -> CheckResult:
    assert st.env is not None and st.doc is not None
    if not st.env.holder_secured:
        return result(
            CheckId.SIGNATURE,
            Status.WARN,
            "PRESENTATION_NOT_SIGNED",
            "The presentation itself is not signed by its holder; anyone holding a copy "
            "of these credentials could have made it.",
            "no holder proof",
        )
    try:
        if not st.env.signatures:
            jsonld = await JsonLdCheck().run(st)
            if jsonld.status == Status.FAIL:
                return result(
                    CheckId.SIGNATURE, Status.FAIL, jsonld.code, jsonld.message, jsonld.detail
                )
        outcome = await SignatureCheck().run(st)
    except Stop as stop:
        if stop.result.status == Status.FAIL:
            return stop.result
        return result(
            CheckId.SIGNATURE,
            Status.WARN,
            "PRESENTATION_SIGNATURE_NOT_CHECKED",
            "The holder's signature on the presentation could not be checked.",
            f"{stop.result.code}: {stop.result.detail}",
        )
    except KeyProblem as exc:
        return result(
            CheckId.SIGNATURE,
            exc.status if exc.status == Status.FAIL else Status.WARN,
            exc.code,
            exc.message,
            exc.detail,
        )
    return result(
        CheckId.SIGNATURE,
        Status.PASS,
        "PRESENTATION_SIGNED",
        "The presentation is signed by its holder. (Possession of a copy proves nothing "
        "about identity.)",
        outcome.detail,
    )


async def averify(
    data: bytes,
    registry: Registry,
    *,
    now: datetime,
    crypto: CryptoBackend,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Report:
    """Verify one file. Never raises for bad input: every problem is a check in the Report."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        return await _verify_one(
            bytes(data) if not isinstance(data, bytes) else data,
            registry,
            now,
            crypto,
            max_bytes,
            in_presentation=False,
        )
    except (InputError, KeyProblem, Stop) as exc:  # pragma: no cover - defensive
        return _internal_error(exc)
    except (RecursionError, MemoryError) as exc:
        check = too_complex(CheckId.FORMAT, exc)
        return Report(verdict=Verdict.INVALID, format="unknown", checks=[check], credential=None)
    except Exception as exc:  # the contract: a report, never an exception
        return _internal_error(exc)


def _drive(coro: Coroutine[Any, Any, Report]) -> Report:
    try:
        coro.send(None)
    except StopIteration as stop:
        value: Report = stop.value
        return value
    coro.close()
    raise RuntimeError(
        "the crypto backend suspended; use `await averify(...)` with an asynchronous backend"
    )


def verify(
    data: bytes,
    registry: Registry,
    *,
    now: datetime,
    crypto: CryptoBackend,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Report:
    """Synchronous verify for backends that never suspend (the CPython one)."""
    return _drive(averify(data, registry, now=now, crypto=crypto, max_bytes=max_bytes))
