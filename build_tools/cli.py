"""The `credsite` command line: parse arguments, call the package, print.

Each area of the package registers its own subcommands through a `register(subparsers)`
function, so this module stays thin and the one-way data flow stays visible.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that contribute subcommands, in the order they appear in `credsite --help`.
_COMMAND_MODULES = (
    "build_tools.catalogue.commands",  # check, schema
    "build_tools.sitebuild.commands",  # build, serve
    "build_tools.issuing.commands",  # keys, issue, status
    "build_tools.verifier_cli",  # verify
)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credsite",
        description=(
            "Validate a micro-credential catalogue, build its site, "
            "issue and verify credentials."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
