"""Figures for the in-browser verifier (headless Chromium, one run, printed side by side).

    .venv/bin/python bench/browser_verify.py [--runs 3] [--site DIR] [--keep DIR] [--only eddsa]

Builds the example site (or takes a built one), serves it on 127.0.0.1 under its own sub-path
and measures, in Debian's Chromium:

1. start-up: navigation -> "ready" on the verifier page, against a bare `loadPyodide` (same
   page markup and theme, same runtime files, only the script differs: a module worker that
   calls `loadPyodide` and nothing else); fresh browser context per load, interleaved;
   goal: ratio <= 0.5 (the verifier starts from its build-time memory snapshot);
2. the longest main-thread task during start-up (PerformanceObserver 'longtask'); goal <= 200 ms;
3. warm verification medians per format, timed inside the worker (samples/index.json, plus
   an SD-JWT VC with key binding and Open Badges baked into PNG: a vc+jwt and the site's
   Data Integrity sample); goals: JWS formats <= 50 ms, Data Integrity <= 250 ms;
4. eddsa-rdfc-2022 against Digital Bazaar's JavaScript verifier in the same Chromium, on the W3C
   vector and on a credential with 60 blank nodes (signed here with a fresh did:key); goal <= 3x;
5. a 20-file drop, end to end (drop event -> 20 results announced);
6. bytes transferred by a first visit to the verifier page until it is ready (encoded sizes, as
   sent): from this server, which serves the build's .br copies as a configured host does, and
   from one that ignores them (the worker then fetches the .gz copies); then everything the
   browser fetched once the service worker stored the page for offline use; and the catalogue
   index page (no Pyodide bytes); goal <= 6 MB;
7. repeat visit (same browser profile, its service worker installed): navigation -> ready,
   goal <= 1 s; and navigation -> first verdict of a sample verified on arrival, goal <= 1.5 s.

`--only eddsa` measures item 4 alone (its two rows side by side, `--runs` rounds), for work on
the canonicalisation; everything else is skipped.

No timed assertions anywhere: the script prints figures and ratios and exits 0 unless a
measurement itself failed (e.g. a verdict was not what the run expected).
"""

from __future__ import annotations

import argparse
import base64
import copy
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from build_tools.verifier.sharelink import encode_credential  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

W3C_VECTOR = PROJECT / "bench" / "data" / "w3c-vc-di-eddsa" / "signedDataInt.json"
JWS_FORMATS_HINT = ("jades", "jwt", "jws")

LONGTASK_INIT = """
window.__longtasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
} catch (e) {}
"""

BARE_PAGE_JS = """// bench only: the verifier page with a bare loadPyodide instead of the verifier
const w = new Worker(new URL("./bench-bare-worker.mjs", import.meta.url), { type: "module" });
w.onmessage = (e) => {
  if (e.data && e.data.type === "done") {
    performance.mark("bench-bare-ready");
    document.body.dataset.bareReady = String(performance.now());
  }
};
"""

BARE_WORKER_JS = """// bench only: loadPyodide from the bundled runtime and nothing else
import { loadPyodide } from "../../verify/runtime/pyodide.mjs";
await loadPyodide({
  indexURL: new URL("../../verify/runtime/", import.meta.url).href,
  packageBaseUrl: new URL("../../verify/runtime/", import.meta.url).href,
  lockFileContents: { info: LOCK_INFO, packages: {} },
});
self.postMessage({ type: "done" });
"""

JS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>bench: Digital Bazaar verifier</title></head><body>
<script type="module" src="./db.bundle.mjs"></script></body></html>
"""


# --------------------------------------------------------------------------- helpers


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_ms(value: float) -> str:
    return f"{value:,.1f} ms" if value == value else "n/a"


def log(text: str) -> None:
    print(text, flush=True)


@contextmanager
def serve(root: Path, prefix: str, *, plain: bool = False) -> Iterator[str]:
    """`credsite serve`'s server on `root`; `plain`: one that ignores the `.br`/`.gz` copies
    (a host that neither serves them nor compresses)."""
    from build_tools.sitebuild.serve import make_server

    server = make_server(root, prefix, precompressed=not plain)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def build_site(out: Path) -> Path:
    from build_tools.sitebuild.build import build_site as _build

    _build(catalogue_dir=PROJECT / "catalogue", out=out, project=PROJECT)
    return out


def large_credential() -> dict[str, Any]:
    """The W3C alumni credential plus 30 achievements (60 blank nodes), fresh did:key."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from build_tools.issuing.dataintegrity import sign_single
    from build_tools.issuing.keys import multikey

    key = ed25519.Ed25519PrivateKey.generate()
    mk = multikey(key)
    did = f"did:key:{mk}"
    doc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:0b9c1f9e-6a1e-4d0e-9d8f-5c2f4c3b2a10",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "An alumni credential with thirty achievements.",
        "issuer": did,
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:abcdefgh",
            "alumniOf": "The School of Examples",
            "achievement": [
                {
                    "type": "Achievement",
                    "identifier": f"course-{i:02d}",
                    "name": f"Course {i}",
                    "description": f"Completed course number {i} of the programme.",
                    "criteria": {"narrative": f"Passed the final assessment of course {i}."},
                    "credits": 5,
                    "level": "EQF 6",
                    "awardedOn": "2022-06-30",
                }
                for i in range(30)
            ],
        },
    }
    return sign_single(
        doc, private_key=key, verification_method=f"{did}#{mk}", created="2023-02-24T23:36:38Z"
    )


def bench_contexts() -> dict[str, Any]:
    """Context documents for the JS verifier: the verifier's pinned copies, plus DID v1."""
    from importlib import resources

    from build_tools.verifier.jsonld import CONTEXTS, bundled_context

    docs = {url: bundled_context(url) for url in CONTEXTS}
    did_v1 = resources.files("pyld").joinpath(
        "documentloader", "frozen", "bundled", "did-v1.jsonld"
    )
    docs["https://www.w3.org/ns/did/v1"] = json.loads(did_v1.read_text("utf-8"))
    return docs


def prepare_bench_files(root: Path) -> None:
    """Bench-only files beside the built site copy (never part of the published site)."""
    manifest = json.loads((root / "verify" / "runtime" / "manifest.json").read_text("utf-8"))
    lock = json.dumps(manifest["pyodide"]["lock_info"])
    assets = root / "assets" / "verifier"
    (assets / "bench-bare.mjs").write_text(BARE_PAGE_JS, "utf-8")
    worker = BARE_WORKER_JS.replace("LOCK_INFO", lock)
    (assets / "bench-bare-worker.mjs").write_text(worker, "utf-8")
    page = (root / "verify" / "index.html").read_text("utf-8")
    if "assets/verifier/app.mjs" not in page:
        raise SystemExit("verify/index.html does not load assets/verifier/app.mjs")
    bare = root / "verifybare"
    bare.mkdir(exist_ok=True)
    (bare / "index.html").write_text(
        page.replace("assets/verifier/app.mjs", "assets/verifier/bench-bare.mjs"), "utf-8"
    )
    js = root / "__bench__" / "js"
    js.mkdir(parents=True, exist_ok=True)
    (js / "index.html").write_text(JS_PAGE, "utf-8")
    subprocess.run(
        [
            str(PROJECT / "node_modules" / ".bin" / "esbuild"),
            str(PROJECT / "bench" / "browser_verify_db.mjs"),
            "--bundle",
            "--format=esm",
            "--platform=browser",
            "--target=es2022",
            "--log-level=warning",
            f"--outfile={js / 'db.bundle.mjs'}",
        ],
        check=True,
        cwd=PROJECT,
    )


# --------------------------------------------------------------------------- measurements


def new_context(browser: Any) -> Any:
    context = browser.new_context()
    context.add_init_script(LONGTASK_INIT)
    return context


def page_requests(page: Any) -> list[Any]:
    finished: list[Any] = []
    page.on("requestfinished", lambda r: finished.append(r))
    return finished


def measure_startup(browser: Any, base: str, runs: int) -> dict[str, Any]:
    ready: list[float] = []
    bare: list[float] = []
    longest: list[float] = []
    longest_bare: list[float] = []
    ratios: list[float] = []
    steps: list[dict[str, float]] = []
    for i in range(runs):
        order = ("verify", "bare") if i % 2 == 0 else ("bare", "verify")
        got: dict[str, Any] = {}
        for kind in order:
            context = new_context(browser)
            page = context.new_page()
            if kind == "verify":
                page.goto(base + "verify/")
                page.wait_for_selector(
                    "#credsite-verifier[data-state=ready]", state="attached", timeout=120_000
                )
                t = page.evaluate(
                    "() => performance.getEntriesByName('credsite-verifier-ready')[0].startTime"
                )
                tasks = page.evaluate("() => window.__longtasks")
                steps.append(
                    page.evaluate(
                        "() => Object.fromEntries(performance.getEntriesByType('mark')"
                        ".filter(m => m.name.startsWith('credsite-verifier-'))"
                        ".map(m => [m.name.slice(18), m.startTime]))"
                    )
                )
                ready.append(t)
                got["start"] = page.get_attribute("#credsite-verifier", "data-start") or "?"
                longest.append(max([d for s, d in tasks if s <= t], default=0.0))
            else:
                page.goto(base + "verifybare/")
                page.wait_for_selector("body[data-bare-ready]", state="attached", timeout=120_000)
                t = page.evaluate(
                    "() => performance.getEntriesByName('bench-bare-ready')[0].startTime"
                )
                tasks = page.evaluate("() => window.__longtasks")
                bare.append(t)
                longest_bare.append(max([d for s, d in tasks if s <= t], default=0.0))
            got[kind] = t
            context.close()
        ratios.append(got["verify"] / got["bare"])
        log(
            f"  start-up run {i + 1}: verifier ready {got['verify']:,.0f} ms, "
            f"bare loadPyodide {got['bare']:,.0f} ms, ratio {ratios[-1]:.2f} "
            f"(start: {got['start']})"
        )
    return {
        "ready_ms": ready,
        "bare_ms": bare,
        "ratio_per_run": ratios,
        "longest_task_ms": longest,
        "longest_task_bare_ms": longest_bare,
        "steps": steps,
    }


def ask_measure(page: Any, data: bytes, *, warmup: int, iterations: int) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        """async ({b64, warmup, iterations}) => {
          const root = document.getElementById('credsite-verifier');
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const done = new Promise((resolve) => root.addEventListener(
            'credsite-verifier:measured', (e) => resolve(e.detail), { once: true }));
          root.dispatchEvent(new CustomEvent('credsite-verifier:measure',
            { detail: { bytes: bytes.buffer, warmup, iterations } }));
          return await done;
        }""",
        {"b64": base64.b64encode(data).decode("ascii"), "warmup": warmup, "iterations": iterations},
    )
    return result


def ready_verifier_page(browser: Any, base: str) -> tuple[Any, Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "verify/")
    page.wait_for_selector(
        "#credsite-verifier[data-state=ready]", state="attached", timeout=120_000
    )
    return context, page


def load_samples(site: Path) -> list[dict[str, Any]]:
    index_path = site / "samples" / "index.json"
    if not index_path.is_file():
        return []
    index = json.loads(index_path.read_text("utf-8"))
    items = index if isinstance(index, list) else index.get("samples", [])
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            continue
        path = index_path.parent / item["file"]
        if path.is_file():
            out.append({**item, "bytes": path.read_bytes()})
    return out


def more_formats(site: Path) -> list[dict[str, Any]]:
    """Formats the site's samples do not cover, verified against the site's registry: an
    SD-JWT VC with key binding (its issuer key in the header, so not in the registry), and
    Open Badges baked into PNG, a vc+jwt (header key) and the site's valid Data Integrity
    sample (registered key)."""
    from tests.verifier import _baked
    from tests.verifier import _make as m
    from tests.verifier.test_offline_methods import _sd_jwt

    key = m.stranger("P-256")
    doc = m.ob3_credential()
    doc["issuer"] = {"id": "https://issuer.example/", "type": ["Profile"], "name": "Example"}
    jwt = m.sign_jwt(doc, key, header={"kid": None, "jwk": key.jwk})
    site_ob3 = (site / "samples" / "ob3-valid.json").read_bytes()
    return [
        {"label": "dc+sd-jwt + key binding", "goal_kind": "JWS", "bytes": _sd_jwt()},
        {"label": "ob3-baked-png: vc+jwt", "goal_kind": "JWS", "bytes": _baked.bake_png(jwt)},
        {
            "label": "ob3-baked-png: eddsa-rdfc-2022",
            "goal_kind": "Data Integrity",
            "bytes": _baked.bake_png(site_ob3),
        },
    ]


def expected_verdict(item: dict[str, Any]) -> str:
    for key in ("expected_verdict", "expected", "verdict"):
        if isinstance(item.get(key), str):
            return str(item[key])
    return ""


def measure_formats(page: Any, samples: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_format: dict[str, dict[str, Any]] = {}
    for item in samples:
        if expected_verdict(item) not in ("valid", "valid_with_warnings"):
            continue
        fmt = str(item.get("label") or item.get("format") or "unknown")
        if fmt in by_format:
            continue
        result = ask_measure(page, item["bytes"], warmup=5, iterations=30)
        by_format[fmt] = {
            "file": item.get("file", fmt),
            "median_ms": median(result["times"]),
            "verdict": result.get("verdict"),
            "goal_kind": item.get("goal_kind"),
        }
    return by_format


def measure_db_ratio(browser: Any, base: str, page: Any, rounds: int) -> dict[str, Any]:
    contexts = bench_contexts()
    creds = {
        "W3C vector": json.loads(W3C_VECTOR.read_text("utf-8")),
        "60 blank nodes": large_credential(),
    }
    js_context = browser.new_context()
    js_page = js_context.new_page()
    js_page.goto(base + "__bench__/js/")
    js_page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
    out: dict[str, Any] = {}
    for name, cred in creds.items():
        data = json.dumps(cred).encode("utf-8")
        py_medians: list[float] = []
        js_medians: list[float] = []
        ratios: list[float] = []
        verdicts: set[str] = set()
        for _ in range(rounds):
            py = ask_measure(page, data, warmup=10, iterations=50)
            js = js_page.evaluate(
                "async ({contexts, cred}) => credsiteBenchDb.measure(contexts, cred, 10, 50)",
                {"contexts": contexts, "cred": copy.deepcopy(cred)},
            )
            if not js["verified"]:
                raise SystemExit(f"JS verifier did not verify {name}: {js['error']}")
            verdicts.add(str(py.get("verdict")))
            py_medians.append(median(py["times"]))
            js_medians.append(median(js["times"]))
            ratios.append(py_medians[-1] / js_medians[-1])
        out[name] = {
            "pyodide_ms": median(py_medians),
            "js_ms": median(js_medians),
            "ratio": median(ratios),
            "ratio_per_round": ratios,
            "verdicts": sorted(verdicts),
        }
    js_context.close()
    return out


def measure_drop(page: Any, samples: list[dict[str, Any]], runs: int) -> dict[str, Any]:
    pool = [s for s in samples if expected_verdict(s) in ("valid", "valid_with_warnings")]
    pool = pool or samples
    if not pool:
        return {"skipped": "no samples"}
    files = [
        {
            "name": f"{i:02d}-{pool[i % len(pool)]['file']}",
            "text": pool[i % len(pool)]["bytes"].decode("utf-8"),
        }
        for i in range(20)
    ]
    times: list[float] = []
    for _ in range(runs):
        handle = page.evaluate_handle(
            """(files) => { const dt = new DataTransfer();
               for (const f of files) {
                 dt.items.add(new File([f.text], f.name, {type: 'application/json'}));
               }
               return dt; }""",
            files,
        )
        page.evaluate("() => { document.getElementById('cv-announce').textContent = ''; }")
        t0 = time.perf_counter()
        page.dispatch_event("#cv-drop", "drop", {"dataTransfer": handle})
        page.wait_for_selector(
            "#cv-announce:has-text('20 results')", state="attached", timeout=120_000
        )
        times.append((time.perf_counter() - t0) * 1000)
        count = page.locator("#cv-results > .cv-result").count()
        if count != 20:
            raise SystemExit(f"20-file drop rendered {count} results")
    return {"median_ms": median(times), "runs_ms": times}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def measure_bytes(browser: Any, base: str, path: str, *, wait_ready: bool) -> dict[str, Any]:
    """What a first visit transfers (encoded body + headers, as sent): the page's own requests
    (to ready), and everything the browser fetched for it, the service worker's store for
    offline use included (once it is installed)."""
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    finished = page_requests(page)
    everything: list[Any] = []
    context.on("requestfinished", lambda r: everything.append(r))
    origin = _origin(base)
    foreign: list[str] = []
    context.on("request", lambda r: None if _origin(r.url) == origin else foreign.append(r.url))
    page.goto(base + path)
    if wait_ready:
        page.wait_for_selector(
            "#credsite-verifier[data-state=ready]", state="attached", timeout=120_000
        )
        page_total = sum(_sent(r) for r in finished)
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    time.sleep(1.0)
    if not wait_ready:
        page_total = sum(_sent(r) for r in finished)
    runtime = sum(_sent(r) for r in finished if "/verify/runtime/" in r.url)
    with_store = sum(_sent(r) for r in {id(r): r for r in everything}.values())
    context.close()
    return {
        "urls": [r.url for r in finished],
        "bytes": page_total,
        "with_offline_store": with_store,
        "requests": len(finished),
        "runtime_bytes": runtime,
        "foreign_requests": foreign,
    }


def _sent(request: Any) -> int:
    sizes = request.sizes()
    return int(sizes["responseBodySize"] + sizes["responseHeadersSize"])


def compressed_sizes(root: Path, base: str, urls: list[str]) -> dict[str, int]:
    """Bytes of the files at `urls` (under the served `root`) raw, gzip -9 and brotli q11
    (brotli through Node's zlib; 0 when Node is missing)."""
    import gzip

    paths = []
    for url in dict.fromkeys(urls):
        if not url.startswith(base):
            continue
        rel = url[len(base) :].split("?", 1)[0].split("#", 1)[0]
        path = root / (rel + "index.html" if rel.endswith("/") or not rel else rel)
        if path.is_file():
            paths.append(path)
    raw = sum(p.stat().st_size for p in paths)
    gz = sum(len(gzip.compress(p.read_bytes(), compresslevel=9, mtime=0)) for p in paths)
    br = 0
    node = shutil.which("node")
    if node:
        script = (
            "const z=require('zlib'),fs=require('fs');let t=0;"
            "for(const f of process.argv.slice(1)){const b=fs.readFileSync(f);"
            "t+=z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,"
            "[z.constants.BROTLI_PARAM_LGWIN]:24,[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}})"
            ".length}console.log(t)"
        )
        done = subprocess.run(
            [node, "-e", script, *map(str, paths)], capture_output=True, text=True, check=True
        )
        br = int(done.stdout.strip())
    return {"files": len(paths), "raw": raw, "gzip": gz, "brotli": br}


def measure_repeat_visit(
    browser: Any, base: str, samples: list[dict[str, Any]], runs: int
) -> dict[str, Any]:
    """Navigation -> ready, and navigation -> first verdict of a valid sample, on a second visit
    in the same profile (service worker installed, browser caches warm)."""
    valid = next((s for s in samples if expected_verdict(s) == "valid"), None)
    # The smallest valid sample that fits a share link.
    share: tuple[str, str] | None = None
    for item in sorted(samples, key=lambda s: len(s["bytes"])):
        if expected_verdict(item) == "valid" and len(encode_credential(item["bytes"])) < 8000:
            share = (item["file"], encode_credential(item["bytes"]))
            break
    ready: list[float] = []
    verdict: list[float] = []
    linked: list[float] = []
    starts: set[str] = set()
    for _ in range(runs):
        context = browser.new_context(service_workers="allow")
        page = context.new_page()
        page.goto(base + "verify/")
        page.wait_for_selector(
            "#credsite-verifier[data-state=ready]", state="attached", timeout=120_000
        )
        page.wait_for_function(
            "() => navigator.serviceWorker.controller !== null", timeout=120_000, polling=100
        )
        page.close()
        page = context.new_page()
        page.goto(base + "verify/")
        page.wait_for_selector(
            "#credsite-verifier[data-state=ready]", state="attached", timeout=120_000
        )
        ready.append(
            page.evaluate(
                "() => performance.getEntriesByName('credsite-verifier-ready')[0].startTime"
            )
        )
        starts.add(str(page.get_attribute("#credsite-verifier", "data-start")))
        page.close()
        if valid is not None:
            # Verify on arrival: the sample is asked for as soon as its button exists (before
            # the verifier is ready; the request waits for it), as a share link will do.
            page = context.new_page()
            page.goto(base + "verify/")
            page.wait_for_selector(
                f"#cv-samples button[data-sample='{valid['file']}']", timeout=120_000
            )
            page.click(f"#cv-samples button[data-sample='{valid['file']}']")
            page.wait_for_selector(
                "#cv-results .cv-result[data-verdict]", state="attached", timeout=120_000
            )
            verdict.append(page.evaluate("() => performance.now()"))
            got = page.get_attribute("#cv-results .cv-result", "data-verdict")
            if got != "valid":
                raise SystemExit(f"repeat visit: sample {valid['file']} gave {got}")
            page.close()
        if share is not None:
            # A share link (the credential in the URL fragment) opened on a repeat visit: it
            # is verified on arrival.
            page = context.new_page()
            page.goto(base + "verify/#" + share[1])
            page.wait_for_selector(
                "#cv-results .cv-result[data-verdict]", state="attached", timeout=120_000
            )
            linked.append(page.evaluate("() => performance.now()"))
            got = page.get_attribute("#cv-results .cv-result", "data-verdict")
            if got != "valid":
                raise SystemExit(f"repeat visit: share link of {share[0]} gave {got}")
            page.close()
        context.close()
    return {
        "ready_ms": ready,
        "verdict_ms": verdict,
        "link_ms": linked,
        "link_chars": len(share[1]) if share else 0,
        "starts": sorted(starts),
    }


# --------------------------------------------------------------------------- main


@contextmanager
def bench_browser(args: argparse.Namespace) -> Iterator[tuple[Any, str, Path]]:
    """A served bench copy of the site and a headless Chromium: (browser, base URL, root)."""
    from playwright.sync_api import sync_playwright

    from build_tools.sitebuild.serve import site_prefix

    work = Path(tempfile.mkdtemp(prefix="credsite-bench-"))
    try:
        site = args.site or build_site(work / "built")
        root = args.keep or work / "root"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(site, root)
        registry = json.loads((root / "registry.json").read_text("utf-8"))
        prefix = site_prefix(str(registry.get("site_url") or "/"))
        prepare_bench_files(root)
        with serve(root, prefix) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            log(
                f"Chromium {browser.version}; site at {base}; "
                f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
            )
            yield browser, base, root
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def log_db_ratio(db: dict[str, Any]) -> None:
    for name, info in db.items():
        log(
            f"  eddsa-rdfc-2022 {name:<15} Pyodide {fmt_ms(info['pyodide_ms'])}, "
            f"JS {fmt_ms(info['js_ms'])}, ratio {info['ratio']:.1f}x "
            f"(rounds {', '.join(f'{r:.1f}' for r in info['ratio_per_round'])}; goal <= 3x; "
            f"verdict {'/'.join(info['verdicts'])})"
        )


def main_eddsa_only(args: argparse.Namespace) -> int:
    """`--only eddsa`: item 4 alone, `--runs` rounds of 50 timed verifications per side."""
    with bench_browser(args) as (browser, base, _root):
        context, page = ready_verifier_page(browser, base)
        log(f"4. eddsa-rdfc-2022 against Digital Bazaar's JS verifier ({args.runs} rounds x 50):")
        db = measure_db_ratio(browser, base, page, rounds=args.runs)
        context.close()
    log("")
    log("Results")
    log_db_ratio(db)
    return 0


def measure_visits(browser: Any, base: str, root: Path, runs: int) -> dict[str, Any]:
    """Items 6 and 7: bytes of a first visit (from this server, and from one that ignores the
    .br/.gz copies) and the repeat visits."""
    log("6. bytes transferred:")
    verify_bytes = measure_bytes(browser, base, "verify/", wait_ready=True)
    with serve(root, urlsplit(base).path, plain=True) as plain_base:
        plain_bytes = measure_bytes(browser, plain_base, "verify/", wait_ready=True)
    index_bytes = measure_bytes(browser, base, "offers/", wait_ready=False)
    packed = compressed_sizes(root, base, verify_bytes["urls"])
    log("7. repeat visit (service worker installed):")
    repeat = measure_repeat_visit(browser, base, load_samples(root), runs)
    return {
        "verify_bytes": verify_bytes,
        "plain_bytes": plain_bytes,
        "index_bytes": index_bytes,
        "packed": packed,
        "repeat": repeat,
    }


def log_visits(visits: dict[str, Any], runs: int) -> None:
    verify_bytes, plain_bytes = visits["verify_bytes"], visits["plain_bytes"]
    index_bytes, packed, repeat = visits["index_bytes"], visits["packed"], visits["repeat"]
    log(
        f"  verifier page, first visit to ready: {verify_bytes['bytes']:,} B in "
        f"{verify_bytes['requests']} requests from a host serving the .br copies "
        f"({verify_bytes['runtime_bytes']:,} B of runtime), {plain_bytes['bytes']:,} B from a "
        f"plain host (the worker takes the .gz copies) (goal <= 6,000,000); with the service "
        f"worker's offline store: {verify_bytes['with_offline_store']:,} B / "
        f"{plain_bytes['with_offline_store']:,} B; foreign requests: "
        f"{len(verify_bytes['foreign_requests']) + len(plain_bytes['foreign_requests'])}"
    )
    log(
        f"  verifier page files ({packed['files']}): {packed['raw']:,} B raw, "
        f"{packed['gzip']:,} B gzip -9, {packed['brotli']:,} B brotli q11 (goal <= 6,000,000)"
    )
    log(
        f"  repeat visit, navigation -> ready (median of {runs}): "
        f"{fmt_ms(median(repeat['ready_ms']))} (runs "
        f"{', '.join(f'{t:,.0f}' for t in repeat['ready_ms'])}; start "
        f"{'/'.join(repeat['starts'])}; goal <= 1 s)"
    )
    log(
        f"  repeat visit, navigation -> first verdict of a sample: "
        f"{fmt_ms(median(repeat['verdict_ms']))} (runs "
        f"{', '.join(f'{t:,.0f}' for t in repeat['verdict_ms'])}; goal <= 1.5 s)"
    )
    print(
        f"  repeat visit, navigation to a share link ({repeat['link_chars']:,} characters) -> "
        f"its verdict: {fmt_ms(median(repeat['link_ms'])) if repeat['link_ms'] else 'n/a'} "
        f"(runs {', '.join(f'{t:,.0f}' for t in repeat['link_ms'])}; goal <= 1.5 s)"
    )
    log(
        f"  catalogue index page: {index_bytes['bytes']:,} B in {index_bytes['requests']} "
        f"requests; Pyodide/runtime bytes: {index_bytes['runtime_bytes']:,}; foreign requests: "
        f"{len(index_bytes['foreign_requests'])}"
    )


def main_visits_only(args: argparse.Namespace) -> int:
    """`--only visits`: items 6 and 7 alone."""
    with bench_browser(args) as (browser, base, root):
        visits = measure_visits(browser, base, root, args.runs)
    log("")
    log("Results")
    log_visits(visits, args.runs)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="page loads per start-up variant (with --only eddsa: rounds of 50)",
    )
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--keep", type=Path, help="keep the bench copy of the site here")
    parser.add_argument(
        "--only",
        choices=["eddsa", "visits"],
        help="measure only: eddsa = item 4 (eddsa-rdfc-2022 against the JS verifier); "
        "visits = items 6 and 7 (first-visit bytes, repeat visits)",
    )
    args = parser.parse_args(argv)
    if args.only == "eddsa":
        return main_eddsa_only(args)
    if args.only == "visits":
        return main_visits_only(args)

    with bench_browser(args) as (browser, base, root):
        samples = load_samples(root)
        log("1-2. start-up (fresh context per load, interleaved):")
        startup = measure_startup(browser, base, args.runs)
        context, page = ready_verifier_page(browser, base)
        log("3. warm verification per format (in the worker, 5 warm-up + 30 timed):")
        extra = [{**item, "expected": "valid"} for item in more_formats(root)]
        formats = measure_formats(page, samples + extra)
        log("4. eddsa-rdfc-2022 against Digital Bazaar's JS verifier (3 rounds x 50):")
        db = measure_db_ratio(browser, base, page, rounds=3)
        log("5. 20-file drop:")
        drop = measure_drop(page, samples, runs=3)
        context.close()
        visits = measure_visits(browser, base, root, args.runs)

    ratio = median(startup["ready_ms"]) / median(startup["bare_ms"])
    log("")
    log("Results")
    log(f"  navigation -> ready (median of {args.runs}):  {fmt_ms(median(startup['ready_ms']))}")
    log(f"  bare loadPyodide, same page (median):   {fmt_ms(median(startup['bare_ms']))}")
    log(
        f"  ratio of medians: {ratio:.2f}; median of per-run ratios "
        f"{median(startup['ratio_per_run']):.2f} (runs "
        f"{', '.join(f'{r:.2f}' for r in startup['ratio_per_run'])}; goal <= 0.5)"
    )
    names = sorted({k for s in startup["steps"] for k in s})
    log(
        "  verifier start-up marks (median ms from navigation): "
        + ", ".join(f"{k} {median([s[k] for s in startup['steps'] if k in s]):,.0f}" for k in names)
    )
    log(
        f"  longest main-thread task before ready: max {max(startup['longest_task_ms']):.0f} ms "
        f"(bare page: {max(startup['longest_task_bare_ms']):.0f} ms; goal <= 200 ms)"
    )
    for fmt, info in formats.items():
        kind = info.get("goal_kind") or (
            "JWS" if any(h in fmt for h in JWS_FORMATS_HINT) else "Data Integrity"
        )
        goal = 50 if kind == "JWS" else 250
        log(
            f"  warm verify {fmt:<28} {fmt_ms(info['median_ms']):>10}  "
            f"({info['verdict']}; {kind}, goal <= {goal} ms)"
        )
    if not formats:
        log("  warm verify: no samples in samples/index.json")
    log_db_ratio(db)
    if "median_ms" in drop:
        log(
            f"  20-file drop -> 20 results announced: {fmt_ms(drop['median_ms'])} "
            f"(runs {', '.join(f'{t:,.0f}' for t in drop['runs_ms'])})"
        )
    log_visits(visits, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
