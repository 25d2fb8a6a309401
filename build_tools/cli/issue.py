"""`credsite issue`: issue signed credentials for an offer.

Example (private keys and issued credentials live OUTSIDE the repository):

    credsite issue --offer lu-data-ethics-practice --learner examples/learner.yaml \\
        --key ~/credsite-keys/lu-eddsa.pem --format ob3 --out ~/issued/

Each credential's share link (the verify page's address with the credential in its fragment,
docs/interfaces.md) is printed and appended to share-links.csv in --out, or the reason there is
none (an EDC carries its page image and is too large for a link); --certificate also writes a
printable page per credential with a QR code that opens the verify page:

    credsite issue --offer lu-data-ethics-practice --learner examples/learner.yaml \\
        --key ~/credsite-keys/lu-eddsa.pem --format ob3 --out ~/issued/ --certificate

Exit status: 0 done, 1 refused or failed (the message says why and what to do), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from build_tools.errors import CredsiteError
from build_tools.issuing.operations import (
    IssuedShare,
    inside_repository,
    prepare_issue,
    share_issued,
)

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
    issue.add_argument(
        "--certificate",
        action="store_true",
        help="also write a printable one-page certificate (<file>.certificate.html) with a QR "
        "code that opens the verify page",
    )
    catalogue_arg(issue)
    issue.set_defaults(handler=run_issue)


# More credentials than this: the share links go to share-links.csv only, not to the screen.
_PRINT_LINKS_UP_TO = 10


def _say_shares(shares: list[IssuedShare], out: Path) -> None:
    too_large = [s for s in shares if not s.plan.fits]
    if len(shares) <= _PRINT_LINKS_UP_TO:
        for entry in shares:
            if entry.plan.link:
                say(
                    f"Share link for {entry.file_name} ({entry.plan.link_chars:,} characters; it "
                    f"contains the credential, so anyone with the link can read it):\n"
                    f"{entry.plan.link}"
                )
            else:
                say(f"No share link for {entry.file_name}: {entry.plan.reason}.")
    else:
        tail = "."
        if too_large:
            tail = f"; {len(too_large)} credential(s) too large for a link: "
            tail += f"{too_large[0].plan.reason}."
        say(f"Share links: {len(shares) - len(too_large)} in {out / 'share-links.csv'}{tail}")
    pages = [s.certificate for s in shares if s.certificate is not None]
    if pages:
        kinds = {s.plan.qr.kind for s in shares}
        what = (
            "contains the credential"
            if kinds == {"credential"}
            else "opens the verify page and names the credential (the credential is too large "
            "for a QR code)"
            if kinds == {"id"}
            else "contains the credential where it fits, else names it"
        )
        shown = ", ".join(str(p) for p in pages[:3]) + (" …" if len(pages) > 3 else "")
        say(f"Certificates with verification ({len(pages)}; the QR code {what}): {shown}")


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
        shares = share_issued(run, issued, certificates=args.certificate)
    except CredsiteError as exc:
        return fail("issue", exc, args)
    say(
        f"Issued {len(issued)} {args.fmt.upper()} credential(s) for {args.offer} "
        f"into {out} (list: issued.csv)."
    )
    _say_shares(shares, out)
    if written:
        say("Status files changed (commit them): " + ", ".join(str(p) for p in written))
    return EXIT_OK
