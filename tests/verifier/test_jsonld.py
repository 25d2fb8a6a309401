"""The bundled, pinned context loader and strict JSON-LD processing (verifier/jsonld.py)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import resources

import pytest

from build_tools.verifier import jsonld

from . import _make as m
from .conftest import VECTORS


def test_every_bundled_context_matches_its_pin_and_readme() -> None:
    folder = resources.files("build_tools.verifier._internal.jsonld") / "contexts"
    readme = (folder / "README.md").read_text()
    for url, (name, pin) in jsonld.CONTEXTS.items():
        raw = (folder / name).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == pin
        assert pin in readme and url in readme
        assert isinstance(jsonld.bundled_context(url), dict)


def test_loader_fails_closed_for_unknown_urls() -> None:
    loaded = jsonld.document_loader("https://www.w3.org/ns/credentials/v2", {})
    assert loaded["tag"] == "static"
    with pytest.raises(Exception, match="evil"):
        jsonld.document_loader("https://evil.example/context.jsonld", {})


_PIN_MISMATCH = """
from build_tools.verifier import jsonld
url = "https://w3id.org/security/multikey/v1"
jsonld.CONTEXTS[url] = (jsonld.CONTEXTS[url][0], "0" * 64)
try:
    jsonld.bundled_context(url)
except jsonld.JsonLdStrictError as exc:
    print(exc.code)
"""


def test_pin_mismatch_is_refused() -> None:
    """In a fresh interpreter, so that the context is read for the first time."""
    done = subprocess.run(
        [sys.executable, "-c", _PIN_MISMATCH],
        capture_output=True,
        text=True,
        cwd=VECTORS.parents[1],
        timeout=120,
    )
    assert done.stdout.strip() == "JSONLD_CONTEXT_PIN_MISMATCH", done.stderr[-500:]


def test_canonize_reproduces_the_w3c_canonical_document() -> None:
    signed = json.loads(
        (VECTORS / "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json").read_text()
    )
    signed.pop("proof")
    expected = (VECTORS / "w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt").read_text()
    assert jsonld.canonize(signed) == expected


@pytest.mark.parametrize(
    "doc,code",
    [
        (
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "VerifiableCredential",
                "undefinedTerm": 1,
            },
            "JSONLD_DROPPED_TERM",
        ),
        (
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": "relative/path",
                "type": "VerifiableCredential",
            },
            "JSONLD_RELATIVE_IRI",
        ),
        (
            {"@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"]},
            "JSONLD_UNKNOWN_CONTEXT",
        ),
        (
            {
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    {"name": "https://evil.example/name"},
                ]
            },
            "JSONLD_TERM_REDEFINED",
        ),
        (
            {
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    {"@import": "https://evil.example/"},
                ]
            },
            "JSONLD_UNKNOWN_CONTEXT",
        ),
    ],
)
def test_strict_processing_refuses(doc: dict, code: str) -> None:
    for function in (jsonld.canonize, jsonld.expand_strict, jsonld.check_terms):
        with pytest.raises(jsonld.JsonLdStrictError) as info:
            function(doc)
        assert info.value.code == code, function.__name__


def test_fast_term_check_agrees_with_full_expansion_on_the_corpus() -> None:
    docs = [
        json.loads(p.read_text())
        for p in (VECTORS / "dcc").rglob("*.json")
        if p.parent.name != "dids" and p.name not in ("expected.json", "registry.json")
    ]
    docs.append(m.edc_credential())
    docs.append(m.ob3_credential(status_index=3))
    compared = 0
    for doc in docs:
        outcomes = []
        for function in (jsonld.check_terms, jsonld.expand_strict):
            try:
                function(doc)
                outcomes.append("ok")
            except jsonld.JsonLdStrictError as exc:
                outcomes.append(exc.code)
        assert outcomes[0] == outcomes[1], doc.get("id")
        compared += 1
    assert compared > 80


def test_canonicalisation_work_is_bounded() -> None:
    nodes = [
        {
            "@id": f"_:b{i}",
            "https://example.org/p": [{"@id": f"_:b{j}"} for j in range(10) if j != i],
        }
        for i in range(10)
    ]
    with pytest.raises(jsonld.JsonLdStrictError) as info:
        jsonld.canonize({"@context": {"@vocab": "https://example.org/"}, "@graph": nodes})
    assert info.value.code == "JSONLD_TOO_COMPLEX"


def test_pyld_imports_without_lxml() -> None:
    """Pyodide has no lxml: the module stubs it before importing pyld."""
    code = (
        "import sys, builtins\n"
        "real = builtins.__import__\n"
        "def guard(name, *a, **k):\n"
        "    if (name == 'lxml' or name.startswith('lxml.')) and name not in sys.modules:\n"
        "        raise ImportError('no lxml here')\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = guard\n"
        "from build_tools.verifier import jsonld\n"
        "doc = {'@context': ['https://www.w3.org/ns/credentials/v2'],\n"
        "       'type': 'VerifiableCredential'}\n"
        "print(len(jsonld.canonize(doc)) > 0, type(sys.modules['lxml']).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "module"]


def test_processed_context_cache_keeps_results_identical() -> None:
    cred = m.ob3_credential()
    first = jsonld.canonize(cred)
    for _ in range(3):
        assert jsonld.canonize(cred) == first


_AS_IN_THE_BROWSER = """
import json, sys
import cachetools, frozendict  # third-party modules that branch on the platform themselves
sys.modules["requests"] = sys.modules["aiohttp"] = None  # not in the browser bundle
platform, sys.platform = sys.platform, "emscripten"  # what the verifier sees in Pyodide
import build_tools.verifier
import pyld
sys.platform = platform

loaded = sorted(m for m in ("urllib.request", "http.client", "email.parser") if m in sys.modules)
full_package = hasattr(pyld, "FrozenDocumentLoader")

from datetime import datetime
from build_tools.verifier import Registry, verify
from build_tools.verifier.crypto_cpython import CPythonCrypto
from build_tools.registry_files import load_registry
from tests.verifier.make_corpus import summarise

vectors = sys.argv[1]
corpus = json.load(open(vectors + "/corpus.json"))["entries"]
mismatches = []
for entry in corpus:
    if entry["registry"] is None:
        registry = Registry.empty()
    else:
        raw, lists = load_registry(vectors + "/" + entry["registry"], allow_network=False)
        registry = Registry.from_json(raw, status_lists=lists)
    now = datetime.fromisoformat(entry["now"].replace("Z", "+00:00"))
    with open(vectors + "/" + entry["file"], "rb") as fh:
        report = verify(fh.read(), registry, now=now, crypto=CPythonCrypto())
    expected = {k: entry[k] for k in ("verdict", "format", "checks", "credentials") if k in entry}
    if summarise(report) != expected:
        mismatches.append(entry["file"])
print(json.dumps({"loaded": loaded, "full_package": full_package, "mismatches": mismatches}))
"""


def test_in_the_browser_pyld_loads_without_its_document_loaders() -> None:
    # pyld's package __init__ would import urllib.request, http.client and the email package,
    # which Pyodide compiles from source at every start; the verifier needs none of them.
    # The whole parity corpus still gives its recorded results that way.
    root = VECTORS.parents[1]
    out = subprocess.run(
        [sys.executable, "-c", _AS_IN_THE_BROWSER, str(VECTORS)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        timeout=300,
    )
    result = json.loads(out.stdout.splitlines()[-1])
    assert result == {"loaded": [], "full_package": False, "mismatches": []}
