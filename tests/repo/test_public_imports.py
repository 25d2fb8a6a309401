"""Tests and benchmarks use the verifier through its public names (build_tools/verifier/
__init__.py lists the layout), so its inside can change without touching them.

The exceptions are the differential tests of the verifier's private fast paths, which compare
each fast path with the general code it replaces or with a recorded reference; they are listed
here with what they compare, and no other file may reach into `_internal`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WHITE_BOX = {
    "tests/verifier/test_check_terms_fast.py": "the term walker's memos against its reference",
    "tests/verifier/test_jsonld_fast.py": "the one-walk JSON-LD to RDF conversion against pyld",
    "tests/verifier/test_limits.py": "the linear node map against pyld's own",
    "tests/verifier/test_jsonld.py": "the pinned context files against their pins",
    "tests/verifier/test_speed_json.py": "the fast JSON, date and JWS paths against the general",
    "tests/verifier/test_speed_x509.py": "the direct time-stamp token read against asn1crypto",
    "tests/verifier/test_conformance.py": "the JCS inputs against the W3C vectors' intermediates",
    "tests/verifier/make_corpus.py": "reads certificates to write the parity corpus registry",
    "tests/verifier/record_check_terms.py": "serves the reference walker the pinned contexts",
    "tests/verifier/test_offline_methods.py": "each DID method's resolution against its spec",
    "tests/verifier/test_wild.py": "signatures of wild files whose keys the files do not name",
}


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
            rel = path.relative_to(ROOT).as_posix()
            private = _private_imports(path)
            if private and rel not in WHITE_BOX:
                offenders[rel] = private
    assert offenders == {}, offenders


def test_every_listed_white_box_file_still_needs_to_be() -> None:
    stale = [rel for rel in WHITE_BOX if not _private_imports(ROOT / rel)]
    assert stale == []
