"""`credsite check` and `credsite schema`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


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
    check.add_argument(
        "--catalogue",
        default="catalogue",
        metavar="DIR",
        help="catalogue folder (default: catalogue)",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output: text (default), json, or github (GitHub Actions annotations)",
    )
    check.set_defaults(handler=run_check)

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


def run_check(args: argparse.Namespace) -> int:
    from build_tools.catalogue.findings import format_github, format_json, format_text
    from build_tools.catalogue.loader import load_catalogue

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
    return EXIT_FINDINGS if failing else EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    from build_tools.catalogue.schema import render_schemas

    out = Path(args.out)
    files = render_schemas()
    if args.check:
        stale = [
            name
            for name, content in files.items()
            if not (out / name).is_file() or (out / name).read_bytes() != content
        ]
        for name in stale:
            print(f"{out / name} is missing or out of date; run `credsite schema --out {out}`.")
        return EXIT_FINDINGS if stale else EXIT_OK
    if out.exists() and not out.is_dir():
        print(f"credsite schema: error: '{out}' is not a folder.", file=sys.stderr)
        return EXIT_USAGE
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)
        print(f"wrote {out / name}")
    return EXIT_OK
