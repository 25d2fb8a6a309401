"""The `credsite` command line: parse arguments, call the package, print.

One module per command group registers its subcommands (`register(subparsers)`), parses its
arguments and prints; the parts it calls return values and raise `CredsiteError`
(`build_tools.errors`). Nothing else in the package prints.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from . import build, check, export, issue, keys, schema, status, translations, verify

# Command groups, in the order they appear in `credsite --help`.
_GROUPS = (check, schema, build, export, keys, issue, status, verify, translations)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credsite",
        description=(
            "Validate a micro-credential catalogue, build its site, issue and verify credentials."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in _GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    return int(args.handler(args))
