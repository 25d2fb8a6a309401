"""`credsite keys …`, `credsite issue` and `credsite status …`.

Examples (run from the repository root; private keys live OUTSIDE the repository):

    credsite keys new --issuer lu --alg EdDSA --private-out ~/credsite-keys/lu-eddsa.pem
    credsite keys retire --issuer lu --kid lu-2026-eddsa-1 --at 2027-01-01
    credsite keys compromised --issuer lu --kid lu-2026-eddsa-1
    credsite keys add-eseal --issuer lu --certificate lu-eseal.pem
    credsite issue --offer lu-data-ethics-practice --learner examples/learner.yaml \\
        --key ~/credsite-keys/lu-eddsa.pem --format ob3 --out ~/issued/
    credsite status revoke --issuer lu --credential urn:uuid:… --key ~/credsite-keys/lu-eddsa.pem
    credsite status publish --issuer lu --key ~/credsite-keys/lu-eddsa.pem

Exit status: 0 done, 1 refused or failed (the message says why and what to do), 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from ._common import IssuingError, format_utc, parse_utc, utc_now

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _register_keys(subparsers)
    _register_issue(subparsers)
    _register_status(subparsers)


def _catalogue_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalogue", default="catalogue", metavar="DIR",
                        help="catalogue folder (default: catalogue)")


def _register_keys(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = subparsers.add_parser(
        "keys", help="create, retire and revoke issuer keys",
        description="Manage issuer keys. Public keys and certificates go into "
                    "catalogue/issuers/<slug>/keys/; private keys never enter the repository.")
    sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    new = sub.add_parser("new", help="generate a key pair and a self-signed certificate",
                         description="Generate a key pair. The private key is written to "
                                     "--private-out only (mode 0600, refused inside the "
                                     "repository); the public key and its certificate go into "
                                     "the issuer's keys/ folder with status active.")
    new.add_argument("--issuer", required=True, metavar="SLUG")
    new.add_argument("--alg", required=True, choices=("ES256", "EdDSA", "RS256"),
                     help="EdDSA for Open Badges 3.0 (and status lists); ES256 or RS256 for "
                          "EDC seals")
    new.add_argument("--private-out", required=True, metavar="PATH",
                     help="where to write the private key (outside the repository)")
    new.add_argument("--valid-from", metavar="DATE", help="start of validity (default: now)")
    new.add_argument("--kid", help="key id (default: <slug>-<year>-<alg>-<n>)")
    new.add_argument("--demo", action="store_true",
                     help="demo catalogues only: allow writing the private key into a "
                          "'demo-keys' folder inside the repository (public test keys)")
    _catalogue_arg(new)
    new.set_defaults(handler=run_keys_new)

    retire = sub.add_parser("retire", help="stop using a key; credentials issued after the "
                                           "date fail",
                            description="Mark a key retired. Credentials issued before --at "
                                        "(default: now) stay valid; later ones fail.")
    retire.add_argument("--issuer", required=True, metavar="SLUG")
    retire.add_argument("--kid", required=True)
    retire.add_argument("--at", metavar="DATE", help="retirement time (default: now)")
    _catalogue_arg(retire)
    retire.set_defaults(handler=run_keys_retire)

    compromised = sub.add_parser("compromised", help="mark a key compromised: everything it "
                                                     "signed fails",
                                 description="Mark a key compromised. Every credential and "
                                             "status list it signed fails verification.")
    compromised.add_argument("--issuer", required=True, metavar="SLUG")
    compromised.add_argument("--kid", required=True)
    _catalogue_arg(compromised)
    compromised.set_defaults(handler=run_keys_compromised)

    eseal = sub.add_parser("add-eseal", help="list an existing eSeal certificate (PEM)",
                           description="Add an issuer's existing eSeal certificate, used by EU "
                                       "tools to seal EDCs, so that those credentials are "
                                       "matched too.")
    eseal.add_argument("--issuer", required=True, metavar="SLUG")
    eseal.add_argument("--certificate", required=True, metavar="PEM")
    eseal.add_argument("--kid", help="key id (default: <slug>-eseal-<n>)")
    _catalogue_arg(eseal)
    eseal.set_defaults(handler=run_keys_add_eseal)


def _register_issue(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    issue = subparsers.add_parser(
        "issue", help="issue signed credentials (EDC or Open Badges 3.0)",
        description="Issue one credential per learner for an offer. FILE is YAML or JSON for "
                    "one learner, CSV for a batch. Each credential gets a unique id and a "
                    "status-list entry; the used index is recorded in the catalogue (no "
                    "personal data). The credentials themselves hold personal data: keep --out "
                    "outside the repository.")
    issue.add_argument("--offer", required=True, metavar="ID")
    issue.add_argument("--learner", required=True, metavar="FILE")
    issue.add_argument("--key", required=True, metavar="PATH", help="private key file")
    issue.add_argument("--format", required=True, choices=("edc", "ob3"), dest="fmt")
    issue.add_argument("--out", required=True, metavar="DIR")
    issue.add_argument("--issued", metavar="DATE", help="issuing time (default: now)")
    issue.add_argument("--valid-until", metavar="DATE", help="expiry (default: none)")
    issue.add_argument("--status-purpose", choices=("revocation", "suspension"),
                       default="revocation",
                       help="what the credential's status entry allows: revocation (default, "
                            "permanent) or suspension (reversible)")
    issue.add_argument("--status-key", metavar="PATH",
                       help="key that signs a new status list when --key cannot (RS256)")
    _catalogue_arg(issue)
    issue.set_defaults(handler=run_issue)


def _register_status(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = subparsers.add_parser(
        "status", help="revoke, suspend or reinstate issued credentials",
        description="Change a credential's bit in the issuer's Bitstring Status List and "
                    "re-sign the list. Commit the changed files; the next build publishes them.")
    sub = status.add_subparsers(dest="status_command", metavar="ACTION", required=True)
    for name, text in (("revoke", "revoke a credential (permanent)"),
                       ("suspend", "suspend a credential issued with --status-purpose "
                                   "suspension"),
                       ("unsuspend", "lift a suspension")):
        parser = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        parser.add_argument("--issuer", required=True, metavar="SLUG")
        parser.add_argument("--credential", required=True, metavar="ID_OR_FILE",
                            help="the credential id (urn:…) or the issued credential file")
        parser.add_argument("--key", required=True, metavar="PATH",
                            help="an EdDSA or ES256 private key of the issuer")
        _catalogue_arg(parser)
        parser.set_defaults(handler=run_status, action=name)
    publish = sub.add_parser("publish", help="(re-)sign all status lists of an issuer",
                             description="Re-sign every status list of the issuer, e.g. after "
                                         "a key change.")
    publish.add_argument("--issuer", required=True, metavar="SLUG")
    publish.add_argument("--key", required=True, metavar="PATH")
    _catalogue_arg(publish)
    publish.set_defaults(handler=run_status, action="publish", credential=None)


# --------------------------------------------------------------------------------------------
# Shared helpers

def _fail(command: str, exc: IssuingError) -> int:
    for line in str(exc).splitlines():
        print(f"credsite {command}: error: {line}", file=sys.stderr)
    return EXIT_FAILED


def _load(catalogue_dir: Path) -> Any:
    from build_tools.catalogue.loader import load_catalogue

    if not catalogue_dir.is_dir():
        raise IssuingError(f"The catalogue folder '{catalogue_dir}' does not exist.",
                           hint="Pass --catalogue DIR.")
    result = load_catalogue(catalogue_dir, rules=False)
    if result.catalogue is None:
        problems = "; ".join(str(f) for f in result.findings if f.is_error)[:500]
        raise IssuingError("The catalogue cannot be read: " + problems,
                           hint="Run `credsite check` and fix the errors.")
    return result.catalogue


def _issuer(catalogue: Any, slug: str) -> Any:
    issuer = catalogue.issuers.get(slug)
    if issuer is None:
        raise IssuingError(f"There is no issuer '{slug}' in the catalogue.",
                           hint="Known issuers: " + ", ".join(catalogue.issuers) + ".")
    return issuer


def _key_path(catalogue_dir: Path, slug: str, kid: str) -> Path:
    return catalogue_dir / "issuers" / slug / "keys" / f"{kid}.yaml"


# --------------------------------------------------------------------------------------------
# keys

def run_keys_new(args: argparse.Namespace) -> int:
    from .keys import (
        KeyRecord,
        certificate_pem,
        check_kid,
        check_private_key_path,
        generate_private_key,
        key_file_text,
        new_kid,
        private_key_pem,
        public_jwk,
        self_signed_certificate,
        write_private_key,
    )

    try:
        catalogue_dir = Path(args.catalogue)
        catalogue = _load(catalogue_dir)
        issuer = _issuer(catalogue, args.issuer)
        if args.demo and not catalogue.alliance.demo:
            raise IssuingError("--demo is only for demo catalogues (alliance.yaml: demo: true).")
        target = check_private_key_path(Path(args.private_out), catalogue_dir=catalogue_dir,
                                        demo=args.demo)
        if target.exists():
            raise IssuingError("A file already exists there; refusing to overwrite a key.",
                               file=str(target), hint="Choose a new file name.")
        valid_from = parse_utc(args.valid_from, what="--valid-from") if args.valid_from \
            else utc_now()
        existing = {k.kid for k in issuer.keys}
        kid = args.kid or new_kid(issuer.slug, args.alg, valid_from, existing)
        check_kid(kid)
        key_file = _key_path(catalogue_dir, issuer.slug, kid)
        if kid in existing or key_file.exists():
            raise IssuingError(f"The key id {kid} already exists for {issuer.slug}.",
                               hint="Choose another --kid.")
        key = generate_private_key(args.alg)
        cert = self_signed_certificate(key, legal_name=issuer.name, country=issuer.country,
                                       valid_from=valid_from)
        record = KeyRecord(
            kid=kid, alg=args.alg, use="signing", status="active", valid_from=valid_from,
            valid_until=None, jwk=public_jwk(key), certificate=certificate_pem(cert),
            comment=f"Public key of {issuer.name}, created by `credsite keys new`.\n"
                    "The private key is kept outside the repository.",
        )
        write_private_key(target, private_key_pem(key))
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key_file_text(record), "utf-8")
    except IssuingError as exc:
        return _fail("keys new", exc)
    print(f"Created key {kid} ({args.alg}) for {issuer.name}.")
    print(f"  public key and certificate: {key_file}  (commit this file)")
    print(f"  private key:                {target}  (mode 0600; keep it safe, never commit it)")
    return EXIT_OK


def _update_key(args: argparse.Namespace, *, status: str, at: dt.datetime | None) -> int:
    import dataclasses

    from .keys import key_file_text, read_key_file

    command = f"keys {args.keys_command}"
    try:
        path = _key_path(Path(args.catalogue), args.issuer, args.kid)
        if not path.exists():
            raise IssuingError(f"There is no key {args.kid} for issuer {args.issuer}.",
                               file=str(path),
                               hint="List the files in catalogue/issuers/<slug>/keys/.")
        record = read_key_file(path)
        if record.status == "compromised" and status != "compromised":
            raise IssuingError(f"The key {record.kid} is compromised; it cannot be retired.",
                               file=str(path))
        changes: dict[str, Any] = {"status": status}
        if status == "retired":
            assert at is not None
            if at < record.valid_from:
                raise IssuingError("--at is before the key's valid_from.", file=str(path))
            changes["valid_until"] = at
        record = dataclasses.replace(record, **changes)
        path.write_text(key_file_text(record), "utf-8")
    except IssuingError as exc:
        return _fail(command, exc)
    if status == "retired":
        print(f"Key {record.kid} retired at {format_utc(at or utc_now())}: credentials issued "
              "later will fail verification. Commit the changed key file.")
    else:
        print(f"Key {record.kid} marked compromised: every credential and status list it "
              "signed now fails verification. Commit the changed key file.")
    signed = _lists_signed_by(Path(args.catalogue), args.issuer, record.kid)
    if signed:
        print("These status lists are signed with this key and will no longer verify; re-sign "
              "them with an active key of the issuer: " + ", ".join(signed))
        print(f"  credsite status publish --issuer {args.issuer} --key NEW-KEY.pem")
    return EXIT_OK


def _lists_signed_by(catalogue_dir: Path, slug: str, kid: str) -> list[str]:
    folder = catalogue_dir / "issuers" / slug / "status"
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            proof = json.loads(path.read_text("utf-8")).get("proof")
        except (OSError, ValueError, AttributeError):
            continue
        proofs = proof if isinstance(proof, list) else [proof]
        if any(isinstance(p, dict) and str(p.get("verificationMethod", "")).endswith(f"#{kid}")
               for p in proofs):
            found.append(str(path))
    return found


def run_keys_retire(args: argparse.Namespace) -> int:
    try:
        at = parse_utc(args.at, what="--at") if args.at else utc_now()
    except IssuingError as exc:
        return _fail("keys retire", exc)
    return _update_key(args, status="retired", at=at)


def run_keys_compromised(args: argparse.Namespace) -> int:
    return _update_key(args, status="compromised", at=None)


def run_keys_add_eseal(args: argparse.Namespace) -> int:
    from .keys import KeyRecord, alg_of, certificate_pem, check_kid, key_file_text, load_certificate

    try:
        catalogue_dir = Path(args.catalogue)
        catalogue = _load(catalogue_dir)
        issuer = _issuer(catalogue, args.issuer)
        pem_path = Path(args.certificate)
        try:
            data = pem_path.read_bytes()
        except OSError:
            raise IssuingError("The certificate file cannot be read.",
                               file=str(pem_path)) from None
        from build_tools.catalogue.secrets import find_private_key_material

        if find_private_key_material(data, name=str(pem_path)):
            raise IssuingError("The file contains a private key; give only the certificate.",
                               file=str(pem_path), code="PRIVATE_KEY_MATERIAL")
        cert = load_certificate(data, name=str(pem_path))
        existing = {k.kid for k in issuer.keys}
        kid = args.kid
        if not kid:
            n = 1
            while f"{issuer.slug}-eseal-{n}" in existing:
                n += 1
            kid = f"{issuer.slug}-eseal-{n}"
        check_kid(kid)
        key_file = _key_path(catalogue_dir, issuer.slug, kid)
        if kid in existing or key_file.exists():
            raise IssuingError(f"The key id {kid} already exists.", hint="Pass another --kid.")
        record = KeyRecord(
            kid=kid, alg=alg_of(cert.public_key()), use="eseal", status="active",  # type: ignore[arg-type]
            valid_from=cert.not_valid_before_utc, valid_until=None, jwk={},
            certificate=certificate_pem(cert),
            comment=f"eSeal certificate of {issuer.name}, listed by `credsite keys add-eseal`.",
        )
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key_file_text(record), "utf-8")
    except IssuingError as exc:
        return _fail("keys add-eseal", exc)
    print(f"Listed eSeal certificate {kid} for {issuer.name}: {key_file} (commit this file).")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# issue

def run_issue(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from build_tools.catalogue.secrets import repository_root

    from .issue import issue_credentials, list_signer, signing_key_for
    from .keys import load_private_key
    from .learners import load_learners
    from .statuslist import StatusStore

    try:
        catalogue_dir = Path(args.catalogue)
        catalogue = _load(catalogue_dir)
        offer = catalogue.offers.get(args.offer)
        if offer is None:
            raise IssuingError(f"There is no offer '{args.offer}' in the catalogue.",
                               hint="Offer ids are the file names in catalogue/offers/<slug>/.")
        now = utc_now()
        issued = parse_utc(args.issued, what="--issued") if args.issued else now
        valid_until = parse_utc(args.valid_until, what="--valid-until") \
            if args.valid_until else None
        private_key = load_private_key(Path(args.key))
        signing = signing_key_for(catalogue, private_key, label=args.key, at=issued)
        learners = load_learners(Path(args.learner))
        out = Path(args.out)
        root = repository_root(catalogue_dir)
        if root is not None and (out.resolve() == root or root in out.resolve().parents):
            print("credsite issue: warning: --out is inside the repository; issued credentials "
                  "hold personal data and must not be committed.", file=sys.stderr)
        store = StatusStore(catalogue_dir, slug=signing.issuer.slug,
                            site_url=catalogue.alliance.site_url,
                            issuer_did=signing.verification_method.split("#")[0])
        signer = list_signer(signing)
        if args.status_key:
            status_key = load_private_key(Path(args.status_key))
            status_signing = signing_key_for(catalogue, status_key, label=args.status_key,
                                             at=now)
            if status_signing.issuer.slug != signing.issuer.slug:
                raise IssuingError("--status-key belongs to another issuer.")
            signer = list_signer(status_signing)
        with tqdm(total=len(learners), unit="credential", disable=len(learners) < 2,
                  file=sys.stderr) as bar:
            issued_list = issue_credentials(catalogue, offer, learners, signing, fmt=args.fmt,
                                            issued=issued, valid_until=valid_until,
                                            store=store, status_purpose=args.status_purpose,
                                            progress=bar.update, now=now)
        if store.needs_signature and signer is None:
            raise IssuingError("A new status list must be signed, and an RS256 key cannot.",
                               hint="Pass --status-key with the issuer's EdDSA or ES256 key.")
        out.mkdir(parents=True, exist_ok=True)
        for item in issued_list:
            (out / item.file_name).write_bytes(item.content)
        _append_log(out / "issued.csv", issued_list, args.offer, args.fmt)
        written = store.save(signer, now=now)
    except IssuingError as exc:
        return _fail("issue", exc)
    print(f"Issued {len(issued_list)} {args.fmt.upper()} credential(s) for {args.offer} "
          f"into {out} (list: issued.csv).")
    if written:
        print("Status files changed (commit them): " + ", ".join(str(p) for p in written))
    return EXIT_OK


def _append_log(path: Path, items: list[Any], offer_id: str, fmt: str) -> None:
    import csv

    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["file", "credential_id", "offer", "format", "learner",
                             "status_list", "status_index"])
        for item in items:
            writer.writerow([item.file_name, item.credential_id, offer_id, fmt,
                             item.learner.full_name,
                             item.status.list_url if item.status else "",
                             item.status.index if item.status else ""])


# --------------------------------------------------------------------------------------------
# status

def credential_status_of(path: Path) -> tuple[str, dict[str, Any] | None]:
    """(credential id, credentialStatus) of an issued credential file (EDC or OB3)."""
    try:
        document = json.loads(path.read_text("utf-8"))
        if isinstance(document, dict) and isinstance(document.get("payload"), str):
            document = json.loads(document["payload"])
    except (OSError, ValueError):
        raise IssuingError("The credential file cannot be read as JSON.",
                           file=str(path)) from None
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise IssuingError("The file is not a credential with an id.", file=str(path))
    status = document.get("credentialStatus")
    return document["id"], status if isinstance(status, dict) else None


def run_status(args: argparse.Namespace) -> int:
    from .issue import list_signer, signing_key_for
    from .keys import load_private_key
    from .statuslist import StatusStore

    command = f"status {args.action}"
    try:
        catalogue_dir = Path(args.catalogue)
        catalogue = _load(catalogue_dir)
        issuer = _issuer(catalogue, args.issuer)
        now = utc_now()
        private_key = load_private_key(Path(args.key))
        signing = signing_key_for(catalogue, private_key, label=args.key, at=now)
        if signing.issuer.slug != issuer.slug:
            raise IssuingError(f"The key belongs to {signing.issuer.slug}, not {issuer.slug}.")
        signer = list_signer(signing)
        if signer is None:
            raise IssuingError("Status lists are signed with EdDSA or ES256 keys.",
                               hint="Pass the issuer's EdDSA or ES256 key with --key.")
        store = StatusStore(catalogue_dir, slug=issuer.slug,
                            site_url=catalogue.alliance.site_url,
                            issuer_did=signing.verification_method.split("#")[0])
        if args.action == "publish":
            written = store.save(signer, now=now, resign_all=True)
            print(f"Re-signed {len(written)} status list(s) of {issuer.slug}.")
            return EXIT_OK
        entry = _entry_for(args.credential, store)
        wanted = {"revoke": "revocation", "suspend": "suspension", "unsuspend": "suspension"}
        if entry.purpose != wanted[args.action]:
            raise IssuingError(
                f"This credential's status entry is for {entry.purpose}, so it cannot be "
                f"{'revoked' if args.action == 'revoke' else 'suspended or reinstated'}.",
                hint="Credentials issued with --status-purpose suspension can be suspended; "
                     "the default entry allows revocation.")
        changed = store.set_status(entry, args.action != "unsuspend")
        written = store.save(signer, now=now)
    except IssuingError as exc:
        return _fail(command, exc)
    verb = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "reinstated"}[args.action]
    if changed:
        print(f"Credential {verb} (list {entry.list_id}, index {entry.index}). Commit: "
              + ", ".join(str(p) for p in written))
    else:
        print(f"The credential was already {verb}; the list was not changed.")
    return EXIT_OK


def _entry_for(credential: str, store: Any) -> Any:
    from .statuslist import StatusEntry

    path = Path(credential)
    if not credential.startswith("urn:") and path.exists():
        credential_id, status = credential_status_of(path)
        if status:
            url = str(status.get("statusListCredential", ""))
            prefix = f"{store.site_url}issuers/{store.slug}/status/"
            if not url.startswith(prefix) or not url.endswith(".json"):
                raise IssuingError("The credential's status list is not one of this issuer's.",
                                   file=str(path))
            list_id = url[len(prefix):-len(".json")]
            try:
                index = int(str(status.get("statusListIndex")))
            except ValueError:
                raise IssuingError("The credential's statusListIndex is not a number.",
                                   file=str(path)) from None
            if store.used(list_id).used.get(index) is None:
                raise IssuingError("The credential's status index is not recorded as used.",
                                   file=str(path), hint="Was it issued from this catalogue?")
            return StatusEntry(list_id, url, index, str(status.get("statusPurpose")))
        credential = credential_id
    entry = store.locate(credential)
    if entry is None:
        raise IssuingError(f"No status entry is recorded for {credential}.",
                           hint="Check the id (see issued.csv where you issued it) and the "
                                "issuer.")
    return entry
