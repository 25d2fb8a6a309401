"""Full-page screenshots of each page type at phone (390 x 844) and laptop (1366 x 900) sizes.

Builds the example catalogue (or takes --site, a built site), serves it under its sub-path and
saves bench/screenshots/<page>-<width>[-dark].png (the folder is not versioned). For looking
at, not measuring; the layout checks themselves are tests/browser/test_site_layout.py.

    python3 bench/screenshots.py [--site DIR] [--dark]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from build_tools.sitebuild.build import build_site, load_valid_catalogue  # noqa: E402
from build_tools.sitebuild.serve import make_server, site_prefix  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SIZES = ((390, 844), (1366, 900))


def page_types(catalogue: object) -> dict[str, str]:
    cat = catalogue
    pathway = next(iter(cat.pathways))  # type: ignore[attr-defined]
    offer = "lu-jyu-uia-resilient-communities-challenge"
    if offer not in cat.offers:  # type: ignore[attr-defined]
        offer = next(iter(cat.offers))  # type: ignore[attr-defined]
    return {
        "home": "",
        "catalogue": "offers/",
        "offer": f"offers/{offer}/",
        "pathway": f"pathways/{pathway}/",
        "university": "issuers/lu/",
        "keys": "keys/",
        "verify": "verify/",
        "principles": "principles/",
        "maintainers": "maintainers/",
    }


def main() -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--site", type=Path, help="a built site (default: build the example)")
    ap.add_argument("--dark", action="store_true", help="also in the dark colour scheme")
    ap.add_argument("--out", type=Path, default=PROJECT / "bench" / "screenshots")
    args = ap.parse_args()
    catalogue, _ = load_valid_catalogue(PROJECT / "catalogue")
    site = args.site
    if site is None:
        site = Path(tempfile.mkdtemp(prefix="credsite-shots-")) / "site"
        build_site(catalogue_dir=PROJECT / "catalogue", out=site, project=PROJECT)
    prefix = site_prefix(catalogue.alliance.site_url)
    server = make_server(site, prefix)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    args.out.mkdir(parents=True, exist_ok=True)
    schemes = ["light", "dark"] if args.dark else ["light"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for scheme in schemes:
            for width, height in SIZES:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                for name, path in page_types(catalogue).items():
                    page.goto(origin + prefix + path)
                    page.wait_for_load_state("networkidle")
                    suffix = "-dark" if scheme == "dark" else ""
                    target = args.out / f"{name}-{width}{suffix}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target.relative_to(PROJECT))
                context.close()
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
