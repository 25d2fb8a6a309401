"""What `credsite keys …`, `credsite issue` and `credsite status …` do, without the printing.

Each operation works on a catalogue folder, returns what it did (the files to commit) and
raises `IssuingError` (or `CatalogueError` with every located finding) when it must refuse;
`build_tools.cli` parses the arguments and prints.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from build_tools.catalogue.findings import CatalogueError
from build_tools.catalogue.loader import load_catalogue
from build_tools.catalogue.model import Catalogue, Issuer, Offer
from build_tools.catalogue.secrets import find_private_key_material, repository_root

from ._common import IssuingError, parse_utc, utc_now
from .certificate import render_certificate
from .issue import (
    Format,
    IssuedCredential,
    SigningKey,
    issue_credentials,
    list_signer,
    signing_key_for,
)
from .keys import (
    KeyRecord,
    alg_of,
    certificate_pem,
    check_kid,
    check_private_key_path,
    generate_private_key,
    key_file_text,
    load_certificate,
    load_private_key,
    new_kid,
    private_key_pem,
    public_jwk,
    read_key_file,
    self_signed_certificate,
    write_private_key,
)
from .learners import Learner, load_learners
from .share import SharePlan, plan_share
from .statuslist import ListSigner, StatusEntry, StatusStore

__all__ = [
    "IssueRun",
    "IssuedShare",
    "KeyChange",
    "NewKey",
    "StatusChange",
    "add_eseal",
    "change_key_status",
    "change_status",
    "create_key",
    "credential_status_of",
    "inside_repository",
    "open_catalogue",
    "prepare_issue",
    "publish_status",
    "share_issued",
]

StatusAction = Literal["revoke", "suspend", "unsuspend"]


# --------------------------------------------------------------------------------------------
# Shared helpers


def open_catalogue(catalogue_dir: Path) -> Catalogue:
    """The catalogue in `catalogue_dir`, read without the policy rules; refuses a broken one
    with every located error (`CatalogueError`)."""
    if not catalogue_dir.is_dir():
        raise IssuingError(
            f"The catalogue folder '{catalogue_dir}' does not exist.", hint="Pass --catalogue DIR."
        )
    result = load_catalogue(catalogue_dir, rules=False)
    if result.catalogue is None:
        raise CatalogueError(
            result.errors,
            "The catalogue cannot be read.",
            hint="Run `credsite check` and fix the errors.",
        )
    return result.catalogue


def _issuer(catalogue: Catalogue, slug: str) -> Issuer:
    issuer = catalogue.issuers.get(slug)
    if issuer is None:
        raise IssuingError(
            f"There is no issuer '{slug}' in the catalogue.",
            hint="Known issuers: " + ", ".join(catalogue.issuers) + ".",
        )
    return issuer


def _key_path(catalogue_dir: Path, slug: str, kid: str) -> Path:
    return catalogue_dir / "issuers" / slug / "keys" / f"{kid}.yaml"


# --------------------------------------------------------------------------------------------
# keys


@dataclass(frozen=True)
class NewKey:
    kid: str
    alg: str
    issuer_name: str
    key_file: Path  # public key and certificate, to commit
    private_key: Path  # outside the repository (or a demo-keys folder)


def create_key(
    catalogue_dir: Path,
    *,
    slug: str,
    alg: str,
    private_out: Path,
    valid_from: str | None = None,
    kid: str | None = None,
    demo: bool = False,
) -> NewKey:
    """Generate a key pair: the private key into `private_out`, the public key and a
    self-signed certificate into the issuer's keys/ folder with status active."""
    catalogue = open_catalogue(catalogue_dir)
    issuer = _issuer(catalogue, slug)
    if demo and not catalogue.alliance.demo:
        raise IssuingError("--demo is only for demo catalogues (alliance.yaml: demo: true).")
    target = check_private_key_path(private_out, catalogue_dir=catalogue_dir, demo=demo)
    if target.exists():
        raise IssuingError(
            "A file already exists there; refusing to overwrite a key.",
            file=str(target),
            hint="Choose a new file name.",
        )
    start = parse_utc(valid_from, what="--valid-from") if valid_from else utc_now()
    existing = {k.kid for k in issuer.keys}
    kid = kid or new_kid(issuer.slug, alg, start, existing)
    check_kid(kid)
    key_file = _key_path(catalogue_dir, issuer.slug, kid)
    if kid in existing or key_file.exists():
        raise IssuingError(
            f"The key id {kid} already exists for {issuer.slug}.", hint="Choose another --kid."
        )
    key = generate_private_key(alg)
    cert = self_signed_certificate(
        key, legal_name=issuer.name, country=issuer.country, valid_from=start
    )
    record = KeyRecord(
        kid=kid,
        alg=alg,
        use="signing",
        status="active",
        valid_from=start,
        valid_until=None,
        jwk=public_jwk(key),
        certificate=certificate_pem(cert),
        comment=f"Public key of {issuer.name}, created by `credsite keys new`.\n"
        "The private key is kept outside the repository.",
    )
    write_private_key(target, private_key_pem(key))
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key_file_text(record), "utf-8")
    return NewKey(kid, alg, issuer.name, key_file, target)


@dataclass(frozen=True)
class KeyChange:
    kid: str
    status: str
    at: dt.datetime | None  # retirement time
    key_file: Path
    lists_signed: list[str]  # status lists signed with the key: to re-sign with another key


def change_key_status(
    catalogue_dir: Path,
    *,
    slug: str,
    kid: str,
    status: Literal["retired", "compromised"],
    at: str | None = None,
) -> KeyChange:
    """Mark a key retired (from `at`, default now) or compromised."""
    when = (parse_utc(at, what="--at") if at else utc_now()) if status == "retired" else None
    path = _key_path(catalogue_dir, slug, kid)
    if not path.exists():
        raise IssuingError(
            f"There is no key {kid} for issuer {slug}.",
            file=str(path),
            hint="List the files in catalogue/issuers/<slug>/keys/.",
        )
    record = read_key_file(path)
    if record.status == "compromised" and status != "compromised":
        raise IssuingError(
            f"The key {record.kid} is compromised; it cannot be retired.", file=str(path)
        )
    changes: dict[str, Any] = {"status": status}
    if when is not None:
        if when < record.valid_from:
            raise IssuingError("--at is before the key's valid_from.", file=str(path))
        changes["valid_until"] = when
    record = dataclasses.replace(record, **changes)
    path.write_text(key_file_text(record), "utf-8")
    return KeyChange(
        record.kid, status, when, path, _lists_signed_by(catalogue_dir, slug, record.kid)
    )


def _lists_signed_by(catalogue_dir: Path, slug: str, kid: str) -> list[str]:
    folder = catalogue_dir / "issuers" / slug / "status"
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            proof = json.loads(path.read_text("utf-8")).get("proof")
        except (OSError, ValueError, AttributeError):
            continue
        proofs = proof if isinstance(proof, list) else [proof]
        if any(
            isinstance(p, dict) and str(p.get("verificationMethod", "")).endswith(f"#{kid}")
            for p in proofs
        ):
            found.append(str(path))
    return found


def add_eseal(
    catalogue_dir: Path, *, slug: str, certificate: Path, kid: str | None = None
) -> NewKey:
    """List an issuer's existing eSeal certificate (PEM) as a key of use `eseal`."""
    catalogue = open_catalogue(catalogue_dir)
    issuer = _issuer(catalogue, slug)
    try:
        data = certificate.read_bytes()
    except OSError:
        raise IssuingError("The certificate file cannot be read.", file=str(certificate)) from None
    if find_private_key_material(data, name=str(certificate)):
        raise IssuingError(
            "The file contains a private key; give only the certificate.",
            file=str(certificate),
            code="PRIVATE_KEY_MATERIAL",
        )
    cert = load_certificate(data, name=str(certificate))
    existing = {k.kid for k in issuer.keys}
    if not kid:
        n = 1
        while f"{issuer.slug}-eseal-{n}" in existing:
            n += 1
        kid = f"{issuer.slug}-eseal-{n}"
    check_kid(kid)
    key_file = _key_path(catalogue_dir, issuer.slug, kid)
    if kid in existing or key_file.exists():
        raise IssuingError(f"The key id {kid} already exists.", hint="Pass another --kid.")
    alg = alg_of(cert.public_key())  # type: ignore[arg-type]
    record = KeyRecord(
        kid=kid,
        alg=alg,
        use="eseal",
        status="active",
        valid_from=cert.not_valid_before_utc,
        valid_until=None,
        jwk={},
        certificate=certificate_pem(cert),
        comment=f"eSeal certificate of {issuer.name}, listed by `credsite keys add-eseal`.",
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key_file_text(record), "utf-8")
    return NewKey(kid, alg, issuer.name, key_file, certificate)


# --------------------------------------------------------------------------------------------
# issue


def inside_repository(catalogue_dir: Path, out: Path) -> bool:
    """Whether `out` is in the repository that holds the catalogue (issued credentials hold
    personal data and must not be committed)."""
    root = repository_root(catalogue_dir)
    return root is not None and (out.resolve() == root or root in out.resolve().parents)


@dataclass
class IssueRun:
    """Everything checked and loaded for `credsite issue`; `run()` signs and writes."""

    catalogue: Catalogue
    offer: Offer
    learners: list[Learner]
    signing: SigningKey
    signer: ListSigner | None
    store: StatusStore
    fmt: Format
    out: Path
    issued: dt.datetime
    valid_until: dt.datetime | None
    status_purpose: str
    now: dt.datetime

    def run(
        self, progress: Callable[[int], None] | None = None
    ) -> tuple[list[IssuedCredential], list[Path]]:
        """Issue, write the credentials and issued.csv into `out`, and save the status lists;
        (the credentials, the status files changed)."""
        issued_list = issue_credentials(
            self.catalogue,
            self.offer,
            self.learners,
            self.signing,
            fmt=self.fmt,
            issued=self.issued,
            valid_until=self.valid_until,
            store=self.store,
            status_purpose=self.status_purpose,
            progress=progress,
            now=self.now,
        )
        if self.store.needs_signature and self.signer is None:
            raise IssuingError(
                "A new status list must be signed, and an RS256 key cannot.",
                hint="Pass --status-key with the issuer's EdDSA or ES256 key.",
            )
        self.out.mkdir(parents=True, exist_ok=True)
        for item in issued_list:
            (self.out / item.file_name).write_bytes(item.content)
        _append_log(self.out / "issued.csv", issued_list, self.offer.id, self.fmt)
        written = self.store.save(self.signer, now=self.now)
        return issued_list, list(written)


@dataclass(frozen=True)
class IssuedShare:
    """The share link (or why there is none) and the certificate of one issued file."""

    file_name: str
    credential_id: str
    plan: SharePlan
    certificate: Path | None


def share_issued(
    run: IssueRun, items: Sequence[IssuedCredential], *, certificates: bool = False
) -> list[IssuedShare]:
    """Each credential's share link, appended to share-links.csv in `run.out`, and with
    `certificates` its printable certificate page `<file>.certificate.html` beside it."""
    site_url = run.catalogue.alliance.site_url
    out: list[IssuedShare] = []
    for item in items:
        plan = plan_share(
            site_url, item.content, item.credential_id, carries_image=run.fmt == "edc"
        )
        page = None
        if certificates:
            page = run.out / f"{Path(item.file_name).stem}.certificate.html"
            page.write_bytes(
                render_certificate(
                    catalogue=run.catalogue,
                    offer=run.offer,
                    learner=item.learner,
                    credential_id=item.credential_id,
                    issued=run.issued,
                    share=plan,
                )
            )
        out.append(IssuedShare(item.file_name, item.credential_id, plan, page))
    path = run.out / "share-links.csv"
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["file", "credential_id", "share_link", "link_chars", "qr", "note"])
        for entry in out:
            writer.writerow(
                [
                    entry.file_name,
                    entry.credential_id,
                    entry.plan.link or "",
                    entry.plan.link_chars,
                    entry.plan.qr.kind,
                    entry.plan.reason or "",
                ]
            )
    return out


def prepare_issue(
    catalogue_dir: Path,
    *,
    offer_id: str,
    learner_file: Path,
    key: Path,
    fmt: Format,
    out: Path,
    issued: str | None = None,
    valid_until: str | None = None,
    status_purpose: str = "revocation",
    status_key: Path | None = None,
) -> IssueRun:
    """Check and load what issuing needs (offer, key, learners, status lists)."""
    catalogue = open_catalogue(catalogue_dir)
    offer = catalogue.offers.get(offer_id)
    if offer is None:
        raise IssuingError(
            f"There is no offer '{offer_id}' in the catalogue.",
            hint="Offer ids are the file names in catalogue/offers/<slug>/.",
        )
    now = utc_now()
    at = parse_utc(issued, what="--issued") if issued else now
    until = parse_utc(valid_until, what="--valid-until") if valid_until else None
    signing = signing_key_for(catalogue, load_private_key(key), label=str(key), at=at)
    learners = load_learners(learner_file)
    store = StatusStore(
        catalogue_dir,
        slug=signing.issuer.slug,
        site_url=catalogue.alliance.site_url,
        issuer_did=signing.verification_method.split("#")[0],
    )
    signer = list_signer(signing)
    if status_key is not None:
        status_signing = signing_key_for(
            catalogue, load_private_key(status_key), label=str(status_key), at=now
        )
        if status_signing.issuer.slug != signing.issuer.slug:
            raise IssuingError("--status-key belongs to another issuer.")
        signer = list_signer(status_signing)
    return IssueRun(
        catalogue, offer, learners, signing, signer, store, fmt, out, at, until, status_purpose, now
    )


def _append_log(path: Path, items: Sequence[IssuedCredential], offer_id: str, fmt: str) -> None:
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(
                [
                    "file",
                    "credential_id",
                    "offer",
                    "format",
                    "learner",
                    "status_list",
                    "status_index",
                ]
            )
        for item in items:
            writer.writerow(
                [
                    item.file_name,
                    item.credential_id,
                    offer_id,
                    fmt,
                    item.learner.full_name,
                    item.status.list_url if item.status else "",
                    item.status.index if item.status else "",
                ]
            )


# --------------------------------------------------------------------------------------------
# status


def credential_status_of(path: Path) -> tuple[str, dict[str, Any] | None]:
    """(credential id, credentialStatus) of an issued credential file (EDC or OB3)."""
    try:
        document = json.loads(path.read_text("utf-8"))
        if isinstance(document, dict) and isinstance(document.get("payload"), str):
            document = json.loads(document["payload"])
    except (OSError, ValueError):
        raise IssuingError("The credential file cannot be read as JSON.", file=str(path)) from None
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise IssuingError("The file is not a credential with an id.", file=str(path))
    status = document.get("credentialStatus")
    return document["id"], status if isinstance(status, dict) else None


def _status_store(catalogue_dir: Path, slug: str, key: Path) -> tuple[StatusStore, ListSigner]:
    """The issuer's status lists and the signer of `key`, which must be the issuer's."""
    catalogue = open_catalogue(catalogue_dir)
    issuer = _issuer(catalogue, slug)
    signing = signing_key_for(catalogue, load_private_key(key), label=str(key), at=utc_now())
    if signing.issuer.slug != issuer.slug:
        raise IssuingError(f"The key belongs to {signing.issuer.slug}, not {issuer.slug}.")
    signer = list_signer(signing)
    if signer is None:
        raise IssuingError(
            "Status lists are signed with EdDSA or ES256 keys.",
            hint="Pass the issuer's EdDSA or ES256 key with --key.",
        )
    store = StatusStore(
        catalogue_dir,
        slug=issuer.slug,
        site_url=catalogue.alliance.site_url,
        issuer_did=signing.verification_method.split("#")[0],
    )
    return store, signer


def publish_status(catalogue_dir: Path, *, slug: str, key: Path) -> list[Path]:
    """Re-sign every status list of the issuer; the files written."""
    store, signer = _status_store(catalogue_dir, slug, key)
    return list(store.save(signer, now=utc_now(), resign_all=True))


@dataclass(frozen=True)
class StatusChange:
    entry: StatusEntry
    changed: bool  # False: the bit was already so, and the list was not changed
    written: list[Path]


def change_status(
    catalogue_dir: Path, *, slug: str, credential: str, key: Path, action: StatusAction
) -> StatusChange:
    """Revoke, suspend or reinstate a credential (by id or by its file) and re-sign its list."""
    store, signer = _status_store(catalogue_dir, slug, key)
    entry = _entry_for(credential, store)
    wanted = {"revoke": "revocation", "suspend": "suspension", "unsuspend": "suspension"}
    if entry.purpose != wanted[action]:
        raise IssuingError(
            f"This credential's status entry is for {entry.purpose}, so it cannot be "
            f"{'revoked' if action == 'revoke' else 'suspended or reinstated'}.",
            hint="Credentials issued with --status-purpose suspension can be suspended; "
            "the default entry allows revocation.",
        )
    changed = store.set_status(entry, action != "unsuspend")
    written = store.save(signer, now=utc_now())
    return StatusChange(entry, changed, list(written))


def _entry_for(credential: str, store: StatusStore) -> StatusEntry:
    path = Path(credential)
    if not credential.startswith("urn:") and path.exists():
        credential_id, status = credential_status_of(path)
        if status:
            url = str(status.get("statusListCredential", ""))
            prefix = f"{store.site_url}issuers/{store.slug}/status/"
            if not url.startswith(prefix) or not url.endswith(".json"):
                raise IssuingError(
                    "The credential's status list is not one of this issuer's.", file=str(path)
                )
            list_id = url[len(prefix) : -len(".json")]
            try:
                index = int(str(status.get("statusListIndex")))
            except ValueError:
                raise IssuingError(
                    "The credential's statusListIndex is not a number.", file=str(path)
                ) from None
            if store.used(list_id).used.get(index) is None:
                raise IssuingError(
                    "The credential's status index is not recorded as used.",
                    file=str(path),
                    hint="Was it issued from this catalogue?",
                )
            return StatusEntry(list_id, url, index, str(status.get("statusPurpose")))
        credential = credential_id
    entry = store.locate(credential)
    if entry is None:
        raise IssuingError(
            f"No status entry is recorded for {credential}.",
            hint="Check the id (see issued.csv where you issued it) and the issuer.",
        )
    return entry
