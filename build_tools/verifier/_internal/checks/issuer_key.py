"""4 issuer_key: the signing key is one the named issuer registered, and was in use."""

from __future__ import annotations

from datetime import datetime

from ...codec import normalize_identifier
from ...messages import msg
from ...model import CheckId, CheckResult, Status
from ...registry import IssuerEntry, KeyEntry
from .. import facts as _facts
from ..dates import iso
from ..nodes import as_list, lang_values, node_id
from ..state import State
from .base import CLOCK_SKEW, result


def issue_time(st: State) -> datetime | None:
    """Latest signed time the credential states for its own issuing (key lifecycle check)."""
    assert st.doc is not None
    times = [t for t in (st.signing_time,) if t is not None]
    for name in ("issued", "issuanceDate"):
        moment = st.date(name)
        if moment is not None:
            times.append(moment)
    if not times:
        moment = st.date("validFrom")
        if moment is not None:
            times.append(moment)
    return max(times) if times else None


class IssuerKeyCheck:
    id = CheckId.ISSUER_KEY

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None and st.key is not None and st.env is not None
        key, registry = st.key, st.inputs.registry
        issuer_id = node_id(st.doc.get("issuer"))
        named = registry.issuers_named(issuer_id)
        owners = {e.issuer for e in key.entries}
        if not key.entries:
            return self._no_registered_key(st, issuer_id, named)
        if len(owners) > 1:
            return result(
                self.id,
                Status.FAIL,
                "ISSUER_KEY_AMBIGUOUS",
                "The signing key is listed for more than one issuer in the registry.",
                "owners: " + ", ".join(sorted(owners)),
            )
        owner = registry.issuers[next(iter(owners))]
        strict = not _facts.is_edc(st.doc)
        if (named and owner not in named) or (
            strict and not registry.is_named_by(owner, issuer_id)
        ):
            claimed = named[0].name if named else issuer_id
            return result(
                self.id,
                Status.FAIL,
                "ISSUER_KEY_WRONG_ISSUER",
                msg(
                    "The credential was signed with a key of {owner}, but names {claimed} as its "
                    "issuer.",
                    owner=owner.name,
                    claimed=claimed,
                )
                if claimed
                else msg(
                    "The credential was signed with a key of {owner}, but names no issuer.",
                    owner=owner.name,
                ),
                f"issuer {issuer_id}; key owner {owner.slug} ({owner.did})",
            )
        entry = next((e for e in key.entries if e.issuer == owner.slug), key.entries[0])
        st.trust.issuer, st.trust.key_entry = owner, entry
        when = issue_time(st)
        detail = (
            f"key {entry.kid} ({entry.status}) of {owner.slug}; issued {iso(when) or 'unknown'}"
        )
        problem = self._key_problem(owner, entry, when or st.inputs.now, detail)
        if problem is not None:
            return problem
        who = f"{owner.name}, {owner.country}" if owner.country else owner.name
        return result(
            self.id,
            Status.PASS,
            "ISSUER_KEY_REGISTERED",
            msg(
                "Issued by {issuer}, with a key listed in this registry. The key has since been "
                "retired; it was in use when this was issued.",
                issuer=who,
            )
            if entry.status == "retired"
            else msg("Issued by {issuer}, with a key listed in this registry.", issuer=who),
            detail,
        )

    def _no_registered_key(
        self, st: State, issuer_id: str | None, named: list[IssuerEntry]
    ) -> CheckResult:
        """The signing key is in no issuer's list: a mismatch, an impersonation or unknown."""
        assert st.key is not None
        key = st.key
        if named:
            return result(
                self.id,
                Status.FAIL,
                "ISSUER_KEY_NOT_REGISTERED",
                msg(
                    "The credential names {issuer} as issuer, but it was not signed with a key "
                    "that issuer has published.",
                    issuer=named[0].name,
                ),
                f"issuer {issuer_id}; signing key {key.how} {key.reference[:120]}",
            )
        impersonated = _claimed_registered_issuer(st)
        if impersonated is not None:
            issuer, claim, where = impersonated
            return result(
                self.id,
                Status.FAIL,
                "ISSUER_IMPERSONATION",
                msg(
                    "The signing certificate claims to be from {issuer}, but the signing key is "
                    "not one {issuer} has registered: the credential pretends to come from a "
                    "registered issuer.",
                    issuer=issuer.name,
                )
                if where == "the signing certificate"
                else msg(
                    "The credential claims to be from {issuer}, but the signing key is not one "
                    "{issuer} has registered: the credential pretends to come from a registered "
                    "issuer.",
                    issuer=issuer.name,
                ),
                f"{where} says {claim[:120]!r}; signing key {key.how} {key.reference[:120]}",
            )
        return self._unregistered(st, issuer_id)

    def _key_problem(
        self, owner: IssuerEntry, entry: KeyEntry, moment: datetime, detail: str
    ) -> CheckResult | None:
        """The failure when the key was compromised, unusable or not in use at `moment`."""
        if entry.status == "compromised":
            return result(
                self.id,
                Status.FAIL,
                "ISSUER_KEY_COMPROMISED",
                msg(
                    "{issuer} has reported the signing key as compromised, so nothing signed "
                    "with it can be trusted.",
                    issuer=owner.name,
                ),
                detail,
            )
        if entry.status not in ("active", "retired"):
            return result(
                self.id,
                Status.FAIL,
                "ISSUER_KEY_COMPROMISED",
                "The registry marks the signing key as unusable.",
                detail,
            )
        if entry.valid_from and entry.valid_from - moment > CLOCK_SKEW:
            return result(
                self.id,
                Status.FAIL,
                "ISSUER_KEY_NOT_YET_ACTIVE",
                msg(
                    "The credential claims an issue date before {issuer} started using this key.",
                    issuer=owner.name,
                ),
                detail,
            )
        if entry.valid_until and moment > entry.valid_until:
            return result(
                self.id,
                Status.FAIL,
                "ISSUER_KEY_RETIRED",
                msg(
                    "The credential was issued after {issuer} retired the signing key ({date}).",
                    issuer=owner.name,
                    date=iso(entry.valid_until),
                ),
                detail,
            )
        return None

    def _unregistered(self, st: State, issuer_id: str | None) -> CheckResult:
        """ISSUER_NOT_IN_REGISTRY: what can be said of a genuine signature by a key this
        registry does not list, each message one sentence (the summary's `issuer` object
        carries the same facts, and the name the credential gives itself)."""
        assert st.key is not None and st.doc is not None
        key = st.key
        alliance = st.inputs.registry.alliance_name or msg("this registry")
        named = _facts.self_name(st.doc)
        claim = f"; names itself {named[:120]!r} (not verified)" if named else ""
        if key.cert is not None:
            cert = key.cert
            valid = ""
            if st.signing_time and cert.not_after and cert.not_before:
                inside = cert.not_before <= st.signing_time <= cert.not_after
                valid = (
                    "; certificate valid at signing time"
                    if inside
                    else ("; certificate NOT valid at signing time")
                )
            if cert.self_signed:
                message = msg(
                    "The seal is intact, but the issuer is not one of {alliance}'s universities, "
                    'and its certificate, issued to "{subject}", is self-signed, so nobody '
                    "vouches for that name.",
                    alliance=alliance,
                    subject=cert.subject[:200],
                )
            else:
                message = msg(
                    "The seal is intact, but the issuer is not one of {alliance}'s universities; "
                    'its certificate was issued to "{subject}" by "{authority}", a certificate '
                    "authority this verifier does not check (nor whether the seal is a "
                    "qualified eIDAS seal).",
                    alliance=alliance,
                    subject=cert.subject[:200],
                    authority=cert.issuer[:200],
                )
            return result(
                self.id,
                Status.WARN,
                "ISSUER_NOT_IN_REGISTRY",
                message,
                f"certificate sha256 {cert.sha256_hex}{valid}; "
                f"{'self-signed' if cert.self_signed else 'CA-issued'}{claim}",
            )
        bound = (
            key.controller is not None
            and issuer_id is not None
            and (normalize_identifier(key.controller) == normalize_identifier(issuer_id))
        )
        note = "" if bound else f"; key controller {key.controller or key.how} differs from issuer"
        if key.controller and key.controller.startswith("did:"):
            message = msg(
                "The signature is intact, but the issuer is not one of {alliance}'s universities; "
                "it was signed with a key of {did}, which this registry does not list.",
                alliance=alliance,
                did=key.controller[:200],
            )
        else:
            message = msg(
                "The signature is intact, but the issuer is not one of {alliance}'s universities, "
                "and its signing key is not in this registry.",
                alliance=alliance,
            )
        return result(
            self.id,
            Status.WARN,
            "ISSUER_NOT_IN_REGISTRY",
            message,
            f"issuer {str(issuer_id)[:120]}; key {key.how} {key.reference[:120]}{note}{claim}",
        )


def _claimed_registered_issuer(st: State) -> tuple[IssuerEntry, str, str] | None:
    """(registry issuer, the claim, where it is written) when the credential's issuer object or
    the signing certificate names a registered issuer by name, legal name or identifier."""
    assert st.doc is not None and st.key is not None
    claims: list[tuple[str, str]] = []
    issuer = st.doc.get("issuer")
    if isinstance(issuer, dict):
        for name in ("name", "legalName"):
            claims += [(v, "the credential") for v in sorted(lang_values(issuer.get(name)))]
        for ident in as_list(issuer.get("eIDASIdentifier")) + as_list(issuer.get("identifier")):
            notation = ident.get("notation") if isinstance(ident, dict) else ident
            if isinstance(notation, str):
                claims.append((notation, "the credential"))
    cert = st.key.cert
    if cert is not None:
        for value in (cert.organization, cert.common_name, cert.organization_identifier):
            if isinstance(value, str):
                claims.append((value, "the signing certificate"))
    for claim, where in claims:
        named = st.inputs.registry.issuers_called(claim)
        if named:
            return named[0], claim, where
    return None
