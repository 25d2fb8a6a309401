"""What one verification knows, stage by stage.

The caller's `Inputs` never change. Each stage then adds one typed result: the format stage
what it read (`Parsed`: envelope, document, dates), the JSON-LD stage the canonical N-Quads of
a Data Integrity document, the signature stage what the signature covers (`Signed`: key,
signing time, the document as signed), and the trust checks what they found (`Trust`). The
checks after the signature read the document through `State.doc`: as signed once the signature
is verified (docs/adr/0007), as parsed before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..crypto import CryptoBackend
from ..model import CheckResult
from ..registry import IssuerEntry, KeyEntry, OfferEntry, Registry
from .dates import parse_datetime
from .envelope import Envelope, JwsSignature
from .facts import Facts
from .jsonld.contexts import ContextVersion
from .keys import ResolvedKey


@dataclass(frozen=True)
class Inputs:
    data: bytes
    registry: Registry
    now: datetime
    crypto: CryptoBackend
    max_bytes: int
    status_list: bool = False  # verifying a status list: no revocation/catalogue checks


@dataclass(frozen=True)
class Parsed:
    """The format stage's result."""

    envelope: Envelope
    document: dict[str, Any]
    dates: dict[str, datetime] | None  # None when the format check refused them


@dataclass(frozen=True)
class Signed:
    """The signature stage's result: only set once every signature verified."""

    key: ResolvedKey
    signing_time: datetime | None
    document: dict[str, Any]  # for Data Integrity over RDF, its compact form (ADR 0007)
    dates: dict[str, datetime] | None


@dataclass
class Trust:
    """What the trust checks found: the registry issuer and key, the offer, the facts."""

    issuer: IssuerEntry | None = None
    key_entry: KeyEntry | None = None
    facts: Facts | None = None
    offer: OfferEntry | None = None


@dataclass
class State:
    inputs: Inputs
    parsed: Parsed | None = None
    canonical_doc: str | None = None  # the JSON-LD stage's N-Quads (Data Integrity only)
    # The versions of multi-version contexts that `canonical_doc` was read under (contexts.py).
    canonical_reading: tuple[ContextVersion, ...] = ()
    signed: Signed | None = None
    trust: Trust = field(default_factory=Trust)
    unsigned: list[str] = field(default_factory=list)
    results: list[CheckResult] = field(default_factory=list)
    format_hint: str = "unknown"
    # JOSE signatures of a file whose signed content could not be read (InputError.seal)
    seal: tuple[JwsSignature, ...] = ()

    @property
    def env(self) -> Envelope | None:
        return self.parsed.envelope if self.parsed else None

    @property
    def doc(self) -> dict[str, Any] | None:
        """The document the checks read: as signed once verified, else as parsed."""
        if self.signed is not None:
            return self.signed.document
        return self.parsed.document if self.parsed else None

    @property
    def dates(self) -> dict[str, datetime] | None:
        if self.signed is not None:
            return self.signed.dates
        return self.parsed.dates if self.parsed else None

    @property
    def key(self) -> ResolvedKey | None:
        return self.signed.key if self.signed else None

    @property
    def signing_time(self) -> datetime | None:
        return self.signed.signing_time if self.signed else None

    @property
    def signature_ok(self) -> bool:
        return self.signed is not None

    def date(self, name: str) -> datetime | None:
        """A date of the document: parsed once by the format check (which refuses malformed
        ones), and again by the signature check from the data as signed."""
        assert self.doc is not None
        if self.dates is not None:
            return self.dates.get(name)
        return parse_datetime(self.doc.get(name))

    @property
    def format_name(self) -> str:
        return self.env.format if self.env else self.format_hint
