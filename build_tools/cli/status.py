"""`credsite status …`: revoke, suspend or reinstate issued credentials.

Examples (private keys live OUTSIDE the repository):

    credsite status revoke --issuer lu --credential urn:uuid:… --key ~/credsite-keys/lu-eddsa.pem
    credsite status publish --issuer lu --key ~/credsite-keys/lu-eddsa.pem

Exit status: 0 done, 1 refused or failed (the message says why and what to do), 2 usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from build_tools.errors import CredsiteError
from build_tools.issuing.operations import change_status, publish_status

from ._options import catalogue_arg, command_group, issuer_arg
from ._output import EXIT_OK, fail, say


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = command_group(
        subparsers,
        "status",
        help="revoke, suspend or reinstate issued credentials",
        description="Change a credential's bit in the issuer's Bitstring Status List and "
        "re-sign the list. Commit the changed files; the next build publishes them.",
    )
    for name, text in (
        ("revoke", "revoke a credential (permanent)"),
        ("suspend", "suspend a credential issued with --status-purpose suspension"),
        ("unsuspend", "lift a suspension"),
    ):
        parser = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        issuer_arg(parser)
        parser.add_argument(
            "--credential",
            required=True,
            metavar="ID_OR_FILE",
            help="the credential id (urn:…) or the issued credential file",
        )
        parser.add_argument(
            "--key",
            required=True,
            metavar="PATH",
            help="an EdDSA or ES256 private key of the issuer",
        )
        catalogue_arg(parser)
        parser.set_defaults(handler=run_status, action=name)
    publish = sub.add_parser(
        "publish",
        help="(re-)sign all status lists of an issuer",
        description="Re-sign every status list of the issuer, e.g. after a key change.",
    )
    issuer_arg(publish)
    publish.add_argument("--key", required=True, metavar="PATH")
    catalogue_arg(publish)
    publish.set_defaults(handler=run_status, action="publish", credential=None)


def run_status(args: argparse.Namespace) -> int:
    catalogue_dir, key = Path(args.catalogue), Path(args.key)
    try:
        if args.action == "publish":
            written = publish_status(catalogue_dir, slug=args.issuer, key=key)
        else:
            change = change_status(
                catalogue_dir,
                slug=args.issuer,
                credential=args.credential,
                key=key,
                action=args.action,
            )
    except CredsiteError as exc:
        return fail(f"status {args.action}", exc, args)
    if args.action == "publish":
        say(f"Re-signed {len(written)} status list(s) of {args.issuer}.")
        return EXIT_OK
    verb = {"revoke": "revoked", "suspend": "suspended", "unsuspend": "reinstated"}[args.action]
    if change.changed:
        say(
            f"Credential {verb} (list {change.entry.list_id}, index {change.entry.index}). "
            "Commit: " + ", ".join(str(p) for p in change.written)
        )
    else:
        say(f"The credential was already {verb}; the list was not changed.")
    return EXIT_OK
