"""`credsite build` and `credsite serve`."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from build_tools.errors import CredsiteError
from build_tools.sitebuild.build import BuildResult, build_site, find_project, load_valid_catalogue
from build_tools.sitebuild.serve import PortInUse, make_server, serve_forever, site_prefix

from ._options import catalogue_arg
from ._output import EXIT_FAILED, EXIT_OK, report_error, say


def _build(args: argparse.Namespace) -> int:
    try:
        result = build_site(catalogue_dir=Path(args.catalogue), out=Path(args.out), report=say)
    except CredsiteError as exc:
        report_error("error: ", exc, each_line=False)
        return EXIT_FAILED
    s = result.seconds
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in s.items())
    say(f"Built {result.pages} pages and {result.files} files into {result.out} ({timing}).")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    catalogue_dir = Path(args.catalogue)
    try:
        project = find_project()
        catalogue, _ = load_valid_catalogue(catalogue_dir)
    except CredsiteError as exc:
        report_error("error: ", exc, each_line=False)
        return EXIT_FAILED
    temporary = None if args.out else Path(tempfile.mkdtemp(prefix="credsite-serve-"))
    out = Path(args.out) if args.out else Path(str(temporary)) / "site"
    try:
        # The port first: a port in use is one line, before any build.
        try:
            server = make_server(out, site_prefix(catalogue.alliance.site_url), args.port)
        except PortInUse as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            return EXIT_FAILED

        def build() -> BuildResult:
            return build_site(catalogue_dir=catalogue_dir, out=out, project=project, report=say)

        try:
            build()
        except CredsiteError as exc:
            server.server_close()
            report_error("error: ", exc, each_line=False)
            return EXIT_FAILED
        serve_forever(
            build=build,
            out=out,
            site_url=catalogue.alliance.site_url,
            watch=[catalogue_dir, project / "site_src", project / "mkdocs.yml"],
            port=args.port,
            report=say,
            server=server,
        )
        return EXIT_OK
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "build",
        help="validate the catalogue and build the static site",
        description="Validate the catalogue, generate pages and data files, run `mkdocs build "
        "--strict` and replace the output folder atomically (a failed build leaves it untouched).",
    )
    catalogue_arg(p)
    p.add_argument("--out", default="site", help="output folder (default: site)")
    p.set_defaults(handler=_build)

    s = subparsers.add_parser(
        "serve",
        help="build the site and serve it on 127.0.0.1, rebuilding on changes",
        description="Build the site, serve it on 127.0.0.1 under its own sub-path, and rebuild "
        "whenever a file under catalogue/ or site_src/ changes.",
    )
    catalogue_arg(s)
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    s.add_argument(
        "--out", default=None, help="folder for the built site (default: a temporary folder)"
    )
    s.set_defaults(handler=_serve)
