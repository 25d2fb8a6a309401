"""`credsite keys …`: create, retire and revoke issuer keys.

Examples (run from the repository root; private keys live OUTSIDE the repository):

    credsite keys new --issuer lu --alg EdDSA --private-out ~/credsite-keys/lu-eddsa.pem
    credsite keys retire --issuer lu --kid lu-2026-eddsa-1 --at 2027-01-01
    credsite keys compromised --issuer lu --kid lu-2026-eddsa-1
    credsite keys add-eseal --issuer lu --certificate lu-eseal.pem

Exit status: 0 done, 1 refused or failed (the message says why and what to do), 2 usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Literal

from build_tools.errors import CredsiteError
from build_tools.issuing._common import format_utc
from build_tools.issuing.operations import add_eseal, change_key_status, create_key

from ._options import catalogue_arg, command_group, issuer_arg
from ._output import EXIT_OK, fail, say


def _key_action(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    help: str,
    description: str,
) -> argparse.ArgumentParser:
    """`credsite keys <name> --issuer SLUG --kid KID`: an action on one existing key."""
    parser = sub.add_parser(name, help=help, description=description)
    issuer_arg(parser)
    parser.add_argument("--kid", required=True)
    return parser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = command_group(
        subparsers,
        "keys",
        help="create, retire and revoke issuer keys",
        description="Manage issuer keys. Public keys and certificates go into "
        "catalogue/issuers/<slug>/keys/; private keys never enter the repository.",
    )

    new = sub.add_parser(
        "new",
        help="generate a key pair and a self-signed certificate",
        description="Generate a key pair. The private key is written to "
        "--private-out only (mode 0600, refused inside the "
        "repository); the public key and its certificate go into "
        "the issuer's keys/ folder with status active.",
    )
    issuer_arg(new)
    new.add_argument(
        "--alg",
        required=True,
        choices=("ES256", "EdDSA", "RS256"),
        help="EdDSA for Open Badges 3.0 (and status lists); ES256 or RS256 for EDC seals",
    )
    new.add_argument(
        "--private-out",
        required=True,
        metavar="PATH",
        help="where to write the private key (outside the repository)",
    )
    new.add_argument("--valid-from", metavar="DATE", help="start of validity (default: now)")
    new.add_argument("--kid", help="key id (default: <slug>-<year>-<alg>-<n>)")
    new.add_argument(
        "--demo",
        action="store_true",
        help="demo catalogues only: allow writing the private key into a "
        "'demo-keys' folder inside the repository (public test keys)",
    )
    catalogue_arg(new)
    new.set_defaults(handler=run_keys_new)

    retire = _key_action(
        sub,
        "retire",
        help="stop using a key; credentials issued after the date fail",
        description="Mark a key retired. Credentials issued before --at "
        "(default: now) stay valid; later ones fail.",
    )
    retire.add_argument("--at", metavar="DATE", help="retirement time (default: now)")
    catalogue_arg(retire)
    retire.set_defaults(handler=run_keys_retire)

    compromised = _key_action(
        sub,
        "compromised",
        help="mark a key compromised: everything it signed fails",
        description="Mark a key compromised. Every credential and "
        "status list it signed fails verification.",
    )
    catalogue_arg(compromised)
    compromised.set_defaults(handler=run_keys_compromised)

    eseal = sub.add_parser(
        "add-eseal",
        help="list an existing eSeal certificate (PEM)",
        description="Add an issuer's existing eSeal certificate, used by EU "
        "tools to seal EDCs, so that those credentials are "
        "matched too.",
    )
    issuer_arg(eseal)
    eseal.add_argument("--certificate", required=True, metavar="PEM")
    eseal.add_argument("--kid", help="key id (default: <slug>-eseal-<n>)")
    catalogue_arg(eseal)
    eseal.set_defaults(handler=run_keys_add_eseal)


def run_keys_new(args: argparse.Namespace) -> int:
    try:
        made = create_key(
            Path(args.catalogue),
            slug=args.issuer,
            alg=args.alg,
            private_out=Path(args.private_out),
            valid_from=args.valid_from,
            kid=args.kid,
            demo=args.demo,
        )
    except CredsiteError as exc:
        return fail("keys new", exc, args)
    say(f"Created key {made.kid} ({made.alg}) for {made.issuer_name}.")
    say(f"  public key and certificate: {made.key_file}  (commit this file)")
    say(
        f"  private key:                {made.private_key}  (mode 0600; keep it safe, never "
        "commit it)"
    )
    return EXIT_OK


def run_keys_retire(args: argparse.Namespace) -> int:
    return _change(args, "retired", at=args.at)


def run_keys_compromised(args: argparse.Namespace) -> int:
    return _change(args, "compromised", at=None)


def _change(
    args: argparse.Namespace, status: Literal["retired", "compromised"], at: str | None
) -> int:
    try:
        change = change_key_status(
            Path(args.catalogue), slug=args.issuer, kid=args.kid, status=status, at=at
        )
    except CredsiteError as exc:
        return fail(f"keys {args.keys_command}", exc, args)
    if change.at is not None:
        say(
            f"Key {change.kid} retired at {format_utc(change.at)}: credentials issued "
            "later will fail verification. Commit the changed key file."
        )
    else:
        say(
            f"Key {change.kid} marked compromised: every credential and status list it "
            "signed now fails verification. Commit the changed key file."
        )
    if change.lists_signed:
        say(
            "These status lists are signed with this key and will no longer verify; re-sign "
            "them with an active key of the issuer: " + ", ".join(change.lists_signed)
        )
        say(f"  credsite status publish --issuer {args.issuer} --key NEW-KEY.pem")
    return EXIT_OK


def run_keys_add_eseal(args: argparse.Namespace) -> int:
    try:
        listed = add_eseal(
            Path(args.catalogue), slug=args.issuer, certificate=Path(args.certificate), kid=args.kid
        )
    except CredsiteError as exc:
        return fail("keys add-eseal", exc, args)
    say(
        f"Listed eSeal certificate {listed.kid} for {listed.issuer_name}: {listed.key_file} "
        "(commit this file)."
    )
    return EXIT_OK
