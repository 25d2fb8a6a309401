"""`credsite export`: the catalogue in a format another register takes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from build_tools.errors import CredsiteError
from build_tools.outputs.loq_export import export_loq_rdfxml
from build_tools.sitebuild.build import load_valid_catalogue

from ._options import catalogue_arg
from ._output import EXIT_FAILED, EXIT_OK, report_error, say


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = subparsers.add_parser(
        "export",
        help="write the catalogue for another register (Europass QDR)",
        description=(
            "Write the catalogue as an ELM 3.2 'Learning Opportunities and Qualifications' (LOQ) "
            "dataset in RDF/XML, for a publishing agreement with the Europass Qualification "
            "Dataset Register: every offer with its specification, awarding bodies and the "
            "alliance, the same graph as the site's catalogue.jsonld, conforming to the official "
            "LOQ 3.2 shapes (offers that `credsite check` reports as QDR_NQF_LEVEL_UNKNOWN lack "
            "the national level the register needs)."
        ),
    )
    export.add_argument(
        "--format", required=True, choices=["elm-loq-rdfxml"], help="the format to write"
    )
    catalogue_arg(export)
    export.add_argument(
        "--out", default=None, metavar="FILE", help="file to write (default: standard output)"
    )
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    try:
        catalogue, warnings = load_valid_catalogue(Path(args.catalogue))
    except CredsiteError as exc:
        report_error("error: ", exc, each_line=False)
        return EXIT_FAILED
    if warnings:
        print(f"{len(warnings)} warnings: `credsite check` lists them.", file=sys.stderr)
    data = export_loq_rdfxml(catalogue)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(args.out).write_bytes(data)
        say(f"Wrote {len(catalogue.offers)} offers to {args.out} ({len(data):,} bytes).")
    return EXIT_OK
