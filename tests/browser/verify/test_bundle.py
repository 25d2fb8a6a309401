"""The verifier runtime bundle (build_tools/outputs/verifier_bundle.py), checked in CPython."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from build_tools.outputs import verifier_bundle
from build_tools.outputs.verifier_bundle import (
    MANIFEST_PATH,
    RUNTIME_DIR,
    VerifierBundleError,
    render_verifier_bundle,
)

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def bundle() -> dict[str, bytes]:
    return render_verifier_bundle(None)


def test_every_file_is_listed_with_its_hash_and_nothing_else_is_shipped(
    bundle: dict[str, bytes],
) -> None:
    assert all(path.startswith("verify/") for path in bundle)
    manifest = json.loads(bundle[MANIFEST_PATH])
    files = {f"{RUNTIME_DIR}/{name}": entry for name, entry in manifest["files"].items()}
    assert set(files) | {MANIFEST_PATH} == set(bundle)
    for path, entry in files.items():
        assert hashlib.sha256(bundle[path]).hexdigest() == entry["sha256"], path
        assert len(bundle[path]) == entry["size"], path
    names = {p.rsplit("/", 1)[1] for p in bundle}
    assert {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"} <= names
    assert "pyodide-lock.json" not in names  # its `info` is in the manifest instead
    pinned = json.loads((PROJECT / "package.json").read_text("utf-8"))["dependencies"]["pyodide"]
    assert manifest["pyodide"]["version"] == pinned
    assert set(manifest["pyodide"]["lock_info"]) >= {"arch", "platform", "python", "abi_version"}


def test_the_archive_holds_the_verifier_and_pure_python_dependencies_only(
    bundle: dict[str, bytes],
) -> None:
    manifest = json.loads(bundle[MANIFEST_PATH])
    archive = zipfile.ZipFile(io.BytesIO(bundle[f"{RUNTIME_DIR}/{manifest['archive']}"]))
    names = set(archive.namelist())
    assert "build_tools/verifier/webcrypto.py" in names
    assert "build_tools/verifier/browser.py" in names  # what the worker imports
    assert "build_tools/verifier/engine.py" in names
    assert "build_tools/verifier/crypto_cpython.py" not in names
    assert "build_tools/verifier/testing.py" not in names
    assert any(n.startswith("build_tools/verifier/_internal/jsonld/contexts/") for n in names)
    # Every pinned context the verifier may be asked for, so the page never lacks one CPython has.
    from build_tools.verifier.jsonld import CONTEXTS

    folder = "build_tools/verifier/_internal/jsonld/contexts/"
    assert {folder + name for name, _ in CONTEXTS.values()} <= names
    assert {
        "lxml/__init__.py",
        "lxml/html.py",
        "pyld/jsonld.py",
        "cachetools/__init__.py",
        "frozendict/__init__.py",
        "asn1crypto/core.py",
    } <= names
    assert not [n for n in names if n.startswith(("cryptography/", "jwcrypto/", "yaml/"))]
    assert not [n for n in names if n.endswith((".so", ".pyd", ".pyo"))]
    # Bytecode only as __pycache__/<module>.<tag>.pyc beside each module, for every module.
    tag = manifest["bytecode"]
    assert tag and tag.startswith("cpython-")
    sources = {n for n in names if n.endswith(".py")}
    compiled = {n for n in names if "__pycache__" in n or n.endswith(".pyc")}
    assert compiled == {
        f"{folder}/__pycache__/{stem}.{tag}.pyc".lstrip("/")
        for folder, _, stem in (n[:-3].rpartition("/") for n in sources)
    }
    # The rest of build_tools (catalogue, issuing, outputs, ...) never reaches the browser.
    assert {n.split("/")[1] for n in names if n.startswith("build_tools/")} == {
        "__init__.py",
        "__pycache__",
        "verifier",
    }
    # Licence texts of the bundled distributions travel with them.
    assert [n for n in names if n.startswith("pyld-") and "LICENSE" in n]


def test_two_builds_give_the_same_bytes(bundle: dict[str, bytes]) -> None:
    again = render_verifier_bundle(None)
    assert again == bundle


def test_missing_or_mismatched_runtime_is_a_plain_error(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"pyodide": "314.0.7"}}))
    with pytest.raises(VerifierBundleError, match="npm ci"):
        render_verifier_bundle(None, project_root=tmp_path)
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"pyodide": "1.2.3"}}))
    with pytest.raises(VerifierBundleError, match=r"pins 1\.2\.3"):
        render_verifier_bundle(
            None, project_root=tmp_path, pyodide_dir=PROJECT / "node_modules" / "pyodide"
        )
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"pyodide": "^314"}}))
    with pytest.raises(VerifierBundleError, match="exact version"):
        render_verifier_bundle(None, project_root=tmp_path)


def _node(script: str, *args: object) -> object:
    """Run an ES module script with Node and arguments; the JSON of its last output line."""
    node = shutil.which("node")
    assert node, "Node is part of the set-up (npm ci)"
    out = subprocess.run(
        [node, "--input-type=module", "-e", script, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# Imports the verifier from the bundle in Node's Pyodide (the pinned runtime) and lists the
# modules of the archive that Python had to compile from source.
_IMPORT_IN_PYODIDE = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [pyodideDir, zipPath] = process.argv.slice(1);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/" });
const site = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
pyodide.unpackArchive(new Uint8Array(readFileSync(zipPath)), "zip", { extractDir: site });
console.log(pyodide.runPython(`
import json, importlib._bootstrap_external as external
compiled = []
original = external.SourceLoader.source_to_code
def recording(self, data, path, **kwargs):
    compiled.append(path)
    return original(self, data, path, **kwargs)
external.SourceLoader.source_to_code = recording
import build_tools.verifier, build_tools.verifier.webcrypto
json.dumps(sorted(p for p in compiled if "site-packages" in p))
`));
"""


def test_the_browser_imports_the_verifier_from_its_bytecode(
    bundle: dict[str, bytes], tmp_path: Path
) -> None:
    archive = tmp_path / "verifier.zip"
    archive.write_bytes(bundle[f"{RUNTIME_DIR}/verifier.zip"])
    assert _node(_IMPORT_IN_PYODIDE, PROJECT / "node_modules" / "pyodide", archive) == []


def test_without_node_the_archive_ships_sources_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verifier_bundle.shutil, "which", lambda _name: None)
    files = render_verifier_bundle(None)
    manifest = json.loads(files[MANIFEST_PATH])
    assert manifest["bytecode"] is None
    names = zipfile.ZipFile(io.BytesIO(files[f"{RUNTIME_DIR}/verifier.zip"])).namelist()
    assert "build_tools/verifier/engine.py" in names
    assert not [n for n in names if n.endswith(".pyc")]


def test_bytecode_is_compiled_once_per_archive(
    bundle: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_node(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(verifier_bundle.subprocess, "run", no_node)
    assert render_verifier_bundle(None) == bundle  # from node_modules/.cache/credsite-bytecode


# Starts Pyodide from the bundle's snapshot the way the worker does (an empty zip where the
# standard library goes, nothing of the archive on disk), then:
# - reads every bundled JSON-LD document, every version included, with no file on disk (only
#   those the warm-up used are parsed);
# - finds standard input with a small buffer, and no ssl or lzma module (snapshot.mjs);
# - imports a module of the archive the snapshot never loaded, and standard-library modules it
#   never loaded: browser.py's ArchiveOnDemand and LibraryOnDemand must each fetch their zip
#   once, check it, and the imports succeed;
# - looks at the code the snapshot holds (browser.compact_code): no docstrings, every
#   function's instructions on its first line.
_SNAPSHOT_START = """
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [pyodideDir, shared, snapshotPath, restPath, restSha256, stdlibPath, sha256, lockInfo] =
  process.argv.slice(1);
const { unpackPages, xorDataSegments } = await import(pathToFileURL(shared).href);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const image = xorDataSegments(unpackPages(new Uint8Array(readFileSync(snapshotPath))),
                              new Uint8Array(readFileSync(pyodideDir + "/pyodide.asm.wasm")));
const empty = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
const emptyPath = stdlibPath + ".empty.zip";
writeFileSync(emptyPath, empty);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: emptyPath,
  lockFileContents: { info: JSON.parse(lockInfo), packages: {} }, _loadSnapshot: image });
const site = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
const fetched = { library: 0, rest: 0 };
const fetchLibrary = () => {
  fetched.library += 1;
  return new Uint8Array(readFileSync(stdlibPath));
};
const fetchRest = () => { fetched.rest += 1; return new Uint8Array(readFileSync(restPath)); };
const contexts = pyodide.runPython(`
import os
from build_tools.verifier._internal.jsonld import contexts
folder = os.path.join(os.path.dirname(contexts.__file__), "contexts")
parsed = len(contexts._DOCUMENTS)
unused = next(url for url in contexts.CONTEXTS if url not in contexts._DOCUMENTS)
ok = "@context" in contexts.bundled_context(unused)
f"{contexts.read_every_context()} {os.path.isdir(folder)} {parsed < 8} {ok}"
`);
const lean = pyodide.runPython(`
import sys, zipfile
[sys.getsizeof(sys.stdin.buffer) < 1024, [n for n in ("ssl", "lzma") if n in sys.modules],
 zipfile.lzma]
`).toJs();
const before = pyodide.runPython(
  "import sys; [n in sys.modules for n in ('email.mime.text', 'asn1crypto.cms')]").toJs();
const browser = pyodide.pyimport("build_tools.verifier.browser");
browser.start(fetchLibrary, sha256, fetchRest, restSha256, site);
const name = pyodide.runPython(`
import asn1crypto.cms, email.mime.text, wave
" ".join(m.__name__ for m in (asn1crypto.cms, email.mime.text, wave))
`);
const code = pyodide.runPython(`
from build_tools.verifier import engine
import json as _json
lines = {line for _, _, line in engine.averify.__code__.co_lines()}
first = engine.averify.__code__.co_firstlineno
[engine.averify.__doc__, engine.__doc__, _json.loads.__doc__, sorted(lines) == [first]]
`).toJs();
console.log(JSON.stringify({ contexts, lean, before, name, fetched, code }));
"""


def test_the_snapshot_start_fetches_the_rest_only_on_demand(
    bundle: dict[str, bytes], tmp_path: Path
) -> None:
    from build_tools.verifier.jsonld import CONTEXT_VERSIONS, CONTEXTS

    manifest = json.loads(bundle[MANIFEST_PATH])
    snapshot = tmp_path / "verifier.snapshot"
    snapshot.write_bytes(bundle[f"{RUNTIME_DIR}/{manifest['snapshot']['file']}"])
    rest_name = manifest["snapshot"]["archive"]
    rest = tmp_path / "verifier-rest.zip"
    rest.write_bytes(bundle[f"{RUNTIME_DIR}/{rest_name}"])
    stdlib = tmp_path / "python_stdlib.zip"
    stdlib.write_bytes(bundle[f"{RUNTIME_DIR}/python_stdlib.zip"])
    result = _node(
        _SNAPSHOT_START,
        PROJECT / "node_modules" / "pyodide",
        PROJECT / "site_src" / "assets" / "verifier" / "snapshot.mjs",
        snapshot,
        rest,
        manifest["files"][rest_name]["sha256"],
        stdlib,
        manifest["files"]["python_stdlib.zip"]["sha256"],
        json.dumps(manifest["pyodide"]["lock_info"]),
    )
    documents = len(CONTEXTS) + sum(len(versions) for versions in CONTEXT_VERSIONS.values())
    assert result == {
        # All in memory, none on disk; only the few the warm-up uses are parsed (the others are
        # far smaller as bytes), and one not parsed yet parses on first use.
        "contexts": f"{documents} False True True",
        # Standard input's buffer is small (a large one holds stale memory); no TLS and no
        # archive codec but deflate, and zipfile knows it.
        "lean": [True, [], None],
        "before": [False, False],
        "name": "asn1crypto.cms email.mime.text wave",
        "fetched": {"library": 1, "rest": 1},
        "code": [None, None, None, True],
    }


# snapshot.mjs's paged form: all-zero pages are left out and come back as zeros; anything that
# is not exactly that form is refused (the worker then takes the standard start).
_PAGES = """
import { pathToFileURL } from "node:url";
const { packPages, unpackPages } = await import(pathToFileURL(process.argv[1]).href);
const image = new Uint8Array(5 * 65536 + 100);
image[3] = 1; image[2 * 65536 + 7] = 2; image[5 * 65536 + 99] = 3;
const packed = packPages(image);
const back = unpackPages(packed);
const same = back.length === image.length && back.every((b, i) => b === image[i]);
const refused = [packed.subarray(0, packed.length - 1), new Uint8Array([...packed, 0]),
                 new Uint8Array(packed.length)].map((bad) => {
  try { unpackPages(bad); return false; } catch { return true; }
});
console.log(JSON.stringify({ size: packed.length, same, refused }));
"""


def test_the_snapshot_is_stored_without_its_zero_pages() -> None:
    result = _node(_PAGES, PROJECT / "site_src" / "assets" / "verifier" / "snapshot.mjs")
    # Header, one bitmap byte, pages 0, 2 and the short last one (100 bytes).
    assert result == {"size": 16 + 1 + 2 * 65536 + 100, "same": True, "refused": [True] * 3}


def test_the_published_snapshot_is_paged_and_about_half_its_image(
    bundle: dict[str, bytes],
) -> None:
    manifest = json.loads(bundle[MANIFEST_PATH])
    stored = bundle[f"{RUNTIME_DIR}/{manifest['snapshot']['file']}"]
    assert stored[:8] == b"CSNAPPG1"
    image = int.from_bytes(stored[8:12], "little")
    assert image > 16 * 2**20 and len(stored) < 0.75 * image
