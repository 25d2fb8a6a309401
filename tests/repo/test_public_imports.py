"""Tests, benchmarks and scripts use the verifier through its public names (build_tools/verifier/
__init__.py lists the layout), so its inside can change without touching them. The
differential tests of the verifier's fast paths reach them through the public
`build_tools.verifier.testing`; no file here imports from `_internal`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found += [n for n in names if n.startswith("build_tools.verifier._")]
    return found


def test_tests_and_bench_import_only_public_verifier_names() -> None:
    offenders = {}
    for folder in ("tests", "bench", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            private = _private_imports(path)
            if private:
                offenders[path.relative_to(ROOT).as_posix()] = private
    assert offenders == {}, offenders
