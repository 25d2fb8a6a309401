"""Revocation and suspension: W3C Bitstring Status List v1.0, kept in the catalogue.

Per issuer, `catalogue/issuers/<slug>/status/` holds:

- `<list_id>.json`: the signed `BitstringStatusListCredential` (published by the build at
  `{site_url}issuers/<slug>/status/<list_id>.json`, the URL credentials point to);
- `<list_id>.used.json`: which indexes are taken, each with the SHA-256 of the credential id
  (so that `status revoke --credential ID` works without the credential file). No names, no
  dates of birth, no e-mail: nothing that identifies a learner.

List ids are `<purpose>-<n>` (`revocation-1`, `suspension-1`). A list has 131,072 entries
(BSL §4.2 "Validate Algorithm" step 1, the minimum); indexes are drawn at random among the
unused ones (BSL §5 "Privacy Considerations": herd privacy), and a new list is started when
one is three-quarters full.

Encoding (BSL §3.1 "BitstringStatusList"): bit 0 is the left-most bit of the first byte; the
bitstring is GZIP-compressed (mtime 0, so that equal lists give equal bytes) and written as
multibase base64url without padding (prefix `u`).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import random
import secrets
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from build_tools.verifier.codec import b64url_decode, b64url_encode

from ._common import IssuingError, format_utc
from .dataintegrity import cryptosuite_for, sign_single
from .keys import PrivateKey

__all__ = [
    "LIST_SIZE",
    "Bitstring",
    "ListSigner",
    "StatusEntry",
    "StatusStore",
    "UsedIndexes",
    "credential_id_hash",
    "decode_list",
    "encode_list",
    "status_list_credential",
]

LIST_SIZE = 131_072
FULL_SHARE = 0.75
MAX_DECODED = 16 * 1024 * 1024
Purpose = Literal["revocation", "suspension"]
PURPOSES: tuple[str, ...] = ("revocation", "suspension")


# --------------------------------------------------------------------------------------------
# The bitstring


class Bitstring:
    """A mutable bitstring; index 0 is the most significant bit of byte 0."""

    def __init__(self, size: int = LIST_SIZE, data: bytes | None = None) -> None:
        if data is None:
            if size % 8:
                raise ValueError("size must be a multiple of 8")
            self._data = bytearray(size // 8)
        else:
            self._data = bytearray(data)

    @property
    def size(self) -> int:
        return len(self._data) * 8

    def get(self, index: int) -> int:
        self._check(index)
        return (self._data[index >> 3] >> (7 - (index & 7))) & 1

    def set(self, index: int, value: int | bool = 1) -> None:
        self._check(index)
        mask = 1 << (7 - (index & 7))
        if value:
            self._data[index >> 3] |= mask
        else:
            self._data[index >> 3] &= ~mask & 0xFF

    def set_indexes(self) -> list[int]:
        out = []
        for byte_index, byte in enumerate(self._data):
            if byte:
                out += [byte_index * 8 + bit for bit in range(8) if byte & (0x80 >> bit)]
        return out

    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def encode(self) -> str:
        return encode_list(bytes(self._data))

    @classmethod
    def decode(cls, encoded: str) -> Bitstring:
        return cls(data=decode_list(encoded))

    def _check(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise IndexError(f"status index {index} outside 0..{self.size - 1}")


def encode_list(bits: bytes) -> str:
    """Multibase base64url (`u…`) of the GZIP (RFC 1952) of the bits (BSL §3.1)."""
    return "u" + b64url_encode(gzip.compress(bits, compresslevel=9, mtime=0))


def decode_list(encoded: str, *, max_bytes: int = MAX_DECODED) -> bytes:
    """The bits of an encodedList: BSL (`u` + base64url) or StatusList2021 (plain base64).

    Decompression is bounded (a gzip bomb stops at `max_bytes`).
    """
    if not isinstance(encoded, str) or not encoded:
        raise ValueError("encodedList is empty")
    if encoded.startswith("u"):
        compressed = b64url_decode(encoded[1:])
    else:
        text = encoded.replace("-", "+").replace("_", "/")
        compressed = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise ValueError(f"encodedList is not GZIP data ({exc})") from None
    if len(data) > max_bytes or inflater.unconsumed_tail:
        raise ValueError("the decoded status list is too large")
    return data


# --------------------------------------------------------------------------------------------
# Entries and list credentials


@dataclass(frozen=True, slots=True)
class StatusEntry:
    list_id: str
    list_url: str
    index: int
    purpose: str

    def to_json(self, *, edc: bool = False) -> dict[str, Any]:
        """The `credentialStatus` entry (BSL §2.1). EDC adds the ELM class `CredentialStatus`
        (EDC-generic-no-cv requires `cred:credentialStatus` to be an elm:CredentialStatus IRI
        node, so the entry needs an `id`; BSL forbids only the list URL itself)."""
        return {
            "id": f"{self.list_url}#{self.index}",
            "type": ["CredentialStatus", "BitstringStatusListEntry"]
            if edc
            else "BitstringStatusListEntry",
            "statusPurpose": self.purpose,
            "statusListIndex": str(self.index),
            "statusListCredential": self.list_url,
        }


def status_list_credential(
    *, list_url: str, issuer: str, purpose: str, bits: Bitstring, valid_from: dt.datetime
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (VC 2.0, BSL §2.2)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_utc(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bits.encode(),
        },
    }


def credential_id_hash(credential_id: str) -> str:
    return hashlib.sha256(credential_id.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Used indexes (no personal data)


@dataclass
class UsedIndexes:
    list_id: str
    size: int = LIST_SIZE
    used: dict[int, str] = field(default_factory=dict)  # index -> sha256(credential id)
    _by_hash: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path, list_id: str) -> UsedIndexes:
        if not path.exists():
            return cls(list_id)
        try:
            data = json.loads(path.read_text("utf-8"))
            used = {int(k): str(v) for k, v in data["used"].items()}
            return cls(list_id, int(data.get("size", LIST_SIZE)), used)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise IssuingError(
                "The used-index file of this status list is damaged.",
                file=str(path),
                code="STATUS_USED_INVALID",
                hint="Restore it from git history.",
            ) from None

    def save(self, path: Path) -> None:
        data = {
            "list": self.list_id,
            "note": "Status list indexes in use, with the SHA-256 of each credential id. "
            "No personal data. Written by credsite; do not edit by hand.",
            "size": self.size,
            "used": {str(i): self.used[i] for i in sorted(self.used)},
        }
        path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")

    @property
    def full(self) -> bool:
        return len(self.used) >= int(self.size * FULL_SHARE)

    def _reverse(self) -> dict[str, int]:
        if len(self._by_hash) != len(self.used):
            self._by_hash = {digest: index for index, digest in self.used.items()}
        return self._by_hash

    def assign(self, credential_id: str, rng: random.Random | None = None) -> int:
        """A random unused index (secrets-based unless a seeded `rng` is given)."""
        if self.full:
            raise IssuingError("The status list is full.", code="STATUS_LIST_FULL")
        digest = credential_id_hash(credential_id)
        if digest in self._reverse():
            raise IssuingError(
                f"The credential id {credential_id} already has a status entry.",
                code="CREDENTIAL_ID_REUSED",
            )
        while True:
            index = rng.randrange(self.size) if rng else secrets.randbelow(self.size)
            if index not in self.used:
                self.used[index] = digest
                self._by_hash[digest] = index
                return index

    def find(self, credential_id: str) -> int | None:
        return self._reverse().get(credential_id_hash(credential_id))

    def release(self, credential_id: str) -> int | None:
        index = self.find(credential_id)
        if index is not None:
            del self.used[index]
            self._by_hash.pop(credential_id_hash(credential_id), None)
        return index


# --------------------------------------------------------------------------------------------
# The per-issuer store


@dataclass(frozen=True, slots=True)
class ListSigner:
    """The key that signs status lists: a private key and its verification method."""

    private_key: PrivateKey
    verification_method: str


class StatusStore:
    """Status lists of one issuer under `catalogue/issuers/<slug>/status/`."""

    def __init__(self, catalogue_dir: Path, *, slug: str, site_url: str, issuer_did: str) -> None:
        self.folder = catalogue_dir / "issuers" / slug / "status"
        self.slug = slug
        self.site_url = site_url
        self.issuer_did = issuer_did
        self._used: dict[str, UsedIndexes] = {}
        self._bits: dict[str, Bitstring] = {}
        self._dirty_used: set[str] = set()
        self._dirty_lists: set[str] = set()

    # paths and URLs
    def list_path(self, list_id: str) -> Path:
        return self.folder / f"{list_id}.json"

    def used_path(self, list_id: str) -> Path:
        return self.folder / f"{list_id}.used.json"

    def list_url(self, list_id: str) -> str:
        return f"{self.site_url}issuers/{self.slug}/status/{list_id}.json"

    def list_ids(self, purpose: str) -> list[str]:
        if not self.folder.is_dir():
            return []
        ids = []
        for path in self.folder.glob(f"{purpose}-*.json"):
            stem = path.name[: -len(".json")]
            if stem.endswith(".used"):
                continue
            number = stem[len(purpose) + 1 :]
            if number.isdigit():
                ids.append(stem)
        return sorted(ids, key=lambda s: int(s.rsplit("-", 1)[1]))

    # loading
    def used(self, list_id: str) -> UsedIndexes:
        if list_id not in self._used:
            self._used[list_id] = UsedIndexes.load(self.used_path(list_id), list_id)
        return self._used[list_id]

    def bits(self, list_id: str) -> Bitstring:
        if list_id not in self._bits:
            path = self.list_path(list_id)
            if not path.exists():
                self._bits[list_id] = Bitstring()
            else:
                try:
                    doc = json.loads(path.read_text("utf-8"))
                    encoded = doc["credentialSubject"]["encodedList"]
                    self._bits[list_id] = Bitstring.decode(encoded)
                except (ValueError, KeyError, TypeError):
                    raise IssuingError(
                        "The status list file cannot be read.",
                        file=str(path),
                        code="STATUS_LIST_INVALID",
                        hint="Restore it from git history.",
                    ) from None
        return self._bits[list_id]

    # allocation
    def allocate(
        self, credential_id: str, *, purpose: str = "revocation", rng: random.Random | None = None
    ) -> StatusEntry:
        """Reserve a random unused index for a new credential (lists created as needed)."""
        if purpose not in PURPOSES:
            raise IssuingError(
                f"Unknown status purpose {purpose!r}.", hint="Use revocation or suspension."
            )
        if self.locate(credential_id) is not None:
            raise IssuingError(
                f"The credential id {credential_id} already has a status entry.",
                code="CREDENTIAL_ID_REUSED",
            )
        ids = self._known_ids(purpose)
        list_id = next((i for i in ids if not self.used(i).full), None)
        if list_id is None:
            list_id = f"{purpose}-{len(ids) + 1}"
            self._dirty_lists.add(list_id)  # a new list must be published
        index = self.used(list_id).assign(credential_id, rng)
        self._dirty_used.add(list_id)
        return StatusEntry(list_id, self.list_url(list_id), index, purpose)

    def _known_ids(self, purpose: str) -> list[str]:
        """Lists on disk plus lists started in memory and not yet saved."""
        ids = set(self.list_ids(purpose))
        ids.update(i for i in self._used if i.rsplit("-", 1)[0] == purpose)
        return sorted(ids, key=lambda s: int(s.rsplit("-", 1)[1]))

    def locate(self, credential_id: str) -> StatusEntry | None:
        for purpose in PURPOSES:
            for list_id in self._known_ids(purpose):
                index = self.used(list_id).find(credential_id)
                if index is not None:
                    return StatusEntry(list_id, self.list_url(list_id), index, purpose)
        return None

    def release(self, credential_id: str) -> None:
        """Forget a credential's index and clear its bit (used to re-issue the demo samples)."""
        entry = self.locate(credential_id)
        if entry is None:
            return
        self.used(entry.list_id).release(credential_id)
        self._dirty_used.add(entry.list_id)
        if self.bits(entry.list_id).get(entry.index):
            self.bits(entry.list_id).set(entry.index, 0)
            self._dirty_lists.add(entry.list_id)

    def set_status(self, entry: StatusEntry, value: bool) -> bool:
        """Set or clear the bit of an entry; True when it changed."""
        bits = self.bits(entry.list_id)
        if bool(bits.get(entry.index)) == value:
            return False
        bits.set(entry.index, value)
        self._dirty_lists.add(entry.list_id)
        return True

    @property
    def needs_signature(self) -> bool:
        return bool(self._dirty_lists)

    # writing
    def save(
        self, signer: ListSigner | None, *, now: dt.datetime, resign_all: bool = False
    ) -> list[Path]:
        """Write used-index files and (re-)sign changed lists; returns the files written."""
        written: list[Path] = []
        targets = set(self._dirty_lists)
        if resign_all:
            for purpose in PURPOSES:
                targets.update(self.list_ids(purpose))
        if targets and signer is None:
            raise IssuingError(
                "A status list must be signed, but no signing key was given.",
                code="STATUS_KEY_MISSING",
                hint="Pass --status-key with an EdDSA or ES256 key.",
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        for list_id in sorted(self._dirty_used):
            self.used(list_id).save(self.used_path(list_id))
            written.append(self.used_path(list_id))
        for list_id in sorted(targets):
            assert signer is not None
            cryptosuite_for(signer.private_key)
            purpose = list_id.rsplit("-", 1)[0]
            doc = status_list_credential(
                list_url=self.list_url(list_id),
                issuer=self.issuer_did,
                purpose=purpose,
                bits=self.bits(list_id),
                valid_from=now,
            )
            signed = sign_single(
                doc,
                private_key=signer.private_key,
                verification_method=signer.verification_method,
                created=now,
            )
            self.list_path(list_id).write_text(
                json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8"
            )
            written.append(self.list_path(list_id))
        self._dirty_used.clear()
        self._dirty_lists.clear()
        return written
