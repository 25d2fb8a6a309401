"""Options several commands take, written once so that their names and help stay the same."""

from __future__ import annotations

import argparse


def catalogue_arg(parser: argparse.ArgumentParser) -> None:
    """`--catalogue DIR`, the catalogue folder (default: catalogue)."""
    parser.add_argument(
        "--catalogue",
        default="catalogue",
        metavar="DIR",
        help="catalogue folder (default: catalogue)",
    )


def issuer_arg(parser: argparse.ArgumentParser) -> None:
    """`--issuer SLUG`, required: the issuer the command acts for."""
    parser.add_argument("--issuer", required=True, metavar="SLUG")


def command_group(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    help: str,
    description: str,
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """`credsite NAME ACTION …`: a command made of actions, one of which must be given (its
    name lands in `args.<name>_command`); the actions are added to what this returns."""
    group = subparsers.add_parser(name, help=help, description=description)
    return group.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)
