"""The verifier's two starts in real Chromium: from the build's memory snapshot, and the
standard start it falls back to (the snapshot blocked, or made by another Pyodide build).
Both give every sample its expected verdict and the CPython verifier's check list.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from typing import Any

from build_tools.sitebuild.serve import make_server

from ..conftest import RecordingPage, SiteServer
from .test_page import (
    cpython_checks,
    cpython_registry,
    no_violations,
    open_verifier,
    samples,
    wait_results,
)

SNAPSHOT = "verify/runtime/verifier.snapshot"


def _start(page: Any) -> tuple[str, str]:
    root = page.locator("#credsite-verifier")
    return str(root.get_attribute("data-start")), str(root.get_attribute("data-start-fallback"))


def _runtime_requests(page: RecordingPage) -> set[str]:
    return {u.rsplit("/", 1)[1] for u in page.requests if "/verify/runtime/" in u}


def _every_sample_as_in_cpython(page: Any, site_server: SiteServer) -> None:
    root = site_server.site.root
    registry = cpython_registry(root)
    for sample in samples(root):
        page.locator(f"#cv-samples button[data-sample='{sample['file']}']").click()
        [result] = wait_results(page, 1)
        verdict, checks = cpython_checks((root / "samples" / sample["file"]).read_bytes(), registry)
        assert result["verdict"] == sample["expected"] == verdict, sample["file"]
        assert result["checks"] == checks, sample["file"]


def test_the_page_starts_from_the_snapshot(page: RecordingPage, site_server: SiteServer) -> None:
    manifest = json.loads((site_server.site.root / "verify/runtime/manifest.json").read_bytes())
    assert manifest["snapshot"]["file"] == "verifier.snapshot"
    open_verifier(page, site_server.url("verify/"))
    assert _start(page) == ("snapshot", "")
    fetched = _runtime_requests(page)
    # The snapshot alone: no standard library, no verifier zip, not even the small archive of
    # what the snapshot has not loaded (the snapshot holds what verification imports and reads).
    assert "verifier.snapshot" in fetched
    assert not {"verifier.zip", "python_stdlib.zip", "verifier-rest.zip"} & fetched
    _every_sample_as_in_cpython(page, site_server)
    assert not {"verifier.zip", "python_stdlib.zip", "verifier-rest.zip"} & _runtime_requests(page)
    no_violations(page)
    assert page.console_errors == []


def test_a_blocked_snapshot_falls_back_to_the_standard_start(
    page: RecordingPage, site_server: SiteServer
) -> None:
    page.route(f"**/{SNAPSHOT}", lambda route: route.abort())
    open_verifier(page, site_server.url("verify/"))
    start, reason = _start(page)
    assert start == "standard"
    assert "verifier.snapshot" in reason
    assert {"verifier.zip", "python_stdlib.zip"} <= _runtime_requests(page)
    _every_sample_as_in_cpython(page, site_server)


def test_a_snapshot_of_another_pyodide_build_is_refused(
    page: RecordingPage, site_server: SiteServer
) -> None:
    # The snapshot's header names the Pyodide build it was made by (bytes 16 to 47 of the
    # image, in its first page, which is stored right after the page bitmap: snapshot.mjs,
    # `packPages`); one from another build, published with a matching checksum, must not be
    # restored.
    raw = bytearray((site_server.site.root / SNAPSHOT).read_bytes())
    assert raw[:8] == b"CSNAPPG1"
    length, page_size = int.from_bytes(raw[8:12], "little"), int.from_bytes(raw[12:16], "little")
    pages = -(-length // page_size)
    first_page = 16 + -(-pages // 8)
    assert raw[16] & 1  # the first page is stored
    raw[first_page + 16] ^= 0xFF
    other = bytes(raw)

    def manifest(route: Any) -> None:
        response = route.fetch()
        data = json.loads(response.body())
        data["files"]["verifier.snapshot"] = {
            "sha256": hashlib.sha256(other).hexdigest(),
            "size": len(other),
        }
        route.fulfill(response=response, body=json.dumps(data))

    page.route("**/verify/runtime/manifest.json", manifest)
    # Whichever copy the worker asks for (the file, or its .gz copy when the answer is not
    # compressed), it gets the other build's snapshot.
    page.route(f"**/{SNAPSHOT}", lambda route: route.fulfill(status=200, body=other))
    page.route(
        f"**/{SNAPSHOT}.gz",
        lambda route: route.fulfill(status=200, body=gzip.compress(other, compresslevel=1)),
    )
    open_verifier(page, site_server.url("verify/"))
    start, reason = _start(page)
    assert start == "standard"
    assert "build id mismatch" in reason
    sample = next(s for s in samples(site_server.site.root) if s["expected"] == "valid")
    page.locator(f"#cv-samples button[data-sample='{sample['file']}']").click()
    [result] = wait_results(page, 1)
    assert result["verdict"] == "valid"


def test_from_a_host_that_does_not_compress_the_worker_takes_the_gz_copies(
    page: RecordingPage, site_server: SiteServer
) -> None:
    # The same site from a server that ignores the .br/.gz copies: the worker asks for the
    # runtime files' .gz copies itself and starts from the snapshot all the same.
    server = make_server(site_server.site.root, site_server.prefix, precompressed=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}{site_server.prefix}verify/"
        open_verifier(page, url)
        assert _start(page) == ("snapshot", "")
        fetched = _runtime_requests(page)
        assert {"pyodide.asm.wasm.gz", "verifier.snapshot.gz"} <= fetched
        assert not {"pyodide.asm.wasm", "verifier.snapshot"} & fetched
        sample = next(s for s in samples(site_server.site.root) if s["expected"] == "valid")
        page.locator(f"#cv-samples button[data-sample='{sample['file']}']").click()
        [result] = wait_results(page, 1)
        assert result["verdict"] == "valid"
    finally:
        server.shutdown()
        server.server_close()
