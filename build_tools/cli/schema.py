"""`credsite schema`: JSON Schemas of the catalogue files, for editors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from build_tools.catalogue.schema import SchemaFolderError, stale_schemas, write_schemas

from ._output import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = subparsers.add_parser(
        "schema",
        help="write JSON Schemas for the catalogue files (editor autocompletion)",
        description=(
            "Write offer.schema.json, issuer.schema.json, pathway.schema.json and "
            "alliance.schema.json, generated from the catalogue model and vocabularies."
        ),
    )
    schema.add_argument(
        "--out", default="schema", metavar="DIR", help="output folder (default: schema)"
    )
    schema.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the files in --out are missing or out of date",
    )
    schema.set_defaults(handler=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.check:
        stale = stale_schemas(out)
        for path in stale:
            print(f"{path} is missing or out of date; run `credsite schema --out {out}`.")
        return EXIT_FAILED if stale else EXIT_OK
    try:
        written = write_schemas(out)
    except SchemaFolderError as exc:
        print(f"credsite schema: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK
