"""3 signature: JOSE (JAdES, compact JWS) and Data Integrity proofs; the signed data."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from c14n.Canonicalize import canonicalize as _jcs

from ...codec import b58decode, b64_decode_any
from ...messages import msg
from ...model import CheckId, CheckResult, Status
from ..dates import numeric_date, parse_datetime
from ..envelope import Envelope, check_data_model
from ..errors import InputError
from ..jsonld.compact import compact_form, first_difference
from ..jsonld.contexts import ContextVersion, published, readings, under_version, versioned_urls
from ..jsonld.limits import JsonLdStrictError
from ..jsonld.urdna2015 import canonize
from ..jwk import public_jwk
from ..keys import (
    KeyProblem,
    ResolvedKey,
    check_header_alg,
    choose_alg,
    resolve_jose_key,
    resolve_verification_method,
)
from ..nodes import as_list, node_id
from ..state import Signed, State
from ..x509 import timestamp_imprint
from . import ld_jws
from .base import CLOCK_SKEW, Stop, result
from .jsonld import explained

_DI_SUITES: dict[tuple[Any, Any], tuple[str, str]] = {
    ("DataIntegrityProof", "eddsa-rdfc-2022"): ("eddsa", "rdfc"),
    ("DataIntegrityProof", "ecdsa-rdfc-2019"): ("ecdsa", "rdfc"),
    ("DataIntegrityProof", "eddsa-jcs-2022"): ("eddsa", "jcs"),
    ("DataIntegrityProof", "ecdsa-jcs-2019"): ("ecdsa", "jcs"),
    ("Ed25519Signature2020", None): ("eddsa", "rdfc"),
    # The name 2023 Open Badges platforms signed with, before the suite was renamed.
    ("DataIntegrityProof", "eddsa-2022"): ("eddsa", "rdfc"),
    # Detached JWS over the same canonical form (ld_jws.py).
    ("Ed25519Signature2018", None): ("ld-jws", "rdfc"),
    ("JsonWebSignature2020", None): ("ld-jws", "rdfc"),
}


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


def _proof_field(proof: dict[str, Any], contexts: Any, name: str) -> Any:
    """A field of a proof as signed: as written, unless the proof is written with keys that
    are IRIs or keywords (a rewrite can only hide a field that way), then from its compact
    form (ADR 0007)."""
    if not any(key.startswith("@") or ":" in key for key in proof):
        return proof.get(name)
    config = {k: v for k, v in proof.items() if k not in ("proofValue", "jws")}
    config["@context"] = contexts
    try:
        return compact_form(config).get(name)
    except JsonLdStrictError:
        return None


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
        raise KeyProblem(Status.FAIL, exc.code, exc.message, exc.detail) from exc
    if "verifiableCredential" in doc or "verifiableCredential" in compacted:
        shown = len(as_list(doc.get("verifiableCredential", [])))
        signed = len(as_list(compacted.get("verifiableCredential", [])))
        if shown != signed:
            raise KeyProblem(
                Status.FAIL,
                "JSONLD_NOT_COMPACT",
                "This presentation was changed after it was signed: its signed data holds "
                "credentials that the file does not show where they belong.",
                f"{signed} credentials signed, {shown} in verifiableCredential",
            )
        compacted["verifiableCredential"] = doc["verifiableCredential"]
    if "proof" in doc:
        compacted["proof"] = doc["proof"]
    return compacted


def _issuer_hint(env: Envelope, doc: dict[str, Any] | None) -> str | None:
    """The issuer (or holder) a JOSE credential names: how a bare `kid` is looked up."""
    if env.kind == "sd-jwt" and isinstance(env.jwt_claims.get("iss"), str):
        return str(env.jwt_claims["iss"])
    if not isinstance(doc, dict):
        return None
    return node_id(doc.get("issuer")) or node_id(doc.get("holder"))


def _does_not_match(alg: str, key: ResolvedKey) -> tuple[Status, str, str, str]:
    return (
        Status.FAIL,
        "SIGNATURE_INVALID",
        msg(
            "The signature does not match the content: the file was changed after it was "
            "signed, or the signature was made with another key."
        ),
        f"{alg} signature by {key.how} key does not verify",
    )


async def seal_broken(st: State) -> CheckResult | None:
    """SIGNATURE_INVALID when a JOSE signature of the file does not verify, for a file whose
    content failed a check that comes before the signature (the pipeline asks): a JOSE
    signature covers the bytes whatever they say, so a payload changed after signing is
    reported as changed, not as the fault the change happens to make (a missing property, an
    unknown vocabulary, a payload that is no longer JSON). None when every signature verifies
    or one cannot be checked here; the earlier check's result then stands alone."""
    signatures = st.env.signatures if st.env is not None else st.seal
    if not signatures:
        return None
    parsed = st.parsed.document if st.parsed is not None else None
    issuer = _issuer_hint(st.env, parsed) if st.env is not None else None
    try:
        for sig in signatures:
            check_header_alg(sig.header.get("alg"))
            key = resolve_jose_key(sig.header, st.inputs.registry, issuer=issuer)
            alg = choose_alg(sig.header.get("alg"), key)
            if not await SignatureCheck._verify(st, key, alg, sig.signing_input, sig.signature):
                return result(CheckId.SIGNATURE, *_does_not_match(alg, key))
    except KeyProblem:
        return None
    return None


class SignatureCheck:
    id = CheckId.SIGNATURE

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
        issuer = _issuer_hint(st.env, st.doc)
        key: ResolvedKey | None = None
        signing_time: datetime | None = None
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
                        Status.FAIL,
                        "SIGNATURE_UNKNOWN_CRIT",
                        "The signature header is malformed.",
                        "crit must list header parameters that are present",
                    )
                unknown = [c for c in crit if c not in understood]
                if unknown:
                    raise KeyProblem(
                        Status.FAIL,
                        "SIGNATURE_UNKNOWN_CRIT",
                        "The signature requires features this verifier does not know, "
                        "so it must be refused.",
                        "unknown crit: " + ", ".join(str(u)[:30] for u in unknown),
                    )
            if header.get("b64") is False and "b64" not in (crit or []):
                raise KeyProblem(
                    Status.FAIL,
                    "SIGNATURE_B64_NOT_CRITICAL",
                    "The signature header is malformed.",
                    "b64:false must be listed in crit (RFC 7797 §6)",
                )
            this_key = resolve_jose_key(header, st.inputs.registry, issuer=issuer)
            alg = choose_alg(header.get("alg"), this_key)
            ok = await self._verify(st, this_key, alg, sig.signing_input, sig.signature)
            if not ok:
                raise KeyProblem(*_does_not_match(alg, this_key))
            # What the signed header says is read only once the signature holds: a changed
            # payload is reported as changed, not as a time-stamp that no longer fits it.
            signed_at: datetime | None = None
            if "sigT" in header:
                signed_at = parse_datetime(header.get("sigT"))
                if signed_at is None:
                    raise KeyProblem(
                        Status.FAIL,
                        "SIGNATURE_INVALID",
                        "The seal's signing time is malformed.",
                        "sigT is not a dateTime",
                    )
            if "adoTst" in header:
                self._check_content_timestamp(header["adoTst"], sig.signing_input)
            # The first seal is the issuer's (the key checks judge its key): its signing time
            # is the one that counts. Anyone can add a seal of their own to a file, so a later
            # seal's time never replaces it.
            if key is None:
                key, signing_time = this_key, signed_at
        assert key is not None
        if st.env.key_binding is not None:
            await self._key_binding(st)
        if signing_time is None and "iat" in st.env.jwt_claims:
            signing_time = numeric_date(st.env.jwt_claims.get("iat"))
        st.signed = Signed(key, signing_time, st.doc, st.dates)
        bound = ""
        if st.env.key_binding is not None:
            aud = st.env.key_binding.claims.get("aud")
            bound = (
                f"; holder key binding verified (aud {str(aud)[:60]!r} and nonce not checked: "
                "no verifier request)"
            )
        return result(
            self.id,
            Status.PASS,
            "SIGNATURE_VALID",
            msg("The seal is intact: the content has not changed since it was signed.")
            if jades
            else msg("The signature is intact: the content has not changed since it was signed."),
            f"{st.env.signatures[0].header.get('alg')} by {key.how} key {key.reference[:120]}"
            + bound,
        )

    async def _key_binding(self, st: State) -> None:
        """SD-JWT key binding (RFC 9901 §7.3): signed by the holder key the issuer named in
        `cnf`, with a sane `iat`; `aud` and `nonce` need a verifier's request, which a file
        upload does not have, so they are shown, not checked."""
        assert st.env is not None and st.env.key_binding is not None
        kb = st.env.key_binding
        holder = st.env.holder_key or {}
        check_header_alg(kb.header.get("alg"))
        key = ResolvedKey(public_jwk(holder), "cnf", "holder key (cnf.jwk)")
        alg = choose_alg(kb.header.get("alg"), key)
        issued = numeric_date(kb.claims.get("iat"))
        if issued is None or issued - st.inputs.now > CLOCK_SKEW:
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_SDJWT_KEY_BINDING",
                "The holder's key binding is damaged: its time is missing or in the future.",
                f"key binding iat {str(kb.claims.get('iat'))[:30]!r}",
            )
        if not await self._verify(st, key, alg, kb.signing_input, kb.signature):
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_INVALID",
                "The holder's key binding was not made with the key the issuer bound the "
                "credential to.",
                f"key binding {alg} signature does not verify",
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
                Status.FAIL,
                "SIGNATURE_TIMESTAMP_INVALID",
                "The seal's time-stamp is damaged.",
                f"adoTst: {exc}",
            ) from exc
        digests = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
        digest = digests.get(algorithm)
        if digest is None or digest(payload).digest() != imprint:
            raise KeyProblem(
                Status.FAIL,
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
                await st.inputs.crypto.verify_signature(
                    jwk=key.jwk, alg=alg, message=message, signature=signature
                )
            )
        except ValueError as exc:
            if alg == "ES256K":
                raise KeyProblem(
                    Status.SKIP,
                    "SIGNATURE_ES256K_UNAVAILABLE",
                    "The signature uses secp256k1 (ES256K), which this verifier can check only "
                    "outside the browser; it was not checked here.",
                    str(exc)[:200],
                ) from exc
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_KEY_UNSUPPORTED",
                "The signing key is of a kind this verifier does not accept.",
                str(exc)[:200],
            ) from exc

    # ---- Data Integrity -----------------------------------------------------------------
    async def _data_integrity(self, st: State) -> CheckResult:
        assert st.doc is not None
        if st.canonical_doc is None:
            raise KeyProblem(
                Status.SKIP,
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
                Status.FAIL,
                "SIGNATURE_INVALID",
                "The credential's proof is malformed.",
                f"{len(proofs)} proofs",
            )
        readings_ = readings(st.doc)
        reading: tuple[ContextVersion, ...] = ()
        if readings_ == [()]:
            verified = await self._verify_proofs(st, proofs, purpose)
        else:
            verified, reading = await self._verify_under_readings(st, proofs, purpose, readings_)
        extra = f"; {len(verified)} proofs" if len(verified) > 1 else ""
        extra += "".join(f"; {v.url} read as {v.name}" for v in reading)
        document, dates = st.doc, st.dates
        if _signs_rdf_dataset(st.doc):
            assert st.parsed is not None
            with under_version(st.doc, reading) as doc:
                document = published(_read_as_signed(doc))
            try:  # the dates the format check parsed, again from what was signed
                dates = check_data_model(document, presentation=st.parsed.envelope.kind == "vp")
            except InputError as exc:
                # The report still shows the data as signed, though the signature is refused.
                st.parsed = replace(st.parsed, document=document)
                raise KeyProblem(Status.FAIL, exc.code, exc.message, exc.detail) from exc
            reshaped = first_difference(_unsecured(st.doc), _unsecured(document))
            if reshaped is not None:
                extra += f"; read as signed, the file differs {reshaped}"
        key, suite_name, signing_time = verified[0]
        st.signed = Signed(key, signing_time, document, dates)
        return result(
            self.id,
            Status.PASS,
            "SIGNATURE_VALID",
            "The signature is intact: the content has not changed since it was signed.",
            f"{suite_name} by {key.how} key {key.reference[:120]}{extra}",
        )

    async def _verify_proofs(
        self, st: State, proofs: list[Any], purpose: str
    ) -> list[tuple[ResolvedKey, str, datetime | None]]:
        """Every proof, verified over `st.doc` and `st.canonical_doc`; the first problem."""
        assert st.doc is not None
        # Data Integrity §4.5 "Verify Proof Sets and Chains": every proof must verify.
        verified: list[tuple[ResolvedKey, str, datetime | None]] = []
        problems: list[KeyProblem] = []
        for proof in proofs:
            if not isinstance(proof, dict):
                raise KeyProblem(
                    Status.FAIL,
                    "SIGNATURE_INVALID",
                    "The credential's proof is malformed.",
                    "proof is not an object",
                )
            suite = _suite_of(proof, st.doc.get("@context"))
            if suite is None:
                name = proof.get("cryptosuite") or proof.get("type")
                problems.append(
                    KeyProblem(
                        Status.SKIP,
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
        failed = [p for p in problems if p.status == Status.FAIL]
        if failed:
            raise failed[0]
        if problems:
            raise problems[0]
        return verified

    async def _verify_under_readings(
        self,
        st: State,
        proofs: list[Any],
        purpose: str,
        readings_: list[tuple[ContextVersion, ...]],
    ) -> tuple[list[tuple[ResolvedKey, str, datetime | None]], tuple[ContextVersion, ...]]:
        """The proofs, verified over the document read under each version of its contexts that
        have several (newest first; a reading whose data equals one already tried is skipped).
        Valid when they verify under one; refused when the signature matches none (ADR 0010)."""
        assert st.doc is not None and st.parsed is not None
        parsed, original, original_canonical = st.parsed, st.doc, st.canonical_doc
        tried: list[str] = []
        for reading in readings_:
            with under_version(original, reading) as doc:
                canonical = (
                    original_canonical
                    if reading == st.canonical_reading
                    else _canonical_or_none(doc)
                )
                if canonical is None or canonical in tried:
                    continue
                tried.append(canonical)
                st.parsed, st.canonical_doc = replace(parsed, document=doc), canonical
                try:
                    return await self._verify_proofs(st, proofs, purpose), reading
                except KeyProblem as exc:
                    if not _does_not_verify(exc):
                        raise
                finally:
                    st.parsed, st.canonical_doc = parsed, original_canonical
        urls = ", ".join(versioned_urls(original))
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_INVALID",
            msg(
                "The signature matches none of the {count} published versions of this "
                "credential's vocabulary ({url}) that this verifier knows: the credential was "
                "changed after it was signed, or it was signed against a version of the "
                "vocabulary this verifier does not know.",
                count=len(readings_),
                url=urls[:200],
            ),
            f"signature does not verify under any of {len(readings_)} versions of {urls[:200]}"
            f" ({len(tried)} distinct readings)",
        )

    @staticmethod
    def _chain_document(
        st: State, proof: dict[str, Any], proofs: list[Any]
    ) -> dict[str, Any] | None:
        """For a proof with `previousProof`, the document it signs includes those proofs (§4.5).

        Both `previousProof` and the proofs' ids are read as signed (ADR 0007)."""
        assert st.doc is not None
        contexts = st.doc.get("@context")
        previous = _proof_field(proof, contexts, "previousProof")
        if previous is None:
            return None
        ids = previous if isinstance(previous, list) else [previous]
        matching = [
            p for p in proofs if isinstance(p, dict) and _proof_field(p, contexts, "id") in ids
        ]
        if not ids or len(matching) != len(ids):
            raise KeyProblem(
                Status.FAIL,
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
        config, canonical_config, canonical_doc, fields = _signed_inputs(
            st.doc, st.canonical_doc, proof, family, method, chained
        )
        if family == "ld-jws":
            return await self._verify_ld_jws(
                st, proof, config, purpose, canonical_config, canonical_doc
            )
        _check_purpose(fields, purpose)
        created = _proof_created(fields)
        signature = _proof_signature(proof)
        _check_proof_context(st.doc, proof)
        key = resolve_verification_method(fields.get("verificationMethod"), st.inputs.registry)
        crv = _check_key_fits(key, family, name)
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
                Status.FAIL,
                "SIGNATURE_INVALID",
                "The signature does not match the content: the credential was changed "
                "after it was signed, or the proof belongs to another credential.",
                f"{name} signature does not verify",
            )
        return key, created

    async def _verify_ld_jws(
        self,
        st: State,
        proof: dict[str, Any],
        config: dict[str, Any],
        purpose: str,
        canonical_config: bytes,
        canonical_doc: bytes,
    ) -> tuple[ResolvedKey, datetime | None]:
        """Ed25519Signature2018 / JsonWebSignature2020: a detached JWS (ld_jws.py)."""
        assert st.doc is not None
        name = str(proof.get("type"))
        parsed = ld_jws.read_proof(config, proof, purpose)
        created = None
        if parsed.created is not None:
            created = parse_datetime(parsed.created)
            if created is None:
                raise KeyProblem(
                    Status.FAIL,
                    "SIGNATURE_INVALID",
                    "The credential's proof is malformed.",
                    "proof.created is not a dateTime",
                )
        key = resolve_verification_method(parsed.verification_method, st.inputs.registry)
        alg = ld_jws.alg_for(name, key.jwk, parsed.header.get("alg"))
        message = (
            parsed.header_b64
            + b"."
            + hashlib.sha256(canonical_config).digest()
            + hashlib.sha256(canonical_doc).digest()
        )
        if not await SignatureCheck._verify(st, key, alg, message, parsed.signature):
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_INVALID",
                "The signature does not match the content: the credential was changed "
                "after it was signed, or the proof belongs to another credential.",
                f"{name} ({alg}) signature does not verify",
            )
        return key, created


def _canonical_or_none(doc: dict[str, Any]) -> str | None:
    """The document's canonical N-Quads without its proofs; None where it cannot be read."""
    try:
        return canonize({k: v for k, v in doc.items() if k != "proof"})
    except JsonLdStrictError:
        return None


def _does_not_verify(exc: KeyProblem) -> bool:
    """Whether the proof was read and its signature checked, and it did not match."""
    return exc.code == "SIGNATURE_INVALID" and exc.detail.endswith("signature does not verify")


def _check_proof_context(doc: dict[str, Any], proof: dict[str, Any]) -> None:
    """Data Integrity §4.3 "Verify Proof": proof @context must be a prefix of the document's."""
    if "@context" in proof:
        doc_ctx, proof_ctx = as_list(doc.get("@context")), as_list(proof["@context"])
        if doc_ctx[: len(proof_ctx)] != proof_ctx:
            raise KeyProblem(
                Status.FAIL,
                "SIGNATURE_INVALID",
                "The credential's proof is malformed.",
                "proof @context does not match the document",
            )


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
            Status.FAIL,
            "SIGNATURE_INVALID",
            "The signature's own data is not well defined.",
            f"not canonical JSON (RFC 8785): {type(exc).__name__}",
        ) from exc


_MALFORMED = msg("The credential's proof is malformed.")


def _signed_inputs(
    doc: dict[str, Any],
    canonical: str,
    proof: dict[str, Any],
    family: str,
    method: str,
    chained: dict[str, Any] | None,
) -> tuple[dict[str, Any], bytes, bytes, dict[str, Any]]:
    """(proof config, canonical config, canonical document, the proof's fields as signed)."""
    signature_member = "jws" if family == "ld-jws" else "proofValue"
    config = {k: v for k, v in proof.items() if k != signature_member}
    if method == "jcs":
        canonical_config, canonical_doc = _jcs_inputs(doc, proof, config, chained)
        return config, canonical_config, canonical_doc, proof
    # vc-di-eddsa §3.3.4 / vc-di-ecdsa §3.3.4: proof config gets the document's @context.
    # Its fields are read as signed, like the document's (ADR 0007).
    # The two JWS suites predate that rule: a proof with its own @context is read
    # with that context (jsonld-signatures' LinkedDataSignature.canonizeProof).
    if not (family == "ld-jws" and "@context" in proof):
        config["@context"] = doc.get("@context")
    try:
        canonical_config = canonize(config).encode("utf-8")
        fields = compact_form(config)
        canonical_doc = (
            canonize(chained).encode("utf-8") if chained is not None else canonical.encode("utf-8")
        )
    except JsonLdStrictError as exc:
        status = Status.SKIP if exc.code == "JSONLD_UNKNOWN_CONTEXT" else Status.FAIL
        said = (
            explained(exc)
            if status == Status.SKIP
            else msg("The signature's own data is not well defined.")
        )
        raise KeyProblem(status, exc.code, said, exc.detail) from exc
    return config, canonical_config, canonical_doc, fields


def _check_purpose(fields: dict[str, Any], purpose: str) -> None:
    if fields.get("proofPurpose") == purpose:
        return
    said = msg("The signature was not made for issuing credentials.")
    if purpose == "authentication":
        said = (
            msg(
                "The presentation's signature was not made to authenticate its holder (its "
                "purpose is assertionMethod, the purpose of an issuer's signature), so it does "
                "not show who presented it."
            )
            if fields.get("proofPurpose") == "assertionMethod"
            else msg("The presentation's signature was not made to authenticate its holder.")
        )
    raise KeyProblem(
        Status.FAIL,
        "SIGNATURE_PROOF_PURPOSE",
        said,
        f"proofPurpose {str(fields.get('proofPurpose'))[:40]!r}, expected {purpose}",
    )


def _proof_created(fields: dict[str, Any]) -> datetime | None:
    if "created" not in fields:
        return None
    created = parse_datetime(fields["created"])
    if created is None:
        raise KeyProblem(
            Status.FAIL, "SIGNATURE_INVALID", _MALFORMED, "proof.created is not a dateTime"
        )
    return created


def _proof_signature(proof: dict[str, Any]) -> bytes:
    """The signature bytes of a base58btc multibase proofValue."""
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise KeyProblem(
            Status.FAIL, "SIGNATURE_INVALID", _MALFORMED, "proofValue is not base58btc multibase"
        )
    try:
        return b58decode(value[1:])
    except ValueError as exc:
        raise KeyProblem(
            Status.FAIL, "SIGNATURE_INVALID", _MALFORMED, "proofValue is not base58btc"
        ) from exc


def _check_key_fits(key: ResolvedKey, family: str, name: str) -> Any:
    """The key's curve, once it fits the cryptosuite's family."""
    kty, crv = key.jwk.get("kty"), key.jwk.get("crv")
    if family == "eddsa" and not (kty == "OKP" and crv == "Ed25519"):
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_TYPE_MISMATCH",
            "The signing key does not fit the signature method.",
            f"{name} needs Ed25519, got {crv}",
        )
    if family == "ecdsa" and not (kty == "EC" and crv in ("P-256", "P-384")):
        raise KeyProblem(
            Status.FAIL,
            "SIGNATURE_KEY_TYPE_MISMATCH",
            "The signing key does not fit the signature method.",
            f"{name[:40]} needs P-256 or P-384, got {crv}",
        )
    return crv
