"""The checks: small named objects run in order over one verification state.

Each check returns a CheckResult (DESIGN.md "Report"). A check that cannot continue raises
`Stop` with its result; the engine then marks the trust checks as not applicable.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from c14n.Canonicalize import canonicalize as _jcs

from . import _facts
from ._envelope import Envelope, check_data_model, read_envelope
from ._keys import (
    KeyProblem,
    ResolvedKey,
    check_header_alg,
    choose_alg,
    resolve_jose_key,
    resolve_verification_method,
)
from ._status import MIN_ENTRIES, StatusListError, decode_encoded_list
from ._util import (
    InputError,
    as_list,
    b64_decode_any,
    iso,
    lang_text,
    lang_values,
    node_id,
    numeric_date,
    parse_datetime,
    types_of,
)
from ._x509 import timestamp_imprint
from .codec import b58decode, normalize_identifier
from .jsonld import (
    LIMIT_CODES,
    JsonLdStrictError,
    canonize,
    check_terms,
    compact_form,
    first_difference,
)
from .model import (
    FAIL,
    PASS,
    SKIP,
    WARN,
    CheckResult,
    CryptoBackend,
    IssuerEntry,
    KeyEntry,
    OfferEntry,
    Registry,
)

CLOCK_SKEW = timedelta(minutes=5)

# Failing codes after which nothing can be said, rather than something proven wrong.
UNVERIFIABLE_CODES = frozenset(
    {
        "FORMAT_UNRECOGNISED",
        "FORMAT_LEGACY_EDC_XML",
        "FORMAT_UNSIGNED",
        "FORMAT_UNSUPPORTED",
        "FORMAT_EMPTY",
    }
)

# Data Integrity suites: (key family, canonicalisation). RDFC-1.0 for the JSON-LD suites, JCS
# (RFC 8785) for the `-jcs-` ones, which sign the JSON as it is.
_DI_SUITES: dict[tuple[Any, Any], tuple[str, str]] = {
    ("DataIntegrityProof", "eddsa-rdfc-2022"): ("eddsa", "rdfc"),
    ("DataIntegrityProof", "ecdsa-rdfc-2019"): ("ecdsa", "rdfc"),
    ("DataIntegrityProof", "eddsa-jcs-2022"): ("eddsa", "jcs"),
    ("DataIntegrityProof", "ecdsa-jcs-2019"): ("ecdsa", "jcs"),
    ("Ed25519Signature2020", None): ("eddsa", "rdfc"),
}


class Stop(Exception):
    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.code)
        self.result = result


@dataclass
class State:
    data: bytes
    registry: Registry
    now: datetime
    crypto: CryptoBackend
    max_bytes: int
    nested: bool = False  # verifying a status list: no revocation/catalogue checks
    env: Envelope | None = None
    doc: dict[str, Any] | None = None
    canonical_doc: str | None = None
    dates: dict[str, datetime] | None = None  # the document's dates, parsed once by `format`
    facts: _facts.Facts | None = None
    jsonld_issue: CheckResult | None = None
    key: ResolvedKey | None = None
    signature_ok: bool = False
    signing_time: datetime | None = None
    registry_issuer: IssuerEntry | None = None
    key_entry: KeyEntry | None = None
    offer: OfferEntry | None = None
    unsigned: list[str] = field(default_factory=list)
    results: list[CheckResult] = field(default_factory=list)
    format_hint: str = "unknown"

    @property
    def format_name(self) -> str:
        return self.env.format if self.env else self.format_hint


def result(check_id: str, status: str, code: str, message: str, detail: str = "") -> CheckResult:
    return CheckResult(check_id, status, code, message, detail)


# =========================================================================== 1 format


_FORMAT_HINTS = {
    "FORMAT_LEGACY_EDC_XML": "edc-xml-legacy",
    "FORMAT_UNSIGNED": "unsigned",
    "FORMAT_UNSUPPORTED": "unsupported",
}


class FormatCheck:
    id = "format"

    async def run(self, st: State) -> CheckResult:
        try:
            env = read_envelope(st.data, max_bytes=st.max_bytes)
            st.env = env
            st.doc = env.document
            st.unsigned.extend(env.unsigned)
            st.dates = check_data_model(env.document, presentation=env.kind == "vp")
        except InputError as exc:
            st.format_hint = _FORMAT_HINTS.get(exc.code, st.env.format if st.env else "unknown")
            raise Stop(result(self.id, FAIL, exc.code, exc.message, exc.detail)) from exc
        kind = "presentation" if env.kind == "vp" else "credential"
        return result(
            self.id,
            PASS,
            "FORMAT_OK",
            f"The file is a well-formed {kind}.",
            f"{env.format}; {env.found}",
        )


# =========================================================================== 2 jsonld


class JsonLdCheck:
    id = "jsonld"

    async def run(self, st: State) -> CheckResult:
        assert st.env is not None and st.doc is not None
        di = st.env.kind == "di" or (
            st.env.kind == "vp" and "proof" in st.doc and not st.env.signatures
        )
        try:
            if di:
                unsecured = {k: v for k, v in st.doc.items() if k != "proof"}
                st.canonical_doc = canonize(unsecured)
            else:
                check_terms(st.doc)
        except JsonLdStrictError as exc:
            if di or exc.code in LIMIT_CODES:
                status = SKIP if exc.code == "JSONLD_UNKNOWN_CONTEXT" else FAIL
                raise Stop(result(self.id, status, exc.code, exc.message, exc.detail)) from exc
            # JOSE formats sign the bytes, so nothing is unsigned; the meaning of such fields is
            # merely undefined. Report it, do not fail it (docs/adr/0003).
            return result(
                self.id,
                WARN,
                exc.code,
                exc.message.replace(
                    "so they are not covered by the signature", "so their meaning is not defined"
                ),
                exc.detail,
            )
        return result(
            self.id,
            PASS,
            "JSONLD_OK",
            "Every field is defined by a known vocabulary.",
            "strict expansion over bundled contexts",
        )


def _signs_rdf_dataset(doc: dict[str, Any]) -> bool:
    """Whether a proof signs the RDF dataset rather than the JSON itself (JCS suites)."""
    for proof in as_list(doc.get("proof")):
        if not isinstance(proof, dict):
            return True
        suite = _suite_named(proof)
        if suite is None or suite[1] == "rdfc":
            return True
    return False


def _suite_named(fields: dict[str, Any]) -> tuple[str, str] | None:
    name = (fields.get("type"), fields.get("cryptosuite"))
    if not all(v is None or isinstance(v, str) for v in name):
        return None
    return _DI_SUITES.get(name)


def _suite_of(proof: dict[str, Any], contexts: Any) -> tuple[str, str] | None:
    """The proof's suite, from its fields as written or else as signed (ADR 0007)."""
    suite = _suite_named(proof)
    if suite is not None:
        return suite
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = contexts
    try:
        fields = compact_form(config)
    except JsonLdStrictError:
        return None
    found = _suite_named(fields)
    return found if found is not None and found[1] == "rdfc" else None


def _unsecured(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "proof"}


def _read_as_signed(doc: dict[str, Any]) -> dict[str, Any]:
    """The document the trust checks read: its signed data in canonical compact form.

    The signature covers the dataset, so every JSON spelling of it verifies; the checks read
    facts by key, which only the compact form under the pinned contexts makes safe (ADR 0007).
    The proofs stay as written (their own fields were read the same way when verified). The
    credentials of a presentation are verified each on its own from the file; its signed data
    must hold exactly those, so that none can be hidden from the checks.
    """
    try:
        compacted = compact_form(_unsecured(doc), opaque="verifiableCredential")
    except JsonLdStrictError as exc:
        raise KeyProblem(FAIL, exc.code, exc.message, exc.detail) from exc
    if "verifiableCredential" in doc or "verifiableCredential" in compacted:
        shown = len(as_list(doc.get("verifiableCredential", [])))
        signed = len(as_list(compacted.get("verifiableCredential", [])))
        if shown != signed:
            raise KeyProblem(
                FAIL,
                "JSONLD_NOT_COMPACT",
                "This presentation was changed after it was signed: its signed data holds "
                "credentials that the file does not show where they belong.",
                f"{signed} credentials signed, {shown} in verifiableCredential",
            )
        compacted["verifiableCredential"] = doc["verifiableCredential"]
    if "proof" in doc:
        compacted["proof"] = doc["proof"]
    return compacted


# =========================================================================== 3 signature


class SignatureCheck:
    id = "signature"

    async def run(self, st: State) -> CheckResult:
        assert st.env is not None and st.doc is not None
        try:
            if st.env.signatures:
                return await self._jose(st)
            return await self._data_integrity(st)
        except KeyProblem as exc:
            raise Stop(result(self.id, exc.status, exc.code, exc.message, exc.detail)) from exc

    # ---- JOSE (JAdES and compact JWS) -------------------------------------------------
    async def _jose(self, st: State) -> CheckResult:
        assert st.env is not None and st.doc is not None
        jades = st.env.kind == "jades" or st.env.found.startswith("JWS JSON")
        understood = {"b64", "sigT", "adoTst"} if jades else set()
        issuer = node_id(st.doc.get("issuer")) or node_id(st.doc.get("holder"))
        key: ResolvedKey | None = None
        for sig in st.env.signatures:
            header = sig.header
            check_header_alg(header.get("alg"))
            crit = header.get("crit")
            if crit is not None:
                if (
                    not isinstance(crit, list)
                    or not crit
                    or any(not isinstance(c, str) or c not in header for c in crit)
                    or len(set(crit)) != len(crit)
                ):
                    raise KeyProblem(
                        FAIL,
                        "SIGNATURE_UNKNOWN_CRIT",
                        "The signature header is malformed.",
                        "crit must list header parameters that are present",
                    )
                unknown = [c for c in crit if c not in understood]
                if unknown:
                    raise KeyProblem(
                        FAIL,
                        "SIGNATURE_UNKNOWN_CRIT",
                        "The signature requires features this verifier does not know, "
                        "so it must be refused.",
                        "unknown crit: " + ", ".join(str(u)[:30] for u in unknown),
                    )
            if header.get("b64") is False and "b64" not in (crit or []):
                raise KeyProblem(
                    FAIL,
                    "SIGNATURE_B64_NOT_CRITICAL",
                    "The signature header is malformed.",
                    "b64:false must be listed in crit (RFC 7797 §6)",
                )
            if "sigT" in header:
                signed_at = parse_datetime(header.get("sigT"))
                if signed_at is None:
                    raise KeyProblem(
                        FAIL,
                        "SIGNATURE_INVALID",
                        "The seal's signing time is malformed.",
                        "sigT is not a dateTime",
                    )
                st.signing_time = signed_at
            if "adoTst" in header:
                self._check_content_timestamp(header["adoTst"], sig.signing_input)
            this_key = resolve_jose_key(header, st.registry, issuer=issuer)
            alg = choose_alg(header.get("alg"), this_key)
            ok = await self._verify(st, this_key, alg, sig.signing_input, sig.signature)
            if not ok:
                raise KeyProblem(
                    FAIL,
                    "SIGNATURE_INVALID",
                    "The signature does not match the content: the file was changed "
                    "after it was signed, or the signature was made with another key.",
                    f"{alg} signature by {this_key.how} key does not verify",
                )
            key = key or this_key
        assert key is not None
        if st.signing_time is None and "iat" in st.env.jwt_claims:
            st.signing_time = numeric_date(st.env.jwt_claims.get("iat"))
        st.key = key
        st.signature_ok = True
        what = "seal" if jades else "signature"
        return result(
            self.id,
            PASS,
            "SIGNATURE_VALID",
            f"The {what} is intact: the content has not changed since it was signed.",
            f"{st.env.signatures[0].header.get('alg')} by {key.how} key {key.reference[:120]}",
        )

    @staticmethod
    def _check_content_timestamp(value: Any, signing_input: bytes) -> None:
        """JAdES `adoTst` (ETSI TS 119 182-1 §5.3.4): its imprint must be the payload's hash.

        The TSA's own signature is not validated (no trust list); this binds it to the content.
        """
        # The payload part of the signing input, without copying it (it can be large).
        payload = memoryview(signing_input)[signing_input.index(b".") + 1 :]
        try:
            tokens = value["tstTokens"]
            token = b64_decode_any(tokens[0]["val"])
            algorithm, imprint, _gen = timestamp_imprint(token)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise KeyProblem(
                FAIL,
                "SIGNATURE_TIMESTAMP_INVALID",
                "The seal's time-stamp is damaged.",
                f"adoTst: {exc}",
            ) from exc
        digests = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
        digest = digests.get(algorithm)
        if digest is None or digest(payload).digest() != imprint:
            raise KeyProblem(
                FAIL,
                "SIGNATURE_TIMESTAMP_INVALID",
                "The seal's time-stamp does not belong to this content.",
                "adoTst message imprint differs from the payload hash",
            )

    @staticmethod
    async def _verify(
        st: State, key: ResolvedKey, alg: str, message: bytes, signature: bytes
    ) -> bool:
        try:
            return bool(
                await st.crypto.verify_signature(
                    jwk=key.jwk, alg=alg, message=message, signature=signature
                )
            )
        except ValueError as exc:
            raise KeyProblem(
                FAIL,
                "SIGNATURE_KEY_UNSUPPORTED",
                "The signing key is of a kind this verifier does not accept.",
                str(exc)[:200],
            ) from exc

    # ---- Data Integrity -----------------------------------------------------------------
    async def _data_integrity(self, st: State) -> CheckResult:
        assert st.doc is not None
        if st.canonical_doc is None:
            raise KeyProblem(
                SKIP,
                "SIGNATURE_NOT_CHECKED",
                "The signature could not be checked.",
                "no canonical document",
            )
        purpose = (
            "authentication" if st.env is not None and st.env.kind == "vp" else "assertionMethod"
        )
        proofs = as_list(st.doc.get("proof"))
        if not proofs or len(proofs) > 8:
            raise KeyProblem(
                FAIL,
                "SIGNATURE_INVALID",
                "The credential's proof is malformed.",
                f"{len(proofs)} proofs",
            )
        # Data Integrity §4.5 "Verify Proof Sets and Chains": every proof must verify.
        verified: list[tuple[ResolvedKey, str, datetime | None]] = []
        problems: list[KeyProblem] = []
        for proof in proofs:
            if not isinstance(proof, dict):
                raise KeyProblem(
                    FAIL,
                    "SIGNATURE_INVALID",
                    "The credential's proof is malformed.",
                    "proof is not an object",
                )
            suite = _suite_of(proof, st.doc.get("@context"))
            if suite is None:
                name = proof.get("cryptosuite") or proof.get("type")
                problems.append(
                    KeyProblem(
                        SKIP,
                        "SIGNATURE_UNSUPPORTED_SUITE",
                        "The credential is signed with a method this verifier does not support.",
                        f"proof {str(name)[:60]}",
                    )
                )
                continue
            try:
                chained = self._chain_document(st, proof, proofs)
                key, created = await self._verify_proof(st, proof, suite, purpose, chained)
            except KeyProblem as exc:
                problems.append(exc)
                continue
            verified.append((key, str(proof.get("cryptosuite") or proof.get("type")), created))
        failed = [p for p in problems if p.status == FAIL]
        if failed:
            raise failed[0]
        if problems:
            raise problems[0]
        extra = f"; {len(verified)} proofs" if len(verified) > 1 else ""
        if _signs_rdf_dataset(st.doc):
            assert st.env is not None
            written = st.doc
            st.doc = _read_as_signed(written)
            try:  # the dates the format check parsed, again from what was signed
                st.dates = check_data_model(st.doc, presentation=st.env.kind == "vp")
            except InputError as exc:
                raise KeyProblem(FAIL, exc.code, exc.message, exc.detail) from exc
            reshaped = first_difference(_unsecured(written), _unsecured(st.doc))
            if reshaped is not None:
                extra += f"; read as signed, the file differs {reshaped}"
        st.key, suite_name, st.signing_time = verified[0]
        st.signature_ok = True
        return result(
            self.id,
            PASS,
            "SIGNATURE_VALID",
            "The signature is intact: the content has not changed since it was signed.",
            f"{suite_name} by {st.key.how} key {st.key.reference[:120]}{extra}",
        )

    @staticmethod
    def _chain_document(
        st: State, proof: dict[str, Any], proofs: list[Any]
    ) -> dict[str, Any] | None:
        """For a proof with `previousProof`, the document it signs includes those proofs (§4.5)."""
        previous = proof.get("previousProof")
        if previous is None:
            return None
        ids = previous if isinstance(previous, list) else [previous]
        matching = [p for p in proofs if isinstance(p, dict) and p.get("id") in ids]
        if not ids or len(matching) != len(ids):
            raise KeyProblem(
                FAIL,
                "SIGNATURE_INVALID",
                "A proof in the chain is missing.",
                "previousProof does not match the proofs present",
            )
        assert st.doc is not None
        chained = {k: v for k, v in st.doc.items() if k != "proof"}
        chained["proof"] = matching
        return chained

    async def _verify_proof(
        self,
        st: State,
        proof: dict[str, Any],
        suite: tuple[str, str],
        purpose: str,
        chained: dict[str, Any] | None = None,
    ) -> tuple[ResolvedKey, datetime | None]:
        assert st.doc is not None and st.canonical_doc is not None
        family, method = suite
        name = str(proof.get("cryptosuite") or proof.get("type"))
        malformed = "The credential's proof is malformed."
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        if method == "jcs":
            canonical_config, canonical_doc = _jcs_inputs(st.doc, proof, config, chained)
            fields = proof
        else:
            # vc-di-eddsa §3.3.4 / vc-di-ecdsa §3.3.4: proof config gets the document's @context.
            # Its fields are read as signed, like the document's (ADR 0007).
            config["@context"] = st.doc.get("@context")
            try:
                canonical_config = canonize(config).encode("utf-8")
                fields = compact_form(config)
                canonical_doc = (
                    canonize(chained).encode("utf-8")
                    if chained is not None
                    else st.canonical_doc.encode("utf-8")
                )
            except JsonLdStrictError as exc:
                status = SKIP if exc.code == "JSONLD_UNKNOWN_CONTEXT" else FAIL
                raise KeyProblem(
                    status, exc.code, "The signature's own data is not well defined.", exc.detail
                ) from exc
        if fields.get("proofPurpose") != purpose:
            raise KeyProblem(
                FAIL,
                "SIGNATURE_PROOF_PURPOSE",
                "The signature was not made for issuing credentials.",
                f"proofPurpose {str(fields.get('proofPurpose'))[:40]!r}, expected {purpose}",
            )
        created = None
        if "created" in fields:
            created = parse_datetime(fields["created"])
            if created is None:
                raise KeyProblem(
                    FAIL, "SIGNATURE_INVALID", malformed, "proof.created is not a dateTime"
                )
        value = proof.get("proofValue")
        if not isinstance(value, str) or not value.startswith("z"):
            raise KeyProblem(
                FAIL, "SIGNATURE_INVALID", malformed, "proofValue is not base58btc multibase"
            )
        try:
            signature = b58decode(value[1:])
        except ValueError as exc:
            raise KeyProblem(
                FAIL, "SIGNATURE_INVALID", malformed, "proofValue is not base58btc"
            ) from exc
        # Data Integrity §4.3 "Verify Proof": proof @context must be a prefix of the document's.
        if "@context" in proof:
            doc_ctx, proof_ctx = as_list(st.doc.get("@context")), as_list(proof["@context"])
            if doc_ctx[: len(proof_ctx)] != proof_ctx:
                raise KeyProblem(
                    FAIL,
                    "SIGNATURE_INVALID",
                    malformed,
                    "proof @context does not match the document",
                )
        key = resolve_verification_method(fields.get("verificationMethod"), st.registry)
        kty, crv = key.jwk.get("kty"), key.jwk.get("crv")
        if family == "eddsa" and not (kty == "OKP" and crv == "Ed25519"):
            raise KeyProblem(
                FAIL,
                "SIGNATURE_KEY_TYPE_MISMATCH",
                "The signing key does not fit the signature method.",
                f"{name} needs Ed25519, got {crv}",
            )
        if family == "ecdsa" and not (kty == "EC" and crv in ("P-256", "P-384")):
            raise KeyProblem(
                FAIL,
                "SIGNATURE_KEY_TYPE_MISMATCH",
                "The signing key does not fit the signature method.",
                f"{name[:40]} needs P-256 or P-384, got {crv}",
            )
        alg = "EdDSA" if family == "eddsa" else ("ES384" if crv == "P-384" else "ES256")
        digest = hashlib.sha384 if alg == "ES384" else hashlib.sha256
        # vc-di-eddsa §3.3.5 "Hashing": proof config hash first, then the document hash.
        message = digest(canonical_config).digest() + digest(canonical_doc).digest()
        expected_len = 96 if alg == "ES384" else 64
        ok = len(signature) == expected_len and await SignatureCheck._verify(
            st, key, alg, message, signature
        )
        if not ok:
            raise KeyProblem(
                FAIL,
                "SIGNATURE_INVALID",
                "The signature does not match the content: the credential was changed "
                "after it was signed, or the proof belongs to another credential.",
                f"{name} signature does not verify",
            )
        return key, created


def _jcs_inputs(
    doc: dict[str, Any],
    proof: dict[str, Any],
    config: dict[str, Any],
    chained: dict[str, Any] | None,
) -> tuple[bytes, bytes]:
    """JCS (RFC 8785) forms of the proof configuration and of the document it signs, as
    eddsa-jcs-2022 and ecdsa-jcs-2019 verify them: without the proof (or with the previous
    proofs of a chain), with the proof's @context when it has one, given to the configuration
    as well (vc-di-eddsa §3.3.2, §3.3.6; vc-di-ecdsa §3.4)."""
    unsecured = chained if chained is not None else {k: v for k, v in doc.items() if k != "proof"}
    if "@context" in proof:
        unsecured = {**unsecured, "@context": proof["@context"]}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    try:
        return _jcs(config), _jcs(unsecured)
    except Exception as exc:  # the JCS library refuses values it cannot write canonically
        raise KeyProblem(
            FAIL,
            "SIGNATURE_INVALID",
            "The signature's own data is not well defined.",
            f"not canonical JSON (RFC 8785): {type(exc).__name__}",
        ) from exc


# =========================================================================== 4 issuer_key


def _date(st: State, name: str) -> datetime | None:
    """A date of the document: parsed once by the format check (which refuses malformed ones)."""
    assert st.doc is not None
    if st.dates is not None:
        return st.dates.get(name)
    return parse_datetime(st.doc.get(name))


def issue_time(st: State) -> datetime | None:
    """Latest signed time the credential states for its own issuing (key lifecycle check)."""
    assert st.doc is not None
    times = [t for t in (st.signing_time,) if t is not None]
    for name in ("issued", "issuanceDate"):
        moment = _date(st, name)
        if moment is not None:
            times.append(moment)
    if not times:
        moment = _date(st, "validFrom")
        if moment is not None:
            times.append(moment)
    return max(times) if times else None


class IssuerKeyCheck:
    id = "issuer_key"

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None and st.key is not None and st.env is not None
        key, registry = st.key, st.registry
        issuer_id = node_id(st.doc.get("issuer"))
        named = registry.issuers_named(issuer_id)
        owners = {e.issuer for e in key.entries}
        if not key.entries:
            if named:
                return result(
                    self.id,
                    FAIL,
                    "ISSUER_KEY_NOT_REGISTERED",
                    f"The credential names {named[0].name} as issuer, but it was not signed "
                    "with a key that issuer has published.",
                    f"issuer {issuer_id}; signing key {key.how} {key.reference[:120]}",
                )
            impersonated = _claimed_registered_issuer(st)
            if impersonated is not None:
                issuer, claim, where = impersonated
                return result(
                    self.id,
                    FAIL,
                    "ISSUER_IMPERSONATION",
                    f"{where.capitalize()} claims to be from {issuer.name}, but the signing key "
                    f"is not one {issuer.name} has registered: the credential pretends to come "
                    "from a registered issuer.",
                    f"{where} says {claim[:120]!r}; signing key {key.how} {key.reference[:120]}",
                )
            return self._unregistered(st, issuer_id)
        if len(owners) > 1:
            return result(
                self.id,
                FAIL,
                "ISSUER_KEY_AMBIGUOUS",
                "The signing key is listed for more than one issuer in the registry.",
                "owners: " + ", ".join(sorted(owners)),
            )
        owner = registry.issuers[next(iter(owners))]
        strict = not _facts.is_edc(st.doc)
        if (named and owner not in named) or (
            strict and not registry.is_named_by(owner, issuer_id)
        ):
            claimed = named[0].name if named else (issuer_id or "no issuer")
            return result(
                self.id,
                FAIL,
                "ISSUER_KEY_WRONG_ISSUER",
                f"The credential was signed with a key of {owner.name}, but names "
                f"{claimed} as its issuer.",
                f"issuer {issuer_id}; key owner {owner.slug} ({owner.did})",
            )
        entry = next((e for e in key.entries if e.issuer == owner.slug), key.entries[0])
        st.registry_issuer, st.key_entry = owner, entry
        when = issue_time(st)
        detail = (
            f"key {entry.kid} ({entry.status}) of {owner.slug}; issued {iso(when) or 'unknown'}"
        )
        if entry.status == "compromised":
            return result(
                self.id,
                FAIL,
                "ISSUER_KEY_COMPROMISED",
                f"{owner.name} has reported the signing key as compromised, so nothing "
                "signed with it can be trusted.",
                detail,
            )
        if entry.status not in ("active", "retired"):
            return result(
                self.id,
                FAIL,
                "ISSUER_KEY_COMPROMISED",
                "The registry marks the signing key as unusable.",
                detail,
            )
        moment = when or st.now
        if entry.valid_from and entry.valid_from - moment > CLOCK_SKEW:
            return result(
                self.id,
                FAIL,
                "ISSUER_KEY_NOT_YET_ACTIVE",
                f"The credential claims an issue date before {owner.name} started using this key.",
                detail,
            )
        if entry.valid_until and moment > entry.valid_until:
            return result(
                self.id,
                FAIL,
                "ISSUER_KEY_RETIRED",
                f"The credential was issued after {owner.name} retired the signing key "
                f"({iso(entry.valid_until)}).",
                detail,
            )
        country = f", {owner.country}" if owner.country else ""
        note = (
            " The key has since been retired; it was in use when this was issued."
            if (entry.status == "retired")
            else ""
        )
        return result(
            self.id,
            PASS,
            "ISSUER_KEY_REGISTERED",
            f"Issued by {owner.name}{country}, with a key listed in this registry.{note}",
            detail,
        )

    def _unregistered(self, st: State, issuer_id: str | None) -> CheckResult:
        assert st.key is not None
        key = st.key
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
            return result(
                self.id,
                WARN,
                "ISSUER_NOT_IN_REGISTRY",
                "The seal is intact, but the issuer is not registered here, so who issued it "
                "cannot be confirmed. The sealing certificate says it was issued to "
                f"\"{cert.subject}\"; nobody has verified that. Whether it is a qualified eIDAS "
                "seal was not checked.",
                f"certificate sha256 {cert.sha256_hex}{valid}; "
                f"{'self-signed' if cert.self_signed else 'CA-issued'}",
            )
        bound = key.controller is not None and issuer_id is not None and (
            normalize_identifier(key.controller) == normalize_identifier(issuer_id)
        )
        note = "" if bound else f"; key controller {key.controller or key.how} differs from issuer"
        return result(
            self.id,
            WARN,
            "ISSUER_NOT_IN_REGISTRY",
            "The signature is intact, but the issuer is not in this registry, so who "
            "issued it cannot be confirmed.",
            f"issuer {str(issuer_id)[:120]}; key {key.how} {key.reference[:120]}{note}",
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
        named = st.registry.issuers_called(claim)
        if named:
            return named[0], claim, where
    return None


# =========================================================================== 5 validity


class ValidityCheck:
    id = "validity"

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None and st.env is not None
        claims = st.env.jwt_claims
        starts = [_date(st, n) for n in ("validFrom", "issuanceDate")]
        ends = [_date(st, n) for n in ("validUntil", "expirationDate")]
        starts.append(numeric_date(claims.get("nbf")) if "nbf" in claims else None)
        ends.append(numeric_date(claims.get("exp")) if "exp" in claims else None)
        start = max((s for s in starts if s), default=None)
        end = min((e for e in ends if e), default=None)
        # differences, not `start - CLOCK_SKEW`: dates near year 1 or 9999 must not overflow
        if start and start - st.now > CLOCK_SKEW:
            return result(
                self.id,
                FAIL,
                "VALIDITY_NOT_YET_VALID",
                f"The credential is not valid yet: it becomes valid on {iso(start)}.",
                f"now {iso(st.now)}",
            )
        if end and st.now > end:
            return result(
                self.id,
                FAIL,
                "VALIDITY_EXPIRED",
                f"The credential expired on {iso(end)}.",
                f"now {iso(st.now)}",
            )
        span = f"valid from {iso(start)}" if start else "no start date"
        span += f" until {iso(end)}" if end else ", no expiry date"
        return result(
            self.id, PASS, "VALIDITY_OK", "The credential is within its validity period.", span
        )


# =========================================================================== 6 revocation

_ENTRY_TYPES = {
    "BitstringStatusListEntry": "BitstringStatusList",
    "StatusList2021Entry": "StatusList2021",
}


class RevocationCheck:
    id = "revocation"

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None
        entries = [e for e in as_list(st.doc.get("credentialStatus")) if isinstance(e, dict)]
        if not entries:
            return result(
                self.id,
                SKIP,
                "REVOCATION_NONE",
                "The issuer provides no way to check whether this credential was revoked.",
                "no credentialStatus",
            )
        outcomes = [await self._entry(st, entry) for entry in entries[:4]]
        for status in (FAIL, WARN, PASS):
            for item in outcomes:
                if item.status == status:
                    return item
        return outcomes[0]

    async def _entry(self, st: State, entry: dict[str, Any]) -> CheckResult:
        etype = next((t for t in types_of(entry) if t in _ENTRY_TYPES), None)
        if etype is None:
            return result(
                self.id,
                WARN,
                "REVOCATION_UNSUPPORTED",
                "Revocation could not be checked: the credential uses a revocation method "
                "this verifier does not support.",
                "credentialStatus type " + ", ".join(types_of(entry))[:80],
            )
        url = entry.get("statusListCredential")
        purpose = entry.get("statusPurpose")
        raw_index = entry.get("statusListIndex")
        index = (
            int(raw_index)
            if isinstance(raw_index, str) and _facts.decimal(raw_index)
            else (
                raw_index
                if isinstance(raw_index, int) and not isinstance(raw_index, bool)
                else None
            )
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
            return result(
                self.id,
                FAIL,
                "REVOCATION_ENTRY_INVALID",
                "The credential's revocation information is malformed.",
                "statusListCredential, statusListIndex or statusPurpose invalid",
            )
        raw = st.registry.status_list(url)
        if raw is None:
            return result(
                self.id,
                WARN,
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
                FAIL,
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
                FAIL,
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
                FAIL,
                "REVOCATION_LIST_INVALID",
                "The revocation list is damaged.",
                str(exc),
            )
        except IndexError:
            return result(
                self.id,
                FAIL,
                "REVOCATION_ENTRY_INVALID",
                "The credential points outside its revocation list.",
                f"index {index} beyond {bits.bits // size} entries",
            )
        detail = f"{url[:120]} index {index}: {value}"
        if value:
            if purpose == "revocation":
                return result(
                    self.id,
                    FAIL,
                    "REVOCATION_REVOKED",
                    "The issuer has revoked this credential.",
                    detail,
                )
            if purpose == "suspension":
                return result(
                    self.id,
                    FAIL,
                    "REVOCATION_SUSPENDED",
                    "The issuer has suspended this credential.",
                    detail,
                )
            return result(
                self.id,
                WARN,
                "REVOCATION_STATUS_MESSAGE",
                "The issuer has set a status message on this credential.",
                f"{detail}; purpose {purpose}",
            )
        if bits.bits // size < MIN_ENTRIES:
            return result(
                self.id,
                WARN,
                "REVOCATION_LIST_SMALL",
                "The credential is not revoked, but its revocation list is smaller than "
                "the privacy minimum.",
                f"{detail}; {bits.bits // size} entries",
            )
        return result(
            self.id, PASS, "REVOCATION_OK", "The credential has not been revoked.", detail
        )


def _status_list_problem(ls: State, st: State, etype: str) -> str | None:
    checks = {c.id: c for c in ls.results}
    for cid in ("format", "jsonld", "signature", "issuer_key", "validity"):
        check = checks.get(cid)
        if check is None:
            return f"{cid} not checked"
        if check.status == FAIL or (cid in ("format", "signature") and check.status != PASS):
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
    if st.registry_issuer is not None:
        if ls.registry_issuer is None or ls.registry_issuer.slug != st.registry_issuer.slug:
            return "the list is not signed by the credential's issuer"
        return None
    # Issuer outside the registry: the list's own signature must at least be bound to the
    # list's issuer (BSL allows the list issuer to differ from the credential issuer).
    list_issuer = node_id(ls.doc.get("issuer"))
    if ls.key.controller != list_issuer and ls.registry_issuer is None:
        return "the list is not signed by its own issuer"
    return None


# Status lists verified lately: one list serves thousands of credentials, so a batch (or a
# browser session) verifies its signature once. Keyed by the list's bytes, the registry, the
# clock and the crypto backend; the entry keeps the registry and backend alive and is used only
# for the very same objects, so a recycled id() can never produce a false hit.
_NESTED: OrderedDict[tuple[bytes, int, datetime, int], tuple[Registry, Any, State]] = OrderedDict()
_NESTED_MAX = 16


async def _verify_nested(raw: bytes, st: State) -> State:
    key = (hashlib.sha256(raw).digest(), id(st.registry), st.now, id(st.crypto))
    hit = _NESTED.get(key)
    if hit is not None and hit[0] is st.registry and hit[1] is st.crypto:
        _NESTED.move_to_end(key)
        return hit[2]
    nested = State(
        data=raw,
        registry=st.registry,
        now=st.now,
        crypto=st.crypto,
        max_bytes=st.max_bytes,
        nested=True,
    )
    await run_checks(nested, NESTED_CHECKS)
    _NESTED[key] = (st.registry, st.crypto, nested)
    if len(_NESTED) > _NESTED_MAX:
        _NESTED.popitem(last=False)
    return nested


# =========================================================================== 7 catalogue


def _compare(facts: _facts.Facts, title: Any, ects: Any, eqf: Any, outcomes: Any) -> list[str]:
    diffs: list[str] = []
    cred_titles = lang_values(facts.title)
    pub_titles = lang_values(title)
    if cred_titles and pub_titles and not cred_titles & pub_titles:
        diffs.append(f"title {lang_text(facts.title)!r} vs published {lang_text(title)!r}")
    if facts.ects is not None and ects is not None:
        try:
            if float(ects) != facts.ects:
                diffs.append(f"ECTS {facts.ects:g} vs published {ects}")
        except (TypeError, ValueError):
            diffs.append("published ECTS unreadable")
    if facts.eqf is not None and eqf is not None and str(eqf) != str(facts.eqf):
        diffs.append(f"EQF level {facts.eqf} vs published {eqf}")
    if facts.outcomes and isinstance(outcomes, (list, tuple)):
        published = [lang_values(o) for o in outcomes]
        missing = [p for p in published if not any(p & c for c in facts.outcomes)]
        extra = [c for c in facts.outcomes if not any(p & c for p in published)]
        if missing or extra or len(published) != len(facts.outcomes):
            diffs.append(
                f"learning outcomes differ ({len(facts.outcomes)} in credential, "
                f"{len(published)} published, {len(missing)} not found)"
            )
    return diffs


class CatalogueCheck:
    id = "catalogue"

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None
        facts = st.facts = _facts.extract(st.doc)
        offer = None
        for ref in facts.offer_refs:
            offer = st.registry.offer_for(specification_id=ref, iri=ref)
            if offer:
                break
        if offer is None:
            return result(
                self.id,
                SKIP,
                "CATALOGUE_NOT_LINKED",
                "The credential does not refer to an offer published in this catalogue.",
                "references: " + ", ".join(r[:80] for r in facts.offer_refs[:3])
                if facts.offer_refs
                else "no offer reference",
            )
        st.offer = offer
        slug = st.registry_issuer.slug if st.registry_issuer else None
        if slug is None or slug not in offer.awarding_bodies:
            return result(
                self.id,
                FAIL,
                "CATALOGUE_NOT_AWARDING_BODY",
                f"The credential refers to the offer {offer.id!r}, but its signer does not "
                "award that offer.",
                f"signer {slug or 'not registered'}; awarding bodies "
                f"{', '.join(offer.awarding_bodies)}",
            )
        diffs = _compare(facts, offer.title, offer.ects, offer.eqf, offer.learning_outcomes)
        where = f"offer {offer.id} version {offer.version or '?'} ({offer.page or offer.iri or ''})"
        if not diffs:
            return result(
                self.id,
                PASS,
                "CATALOGUE_MATCH",
                "The credential matches the published offer.",
                where,
            )
        for prev in offer.previous_versions:
            if not _compare(
                facts,
                prev.get("title"),
                prev.get("ects"),
                prev.get("eqf"),
                prev.get("learning_outcomes"),
            ):
                return result(
                    self.id,
                    WARN,
                    "CATALOGUE_OLDER_VERSION",
                    f"The credential matches an earlier version ({prev.get('version')}) "
                    "of the published offer; the offer has changed since.",
                    f"{where}; current differences: " + "; ".join(diffs),
                )
        return result(
            self.id,
            FAIL,
            "CATALOGUE_MISMATCH",
            "The credential does not match the published offer: " + "; ".join(diffs) + ".",
            where,
        )


# =========================================================================== 8 eu_elements


class EuElementsCheck:
    id = "eu_elements"

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None
        mapped = _facts.annex_i_elements(st.doc)
        if mapped is None:
            return result(
                self.id,
                SKIP,
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
                WARN,
                "EU_ELEMENTS_MISSING",
                f"The credential carries {len(present)} of the 11 elements the EU requires for "
                f"micro-credentials; missing: {', '.join(missing)}.",
                detail,
            )
        return result(
            self.id,
            PASS,
            "EU_ELEMENTS_COMPLETE",
            "The credential carries all 11 elements the EU requires for micro-credentials.",
            detail,
        )


# =========================================================================== runner

CHECKS: tuple[Any, ...] = (
    FormatCheck(),
    JsonLdCheck(),
    SignatureCheck(),
    IssuerKeyCheck(),
    ValidityCheck(),
    RevocationCheck(),
    CatalogueCheck(),
    EuElementsCheck(),
)
NESTED_CHECKS: tuple[Any, ...] = CHECKS[:5]
_GATE = ("format", "jsonld", "signature")


def _not_applicable(check_id: str, gate: CheckResult) -> CheckResult:
    if gate.id == "format":
        why = "the file could not be read as a credential"
    elif gate.status == FAIL:
        why = (
            "the signature is not valid"
            if gate.id == "signature"
            else ("the credential's data is not well defined")
        )
    else:
        why = "the signature could not be checked"
    return result(check_id, SKIP, "NOT_APPLICABLE", f"Not applicable: {why}.", f"after {gate.code}")


async def run_checks(st: State, checks: tuple[Any, ...] = CHECKS) -> None:
    gate: CheckResult | None = None
    for check in checks:
        if gate is not None:
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
            outcome = result(
                check.id,
                FAIL,
                "INPUT_TOO_COMPLEX",
                "The file is too complex to check safely.",
                type(exc).__name__,
            )
            gate = outcome
        st.results.append(outcome)
        if check.id in _GATE and outcome.status == FAIL and gate is None:
            gate = outcome
