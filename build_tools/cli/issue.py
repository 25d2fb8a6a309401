"""`credsite issue`: issue signed credentials for an offer.

Example (private keys and issued credentials live OUTSIDE the repository):

    credsite issue --offer lu-data-ethics-practice --learner examples/learner.yaml \\
        --key ~/credsite-keys/lu-eddsa.pem --format ob3 --out ~/issued/

Exit status: 0 done, 1 refused or failed (the message says why and what to do), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from build_tools.errors import CredsiteError
from build_tools.issuing.operations import inside_repository, prepare_issue

from ._options import catalogue_arg
from ._output import EXIT_OK, fail, say


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    issue = subparsers.add_parser(
        "issue",
        help="issue signed credentials (EDC or Open Badges 3.0)",
        description="Issue one credential per learner for an offer. FILE is YAML or JSON for "
        "one learner, CSV for a batch. Each credential gets a unique id and a "
        "status-list entry; the used index is recorded in the catalogue (no "
        "personal data). The credentials themselves hold personal data: keep --out "
        "outside the repository.",
    )
    issue.add_argument("--offer", required=True, metavar="ID")
    issue.add_argument("--learner", required=True, metavar="FILE")
    issue.add_argument("--key", required=True, metavar="PATH", help="private key file")
    issue.add_argument("--format", required=True, choices=("edc", "ob3"), dest="fmt")
    issue.add_argument("--out", required=True, metavar="DIR")
    issue.add_argument("--issued", metavar="DATE", help="issuing time (default: now)")
    issue.add_argument("--valid-until", metavar="DATE", help="expiry (default: none)")
    issue.add_argument(
        "--status-purpose",
        choices=("revocation", "suspension"),
        default="revocation",
        help="what the credential's status entry allows: revocation (default, "
        "permanent) or suspension (reversible)",
    )
    issue.add_argument(
        "--status-key",
        metavar="PATH",
        help="key that signs a new status list when --key cannot (RS256)",
    )
    catalogue_arg(issue)
    issue.set_defaults(handler=run_issue)


def run_issue(args: argparse.Namespace) -> int:
    catalogue_dir, out = Path(args.catalogue), Path(args.out)
    try:
        run = prepare_issue(
            catalogue_dir,
            offer_id=args.offer,
            learner_file=Path(args.learner),
            key=Path(args.key),
            fmt=args.fmt,
            out=out,
            issued=args.issued,
            valid_until=args.valid_until,
            status_purpose=args.status_purpose,
            status_key=Path(args.status_key) if args.status_key else None,
        )
        if inside_repository(catalogue_dir, out):
            print(
                "credsite issue: warning: --out is inside the repository; issued credentials "
                "hold personal data and must not be committed.",
                file=sys.stderr,
            )
        with tqdm(
            total=len(run.learners),
            unit="credential",
            disable=len(run.learners) < 2,
            file=sys.stderr,
        ) as bar:
            issued, written = run.run(progress=bar.update)
    except CredsiteError as exc:
        return fail("issue", exc, args)
    say(
        f"Issued {len(issued)} {args.fmt.upper()} credential(s) for {args.offer} "
        f"into {out} (list: issued.csv)."
    )
    if written:
        say("Status files changed (commit them): " + ", ".join(str(p) for p in written))
    return EXIT_OK
