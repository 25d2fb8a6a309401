"""`credsite check`: validate the catalogue and report every finding with file and line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from build_tools.catalogue.loader import load_catalogue
from build_tools.findings import format_github, format_json, format_text

from ._options import catalogue_arg
from ._output import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = subparsers.add_parser(
        "check",
        help="validate the catalogue and report every problem with file and line",
        description=(
            "Load every catalogue file, check it against the format, the vocabularies and the "
            "alliance policy, and report all findings at once. Exit status: 0 no errors "
            "(warnings allowed unless --strict), 1 errors, 2 usage error."
        ),
    )
    catalogue_arg(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output: text (default), json, or github (GitHub Actions annotations)",
    )
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    root = Path(args.catalogue)
    if not root.is_dir():
        print(
            f"credsite check: error: the catalogue folder '{root}' does not exist.", file=sys.stderr
        )
        return EXIT_USAGE
    result = load_catalogue(root)
    findings = result.findings
    prefix = args.catalogue
    if args.format == "json":
        print(format_json(findings, prefix=prefix))
    elif args.format == "github":
        if findings:
            print(format_github(findings, prefix=prefix))
    else:
        if findings:
            print(format_text(findings, prefix=prefix))
    errors = len(result.errors)
    warnings = len(result.warnings)
    failing = errors + (warnings if args.strict else 0)
    if args.format == "text":
        from build_tools.catalogue.loader import unloaded_offers

        offers = len(result.catalogue.offers) if result.catalogue else 0
        unread = len(unloaded_offers(root, result.catalogue))
        checked = f"{offers} offers checked"
        if unread:
            checked += f" ({unread} more could not be read)"
        summary = (
            f"{checked}: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}"
        )
        if args.strict and warnings and not errors:
            summary += " (--strict: warnings count as errors)"
        print(summary, file=sys.stderr if findings else sys.stdout)
    return EXIT_FAILED if failing else EXIT_OK
