"""Each university's keys and status lists are reviewed by that university's owners.

A changed public key or status list changes what the verifier accepts. GitHub asks the owners
of the LAST matching line of `.github/CODEOWNERS` to review a file, so every issuer needs an
explicit rule for its `keys/` and `status/` folders that no later line overrides, naming its
own team only (any one owner on a line can approve).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODEOWNERS = ROOT / ".github" / "CODEOWNERS"
ISSUERS = ROOT / "catalogue" / "issuers"
TRUST_FOLDERS = ("keys", "status")

Rule = tuple[int, str, tuple[str, ...]]  # line number, pattern, owners


def parse(text: str) -> list[Rule]:
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        rules.append((number, pattern, tuple(owners)))
    return rules


def _regex(pattern: str) -> re.Pattern[str]:
    """A CODEOWNERS pattern (gitignore syntax, as GitHub documents it) as a regex on paths."""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    out = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    prefix = "^" if anchored else "^(?:.*/)?"
    # A directory pattern (trailing slash) owns everything below it; a plain name matches the
    # file itself or, if it is a folder, everything below it.
    tail = "/.+$" if pattern.endswith("/") else "(?:/.*)?$"
    if pattern in ("*", "/*"):
        return re.compile(r"^.+$") if pattern == "*" else re.compile(r"^[^/]+(?:/.*)?$")
    return re.compile(prefix + "".join(out) + tail)


def last_match(rules: list[Rule], path: str) -> Rule | None:
    found = None
    for rule in rules:
        if _regex(rule[1]).match(path):
            found = rule
    return found


def slugs() -> list[str]:
    return sorted(p.stem for p in ISSUERS.glob("*.yaml"))


def trust_root_problems(rules: list[Rule], issuer_slugs: list[str]) -> list[str]:
    problems = []
    default = last_match(rules, "some/unowned/file.txt")
    first_trust_line = None
    for slug in issuer_slugs:
        university = last_match(rules, f"catalogue/issuers/{slug}.yaml")
        if university is None or (default and university[2] == default[2]):
            problems.append(f"{slug}: no rule names the owners of catalogue/issuers/{slug}.yaml")
            continue
        for folder in TRUST_FOLDERS:
            want = f"/catalogue/issuers/{slug}/{folder}/"
            existing = sorted(
                p.relative_to(ROOT).as_posix()
                for p in (ISSUERS / slug / folder).rglob("*")
                if p.is_file()
            )
            probes = [
                f"catalogue/issuers/{slug}/{folder}/new-key.yaml",
                f"catalogue/issuers/{slug}/{folder}/new-list.json",
                f"catalogue/issuers/{slug}/{folder}/sub/dir/file.pem",
                *existing,
            ]
            for probe in probes:
                rule = last_match(rules, probe)
                if rule is None or rule[1] != want:
                    got = f"line {rule[0]} {rule[1]}" if rule else "no rule"
                    problems.append(f"{probe}: decided by {got}, not by an explicit {want} rule")
                elif rule[2] != university[2]:
                    problems.append(
                        f"{probe}: owned by {' '.join(rule[2])} at line {rule[0]}, "
                        f"not only by the university's {' '.join(university[2])}"
                    )
                else:
                    line = rule[0]
                    first_trust_line = (
                        line if first_trust_line is None else min(first_trust_line, line)
                    )
    if first_trust_line is not None:
        for number, pattern, _owners in rules:
            if number > first_trust_line and not re.fullmatch(
                r"/catalogue/issuers/[a-z0-9-]+/(?:keys|status)/", pattern
            ):
                problems.append(
                    f"line {number} {pattern} comes after the keys and status rules; "
                    "keep those last"
                )
    return problems


def test_issuer_files_are_found() -> None:
    assert slugs(), "no issuer files found"


def test_keys_and_status_lists_are_owned_by_their_university() -> None:
    rules = parse(CODEOWNERS.read_text(encoding="utf-8"))
    problems = trust_root_problems(rules, slugs())
    assert not problems, "CODEOWNERS does not protect the trust root:\n" + "\n".join(problems)


def test_a_later_broader_rule_is_caught() -> None:
    text = CODEOWNERS.read_text(encoding="utf-8")
    for extra in (
        "/catalogue/  @forthem-alliance/microcredential-office",
        "*.yaml  @someone-else",
        "/catalogue/issuers/**  @someone-else",
    ):
        problems = trust_root_problems(parse(text + "\n" + extra + "\n"), slugs())
        assert problems, f"appending {extra!r} went unnoticed"


def test_a_missing_or_shared_keys_rule_is_caught() -> None:
    text = CODEOWNERS.read_text(encoding="utf-8")
    slug = slugs()[0]
    line = next(
        line for line in text.splitlines() if line.startswith(f"/catalogue/issuers/{slug}/keys/")
    )
    assert trust_root_problems(parse(text.replace(line + "\n", "")), slugs())
    widened = text.replace(line, line + " @forthem-alliance/credsite-developers")
    assert trust_root_problems(parse(widened), slugs())


def test_pattern_matching_follows_github() -> None:
    assert _regex("*").match("a/b.txt")
    assert _regex("/catalogue/issuers/lu/").match("catalogue/issuers/lu/keys/k.yaml")
    assert not _regex("/catalogue/issuers/lu/").match("catalogue/issuers/lu.yaml")
    assert _regex("/catalogue/issuers/lu.yaml").match("catalogue/issuers/lu.yaml")
    assert not _regex("/catalogue/issuers/lu.yaml").match("x/catalogue/issuers/lu.yaml")
    assert _regex("*.yaml").match("catalogue/issuers/lu/keys/k.yaml")
    assert _regex("keys/").match("catalogue/issuers/lu/keys/k.yaml")
    assert _regex("/catalogue/**/keys/").match("catalogue/issuers/lu/keys/k.yaml")
    assert not _regex("/catalogue/*/keys/").match("catalogue/issuers/lu/keys/k.yaml")
