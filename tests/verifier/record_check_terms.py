"""Record the outcomes test_check_terms_fast.py compares `check_terms` with:
tests/verifier/data/check_terms_outcomes.json.

Run from the repository root, with its git history, only after a deliberate change of the
inputs (new vectors, different generators) or of the reference:

    python -m tests.verifier.record_check_terms --from-git COMMIT

COMMIT is the commit whose build_tools/verifier/jsonld.py is the reference (by default
`REFERENCE_COMMIT` of the test module, the term walker before node shapes and IRIs were
remembered). Its jsonld.py is read with `git show`, loaded as the separate module
`build_tools.verifier._internal.jsonld._reference` (its relative imports resolve there) and run
over every input of the test module. The file holds each input's id and hash, and an index
into the list of distinct outcomes. Review the diff: outcomes of unchanged inputs must not move.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

from .test_check_terms_fast import (
    CASES,
    OUTCOMES_FILE,
    REFERENCE_COMMIT,
    as_recorded,
    digest,
    outcome,
)

ROOT = Path(__file__).resolve().parents[2]


def load_reference(commit: str) -> types.ModuleType:
    """jsonld.py as of `commit`, as module `build_tools.verifier._internal.jsonld._reference`
    (its caches and memos are its own; its relative imports, `rdf_fast` and the `contexts`
    folder, resolve where the verifier keeps them now, and it serves every context bundled
    now)."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:build_tools/verifier/jsonld.py"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    name = "build_tools.verifier._internal.jsonld._reference"
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "build_tools.verifier._internal.jsonld"
    sys.modules[name] = module
    exec(compile(source, f"{commit[:12]}:jsonld.py", "exec"), module.__dict__)
    # Contexts bundled since are inputs, not behaviour: the reference serves them too.
    from build_tools.verifier.jsonld import CONTEXTS

    for url, entry in CONTEXTS.items():
        module.CONTEXTS.setdefault(url, entry)
    return module


def record(reference: types.ModuleType, commit: str) -> dict[str, Any]:
    """The data file's content: the reference's outcome for every input."""
    outcomes: list[list[Any]] = []
    index: dict[str, int] = {}
    cases: dict[str, list[list[Any]]] = {}
    for group, docs in CASES.items():
        cases[group] = []
        for case_id, doc in docs:
            result = as_recorded(outcome(reference.check_terms, doc))
            key = json.dumps(result, ensure_ascii=False)
            if key not in index:
                index[key] = len(outcomes)
                outcomes.append(result)
            cases[group].append([case_id, digest(doc), index[key]])
    return {"reference": commit, "outcomes": outcomes, "cases": cases}


def dumps(data: dict[str, Any]) -> str:
    """Compact JSON with one outcome and one case to a line (short, readable diffs)."""

    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    out = ["{", f'"reference":{line(data["reference"])},', '"outcomes":[']
    out.append(",\n".join(line(result) for result in data["outcomes"]))
    out.append('],\n"cases":{')
    groups = []
    for group, cases in data["cases"].items():
        rows = ",\n".join(line(case) for case in cases)
        groups.append(f"{line(group)}:[\n{rows}]")
    out.append(",\n".join(groups))
    out.append("}}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--from-git",
        metavar="COMMIT",
        default=REFERENCE_COMMIT,
        help="the commit whose build_tools/verifier/jsonld.py is the reference",
    )
    args = parser.parse_args(argv)
    data = record(load_reference(args.from_git), args.from_git)
    assert json.loads(dumps(data)) == data
    OUTCOMES_FILE.parent.mkdir(parents=True, exist_ok=True)
    OUTCOMES_FILE.write_text(dumps(data), "utf-8")
    counts = ", ".join(f"{group} {len(cases)}" for group, cases in data["cases"].items())
    print(f"{OUTCOMES_FILE}: {counts}; {len(data['outcomes'])} distinct outcomes")


if __name__ == "__main__":
    main()
