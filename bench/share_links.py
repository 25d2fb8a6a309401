"""Share-link lengths: every sample in site_src/samples/ and freshly issued demo credentials.

    .venv/bin/python bench/share_links.py

For each credential file it prints the format, the file's size, the size of its deflate-raw
compression, the length of its share link `{site_url}verify/#c1.…`, whether that link stays
within the 8,000-character limit (docs/interfaces.md, "Share links"), and what its QR code
holds: the credential in the QR form `#q1.…` (with the QR version, 1..40, and its error
correction level) or, when no QR code can hold it, a link naming the credential (`#id.…`).
The demo credentials are issued by `credsite issue` (EDC and Open Badge, one learner) into a
temporary copy of the demo catalogue with the public demo keys. Prints figures only.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from build_tools.catalogue.loader import load_catalogue  # noqa: E402
from build_tools.issuing.operations import prepare_issue  # noqa: E402
from build_tools.issuing.share import plan_share, qr_code  # noqa: E402
from build_tools.verifier.sharelink import LINK_LIMIT  # noqa: E402

SAMPLES = ROOT / "site_src" / "samples"
DEMO_KEYS = ROOT / "examples" / "demo-keys"
LEARNER = ROOT / "examples" / "learner.yaml"


def credential_id(data: bytes) -> str:
    document = json.loads(data)
    if isinstance(document.get("payload"), str):
        document = json.loads(document["payload"])
    return str(document.get("id", ""))


def row(name: str, data: bytes, site_url: str) -> list[str]:
    fmt = "EDC" if name.endswith(".jsonld") else "Open Badge"
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = len(compressor.compress(data) + compressor.flush())
    plan = plan_share(site_url, data, credential_id(data), carries_image=fmt == "EDC")
    qr = qr_code(plan.qr)
    what = "the credential (#q1.)" if plan.qr.kind == "credential" else "a link naming it (#id.)"
    qr_text = f"{what}, version-level {qr.designator}"
    return [
        name,
        fmt,
        f"{len(data):,}",
        f"{compressed:,}",
        f"{plan.link_chars:,}",
        "yes" if plan.fits else "no",
        qr_text,
    ]


def issue_demo(tmp: Path) -> list[tuple[str, bytes]]:
    catalogue = tmp / "catalogue"
    shutil.copytree(ROOT / "catalogue", catalogue)
    out = []
    for fmt in ("edc", "ob3"):
        run = prepare_issue(
            catalogue,
            offer_id="lu-data-ethics-practice",
            learner_file=LEARNER,
            key=DEMO_KEYS / "lu-2026-eddsa-1.pem",
            fmt=fmt,  # type: ignore[arg-type]
            out=tmp / "issued",
        )
        issued, _ = run.run()
        out += [(f"issued: {item.file_name}", item.content) for item in issued]
    return out


def main() -> int:
    result = load_catalogue(ROOT / "catalogue", rules=False)
    assert result.catalogue is not None
    site_url = result.catalogue.alliance.site_url
    files = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob("*-*.*"))]
    with tempfile.TemporaryDirectory() as tmp:
        files += issue_demo(Path(tmp))
    head = ["credential", "format", "file bytes", "deflated", "link chars", "fits", "QR code"]
    rows = [head] + [row(name, data, site_url) for name, data in files]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    print(f"Share links for {site_url}verify/ (limit {LINK_LIMIT:,} characters)")
    for i, r in enumerate(rows):
        cells = zip(r, widths, strict=True)
        print("  ".join(c.rjust(w) if 1 < j < 5 else c.ljust(w) for j, (c, w) in enumerate(cells)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
