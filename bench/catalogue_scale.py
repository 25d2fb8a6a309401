"""The catalogue and site search at 25, 1,000 and 5,000 offers, side by side in one run.

For each size a synthetic catalogue (bench/build_scale.py: the example catalogue plus copies of
its offers) is built with `credsite build`, served from 127.0.0.1 under its sub-path, and
measured in headless Chromium (the tests' offline flags):

- catalogue transfer: what the catalogue index needs before it is interactive (its HTML page,
  the compact offers/index.json when the page does not hold every offer, and the filter
  script), each gzip-compressed as a web server would send it;
- interactive: navigation start to the filter panel being ready (ms, from localhost);
- filter change: choosing a level until the list is rendered (ms, median of 5, next frame);
- first search result: focusing the header search and typing a word until the first result
  shows (ms; the Pagefind bundle loads on the first focus), and the bytes fetched for search
  from the page load on (the search script the page loads, then Pagefind's script,
  WebAssembly, index chunks and the result fragments), as served (uncompressed by this server,
  though most of Pagefind's files are gzip-compressed already) and gzip-compressed.

Goals at 5,000 offers: <= 300 kB catalogue transfer, <= 1 s interactive, <= 100 ms filter
change, <= 500 ms first search result, <= 1 MB fetched for it. No figure is asserted; run:

    python3 bench/catalogue_scale.py [--sizes 25 1000 5000]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench.build_scale import synthetic_catalogue  # noqa: E402
from build_tools.sitebuild.build import build_site, load_valid_catalogue  # noqa: E402
from build_tools.sitebuild.serve import make_server, site_prefix  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

GOALS = {
    "transfer_kb": 300,
    "interactive_ms": 1000,
    "filter_ms": 100,
    "search_ms": 500,
    "search_kb": 1000,
}


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6)) if path.is_file() else 0


def measure(site: Path, site_url: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    prefix = site_prefix(site_url)
    server = make_server(site, prefix)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    page_html = site / "offers" / "index.html"
    html = page_html.read_text("utf-8")
    needs_json = "data-index=" in html and 'data-total="' in html
    transfer = gz(page_html) + gz(site / "assets" / "javascripts" / "catalogue-filter.js")
    rows = html.count("<tr data-offer=")
    total = int(html.split('data-total="', 1)[1].split('"', 1)[0]) if needs_json else rows
    if rows < total:
        transfer += gz(site / "offers" / "index.json")
    out: dict[str, Any] = {"transfer_kb": transfer / 1000}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.goto(base + "offers/", wait_until="commit")
            page.wait_for_selector("#cs-filter-panel:not([hidden])", timeout=60_000)
            out["interactive_ms"] = page.evaluate("performance.now()")
            times = []
            for value in ("7", "6", "5", "7", "6"):
                times.append(
                    page.evaluate(
                        """async (v) => {
                          const s = document.getElementById('cs-f-eqf');
                          const t0 = performance.now();
                          s.value = v;
                          s.dispatchEvent(new Event('change', {bubbles: true}));
                          await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                          return performance.now() - t0;
                        }""",
                        value,
                    )
                )
            out["filter_ms"] = statistics.median(times)

            # Site search from the header, on a fresh page (nothing cached).
            search = context.new_page()
            fetched: list[tuple[str, int, int]] = []

            def record(response: Any) -> None:
                try:
                    body = response.body()
                except Exception:  # redirects and aborted requests have no body
                    return
                fetched.append((response.url, len(body), len(gzip.compress(body, 6))))

            # Counted from the page load: what the page loads for search counts too.
            search.on("response", record)
            search.goto(base, wait_until="load")
            search.wait_for_load_state("networkidle")
            t0 = time.perf_counter()
            search.locator("#cs-search-input").click()
            search.keyboard.type("Resilient")
            search.locator("#cs-search-results a").first.wait_for(timeout=120_000)
            out["search_ms"] = (time.perf_counter() - t0) * 1000
            search.wait_for_load_state("networkidle")
            mine = [f for f in fetched if "/pagefind/" in f[0] or "site-search" in f[0]]
            out["search_kb"] = sum(n for _, n, _ in mine) / 1000
            out["search_kb_gzip"] = sum(n for _, _, n in mine) / 1000
            out["search_files"] = len(mine)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[25, 1000, 5000])
    ap.add_argument("--keep", type=Path, help="keep the built sites in this folder")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="credsite-catscale-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Any]] = {}
    for n in args.sizes:
        cat_dir = work / f"catalogue-{n}"
        if not cat_dir.exists():
            synthetic_catalogue(cat_dir, n)
        site = work / f"site-{n}"
        started = time.perf_counter()
        build_site(catalogue_dir=cat_dir, out=site, project=PROJECT)
        catalogue, _ = load_valid_catalogue(cat_dir)
        index = sum(f.stat().st_size for f in (site / "pagefind").rglob("*") if f.is_file())
        print(
            f"built {len(catalogue.offers)} offers in {time.perf_counter() - started:.1f} s "
            f"(search bundle on disk {index / 1e6:.1f} MB)",
            file=sys.stderr,
        )
        results[n] = measure(site, catalogue.alliance.site_url)
    rows = [
        ("catalogue transfer, gzip (kB)", "transfer_kb", GOALS["transfer_kb"]),
        ("interactive from localhost (ms)", "interactive_ms", GOALS["interactive_ms"]),
        ("filter change (ms)", "filter_ms", GOALS["filter_ms"]),
        ("first search result (ms)", "search_ms", GOALS["search_ms"]),
        ("fetched for the search (kB)", "search_kb", GOALS["search_kb"]),
        ("  same, gzip (kB)", "search_kb_gzip", None),
        ("  files fetched for the search", "search_files", None),
    ]
    head = f"{'':34}" + "".join(f"{n:>12,}" for n in args.sizes) + f"{'goal':>10}"
    print(head.replace(",", ","))
    for label, key, goal in rows:
        cells = "".join(f"{results[n][key]:>12.1f}" for n in args.sizes)
        print(f"{label:34}{cells}{('<= ' + str(goal)) if goal else '':>10}")
    largest = max(args.sizes)
    missed = [
        label for label, key, goal in rows if goal is not None and results[largest][key] > goal
    ]
    print(f"goals missed at {largest:,} offers: {', '.join(missed) if missed else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
