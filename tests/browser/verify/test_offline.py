"""The verify page offline after one visit (its service worker, verify/sw.js), in Chromium.

One site is built from a copy of the example catalogue and served under its sub-path: a first
visit installs the service worker; with the browser context offline the page reloads, says how
old its registry is, and verifies a sample and a dropped file. Then the site is rebuilt in
place with another registry (the University of Latvia renamed): the next online visit verifies
against the new registry, and the visit after that runs under the new build's service worker,
whose cache has replaced the old one.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from build_tools.sitebuild.build import build_site, load_valid_catalogue
from build_tools.sitebuild.serve import make_server, site_prefix

from .test_page import open_verifier, samples, wait_results

PROJECT = Path(__file__).resolve().parents[3]
RENAMED = "University of Latvia (renamed for this test)"


@dataclass(frozen=True)
class Rebuildable:
    base: str
    out: Path
    catalogue_dir: Path

    def rebuild(self) -> None:
        build_site(catalogue_dir=self.catalogue_dir, out=self.out, project=PROJECT)

    def build_id(self) -> str:
        text = (self.out / "verify" / "sw.js").read_text("utf-8")
        found = re.search(r'"id": "([0-9a-f]+)"', text)
        assert found, "verify/sw.js names no build id"
        return found.group(1)


@pytest.fixture(scope="module")
def rebuildable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rebuildable]:
    work = tmp_path_factory.mktemp("offline-site")
    cat = work / "catalogue"
    shutil.copytree(PROJECT / "catalogue", cat)
    catalogue, _ = load_valid_catalogue(cat)
    out = work / "site"
    build_site(catalogue_dir=cat, out=out, project=PROJECT)
    prefix = site_prefix(catalogue.alliance.site_url)
    if prefix == "/":
        prefix = "/credentials/"
    server = make_server(out, prefix)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Rebuildable(f"http://{host}:{port}{prefix}", out, cat)
    finally:
        server.shutdown()
        server.server_close()


def _wait_for_service_worker(page: Any, build_id: str) -> None:
    """Until this build's service worker is active and controls the page."""
    deadline = time.monotonic() + 120
    while True:
        state = page.evaluate(
            """async () => {
                const reg = await navigator.serviceWorker.getRegistration();
                return {
                    // the newest worker is the active one: none installing or waiting
                    active: Boolean(reg && reg.active && reg.active.state === 'activated'
                                    && !reg.waiting && !reg.installing),
                    controlled: Boolean(navigator.serviceWorker.controller),
                    keys: await caches.keys(),
                };
            }"""
        )
        if (
            state["active"]
            and state["controlled"]
            and f"credsite-verify-{build_id}" in state["keys"]
        ):
            return
        assert time.monotonic() < deadline, f"no service worker for build {build_id}: {state}"
        page.wait_for_timeout(250)


def _drop(page: Any, name: str, text: str) -> None:
    handle = page.evaluate_handle(
        """([name, text]) => { const dt = new DataTransfer();
             dt.items.add(new File([text], name, {type: 'application/json'})); return dt; }""",
        [name, text],
    )
    page.dispatch_event("#cv-drop", "drop", {"dataTransfer": handle})


def _sync_fetch_from_a_worker(page: Any, path: str) -> list[int]:
    """[status, bytes] of a synchronous request for `path` (relative to the page) made inside
    the verifier's worker, as browser.py's finders make them."""
    [worker] = [w for w in page.workers if w.url.endswith("/worker.mjs")]
    return list(
        worker.evaluate(
            """(url) => {
                const r = new XMLHttpRequest();
                r.open("GET", url, false);
                r.responseType = "arraybuffer";
                try { r.send(); return [r.status, r.response.byteLength]; }
                catch (err) { return [0, 0]; }
            }""",
            page.evaluate("(p) => new URL(p, location.href).href", path),
        )
    )


def _valid_sample(site: Path) -> dict[str, Any]:
    return next(s for s in samples(site) if s["expected"] == "valid" and "edc" in s["file"])


def test_offline_after_one_visit_then_a_new_build_is_picked_up(
    chromium_browser: Any, rebuildable: Rebuildable
) -> None:
    site = rebuildable.out
    first_id = rebuildable.build_id()
    context = chromium_browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        open_verifier(page, rebuildable.base + "verify/")
        assert page.locator("#cv-offline").count() == 0
        _wait_for_service_worker(page, first_id)

        # Offline: the page, its runtime and the registry come from the service worker's cache.
        context.set_offline(True)
        page.reload()
        page.wait_for_selector(
            "#credsite-verifier[data-state=ready]", state="attached", timeout=120_000
        )
        notice = page.locator("#cv-offline")
        assert notice.is_visible()
        assert "you are offline" in notice.inner_text()
        assert notice.get_attribute("data-since")
        sample = _valid_sample(site)
        page.locator(f"#cv-samples button[data-sample='{sample['file']}']").click()
        [result] = wait_results(page, 1)
        assert result["verdict"] == "valid"
        tampered = next(s for s in samples(site) if s["case"] == "tampered")
        _drop(page, "dropped.json", (site / "samples" / tampered["file"]).read_text("utf-8"))
        [result] = wait_results(page, 1)
        assert result["verdict"] == "invalid"
        # What the snapshot has not loaded is fetched with a synchronous request from the
        # worker when an import needs it (browser.py): offline, the service worker answers it.
        assert _sync_fetch_from_a_worker(page, "runtime/verifier-rest.zip") == [
            200,
            (site / "verify" / "runtime" / "verifier-rest.zip").stat().st_size,
        ]
        page.close()

        # A new build with another registry.
        context.set_offline(False)
        issuer = rebuildable.catalogue_dir / "issuers" / "lu.yaml"
        issuer.write_text(
            issuer.read_text("utf-8").replace("en: University of Latvia", f"en: {RENAMED}"),
            "utf-8",
        )
        rebuildable.rebuild()
        second_id = rebuildable.build_id()
        assert second_id != first_id

        # Next online visit: the registry is fetched first from the network, so the issuer's
        # new name is shown, and no offline notice.
        page = context.new_page()
        open_verifier(page, rebuildable.base + "verify/")
        assert page.locator("#cv-offline").count() == 0
        page.locator(f"#cv-samples button[data-sample='{sample['file']}']").click()
        [result] = wait_results(page, 1)
        assert result["verdict"] == "valid"
        assert RENAMED in result["text"]
        # Meanwhile the browser found the new build's worker; it installs (its cache filled)
        # and waits for this page to close.
        deadline = time.monotonic() + 120
        while f"credsite-verify-{second_id}" not in page.evaluate(
            "async () => await caches.keys()"
        ):
            assert time.monotonic() < deadline, "the new build's worker did not install"
            page.wait_for_timeout(250)
        page.close()

        # Once no verify page is open, the waiting worker of the new build takes over (seen
        # from a page outside its scope, which it does not control).
        outside = context.new_page()
        outside.goto(rebuildable.base)
        deadline = time.monotonic() + 120
        while not outside.evaluate(
            """async (scope) => {
                const reg = await navigator.serviceWorker.getRegistration(scope);
                return Boolean(reg && reg.active && !reg.waiting && !reg.installing
                               && reg.active.state === "activated");
            }""",
            rebuildable.base + "verify/",
        ):
            assert time.monotonic() < deadline, "the new build's worker never took over"
            outside.wait_for_timeout(250)
        outside.close()
        # The visit after: the new build's service worker, the old build's cache gone.
        page = context.new_page()
        open_verifier(page, rebuildable.base + "verify/")
        _wait_for_service_worker(page, second_id)
        keys = page.evaluate("async () => await caches.keys()")
        assert [k for k in keys if k.startswith("credsite-verify-")] == [
            f"credsite-verify-{second_id}"
        ]
    finally:
        context.close()


def test_catalogue_pages_stay_outside_the_service_worker(
    chromium_browser: Any, rebuildable: Rebuildable
) -> None:
    context = chromium_browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        open_verifier(page, rebuildable.base + "verify/")
        _wait_for_service_worker(page, rebuildable.build_id())
        page.goto(rebuildable.base + "offers/")
        assert page.evaluate("() => navigator.serviceWorker.controller === null")
        cached = page.evaluate(
            """async () => {
                const out = [];
                for (const key of await caches.keys()) {
                    const cache = await caches.open(key);
                    for (const r of await cache.keys()) out.push(new URL(r.url).pathname);
                }
                return out;
            }"""
        )
        assert not [p for p in cached if "/offers/" in p or "/pathways/" in p]
        assert any(p.endswith("/verify/runtime/pyodide.asm.wasm") for p in cached)
    finally:
        context.close()
