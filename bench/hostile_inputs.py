"""Hostile inputs against the verifier: time per file on the command line and in the browser.

    python bench/hostile_inputs.py [--no-browser] [--site DIR] [--only NAME]

Generates files built to slow a verifier down (pyld's quadratic node map at 88 kB, 268 kB and
larger, 40,000 inline contexts in a 4 MB JWT, documents at each JSON-LD limit, deep nesting,
huge numbers, long strings, many proofs, a 5 MB + 1 byte file, ...), times each through the
CPython engine (`build_tools.verifier.verify`) and through the verifier page in Debian's
Chromium (file input -> result shown, end to end), and prints a table and the worst time per
environment against the goal: every file answered within 5 s.

No timed assertions: the script prints figures and exits 0 unless a run itself failed.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from tests.verifier import _hostile as h  # noqa: E402
from tests.verifier import _make as m  # noqa: E402

GOAL_S = 5.0


def _undefined(cred: dict[str, Any]) -> dict[str, Any]:
    cred["undefinedTerm"] = "sends the Data Integrity path to pyld"
    return cred


def _tags(size: int) -> list[str]:
    """Distinct short strings adding up to about `size` bytes of JSON."""
    return [f"t{i}" for i in range(size // 10)]


def di_quadratic(size: int) -> bytes:
    cred = m.ob3_credential()
    cred["credentialSubject"]["achievement"]["tag"] = _tags(size)
    return m.dumps(h._signed_raw(_undefined(cred)))


def di_merged_subject(count: int) -> bytes:
    """`count` nodes with short arrays, but all with the same id, so pyld's node map merges
    their values."""
    cred = m.ob3_credential()
    cred["credentialSubject"]["achievement"]["alignment"] = [
        {"id": "urn:x:same", "type": "Alignment", "targetName": [f"n{i}-{j}" for j in range(8)]}
        for i in range(count)
    ]
    return m.dumps(h._signed_raw(_undefined(cred)))


def jwt_quadratic(size: int) -> bytes:
    cred = m.ob3_credential()
    cred["credentialSubject"]["achievement"]["tag"] = _tags(size)
    return m.sign_jwt(_undefined(cred), m.keys()["lu-es"]).encode()


def jwt_inline_contexts(count: int) -> bytes:
    cred = m.ob3_credential()
    nodes = [
        {"@context": {"ex": f"https://example.org/{i}#"}, "type": "Alignment", "ex:n": i}
        for i in range(count)
    ]
    # in arrays of 5,000 (within the array limit)
    cred["credentialSubject"]["achievement"]["alignment"] = [
        {"type": "Alignment", "alignment": nodes[i : i + 5_000]} for i in range(0, count, 5_000)
    ]
    return m.sign_jwt(cred, m.keys()["lu-es"]).encode()


def di_inline_contexts_at_limit() -> bytes:
    """Just within the context limits, with long arrays: pyld's path at its largest."""
    from build_tools.verifier.jsonld import MAX_ARRAY_LENGTH, MAX_CONTEXT_TERMS, MAX_CONTEXTS

    cred = m.ob3_credential()
    per = max(1, MAX_CONTEXT_TERMS // (MAX_CONTEXTS - 2))
    cred["credentialSubject"]["achievement"]["alignment"] = [
        {
            "@context": {f"ex{i}x{j}": f"https://example.org/{i}/{j}" for j in range(per)},
            "type": "Alignment",
            "targetName": f"n{i}",
        }
        for i in range(MAX_CONTEXTS - 3)
    ]
    cred["credentialSubject"]["achievement"]["tag"] = [f"t{i}" for i in range(MAX_ARRAY_LENGTH)]
    return m.dumps(h._signed_raw(cred))


def di_objects_at_limit() -> bytes:
    from build_tools.verifier.jsonld import MAX_ARRAY_LENGTH, MAX_OBJECTS

    cred = m.ob3_credential()
    items = [
        {"type": "Alignment", "targetName": f"n{i}", "targetUrl": f"https://example.org/{i}"}
        for i in range(min(MAX_ARRAY_LENGTH, MAX_OBJECTS - 20))
    ]
    cred["credentialSubject"]["achievement"]["alignment"] = items
    return m.dumps(h._signed_raw(_undefined(cred)))


def di_array_at_limit() -> bytes:
    from build_tools.verifier.jsonld import MAX_ARRAY_LENGTH

    cred = m.ob3_credential()
    cred["credentialSubject"]["achievement"]["tag"] = [f"t{i}" for i in range(MAX_ARRAY_LENGTH)]
    return m.dumps(h._signed_raw(_undefined(cred)))


def jwt_values_at_parse_limit() -> bytes:
    """Close to the parser's 500,000 values (refused by the JSON-LD value limit)."""
    cred = m.ob3_credential()
    cred["credentialSubject"]["achievement"]["alignment"] = [
        {"type": "Alignment", "targetName": [f"{j}" for j in range(49)]} for i in range(9_000)
    ]
    return m.sign_jwt(cred, m.keys()["lu-es"]).encode()


def di_values_at_limit() -> bytes:
    """Just within the value limit, in short arrays of one merged subject (pyld's path)."""
    from build_tools.verifier.jsonld import MAX_VALUES

    return di_merged_subject((MAX_VALUES - 200) // 12)


def deep_jsonld(depth: int) -> bytes:
    cred = m.ob3_credential()
    node: dict[str, Any] = {"type": "Achievement", "name": "leaf"}
    for _ in range(depth):
        node = {"type": "Achievement", "name": "x", "related": [node]}
    cred["credentialSubject"]["achievement"]["related"] = [node]
    return m.dumps(h._signed_raw(cred))


def long_string(size: int) -> bytes:
    cred = m.ob3_credential()
    cred["credentialSubject"]["achievement"]["description"] = "x" * size
    return m.dumps(h._signed_raw(cred))


def many_proofs(count: int) -> bytes:
    doc = h._signed()
    doc["proof"] = [copy.deepcopy(doc["proof"]) for _ in range(count)]
    return m.dumps(doc)


def presentation_of_large(count: int, size: int, *, jwt: bool = False) -> bytes:
    items: list[Any] = [
        jwt_quadratic(size).decode() if jwt else json.loads(di_quadratic(size))
        for _ in range(count)
    ]
    return m.dumps(
        {"@context": [m.V2], "type": ["VerifiablePresentation"], "verifiableCredential": items}
    )


CASES: list[tuple[str, Callable[[], bytes]]] = [
    ("di-quadratic-88kB", lambda: di_quadratic(88_000)),
    ("di-quadratic-268kB", lambda: di_quadratic(268_000)),
    ("di-quadratic-1MB", lambda: di_quadratic(1_000_000)),
    ("di-merged-subject-268kB", lambda: di_merged_subject(1_340)),
    ("di-merged-subject-1MB", lambda: di_merged_subject(5_000)),
    ("jwt-quadratic-268kB", lambda: jwt_quadratic(268_000)),
    ("jwt-40000-inline-contexts-4MB", lambda: jwt_inline_contexts(40_000)),
    ("di-contexts-and-array-at-limits", di_inline_contexts_at_limit),
    ("di-objects-at-limit", di_objects_at_limit),
    ("di-values-at-limit", di_values_at_limit),
    ("di-array-at-limit", di_array_at_limit),
    ("jwt-450000-values", jwt_values_at_parse_limit),
    ("di-nesting-60", lambda: deep_jsonld(28)),
    ("json-nesting-10000", lambda: h._nested(10_000)),
    ("huge-integer-100000-digits", lambda: b'{"n": 1' + b"0" * 100_000 + b"}"),
    ("huge-float", lambda: b'{"n": 1e999999}'),
    ("long-string-4.9MB", lambda: long_string(4_900_000)),
    ("many-proofs-1000", lambda: many_proofs(1_000)),
    ("many-proofs-4.9MB", lambda: many_proofs(13_000)),
    ("presentation-30x88kB", lambda: presentation_of_large(30, 88_000)),
    ("presentation-40x88kB-jwt", lambda: presentation_of_large(40, 88_000, jwt=True)),
    ("canonicalisation-blowup", h._blowup_graph),
    ("file-5MB-plus-1", lambda: b"{" + b" " * 4_999_999 + b"}"),
]


def cli_times(files: dict[str, bytes]) -> dict[str, tuple[float, str]]:
    from build_tools.verifier import Registry, verify
    from build_tools.verifier.crypto_cpython import CPythonCrypto

    registry = Registry.from_json(m.registry_dict(), status_lists={})
    crypto = CPythonCrypto()
    out = {}
    for name, data in files.items():
        start = time.perf_counter()
        report = verify(data, registry, now=m.NOW, crypto=crypto)
        seconds = time.perf_counter() - start
        failing = next((c.code for c in report.checks if c.status == "fail"), "")
        out[name] = (seconds, f"{report.verdict} {failing}".strip())
        print(f"  cli  {name:34} {seconds:7.2f} s  {out[name][1]}", file=sys.stderr, flush=True)
    return out


def browser_times(files: dict[str, Path], site: Path | None) -> dict[str, tuple[float, str]]:
    from browser_verify import build_site, serve
    from playwright.sync_api import sync_playwright

    from build_tools.sitebuild.serve import site_prefix
    from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

    work = Path(tempfile.mkdtemp(prefix="credsite-hostile-"))
    out: dict[str, tuple[float, str]] = {}
    try:
        root = site or build_site(work / "built")
        registry = json.loads((root / "registry.json").read_text("utf-8"))
        prefix = site_prefix(str(registry.get("site_url") or "/"))
        with serve(root, prefix) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_context().new_page()
            page.goto(base + "verify/")
            ready = "#credsite-verifier[data-state=ready]"
            page.wait_for_selector(ready, state="attached", timeout=180_000)
            for name, path in files.items():
                page.wait_for_selector(ready, state="attached", timeout=180_000)
                page.evaluate("() => document.querySelector('#cv-download').hidden = true")
                start = time.perf_counter()
                page.set_input_files("#cv-file", str(path))
                page.wait_for_selector(
                    "#cv-download:not([hidden])", state="attached", timeout=180_000
                )
                seconds = time.perf_counter() - start
                row = page.eval_on_selector(
                    "#cv-results > .cv-result",
                    """el => el.dataset.verdict + ' ' + ([...el.querySelectorAll('li')]
                        .map(li => li.dataset.status === 'fail' ? li.dataset.code : '')
                        .find(Boolean) || '')""",
                )
                out[name] = (seconds, str(row).strip())
                print(
                    f"  browser {name:31} {seconds:7.2f} s  {out[name][1]}",
                    file=sys.stderr,
                    flush=True,
                )
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--site", type=Path, help="a built site (default: build the example)")
    parser.add_argument("--only", help="only the cases whose name contains this")
    args = parser.parse_args(argv)
    cases = [(n, f) for n, f in CASES if not args.only or args.only in n]
    tmp = Path(tempfile.mkdtemp(prefix="credsite-hostile-files-"))
    try:
        data = {name: make() for name, make in cases}
        paths = {}
        for name, content in data.items():
            paths[name] = tmp / f"{name}.json"
            paths[name].write_bytes(content)
        envs = {"cli": cli_times(data)}
        if not args.no_browser:
            envs["browser"] = browser_times(paths, args.site)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    head = f"{'input':34} {'size':>10}"
    for env in envs:
        head += f" {env + ' s':>10}  {env + ' outcome':40}"
    print(head)
    for name in data:
        line = f"{name:34} {len(data[name]):>10,}"
        for results in envs.values():
            seconds, outcome = results[name]
            line += f" {seconds:>10.2f}  {outcome[:40]:40}"
        print(line)
    for env, results in envs.items():
        worst = max(results, key=lambda n: results[n][0])
        seconds = results[worst][0]
        verdict = "meets" if seconds < GOAL_S else "MISSES"
        print(f"worst {env}: {seconds:.2f} s ({worst}); goal < {GOAL_S:.0f} s per file: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
