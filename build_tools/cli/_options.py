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
