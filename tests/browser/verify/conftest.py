"""Fixtures of the verifier page tests (the shared site/Chromium fixtures are in ../conftest.py).

- `chromium_browser`: the shared session browser (for pages that are not the built site).
- `fresh_site`: the example catalogue copied, with a fresh EdDSA key for the University of
  Latvia made by `credsite keys new`, credentials issued by `credsite issue` (the fresh key
  for an LU offer, the public demo keys for the two other offers of the Digital Society
  pathway), the site built from that catalogue and served under its sub-path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from build_tools.sitebuild.build import build_site, load_valid_catalogue
from build_tools.sitebuild.serve import make_server, site_prefix

PROJECT = Path(__file__).resolve().parents[3]
LEARNER = PROJECT / "examples" / "learner.yaml"
DEMO_KEYS = PROJECT / "examples" / "demo-keys"


@pytest.fixture(scope="session")
def chromium_browser(browser: Any) -> Any:
    return browser


@dataclass(frozen=True)
class FreshSite:
    base: str  # http://127.0.0.1:PORT/prefix/
    root: Path
    catalogue_dir: Path
    issued: dict[str, Path]  # offer id -> issued credential file
    fresh_kid: str
    other_learner: Path  # jyu-cyber-security-essentials, issued to someone else


def _credsite(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "build_tools.cli", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"credsite {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def _issue(
    cat: Path, out: Path, *, offer: str, key: Path, fmt: str, learner: Path = LEARNER
) -> Path:
    target = out / f"{offer}-{learner.stem}"
    _credsite(
        "issue",
        "--offer",
        offer,
        "--learner",
        str(learner),
        "--key",
        str(key),
        "--format",
        fmt,
        "--out",
        str(target),
        "--catalogue",
        str(cat),
    )
    files = [p for p in target.iterdir() if p.suffix in (".json", ".jsonld")]
    assert len(files) == 1, files
    return files[0]


@pytest.fixture(scope="session")
def fresh_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshSite]:
    work = tmp_path_factory.mktemp("fresh-key-site")
    cat = work / "catalogue"
    shutil.copytree(PROJECT / "catalogue", cat)
    keys = work / "private"
    keys.mkdir()
    fresh_key = keys / "lu-fresh.pem"
    kid = "lu-test-fresh-1"
    _credsite(
        "keys",
        "new",
        "--issuer",
        "lu",
        "--alg",
        "EdDSA",
        "--kid",
        kid,
        "--private-out",
        str(fresh_key),
        "--catalogue",
        str(cat),
    )
    out = work / "issued"
    issued = {
        "lu-data-ethics-practice": _issue(
            cat, out, offer="lu-data-ethics-practice", key=fresh_key, fmt="ob3"
        ),
        "jyu-cyber-security-essentials": _issue(
            cat,
            out,
            offer="jyu-cyber-security-essentials",
            key=DEMO_KEYS / "jyu-2026-eddsa-1.pem",
            fmt="ob3",
        ),
        "uia-ehealth-welfare-technology": _issue(
            cat,
            out,
            offer="uia-ehealth-welfare-technology",
            key=DEMO_KEYS / "uia-2026-eddsa-1.pem",
            fmt="edc",
        ),
    }
    someone = work / "someone-else.yaml"
    someone.write_text(
        LEARNER.read_text("utf-8")
        .replace("given_name: Erika", "given_name: Max")
        .replace("DEMO-2026-0001", "DEMO-2026-0002"),
        "utf-8",
    )
    other_learner = _issue(
        cat,
        out,
        offer="jyu-cyber-security-essentials",
        key=DEMO_KEYS / "jyu-2026-eddsa-1.pem",
        fmt="ob3",
        learner=someone,
    )
    catalogue, _ = load_valid_catalogue(cat)
    site = work / "site"
    build_site(catalogue_dir=cat, out=site, project=PROJECT)
    prefix = site_prefix(catalogue.alliance.site_url)
    if prefix == "/":
        prefix = "/credentials/"
    server = make_server(site, prefix)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield FreshSite(f"http://{host}:{port}{prefix}", site, cat, issued, kid, other_learner)
    finally:
        server.shutdown()
        server.server_close()
