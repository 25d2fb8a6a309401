"""The verifier page of the built example site, in real Chromium (Playwright, Debian's chromium).

Covers: the samples (verdict and check list equal to the CPython verifier on the same registry),
a credential issued here with a fresh key (valid) and the same file tampered (invalid), several
files and pathway completion, paste, size limit, the report download, security (CSP meta, no
inline script, zero violations, no request to another origin, hostile text shown literally),
keyboard use with the result announced, axe-core, start-up failures shown as errors, no long
main-thread task while the runtime loads, and pages other than the verifier loading no Pyodide.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from build_tools.verifier import Registry, verify
from build_tools.verifier.crypto_cpython import CPythonCrypto

from ..conftest import RecordingPage, SiteServer, axe_violations, foreign_requests
from .conftest import FreshSite

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; object-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:"
)
START_TIMEOUT_MS = 180_000
RESULT_TIMEOUT_MS = 60_000

# Collected from the first moment of each page: CSP violations, long tasks.
WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  [e.violatedDirective, e.blockedURI, (e.sample || '').slice(0, 80)]));
window.__longtasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
"""

XSS = (
    '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    '"><svg onload=window.__xss=3>'
)


# --------------------------------------------------------------------------- helpers


def open_verifier(page: Any, url: str, *, wait: bool = True) -> None:
    page.add_init_script(WATCH)
    page.goto(url)
    if wait:
        page.wait_for_selector(
            "#credsite-verifier[data-state=ready]", state="attached", timeout=START_TIMEOUT_MS
        )


def wait_results(page: Any, count: int) -> list[dict[str, Any]]:
    """Wait for a finished batch of `count` results; their verdicts and check rows."""
    page.wait_for_selector(
        "#cv-download:not([hidden])", state="attached", timeout=RESULT_TIMEOUT_MS
    )
    results: list[dict[str, Any]] = page.eval_on_selector_all(
        "#cv-results > .cv-result",
        """els => els.map(el => ({
            verdict: el.dataset.verdict,
            format: el.dataset.format,
            title: el.querySelector('.cv-result__title')?.textContent,
            checks: [...el.querySelectorAll(':scope > .cv-checks > li')].map(
                li => [li.dataset.check, li.dataset.status]),
            nested: [...el.querySelectorAll(':scope > .cv-result')].map(n => n.dataset.verdict),
            text: el.textContent,
        }))""",
    )
    assert len(results) == count, results
    return results


def verify_files(page: Any, paths: list[Path]) -> list[dict[str, Any]]:
    page.set_input_files("#cv-file", [str(p) for p in paths])
    return wait_results(page, len(paths))


def cpython_registry(site_root: Path) -> Registry:
    data = json.loads((site_root / "registry.json").read_text("utf-8"))
    lists: dict[str, bytes] = {}
    for issuer in data["issuers"].values():
        for entry in issuer.get("status_lists") or []:
            local = site_root / entry["path"]
            if local.is_file():
                lists[entry["url"]] = local.read_bytes()
    return Registry.from_json(data, status_lists=lists)


def cpython_checks(data: bytes, registry: Registry) -> tuple[str, list[list[str]]]:
    report = verify(data, registry, now=dt.datetime.now(dt.UTC), crypto=CPythonCrypto())
    return report.verdict, [[c.id, c.status] for c in report.checks]


def samples(site_root: Path) -> list[dict[str, Any]]:
    index = json.loads((site_root / "samples" / "index.json").read_text("utf-8"))
    return list(index["samples"])


def no_violations(page: Any) -> None:
    assert page.evaluate("() => window.__cspViolations") == []


# --------------------------------------------------------------------------- samples, issuing


def test_each_sample_gives_its_expected_verdict_and_check_list(
    page: RecordingPage, site_server: SiteServer
) -> None:
    root = site_server.site.root
    registry = cpython_registry(root)
    items = samples(root)
    assert {s["expected"] for s in items} >= {"valid", "invalid"}
    assert len({s["format"] for s in items}) >= 2
    open_verifier(page, site_server.url("verify/"))
    buttons = page.locator("#cv-samples button.cv-sample")
    assert buttons.count() == len(items)
    for i, sample in enumerate(items):
        page.locator(f"#cv-samples button[data-sample='{sample['file']}']").click()
        [result] = wait_results(page, 1)
        assert result["title"] == f"Sample: {sample['kind']}: {sample['case']}"
        assert sample["description"] in result["text"]
        data = (root / "samples" / sample["file"]).read_bytes()
        verdict, checks = cpython_checks(data, registry)
        assert result["verdict"] == sample["expected"] == verdict, (i, sample["file"], result)
        assert result["checks"] == checks, sample["file"]
    no_violations(page)
    assert page.console_errors == []
    assert foreign_requests(page, site_server.origin) == []


def test_credential_issued_with_a_fresh_key_is_valid_and_tampered_is_invalid(
    page: RecordingPage, fresh_site: FreshSite, tmp_path: Path
) -> None:
    issued = fresh_site.issued["lu-data-ethics-practice"]
    credential = json.loads(issued.read_text("utf-8"))
    assert fresh_site.fresh_kid in json.dumps(credential["proof"])
    open_verifier(page, fresh_site.base + "verify/")
    [good] = verify_files(page, [issued])
    assert good["verdict"] == "valid", good
    assert dict(good["checks"])["signature"] == "pass"
    assert dict(good["checks"])["issuer_key"] == "pass"
    assert "University of Latvia" in good["text"]

    credential["credentialSubject"]["name"] = "Mallory Example"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(credential), "utf-8")
    [bad] = verify_files(page, [tampered])
    assert bad["verdict"] == "invalid", bad
    assert dict(bad["checks"])["signature"] == "fail"
    no_violations(page)
    assert page.console_errors == []


def test_several_files_get_one_result_each_and_the_pathway_they_complete(
    page: RecordingPage, fresh_site: FreshSite
) -> None:
    files = list(fresh_site.issued.values())
    open_verifier(page, fresh_site.base + "verify/")
    results = verify_files(page, files)
    assert [r["verdict"] for r in results] == ["valid"] * 3, results
    pathway = page.locator(".cv-pathway[data-pathway='forthem-digital-society']")
    assert pathway.get_attribute("data-complete") == "true"
    assert "These 3 credentials complete the pathway Digital Society" in pathway.inner_text()
    # Two of the three: the open pathway needs 6 ECTS from its members.
    verify_files(page, files[:1])
    partial = page.locator(".cv-pathway[data-pathway='forthem-digital-society']")
    assert partial.get_attribute("data-complete") == "false"
    assert "ECTS" in partial.inner_text()
    announce = page.locator("#cv-announce")
    assert announce.get_attribute("aria-live") == "polite"
    assert "Result: 1 valid" in announce.inner_text()
    # The same offers, one of them held by someone else: nobody's pathway is complete.
    others = [fresh_site.other_learner if "jyu-" in str(f) else f for f in files]
    assert [r["verdict"] for r in verify_files(page, others)] == ["valid"] * 3
    assert page.locator(".cv-pathway").count() == 0


def test_paste_size_limit_and_report_download(
    page: RecordingPage, site_server: SiteServer, tmp_path: Path
) -> None:
    root = site_server.site.root
    valid = next(s for s in samples(root) if s["expected"] == "valid")
    open_verifier(page, site_server.url("verify/"))
    page.fill("#cv-paste", (root / "samples" / valid["file"]).read_text("utf-8"))
    page.click("#cv-paste-go")
    [pasted] = wait_results(page, 1)
    assert pasted["verdict"] == "valid"

    big = tmp_path / "big.json"
    big.write_bytes(b"{" + b" " * 5_000_001 + b"}")
    [refused] = verify_files(page, [big])
    assert refused["verdict"] == "invalid"
    assert page.locator("[data-check=format] code").text_content() == "FORMAT_TOO_LARGE"

    with page.expect_download() as info:
        page.click("#cv-download")
    report = json.loads(Path(info.value.path()).read_text("utf-8"))
    assert report["results"][0]["file"] == "big.json"
    assert report["results"][0]["report"]["checks"][0]["code"] == "FORMAT_TOO_LARGE"


# --------------------------------------------------------------------------- security


def test_csp_meta_no_inline_script_and_no_violation(
    page: RecordingPage, site_server: SiteServer
) -> None:
    open_verifier(page, site_server.url("verify/"))
    first = page.evaluate("() => document.head.firstElementChild.outerHTML")
    assert 'http-equiv="Content-Security-Policy"' in first
    assert page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content") == CSP
    inline = page.evaluate(
        "() => [...document.scripts].filter(s => !s.src && s.type !== 'application/json'"
        " && s.type !== 'application/ld+json').map(s => s.outerHTML.slice(0, 80))"
    )
    assert inline == []
    page.locator("#cv-samples button.cv-sample").first.click()
    wait_results(page, 1)
    no_violations(page)
    assert page.console_errors == []
    assert foreign_requests(page, site_server.origin) == []
    # The theme still works without its inline scripts (storage helpers defined by file).
    assert page.evaluate("() => typeof __md_get === 'function' && __md_scope instanceof URL")


def _hostile_credential(site_root: Path) -> dict[str, Any]:
    valid = next(
        s
        for s in samples(site_root)
        if s["format"].startswith("vc-di") and s["expected"] == "valid"
    )
    cred = json.loads((site_root / "samples" / valid["file"]).read_text("utf-8"))
    subject = cred["credentialSubject"]
    name = next(i for i in subject["identifier"] if i.get("identityType") == "name")
    name["identityHash"] = "Learner " + XSS
    subject["achievement"]["name"] = "Title " + XSS
    subject["achievement"]["description"] = XSS
    cred["validFrom"] = XSS
    if isinstance(cred.get("issuer"), dict):
        cred["issuer"]["name"] = XSS
    return cred


def test_hostile_text_is_shown_literally_and_nothing_runs(
    page: RecordingPage, site_server: SiteServer, tmp_path: Path
) -> None:
    root = site_server.site.root
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    cred = _hostile_credential(root)
    hostile = tmp_path / f"{XSS.replace('/', '_')[:60]}.json"
    hostile.write_text(json.dumps(cred), "utf-8")
    valid = next(
        s for s in samples(root) if s["format"].startswith("vc-di") and s["expected"] == "valid"
    )
    unknown_context = json.loads((root / "samples" / valid["file"]).read_text("utf-8"))
    unknown_context["@context"] = [*unknown_context["@context"], "https://example.org/" + XSS]
    second = tmp_path / "context.json"
    second.write_text(json.dumps(unknown_context), "utf-8")
    open_verifier(page, site_server.url("verify/"))
    results = verify_files(page, [hostile, second])
    assert all(r["verdict"] in ("invalid", "unverifiable") for r in results), results
    text = page.inner_text("#cv-results")
    assert "Learner " + XSS in text
    assert "Title " + XSS in text
    assert XSS.replace("/", "_")[:60] in text  # the file name
    assert "https://example.org/" + XSS in page.text_content("#cv-results")  # technical detail
    assert page.evaluate("() => window.__xss") is None
    injected = page.eval_on_selector_all(
        "#cv-results img, #cv-results svg, #cv-results script, #cv-results iframe",
        "els => els.length",
    )
    assert injected == 0
    # Values read from a credential whose signature is not valid are marked as not verified.
    assert page.locator("#cv-results .cv-tag--unsigned").count() >= 2
    page.fill("#cv-paste", XSS)
    page.click("#cv-paste-go")
    [pasted] = wait_results(page, 1)
    assert pasted["verdict"] == "unverifiable"
    assert dialogs == []
    no_violations(page)
    assert foreign_requests(page, site_server.origin) == []


# --------------------------------------------------------------------------- people


def test_keyboard_only_flow_announces_the_result(
    page: RecordingPage, site_server: SiteServer
) -> None:
    root = site_server.site.root
    valid = next(s for s in samples(root) if s["expected"] == "valid")
    open_verifier(page, site_server.url("verify/"))
    # Playwright turns on file-chooser interception without waiting for the browser
    # to confirm it; subscribing now, many round trips before Space is pressed, keeps
    # the chooser from opening (and being dismissed) before interception is on.
    page.on("filechooser", lambda _chooser: None)
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == "cv-file":
            break
    else:
        pytest.fail("the file picker cannot be reached with the Tab key")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(root / "samples" / valid["file"]))
    [result] = wait_results(page, 1)
    assert result["verdict"] == "valid"
    announce = page.locator("#cv-announce")
    assert announce.get_attribute("aria-live") == "polite"
    assert announce.inner_text() == "Result: 1 valid."


def test_axe_reports_no_serious_or_critical_violation(
    page: RecordingPage, site_server: SiteServer
) -> None:
    open_verifier(page, site_server.url("verify/"))
    page.locator("#cv-samples button.cv-sample").nth(1).click()
    wait_results(page, 1)
    page.locator("#cv-results details").first.evaluate("d => { d.open = true; }")
    assert axe_violations(page) == []


def test_print_stylesheet_keeps_only_the_report(
    page: RecordingPage, site_server: SiteServer
) -> None:
    open_verifier(page, site_server.url("verify/"))
    page.locator("#cv-samples button.cv-sample").first.click()
    wait_results(page, 1)
    page.emulate_media(media="print")
    for hidden in ("#cv-drop", "#cv-paste", "#cv-samples", "#cv-download", ".md-header"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("#cv-results .cv-result").first.is_visible()


# --------------------------------------------------------------------------- start-up


def test_start_up_shows_progress_and_keeps_the_runtime_off_the_main_thread(
    page: RecordingPage, site_server: SiteServer
) -> None:
    # How long main-thread tasks take is measured by bench/browser_verify.py; here we check the
    # structure that keeps the page responsive: progress is shown and Pyodide lives in a worker.
    page.goto(site_server.url("verify/"))
    status = page.locator("#cv-status")
    page.wait_for_selector(
        "#cv-status:has-text('Loading the verifier… step')", state="attached", timeout=30_000
    )
    assert "Loading the verifier… step" in status.inner_text()
    page.wait_for_selector(
        "#credsite-verifier[data-state=ready]", state="attached", timeout=START_TIMEOUT_MS
    )
    assert "ready" in status.inner_text()
    assert len(page.workers) >= 1
    assert page.evaluate("typeof window.loadPyodide === 'undefined' && !('pyodide' in window)")


def test_missing_runtime_file_shows_an_error_not_a_spinner(
    page: RecordingPage, site_server: SiteServer
) -> None:
    page.route("**/verify/runtime/pyodide.asm.wasm", lambda route: route.fulfill(status=404))
    open_verifier(page, site_server.url("verify/"), wait=False)
    page.wait_for_selector(
        "#credsite-verifier[data-state=failed]", state="attached", timeout=60_000
    )
    error = page.locator("#cv-error")
    assert error.is_visible()
    assert "missing" in error.inner_text()
    assert not page.locator("#cv-progress").is_visible()


def test_changed_runtime_file_is_refused(page: RecordingPage, site_server: SiteServer) -> None:
    def corrupt(route: Any) -> None:
        response = route.fetch()
        body = bytearray(response.body())  # as the browser decoded it
        body[-1] ^= 0xFF
        # Sent as it is ("identity"), so the worker takes this answer, not the file's .gz copy.
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-encoding", "content-length")
        }
        route.fulfill(
            status=200, headers={**headers, "content-encoding": "identity"}, body=bytes(body)
        )

    page.route("**/verify/runtime/pyodide.asm.mjs", corrupt)  # used by both starts
    open_verifier(page, site_server.url("verify/"), wait=False)
    page.wait_for_selector(
        "#credsite-verifier[data-state=failed]", state="attached", timeout=60_000
    )
    assert "checksum" in page.inner_text("#cv-error")


def test_webassembly_blocked_by_policy_shows_an_error(
    page: RecordingPage, site_server: SiteServer
) -> None:
    # A host that sends a strict policy for the worker script (no 'wasm-unsafe-eval').
    def strict(route: Any) -> None:
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": "script-src 'self'"}
        route.fulfill(response=response, headers=headers)

    page.route("**/verify/worker.mjs", strict)  # the worker's entry: its policy applies
    open_verifier(page, site_server.url("verify/"), wait=False)
    page.wait_for_selector(
        "#credsite-verifier[data-state=failed]", state="attached", timeout=60_000
    )
    assert "blocks WebAssembly" in page.inner_text("#cv-error")


def test_start_up_that_never_finishes_times_out_with_a_message(
    page: RecordingPage, site_server: SiteServer
) -> None:
    def short_timeout(route: Any) -> None:
        response = route.fetch()
        html = response.text().replace(
            'data-max-bytes="5000000"', 'data-max-bytes="5000000" data-start-timeout="4000"'
        )
        route.fulfill(response=response, body=html)

    page.route("**/verify/", short_timeout)
    page.route("**/verify/runtime/pyodide.asm.wasm", lambda route: None)  # never answered
    open_verifier(page, site_server.url("verify/"), wait=False)
    page.wait_for_selector(
        "#credsite-verifier[data-state=failed]", state="attached", timeout=30_000
    )
    assert "did not start within 30 seconds" in page.inner_text("#cv-error")


def test_wasm_disabled_browser_shows_an_error(browser: Any, site_server: SiteServer) -> None:
    context = browser.new_context()
    try:
        page: Page = context.new_page()

        # WebAssembly switched off in the worker as a browser setting or extension would.
        def without_wasm(route: Any) -> None:
            response = route.fetch()
            route.fulfill(
                response=response, body="delete globalThis.WebAssembly;\n" + response.text()
            )

        page.route("**/assets/verifier/worker.mjs", without_wasm)
        page.goto(site_server.url("verify/"))
        page.wait_for_selector(
            "#credsite-verifier[data-state=failed]", state="attached", timeout=60_000
        )
        assert "WebAssembly turned off" in page.inner_text("#cv-error")
    finally:
        context.close()


def test_other_pages_load_no_verifier_runtime(page: RecordingPage, site_server: SiteServer) -> None:
    for path in ("", "offers/", "pathways/", "issuers/lu/"):
        page.goto(site_server.url(path))
        page.wait_for_load_state("networkidle")
    loaded = [u for u in page.requests if "/verify/runtime/" in u or "assets/verifier/" in u]
    assert loaded == []
    # The header links to the verifier on every page.
    assert page.locator("a[href$='verify/']").count() >= 1


# --------------------------------------------------------------------------- time-out


def _slow_credential() -> bytes:
    """Within every limit, but seconds of work in the browser: 3,000 nodes of one subject,
    with an undefined term (pyld's path)."""
    from tests.verifier import _hostile
    from tests.verifier import _make as m

    cred = m.ob3_credential()
    cred["credentialSubject"]["achievement"]["alignment"] = [
        {"id": "urn:x:same", "type": "Alignment", "targetName": [f"n{i}-{j}" for j in range(8)]}
        for i in range(3_000)
    ]
    cred["undefinedTerm"] = 1
    return m.dumps(_hostile._signed_raw(cred))


def test_a_file_past_the_time_out_restarts_the_worker_and_the_next_file_verifies(
    page: RecordingPage, site_server: SiteServer, tmp_path: Path
) -> None:
    slow = tmp_path / "slow.json"
    slow.write_bytes(_slow_credential())
    open_verifier(page, site_server.url("verify/"))
    page.eval_on_selector("#credsite-verifier", "el => { el.dataset.verifyTimeout = '150'; }")
    [result] = verify_files(page, [slow])
    assert result["verdict"] == "unverifiable"
    assert "took longer than 0.2 seconds, so it was stopped" in result["text"]
    assert "restarted" in result["text"]
    # a new worker starts; with the usual time-out, a sample verifies
    page.eval_on_selector("#credsite-verifier", "el => { delete el.dataset.verifyTimeout; }")
    page.wait_for_selector(
        "#credsite-verifier[data-state=ready]", state="attached", timeout=START_TIMEOUT_MS
    )
    valid = next(s for s in samples(site_server.site.root) if s["expected"] == "valid")
    page.locator(f"#cv-samples button[data-sample='{valid['file']}']").click()
    [again] = wait_results(page, 1)
    assert again["verdict"] == "valid", again
    assert page.console_errors == []
