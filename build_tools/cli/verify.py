"""`credsite verify FILE...`: verify credential files against a registry.

The verifier core does no I/O; this command reads the files, the registry and the status lists
it serves (`build_tools.registry_files`), runs the core (in a process pool for many files) and
prints the reports.

Exit codes: 0 every file valid (warnings allowed), 1 any file invalid or unverifiable, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from build_tools.errors import CredsiteError
from build_tools.registry_files import fetch, load_registry
from build_tools.terminal import printable
from build_tools.verifier import Registry, Report, verify
from build_tools.verifier.engine import DEFAULT_MAX_BYTES

from ._output import EXIT_FAILED, EXIT_OK, EXIT_USAGE, report_error

_POOL_THRESHOLD = 8

_STATUS_MARK = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "skip": "SKIP"}
_VERDICT_TEXT = {
    "valid": "VALID",
    "valid_with_warnings": "VALID, WITH WARNINGS",
    "invalid": "INVALID",
    "unverifiable": "COULD NOT BE VERIFIED",
}


class _UsageError(CredsiteError):
    default_code = "USAGE"


# --------------------------------------------------------------------------------------------
# verification, in this process or in a pool of workers


_WORKER: dict[str, Any] = {}


def _init_worker(
    registry: dict[str, Any],
    lists: dict[str, bytes],
    now: datetime,
    allow_network: bool,
    lang: str = "en",
) -> None:
    from build_tools.i18n.catalogs import strings_for
    from build_tools.verifier.crypto_cpython import CPythonCrypto

    _WORKER.update(
        messages=strings_for(lang),
        now=now,
        built=Registry.from_json(
            registry, status_lists=lists, fetch_status_list=_fetch if allow_network else None
        ),
        crypto=CPythonCrypto(),
    )


def _fetch(url: str) -> bytes | None:
    """A status list the registry does not supply, from the network (--allow-network)."""
    try:
        return fetch(url)
    except (OSError, ValueError):
        return None


def _read_limited(path: str, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, but never more than `limit` + 1 of them: enough for the verifier to
    refuse a larger file by its size (FORMAT_TOO_LARGE) without it being read whole (a 2 GB
    file cost 2 GB of memory), as the browser does."""
    with open(path, "rb") as handle:
        return handle.read(limit + 1)


def _verify_file(path: str) -> dict[str, Any]:
    try:
        data = _read_limited(path)
    except OSError as exc:
        return {"file": path, "error": f"cannot read: {exc.strerror or exc}"}
    registry: Registry = _WORKER["built"]
    report: Report = verify(data, registry, now=_WORKER["now"], crypto=_WORKER["crypto"])
    return {"file": path, **report.to_dict(_WORKER["messages"])}


def _iter_results(
    files: list[str],
    registry: dict[str, Any],
    lists: dict[str, bytes],
    now: datetime,
    allow_network: bool,
    jobs: int | None,
    lang: str = "en",
) -> Iterable[dict[str, Any]]:
    if len(files) < _POOL_THRESHOLD or jobs == 1:
        _init_worker(registry, lists, now, allow_network, lang)
        for path in files:
            yield _verify_file(path)
        return
    with ProcessPoolExecutor(
        max_workers=jobs,
        initializer=_init_worker,
        initargs=(registry, lists, now, allow_network, lang),
    ) as pool:
        yield from pool.map(_verify_file, files, chunksize=max(1, min(64, len(files) // 32)))


# --------------------------------------------------------------------------------------------
# output


def _human(result: dict[str, Any], indent: str = "") -> list[str]:
    if "error" in result:
        return [f"{indent}{result['file']}: {result['error']}"]
    head = f"{indent}{result['file']}: " if "file" in result else indent
    lines = [
        f"{head}{_VERDICT_TEXT.get(result['verdict'], result['verdict'])} ({result['format']})"
    ]
    credential = result.get("credential") or {}
    issuer = credential.get("issuer") or {}
    mark = "" if credential.get("verified") else " [UNVERIFIED]"
    if credential.get("title") or issuer.get("name"):
        who = issuer.get("name") if issuer.get("from_registry") else "issuer not in registry"
        lines.append(f"{indent}  {credential.get('title') or '(untitled)'} — {who}{mark}")
    if credential.get("learner"):
        lines.append(f"{indent}  Learner: {credential['learner']}{mark}")
    if not issuer.get("from_registry"):
        lines.extend(f"{indent}  {line}" for line in _unregistered_issuer(issuer))
    for check in result.get("checks", []):
        lines.append(
            f"{indent}  [{_STATUS_MARK.get(check['status'], check['status'])}] "
            f"{check['id']:<11} {check['message']}"
        )
    for index, sub in enumerate(result.get("credentials") or [], 1):
        lines.append(f"{indent}  credential {index}:")
        lines.extend(_human(sub, indent + "    "))
    return lines


def _unregistered_issuer(issuer: dict[str, Any]) -> list[str]:
    """What the report can say of an issuer outside the registry: each line is what the file
    claims, labelled so, never a name shown as the issuer."""
    lines: list[str] = []
    alliance = issuer.get("alliance")
    named = issuer.get("names_itself")
    if named:
        where = f"{alliance}'s universities" if alliance else "this registry's issuers"
        lines.append(f'Issuer: not one of {where}; it names itself "{named}" [NOT VERIFIED]')
    cert = issuer.get("certificate")
    if isinstance(cert, dict):
        lines.append(
            f'Seal certificate: issued to "{cert.get("subject")}" '
            + (
                "(self-signed)"
                if cert.get("self_signed")
                else f'by "{cert.get("issuer")}" (a certificate authority)'
            )
            + " [NOT VERIFIED]"
        )
    if issuer.get("did"):
        lines.append(f"Signing key: a key of {issuer['did']}, not in this registry")
    return lines


# The closing line's words for each outcome, in the order they are listed.
_TALLY_WORDS = {
    "valid": "valid",
    "valid_with_warnings": "valid with warnings",
    "invalid": "invalid",
    "unverifiable": "could not be verified",
    "error": "could not be read",
}


def _tally(counts: dict[str, int]) -> str:
    """One line counting every outcome present: "3 valid, 1 invalid"."""
    known = [k for k in _TALLY_WORDS if counts.get(k)]
    other = sorted(k for k in counts if k not in _TALLY_WORDS and counts[k])
    return ", ".join(f"{counts[k]} {_TALLY_WORDS.get(k, k)}" for k in known + other)


def _parse_now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _UsageError(f"--now: not an ISO date-time: {text!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    try:
        now = _parse_now(args.now)
        registry, lists = load_registry(args.registry, allow_network=args.allow_network)
    except CredsiteError as exc:
        report_error("credsite verify: ", exc, findings_under=args.registry)
        return EXIT_USAGE
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        print(f"credsite verify: no such file: {printable(', '.join(missing))}", file=sys.stderr)
        return EXIT_USAGE
    alliance = registry.get("alliance")
    if isinstance(alliance, dict) and alliance.get("demo") is True:
        print(
            "credsite verify: this registry is a demonstration: the private keys of its issuers "
            "are published, so anyone can sign a credential that verifies against it.",
            file=sys.stderr,
        )
    results = _iter_results(
        list(args.files), registry, lists, now, args.allow_network, args.jobs, args.lang
    )
    if len(args.files) > 1:
        from tqdm import tqdm

        results = tqdm(
            results,
            total=len(args.files),
            unit="file",
            file=sys.stderr,
            disable=None,
            desc="verifying",
        )
    worst = EXIT_OK
    counts: dict[str, int] = {}
    try:
        for item in results:
            if "error" in item or item.get("verdict") not in ("valid", "valid_with_warnings"):
                worst = EXIT_FAILED
            outcome = "error" if "error" in item else str(item.get("verdict"))
            counts[outcome] = counts.get(outcome, 0) + 1
            if args.json:
                print(json.dumps(item, ensure_ascii=False), flush=True)
            else:
                print("\n".join(map(printable, _human(item))), flush=True)
        if not args.json and counts:
            print(printable(_tally(counts)), flush=True)
    except BrokenPipeError:  # e.g. `credsite verify ... | head`
        sys.stderr.close()
        return worst
    return worst


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="verify credential files (EDC, Open Badges 3.0, W3C VC)",
        description="Verify credential files against the registry of a catalogue or a built site. "
        "Nothing is fetched from the network unless --allow-network is given.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="credential file(s)")
    parser.add_argument(
        "--registry",
        default="catalogue",
        metavar="PATH_OR_URL",
        help="registry.json, a built site folder, or a catalogue folder (default: catalogue)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON report per file (JSON Lines)"
    )
    parser.add_argument(
        "--now", metavar="DATETIME", help="check validity at this ISO date-time instead of now"
    )
    parser.add_argument(
        "--allow-network",
        action="store_true",
        help="allow fetching http(s) status lists (and a registry URL)",
    )
    parser.add_argument(
        "--lang",
        default="en",
        metavar="LANG",
        help="language of the check messages, one of the site's (default: en); codes and "
        "the JSON's keys stay the same",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes for many files (default: CPU count)",
    )
    parser.set_defaults(handler=run)


def main(argv: Sequence[str] | None = None) -> int:
    """`credsite verify ARGS…`, for callers that only verify."""
    from build_tools.cli import main as credsite

    return credsite(["verify", *(sys.argv[1:] if argv is None else argv)])
