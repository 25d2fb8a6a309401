"""`credsite translations`: bring the translation catalogues up to date with the sources, and
check or summarise them (docs/translating.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from build_tools.catalogue.loader import load_catalogue
from build_tools.i18n import catalogs
from build_tools.i18n.extract import current, update

from ._output import EXIT_FAILED, EXIT_OK, say


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "translations",
        help="update, check or summarise the interface translations",
        description=(
            "update: extract every interface string into build_tools/locale/messages.pot and "
            "merge it into each language's .po file (new strings empty, changed ones fuzzy). "
            "check: list every missing, fuzzy or inconsistent translation of the alliance's "
            "languages, with file and line, as the build does. status: strings translated per "
            "language."
        ),
    )
    parser.add_argument("action", choices=("update", "check", "status"))
    parser.add_argument(
        "--catalogue", default="catalogue", metavar="DIR", help="catalogue folder (languages)"
    )
    parser.set_defaults(handler=run_translations)


def _languages(folder: Path) -> list[str]:
    result = load_catalogue(folder)
    if result.catalogue is None:
        return []
    return list(result.catalogue.alliance.languages)


def run_translations(args: argparse.Namespace) -> int:
    langs = _languages(Path(args.catalogue))
    if not langs:
        say(f"Cannot read the languages of {args.catalogue}/alliance.yaml; run `credsite check`.")
        return EXIT_FAILED
    if args.action == "update":
        for path in update(langs):
            say(f"wrote {path}")
        return EXIT_OK
    if args.action == "status":
        for lang in langs:
            done, total = catalogs.completeness(lang)
            say(f"{lang}: {done} of {total} strings translated")
        return EXIT_OK
    problems = catalogs.check(langs)
    if not current():
        say(
            "build_tools/locale/messages.pot: out of date with the sources; run "
            "`credsite translations update`."
        )
    for problem in problems:
        say(str(problem))
    ok = not problems and current()
    say("All interface strings are translated." if ok else f"{len(problems)} problem(s).")
    return EXIT_OK if ok else EXIT_FAILED
