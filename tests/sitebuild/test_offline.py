"""The service worker's file list and build id (build_tools/sitebuild/offline.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from build_tools.sitebuild.offline import (
    offline_files,
    offline_site_files,
    render_service_worker,
    write_service_worker,
)

PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="../assets/stylesheets/main.css">
<link rel="icon" href="../assets/images/favicon.png">
<link rel="canonical" href="https://example.org/verify/">
<script src="../assets/javascripts/bundle.js"></script>
<script src="https://elsewhere.example/x.js"></script>
</head><body><script type="module" src="../assets/verifier/app.mjs"></script></body></html>
"""


def _site(root: Path, *, issuer_name: str = "University") -> Path:
    files = {
        "verify/index.html": PAGE,
        "verify/worker.mjs": "import '../assets/verifier/worker.mjs';",
        "assets/stylesheets/main.css": "body{}",
        "assets/images/favicon.png": "png",
        "assets/javascripts/bundle.js": "1",
        "assets/verifier/app.mjs": "2",
        "assets/verifier/worker.mjs": "3",
        "assets/verifier/bench-bare.mjs": "bench only",
        "verify/runtime/manifest.json": json.dumps({"files": {"pyodide.asm.wasm": {}}}),
        "verify/runtime/pyodide.asm.wasm": "wasm",
        "registry.json": json.dumps(
            {
                "name": issuer_name,
                "issuers": {
                    "lu": {"status_lists": [{"path": "issuers/lu/status/revocation-1.json"}]}
                },
            }
        ),
        "issuers/lu/status/revocation-1.json": "{}",
        "samples/index.json": json.dumps({"samples": [{"file": "a.json"}, {"file": "../x"}]}),
        "samples/a.json": "{}",
        "offers/index.html": "<html></html>",
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, "utf-8")
    return root


def test_the_list_holds_the_verify_page_and_what_it_needs_and_nothing_else(
    tmp_path: Path,
) -> None:
    paths, fresh = offline_files(_site(tmp_path))
    assert paths == [
        "assets/images/favicon.png",
        "assets/javascripts/bundle.js",
        "assets/stylesheets/main.css",
        "assets/verifier/app.mjs",
        "assets/verifier/worker.mjs",
        "issuers/lu/status/revocation-1.json",
        "registry.json",
        "samples/a.json",
        "samples/index.json",
        "verify/",
        "verify/runtime/manifest.json",
        "verify/runtime/pyodide.asm.wasm",
        "verify/worker.mjs",
    ]
    assert fresh == ["issuers/lu/status/revocation-1.json", "registry.json"]


def test_sw_lists_each_file_by_hash_and_a_new_registry_gives_a_new_build_id(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "a")
    build_id = write_service_worker(site)
    text = (site / "verify" / "sw.js").read_text("utf-8")
    config = json.loads(text[len("const BUILD = ") : text.index(";\n")])
    assert config["id"] == build_id
    assert config["files"]["verify/"] == hashlib.sha256(PAGE.encode()).hexdigest()
    assert 'self.addEventListener("fetch"' in text
    assert render_service_worker(site) == text.encode()  # the same files, the same bytes
    other = write_service_worker(_site(tmp_path / "b", issuer_name="Renamed"))
    assert other != build_id


def test_no_verify_page_no_service_worker(tmp_path: Path) -> None:
    assert write_service_worker(tmp_path) is None
    assert not (tmp_path / "verify" / "sw.js").exists()


def test_another_language_has_its_own_worker_beside_its_page(tmp_path: Path) -> None:
    """A worker serves only pages under its folder: `lv/verify/` gets its own, storing its
    page and the runtime shared at the root, in caches of its own name."""
    site = _site(tmp_path)
    lv_page = PAGE.replace('href="../', 'href="../../').replace('src="../', 'src="../../')
    (site / "lv" / "verify").mkdir(parents=True)
    (site / "lv" / "verify" / "index.html").write_text(lv_page, "utf-8")
    (site / "lv" / "verify" / "worker.mjs").write_text(
        "import '../../assets/verifier/worker.mjs';", "utf-8"
    )
    paths, _ = offline_files(site, "lv/verify/")
    assert "lv/verify/" in paths and "lv/verify/worker.mjs" in paths
    assert "verify/" not in paths and "verify/runtime/pyodide.asm.wasm" in paths
    assert "assets/verifier/app.mjs" in paths
    write_service_worker(site, "verify/")
    write_service_worker(site, "lv/verify/")
    config = {}
    for page in ("verify/", "lv/verify/"):
        text = (site / page / "sw.js").read_text("utf-8")
        config[page] = json.loads(text[len("const BUILD = ") : text.index(";\n")])
    assert config["verify/"]["key"] == "" and config["verify/"]["root"] == "../"
    assert config["lv/verify/"]["key"] == "lv-" and config["lv/verify/"]["root"] == "../../"
    assert config["verify/"]["id"] != config["lv/verify/"]["id"]


def test_the_files_behind_the_list_name_the_page_by_its_index_html(tmp_path: Path) -> None:
    site = _site(tmp_path)
    files = offline_site_files(site)
    assert "verify/index.html" in files and "verify/" not in files
    assert sorted(files) == sorted(
        "verify/index.html" if p == "verify/" else p for p in offline_files(site)[0]
    )
    assert all((site / f).is_file() for f in files)
