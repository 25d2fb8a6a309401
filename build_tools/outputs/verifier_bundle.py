"""The browser verifier's runtime files: Pyodide core, one zip of Python code, a manifest.

`render_verifier_bundle(catalogue)` returns `{path: bytes}` relative to the site root, all
under `verify/runtime/` (the page's scripts are hand-written, in site_src/assets/verifier/):

- `pyodide.mjs`, `pyodide.asm.mjs`, `pyodide.asm.wasm`, `python_stdlib.zip`: copied unchanged
  from the pinned npm package `pyodide` (node_modules);
- `verifier.zip`: the verifier core (`build_tools/verifier`, without the
  CPython crypto backend) plus its pure-Python dependencies taken from the installed
  distributions, plus a stub `lxml` (pyld imports `lxml.html` at module level and uses it only
  for HTML input, which the verifier never passes), with their bytecode compiled by the pinned
  Pyodide's own Python when Node is installed (`bytecode.mjs`; the browser would otherwise
  compile every module at each start, about 0.2 s); compiled once per archive and Pyodide
  version and kept in `node_modules/.cache/credsite-bytecode/`;
- `verifier.snapshot`: a Pyodide memory snapshot taken after the verifier was imported
  (`snapshot.mjs`, under Node, with the same standard library, archive and lock-file info as
  the page), in its transport form (the memory image XORed with the wasm binary's data
  segments and its free heap zeroed, see site_src/assets/verifier/snapshot.mjs and
  build_tools/outputs/snapshot.mjs). Like every runtime file it is published with `.br` and
  `.gz` copies beside it (build_tools/sitebuild/precompress.py): a host that negotiates sends
  those, and from one that does not the worker takes the `.gz` copy and unpacks it itself. The
  worker starts from it when it can and falls back to the standard start otherwise (ADR 0009);
  that start mounts no standard library (build_tools/verifier/browser.py, `LibraryOnDemand`).
  Made once per input set and kept, gzip-compressed, in
  `node_modules/.cache/credsite-snapshot/`; absent without Node;
- `verifier-rest.zip`: the entries of `verifier.zip` that the snapshot has not loaded (data
  files, modules never imported): a page started from the snapshot downloads and unpacks it
  only if something imports one of those modules (browser.py, `ArchiveOnDemand`);
- `manifest.json`: every file above with its SHA-256 and size, the Pyodide
  version and the lock-file `info` (so the worker can pass `lockFileContents` and Pyodide never
  fetches `pyodide-lock.json` or looks at a CDN).

The worker (`site_src/assets/verifier/worker.mjs`) checks each file against the manifest with
`crypto.subtle.digest` before using it. The zip is deterministic (sorted entries, fixed
timestamps) so two builds of the same sources give the same bytes and the same manifest.
See docs/adr/0006-browser-verifier.md.
"""

from __future__ import annotations

import ast
import contextlib
import gzip
import hashlib
import importlib.metadata as metadata
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from build_tools.build_cache import store
from build_tools.errors import CredsiteError

__all__ = [
    "ARCHIVE_NAME",
    "BASE_DISTRIBUTIONS",
    "FORBIDDEN_DISTRIBUTIONS",
    "MANIFEST_PATH",
    "RUNTIME_DIR",
    "RUNTIME_FILES",
    "SNAPSHOT_ARCHIVE_NAME",
    "SNAPSHOT_NAME",
    "VerifierBundleError",
    "build_verifier_archive",
    "render_verifier_bundle",
]

#: Folder of the runtime in the site. worker.mjs (site_src/assets/verifier/) finds it at
#: `../../verify/runtime/` from its own URL.
RUNTIME_DIR = "verify/runtime"
MANIFEST_PATH = f"{RUNTIME_DIR}/manifest.json"
ARCHIVE_NAME = "verifier.zip"
SNAPSHOT_NAME = "verifier.snapshot"
SNAPSHOT_ARCHIVE_NAME = "verifier-rest.zip"

#: The Pyodide core files the page needs. `pyodide-lock.json` is deliberately absent: its
#: `info` goes into the manifest and the worker passes it as `lockFileContents`.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

#: Distributions the verifier core needs in the browser, whatever its imports say.
BASE_DISTRIBUTIONS = ("pyld", "cachetools", "frozendict", "asn1crypto")

#: Never shipped: native code, unusable in Pyodide, and the CPython backend's business only.
FORBIDDEN_DISTRIBUTIONS = frozenset({"cryptography", "jwcrypto", "lxml", "cffi", "pycparser"})

#: Modules of build_tools/verifier that stay on the CPython side (the CPython crypto backend,
#: and what the tests look at inside the verifier).
_EXCLUDED_MODULES = frozenset({"crypto_cpython.py", "testing.py"})

#: Parts of dependency distributions that are never imported by the verifier.
_EXCLUDED_PREFIXES = ("pyld/cli/",)

_FIXED_TIME = (2020, 1, 1, 0, 0, 0)

_LXML_STUB = '''"""Stand-in for lxml in the browser verifier.

pyld imports `lxml.html` at module level but needs it only to extract JSON-LD from HTML,
which the verifier never asks for. Any use fails loudly instead of silently.
"""
'''

_LXML_HTML_STUB = '''"""Stand-in for lxml.html: the browser verifier never parses HTML."""


def fromstring(*_args, **_kwargs):
    raise NotImplementedError("HTML input is not supported by the browser verifier")


def document_fromstring(*_args, **_kwargs):
    raise NotImplementedError("HTML input is not supported by the browser verifier")
'''

_PACKAGE_INIT = '''"""credsite verifier, browser build (only build_tools.verifier is present)."""
'''


class VerifierBundleError(CredsiteError):
    """The bundle cannot be built; `message` says what to do."""

    default_code = "VERIFIER_BUNDLE_MISSING"

    def __str__(self) -> str:
        return self.message


def _project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _verifier_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "verifier"


def _canonical(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- Pyodide core


def _pinned_pyodide_version(root: Path) -> str:
    try:
        package = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VerifierBundleError(
            f"package.json: cannot read it ({exc}); it pins the Pyodide version."
        ) from exc
    version = (package.get("dependencies") or {}).get("pyodide")
    if not isinstance(version, str) or not version[:1].isdigit():
        raise VerifierBundleError(
            'package.json: `dependencies.pyodide` must pin an exact version (e.g. "314.0.7").'
        )
    return version


def _read_pyodide(pyodide_dir: Path, pinned: str | None) -> tuple[dict[str, bytes], dict[str, Any]]:
    package_json = pyodide_dir / "package.json"
    if not package_json.is_file():
        raise VerifierBundleError(
            f"{pyodide_dir}: the Pyodide runtime is not installed; run `npm ci` in the "
            "project root (package.json pins it)."
        )
    installed = json.loads(package_json.read_text(encoding="utf-8")).get("version")
    if pinned is not None and installed != pinned:
        raise VerifierBundleError(
            f"{pyodide_dir}: Pyodide {installed} is installed but package.json pins {pinned}; "
            "run `npm ci`."
        )
    files: dict[str, bytes] = {}
    for name in RUNTIME_FILES:
        path = pyodide_dir / name
        if not path.is_file():
            raise VerifierBundleError(f"{path}: missing from the Pyodide package; run `npm ci`.")
        files[name] = path.read_bytes()
    try:
        lock = json.loads((pyodide_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
        info = dict(lock["info"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VerifierBundleError(
            f"{pyodide_dir / 'pyodide-lock.json'}: unreadable ({exc}); run `npm ci`."
        ) from exc
    info["version"] = installed
    return files, info


# --------------------------------------------------------------------------- Python archive


def _imported_top_levels(source_dir: Path) -> set[str]:
    """Top-level absolute imports of the shipped verifier modules (relative ones excluded)."""
    names: set[str] = set()
    for path in sorted(source_dir.rglob("*.py")):
        if path.name in _EXCLUDED_MODULES or "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def _third_party_distributions(modules: Iterable[str]) -> set[str]:
    """Distributions that provide `modules`, ignoring the stdlib and Pyodide's own modules."""
    provided = metadata.packages_distributions()
    builtin = set(sys.stdlib_module_names) | {"js", "pyodide", "pyodide_js", "build_tools"}
    found: set[str] = set()
    for module in modules:
        if module in builtin or module == "lxml":
            continue
        for dist in provided.get(module, []):
            found.add(dist)
    return found


def _distribution_files(name: str) -> dict[str, bytes]:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError as exc:
        raise VerifierBundleError(
            f"the Python distribution `{name}` is not installed; run "
            "`pip install -e '.[test]'` (the browser verifier ships it)."
        ) from exc
    out: dict[str, bytes] = {}
    for entry in dist.files or []:
        rel = PurePosixPath(str(entry))
        text = rel.as_posix()
        if (
            rel.parts[0] == ".."
            or "__pycache__" in rel.parts
            or rel.suffix in (".pyc", ".pyo")
            or text.endswith(("/INSTALLER", "/REQUESTED", "/RECORD", "/direct_url.json"))
            or text.startswith(_EXCLUDED_PREFIXES)
        ):
            continue
        if rel.suffix in (".so", ".pyd", ".dylib", ".dll"):
            raise VerifierBundleError(
                f"`{name}` ships native code ({text}); the browser verifier needs pure Python."
            )
        out[text] = Path(str(dist.locate_file(entry))).read_bytes()
    if not any(path.endswith(".py") for path in out):
        raise VerifierBundleError(f"`{name}`: no Python files found in the installed copy.")
    return out


def _verifier_files(source_dir: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {"build_tools/__init__.py": _PACKAGE_INIT.encode()}
    for path in sorted(source_dir.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        if path.name in _EXCLUDED_MODULES:
            continue
        rel = path.relative_to(source_dir).as_posix()
        out[f"build_tools/verifier/{rel}"] = path.read_bytes()
    return out


def _check_no_private_material(files: Mapping[str, bytes]) -> None:
    for path, data in files.items():
        if b"PRIVATE KEY-----" in data:
            raise VerifierBundleError(f"{path}: contains private key material; not shipped.")


def _zip(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, files[path])
    return buffer.getvalue()


def build_verifier_archive(
    *, verifier_dir: Path | None = None, extra_distributions: Iterable[str] = ()
) -> tuple[bytes, list[str]]:
    """The zip unpacked into site-packages in the browser (sources only), and the
    distributions it holds."""
    files, distributions = _archive_files(verifier_dir, extra_distributions)
    return _zip(files), distributions


def _archive_files(
    verifier_dir: Path | None, extra_distributions: Iterable[str]
) -> tuple[dict[str, bytes], list[str]]:
    source = verifier_dir or _verifier_dir()
    wanted = {_canonical(d) for d in BASE_DISTRIBUTIONS}
    wanted |= {_canonical(d) for d in extra_distributions}
    wanted |= {_canonical(d) for d in _third_party_distributions(_imported_top_levels(source))}
    banned = sorted(wanted & FORBIDDEN_DISTRIBUTIONS)
    if banned:
        raise VerifierBundleError(
            "the browser verifier would need " + ", ".join(banned) + ", which cannot run in "
            "Pyodide; keep such imports in crypto_cpython.py (not shipped)."
        )
    files: dict[str, bytes] = {}
    for name in sorted(wanted):
        files.update(_distribution_files(name))
    files.update(_verifier_files(source))
    files["lxml/__init__.py"] = _LXML_STUB.encode()
    files["lxml/html.py"] = _LXML_HTML_STUB.encode()
    _check_no_private_material(files)
    return files, sorted(wanted)


# --------------------------------------------------------------------------- bytecode

_BYTECODE_SCRIPT = Path(__file__).with_name("bytecode.mjs")
_BYTECODE_TIMEOUT_S = 300
_PYC_NAME = re.compile(r"^(?:.+/)?__pycache__/[^/]+\.([a-z]+-[0-9]+)\.pyc$")


def _bytecode(archive: bytes, pyodide_dir: Path, version: str) -> tuple[dict[str, bytes], str]:
    """The `.pyc` files of `archive` as the pinned Pyodide compiles them, and their cache tag
    (e.g. "cpython-314"); `({}, "")` when Node is not installed or the compilation fails, in
    which case the browser compiles the sources itself."""
    node = shutil.which("node")
    if node is None:
        return {}, ""
    script = _BYTECODE_SCRIPT.read_bytes()
    key = _sha256(b"\0".join((_sha256(archive).encode(), version.encode(), script)))
    cache = pyodide_dir.parent / ".cache" / "credsite-bytecode" / f"{key}.zip"
    try:
        return _read_bytecode(cache.read_bytes())
    except (OSError, zipfile.BadZipFile, ValueError):
        pass  # not compiled yet (or a damaged copy): compile
    with tempfile.TemporaryDirectory(prefix="credsite-bytecode-") as tmp:
        source, out = Path(tmp) / "in.zip", Path(tmp) / "out.zip"
        source.write_bytes(archive)
        try:
            subprocess.run(
                [node, str(_BYTECODE_SCRIPT), str(pyodide_dir), str(source), str(out)],
                check=True,
                capture_output=True,
                timeout=_BYTECODE_TIMEOUT_S,
            )
            compiled = out.read_bytes()
            result = _read_bytecode(compiled)
        except (OSError, subprocess.SubprocessError, zipfile.BadZipFile, ValueError):
            return {}, ""
    store(cache, compiled)
    return result


def _read_bytecode(data: bytes) -> tuple[dict[str, bytes], str]:
    """The entries of a zip written by bytecode.mjs, and their one cache tag."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    tags = set()
    for name in files:
        match = _PYC_NAME.match(name)
        if match is None:
            raise ValueError(f"unexpected entry {name}")
        tags.add(match.group(1))
    if len(tags) != 1:
        raise ValueError("no bytecode, or bytecode for several Python versions")
    return files, tags.pop()


# --------------------------------------------------------------------------- start-up snapshot

_SNAPSHOT_SCRIPT = Path(__file__).with_name("snapshot.mjs")
_SNAPSHOT_SHARED = _project_root() / "site_src" / "assets" / "verifier" / "snapshot.mjs"
_SNAPSHOT_TIMEOUT_S = 300


def _snapshot(
    runtime: Mapping[str, bytes], archive: bytes, lock_info: Mapping[str, Any], pyodide_dir: Path
) -> tuple[bytes, list[str]] | None:
    """The gzip-compressed start-up snapshot for exactly these runtime files and archive, and
    the archive entries it has not loaded; None when Node is not installed or the snapshot
    cannot be made (the page then always takes the standard start)."""
    node = shutil.which("node")
    if node is None or not _SNAPSHOT_SHARED.is_file():
        return None
    info = json.dumps(dict(lock_info), sort_keys=True).encode()
    parts = [runtime[name] for name in RUNTIME_FILES]
    parts += [archive, info, _SNAPSHOT_SCRIPT.read_bytes(), _SNAPSHOT_SHARED.read_bytes()]
    key = _sha256(b"\0".join(_sha256(p).encode() for p in parts))
    cache = pyodide_dir.parent / ".cache" / "credsite-snapshot" / f"{key}.gz"
    listing = cache.with_suffix(".json")
    try:
        cached, rest = cache.read_bytes(), json.loads(listing.read_text("utf-8"))
        if cached[:2] == b"\x1f\x8b" and isinstance(rest, list):
            return cached, [str(name) for name in rest]
    except (OSError, ValueError):
        pass  # not made yet: make it
    with tempfile.TemporaryDirectory(prefix="credsite-snapshot-") as tmp:
        folder = Path(tmp)
        (folder / "stdlib.zip").write_bytes(runtime["python_stdlib.zip"])
        (folder / "verifier.zip").write_bytes(archive)
        (folder / "lock-info.json").write_bytes(info)
        out = folder / "snapshot.bin"
        try:
            subprocess.run(
                [
                    node,
                    str(_SNAPSHOT_SCRIPT),
                    str(pyodide_dir),
                    str(folder / "stdlib.zip"),
                    str(folder / "verifier.zip"),
                    str(folder / "lock-info.json"),
                    str(out),
                    str(folder / "rest.json"),
                ],
                check=True,
                capture_output=True,
                timeout=_SNAPSHOT_TIMEOUT_S,
            )
            raw = out.read_bytes()
            rest = [str(name) for name in json.loads((folder / "rest.json").read_text("utf-8"))]
        except (OSError, ValueError, subprocess.SubprocessError):
            return None
    compressed = gzip.compress(raw, compresslevel=9, mtime=0)
    store(listing, json.dumps(rest).encode())
    # Two snapshots of the same inputs differ (pyld stamps processed contexts with a time-based
    # UUID): when two builds make one at once, both use the one stored first.
    store(cache, compressed, first_wins=True)
    with contextlib.suppress(OSError):
        compressed = cache.read_bytes()
    return compressed, rest


def _deflated_zip(data: bytes) -> bool:
    """Whether `data` is a zip whose entries are mostly compressed."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    stored = sum(i.file_size for i in infos if i.compress_type == zipfile.ZIP_STORED)
    return stored * 2 < sum(i.file_size for i in infos)


# --------------------------------------------------------------------------- public entry


def render_verifier_bundle(
    catalogue: Any = None,
    *,
    project_root: Path | None = None,
    pyodide_dir: Path | None = None,
) -> dict[str, bytes]:
    """`{path relative to the site root: bytes}` for the browser verifier's runtime.

    `catalogue` is accepted for the outputs interface; the runtime does not depend on it (the
    page reads the trusted data from `registry.json` at run time). Raises
    `VerifierBundleError` with a plain instruction when node_modules or a Python
    distribution is missing.
    """
    del catalogue
    root = project_root or _project_root()
    pinned = _pinned_pyodide_version(root) if (root / "package.json").is_file() else None
    pyodide_dir = pyodide_dir or root / "node_modules" / "pyodide"
    runtime, lock_info = _read_pyodide(pyodide_dir, pinned)
    files, distributions = _archive_files(None, ())
    archive = _zip(files)
    bytecode, cache_tag = _bytecode(archive, pyodide_dir, str(lock_info["version"]))
    if bytecode:
        archive = _zip({**files, **bytecode})

    out: dict[str, bytes] = {f"{RUNTIME_DIR}/{name}": data for name, data in runtime.items()}
    out[f"{RUNTIME_DIR}/{ARCHIVE_NAME}"] = archive
    made = _snapshot(runtime, archive, lock_info, pyodide_dir)
    if made is not None:
        everything = {**files, **bytecode}
        out[f"{RUNTIME_DIR}/{SNAPSHOT_NAME}"] = gzip.decompress(made[0])
        rest = {name: everything[name] for name in made[1] if name in everything}
        out[f"{RUNTIME_DIR}/{SNAPSHOT_ARCHIVE_NAME}"] = _zip(rest)

    # `deflated`: a zip of compressed entries, which a host's compression cannot shrink (the
    # worker then takes it as sent, without looking for a `.gz` copy).
    entries = {
        path[len(RUNTIME_DIR) + 1 :]: {
            "sha256": _sha256(data),
            "size": len(data),
            **({"deflated": True} if _deflated_zip(data) else {}),
        }
        for path, data in sorted(out.items())
    }
    versions = {}
    for name in distributions:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - checked above
            continue
    manifest = {
        "format": "credsite-verifier-manifest/1",
        "pyodide": {"version": lock_info["version"], "lock_info": lock_info},
        "archive": ARCHIVE_NAME,
        "bytecode": cache_tag or None,  # the archive's __pycache__ files, if compiled
        # The start-up snapshot and the archive of what it has not loaded, if made.
        "snapshot": {"file": SNAPSHOT_NAME, "archive": SNAPSHOT_ARCHIVE_NAME} if made else None,
        "python_distributions": versions,
        "files": entries,
    }
    out[MANIFEST_PATH] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    return out
