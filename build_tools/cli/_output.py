"""What every command prints the same way: errors, with their located findings."""

from __future__ import annotations

import argparse
import sys

from build_tools.errors import CredsiteError
from build_tools.findings import format_text
from build_tools.terminal import printable

EXIT_OK = 0
EXIT_FAILED = 1  # refused, failed, or findings (errors; warnings with --strict)
EXIT_USAGE = 2


def say(text: str) -> None:
    """A line of the command's result on stdout (flushed: `credsite serve` keeps running)."""
    print(text, flush=True)


def report_error(
    prefix: str, exc: CredsiteError, *, findings_under: str = "", each_line: bool = True
) -> None:
    """Print `exc` on stderr after `prefix` (on each of its lines, or on the first only). The
    findings an error carries follow it, located (file:line:col) as `credsite check` writes
    them, under the folder `findings_under`."""
    if exc.findings:
        lines = [f"{exc.message} {exc.hint}" if exc.hint else exc.message]
    else:
        lines = str(exc).splitlines()
    for index, line in enumerate(lines):
        lead = prefix if each_line or index == 0 else ""
        print(printable(f"{lead}{line}"), file=sys.stderr, flush=True)
    if exc.findings:
        print(format_text(exc.findings, prefix=findings_under), file=sys.stderr, flush=True)


def fail(command: str, exc: CredsiteError, args: argparse.Namespace) -> int:
    """Report a refusal of `credsite <command>`: exit status 1."""
    report_error(f"credsite {command}: error: ", exc, findings_under=args.catalogue)
    return EXIT_FAILED
