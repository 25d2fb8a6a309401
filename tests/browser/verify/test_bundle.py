"""The verifier runtime bundle (build_tools/outputs/verifier_bundle.py), checked in CPython."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

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
    assert "build_tools/verifier/engine.py" in names
    assert "build_tools/verifier/crypto_cpython.py" not in names
    assert any(n.startswith("build_tools/verifier/contexts/") for n in names)
    assert {"lxml/__init__.py", "lxml/html.py", "pyld/jsonld.py", "cachetools/__init__.py",
            "frozendict/__init__.py", "asn1crypto/core.py"} <= names
    assert not [n for n in names if n.startswith(("cryptography/", "jwcrypto/", "yaml/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".so"))]
    # The rest of build_tools (catalogue, issuing, outputs, ...) never reaches the browser.
    assert {n.split("/")[1] for n in names if n.startswith("build_tools/")} == {
        "__init__.py", "verifier"}
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
        render_verifier_bundle(None, project_root=tmp_path,
                               pyodide_dir=PROJECT / "node_modules" / "pyodide")
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"pyodide": "^314"}}))
    with pytest.raises(VerifierBundleError, match="exact version"):
        render_verifier_bundle(None, project_root=tmp_path)
