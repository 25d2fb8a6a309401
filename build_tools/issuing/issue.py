"""Issuing: match the private key to the registry, reserve status entries, build and sign.

`issue_credentials` is what `credsite issue`, scripts/make_samples.py and bench/issue_batch.py
call. It checks the key's lifecycle (registered, active, valid at the issuing time), builds each
credential, signs it (EDC: JAdES seal; OB3: eddsa-rdfc-2022) and returns files; writing them,
and saving the status store, is the caller's job.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519

from build_tools.catalogue.model import Catalogue, Issuer, IssuerKey, Offer
from build_tools.verifier.codec import jwk_thumbprint

from ._common import IssuingError, format_utc, parse_utc, utc_now
from .dataintegrity import add_proof
from .edc import EdcInput, build_edc
from .jades import seal
from .keys import (
    PrivateKey,
    alg_of,
    did_url,
    load_certificate,
    public_jwk,
    self_signed_certificate,
)
from .learners import Learner, check_grade
from .ob3 import Ob3Input, build_ob3
from .statuslist import ListSigner, StatusEntry, StatusStore

__all__ = [
    "IssuedCredential",
    "SigningKey",
    "Timing",
    "issue_credentials",
    "list_signer",
    "new_uuid",
    "signing_key_for",
    "unregistered_signing_key",
]

Format = Literal["edc", "ob3"]


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key with what the registry says about it."""

    private_key: PrivateKey
    issuer: Issuer
    kid: str
    certificate: x509.Certificate | None
    verification_method: str
    record: IssuerKey | None = None  # None: not in the registry (only for the demo samples)

    @property
    def alg(self) -> str:
        return alg_of(self.private_key)


def signing_key_for(
    catalogue: Catalogue, private_key: PrivateKey, *, label: str = "", at: dt.datetime | None = None
) -> SigningKey:
    """Find the registered key whose public half matches `private_key` (RFC 7638 thumbprint)
    and check that it may sign at `at` (default: now)."""
    thumbprint = jwk_thumbprint(public_jwk(private_key))
    for issuer in catalogue.issuers.values():
        for key in issuer.keys:
            if key.use != "signing" or not key.jwk:
                continue
            try:
                matches = jwk_thumbprint(key.jwk) == thumbprint
            except ValueError:
                continue
            if matches:
                _check_lifecycle(key, at or utc_now())
                cert = (
                    load_certificate(key.certificate_pem, name=key.source.file)
                    if key.certificate_pem
                    else None
                )
                return SigningKey(
                    private_key,
                    issuer,
                    key.kid,
                    cert,
                    did_url(catalogue.alliance.site_url, issuer.slug, key.kid),
                    key,
                )
    raise IssuingError(
        "This private key is not registered for any issuer in the catalogue.",
        file=label,
        code="KEY_NOT_REGISTERED",
        hint="Create keys with `credsite keys new`, commit the public key file, and sign with "
        "the matching private key.",
    )


def _check_lifecycle(key: IssuerKey, at: dt.datetime) -> None:
    where = key.source.file
    if key.status == "compromised":
        raise IssuingError(
            f"The key {key.kid} is marked compromised and must not sign.",
            file=where,
            code="KEY_COMPROMISED",
            hint="Create a new key with `credsite keys new`.",
        )
    if key.status == "retired" and (key.valid_until is None or at >= key.valid_until):
        raise IssuingError(
            f"The key {key.kid} is retired.",
            file=where,
            code="KEY_RETIRED",
            hint="Sign with the issuer's active key.",
        )
    if key.valid_from and at < parse_utc(key.valid_from):
        raise IssuingError(
            f"The key {key.kid} is valid only from {format_utc(key.valid_from)}.",
            file=where,
            code="KEY_NOT_YET_VALID",
        )
    if key.valid_until and at >= parse_utc(key.valid_until):
        raise IssuingError(
            f"The key {key.kid} was valid only until {format_utc(key.valid_until)}.",
            file=where,
            code="KEY_EXPIRED",
        )


def unregistered_signing_key(
    catalogue: Catalogue,
    issuer: Issuer,
    private_key: PrivateKey,
    *,
    kid: str,
    valid_from: dt.datetime,
) -> SigningKey:
    """A signing key the registry does not know (for the "unknown key" demo sample)."""
    cert = self_signed_certificate(
        private_key, legal_name=issuer.name, country=issuer.country, valid_from=valid_from, serial=1
    )
    return SigningKey(
        private_key, issuer, kid, cert, did_url(catalogue.alliance.site_url, issuer.slug, kid), None
    )


def list_signer(signing: SigningKey) -> ListSigner | None:
    """The status-list signer for a key, or None when it has no Data Integrity suite (RSA)."""
    if alg_of(signing.private_key) in ("EdDSA", "ES256"):
        return ListSigner(signing.private_key, signing.verification_method)
    return None


def new_uuid(rng: random.Random | None) -> str:
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Timing:
    """Seconds spent building (data, image, status) and signing (canonicalise/serialise, sign)."""

    building: float = 0.0
    signing: float = 0.0
    count: int = 0


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    credential_id: str
    file_name: str
    content: bytes
    learner: Learner
    status: StatusEntry | None
    document: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "learner"


def _check_can_issue(
    offer: Offer,
    signing: SigningKey,
    fmt: Format,
    issued: dt.datetime,
    valid_until: dt.datetime | None,
    now: dt.datetime,
) -> None:
    """The dates, the key and the offer allow issuing in this format."""
    if issued > now + dt.timedelta(minutes=5):
        raise IssuingError(
            f"The issuing date {format_utc(issued)} is in the future.",
            code="ISSUED_IN_FUTURE",
            hint="Leave --issued out to use now.",
        )
    if valid_until is not None and parse_utc(valid_until) <= issued:
        raise IssuingError(
            "--valid-until must be later than the issuing date.", code="VALID_UNTIL_BEFORE_ISSUED"
        )
    if signing.record is not None:
        _check_lifecycle(signing.record, issued)
    if signing.issuer.slug not in offer.awarding_bodies:
        raise IssuingError(
            f"The key belongs to {signing.issuer.name} "
            f"({signing.issuer.slug}), which is not an awarding body of "
            f"'{offer.id}'.",
            code="ISSUER_NOT_AWARDING_BODY",
            hint="Use a key of: " + ", ".join(offer.awarding_bodies) + ".",
        )
    if fmt == "ob3" and not isinstance(signing.private_key, ed25519.Ed25519PrivateKey):
        raise IssuingError(
            "Open Badges 3.0 credentials need an EdDSA (Ed25519) key.",
            code="OB3_NEEDS_EDDSA",
            hint="Create one with `credsite keys new --alg EdDSA` and pass it with --key.",
        )
    if fmt == "edc" and signing.certificate is None:
        raise IssuingError(
            f"The key {signing.kid} has no certificate for the EDC seal.", code="KEY_NO_CERTIFICATE"
        )


def _check_learners(offer: Offer, learners: list[Learner], issued: dt.datetime) -> None:
    """Every learner has a grade when the offer is graded, and completed by the issuing date."""
    for learner in learners:
        check_grade(offer, learner)
        if learner.completion_date > issued.date():
            raise IssuingError(
                "The completion date is after the issuing date.",
                file=learner.file,
                line=learner.line,
                code="COMPLETION_AFTER_ISSUED",
            )


def _build_and_sign(
    catalogue: Catalogue,
    offer: Offer,
    learner: Learner,
    signing: SigningKey,
    fmt: Format,
    uid: str,
    issued: dt.datetime,
    valid_until: dt.datetime | None,
    entry: StatusEntry | None,
    rng: random.Random | None,
    timing: Timing,
) -> tuple[dict[str, Any], bytes, str]:
    """One learner's signed credential, its file content and extension; adds to `timing`."""
    started = time.perf_counter()
    if fmt == "edc":
        document = build_edc(
            EdcInput(catalogue, offer, learner, signing.issuer, uid, issued, valid_until, entry)
        )
        built = time.perf_counter()
        assert signing.certificate is not None
        signed = seal(
            document,
            private_key=signing.private_key,
            certificate=signing.certificate,
            signing_time=issued,
        )
        content = _json_bytes(signed)
        extension = "jsonld"
    else:
        salt = f"{rng.getrandbits(64):016x}" if rng else ""
        document = build_ob3(
            Ob3Input(
                catalogue,
                offer,
                learner,
                signing.issuer,
                uid,
                issued,
                valid_until,
                entry,
                salt=salt,
            )
        )
        built = time.perf_counter()
        signed = add_proof(
            document,
            private_key=signing.private_key,
            verification_method=signing.verification_method,
            created=issued,
        )
        content = _json_bytes(signed, indent=2)
        extension = "json"
    finished = time.perf_counter()
    timing.building += built - started
    timing.signing += finished - built
    timing.count += 1
    return signed, content, extension


def issue_credentials(
    catalogue: Catalogue,
    offer: Offer,
    learners: Iterable[Learner],
    signing: SigningKey,
    *,
    fmt: Format,
    issued: dt.datetime,
    valid_until: dt.datetime | None = None,
    store: StatusStore | None = None,
    status_purpose: str = "revocation",
    rng: random.Random | None = None,
    timing: Timing | None = None,
    progress: Callable[[int], None] | None = None,
    now: dt.datetime | None = None,
) -> list[IssuedCredential]:
    """Build and sign one credential per learner. Raises IssuingError before signing anything
    when the key, the dates or the offer do not allow issuing."""
    issued = parse_utc(issued)
    _check_can_issue(offer, signing, fmt, issued, valid_until, now or utc_now())
    learner_list = list(learners)
    _check_learners(offer, learner_list, issued)
    timing = timing or Timing()
    out: list[IssuedCredential] = []
    for number, learner in enumerate(learner_list, start=1):
        uid = new_uuid(rng)
        credential_id = f"urn:credential:{uid}" if fmt == "edc" else f"urn:uuid:{uid}"
        entry = store.allocate(credential_id, purpose=status_purpose, rng=rng) if store else None
        signed, content, extension = _build_and_sign(
            catalogue, offer, learner, signing, fmt, uid, issued, valid_until, entry, rng, timing
        )
        name = (
            f"{number:04d}-{_slug(learner.family_name)}-{_slug(learner.given_name)}-"
            f"{uid[:8]}.{fmt}.{extension}"
        )
        out.append(IssuedCredential(credential_id, name, content, learner, entry, signed))
        if progress:
            progress(1)
    return out


def _json_bytes(document: dict[str, Any], indent: int | None = None) -> bytes:
    return (json.dumps(document, indent=indent, ensure_ascii=False) + "\n").encode("utf-8")
