"""`credsite issue` and share links: the link printed per credential (or why there is none),
share-links.csv, the printable certificate and its QR code, and the QR code on the EDC's page
image. QR codes are read back with OpenCV's QR reader, a decoder independent of segno."""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import json
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from build_tools.cli import main
from build_tools.issuing.share import QrContent, plan_share, qr_code
from build_tools.verifier.sharelink import LINK_LIMIT, decode_fragment

from ._world import SITE, IssuingWorld, verify_report

HOSTILE_LEARNER = """\
given_name: "<script>alert(1)</script>"
family_name: "O'Brien & <b>Sons</b>"
identifier: {scheme: Student ID, value: "AA-0001"}
grade: "9"
completion_date: 2026-06-30
"""


def read_qr(png: bytes) -> str:
    """The text of the one QR code in a PNG (read with ZXing's C++ port)."""
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(codes) == 1, "no QR code read"
    return str(codes[0].text)


def qr_png(content: QrContent) -> bytes:
    out = io.BytesIO()
    qr_code(content).save(out, kind="png", scale=4, border=4)
    return out.getvalue()


def _issue(
    world: IssuingWorld, tmp_path: Path, fmt: str, *extra: str, learner: str | None = None
) -> tuple[Path, str]:
    path = tmp_path / "learner.yaml"
    path.write_text(learner or HOSTILE_LEARNER, "utf-8")
    out = tmp_path / f"out-{fmt}"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(
            [
                "issue",
                "--offer",
                "aa-one",
                "--learner",
                str(path),
                "--key",
                str(world.key("aa-eddsa")),
                "--format",
                fmt,
                "--out",
                str(out),
                "--issued",
                "2026-10-01T10:00:00Z",
                "--catalogue",
                str(world.catalogue_dir),
                *extra,
            ]
        )
    assert code == 0, buffer.getvalue()
    return out, buffer.getvalue()


def test_issue_prints_the_share_link_that_carries_the_file(
    world: IssuingWorld, tmp_path: Path
) -> None:
    out, printed = _issue(world, tmp_path, "ob3")
    [issued] = sorted(out.glob("*.ob3.json"))
    links = re.findall(r"^(https://\S+)$", printed, re.M)
    assert len(links) == 1, printed
    [link] = links
    assert link.startswith(SITE + "verify/#c1.") and len(link) <= LINK_LIMIT
    assert (
        f"Share link for {issued.name} ({len(link):,} characters; it contains the credential"
        in (printed)
    )
    assert decode_fragment(link.partition("#")[2]).data == issued.read_bytes()
    with (out / "share-links.csv").open(encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["file"] == issued.name and row["share_link"] == link
    assert row["credential_id"] == json.loads(issued.read_bytes())["id"]
    assert row["qr"] == "credential" and row["note"] == ""
    # What the link carries verifies as the file does.
    data = decode_fragment(link.partition("#")[2]).data
    assert verify_report(world.load(), data)["verdict"] == "valid"


def test_an_edc_is_too_large_for_a_link_and_the_cli_says_why(
    world: IssuingWorld, tmp_path: Path
) -> None:
    out, printed = _issue(world, tmp_path, "edc")
    [issued] = sorted(out.glob("*.edc.jsonld"))
    assert "https://" not in printed
    match = re.search(
        rf"No share link for {re.escape(issued.name)}: its share link would be ([\d,]+) "
        r"characters, over the 8,000 that chat apps, mail programs and QR codes carry reliably "
        r"\(the credential carries its page image\); share the file instead\.",
        printed,
    )
    assert match, printed
    assert int(match.group(1).replace(",", "")) > LINK_LIMIT
    with (out / "share-links.csv").open(encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["share_link"] == "" and row["qr"] == "id" and "page image" in row["note"]


def test_the_edc_page_image_carries_a_qr_code_naming_the_credential(
    world: IssuingWorld, tmp_path: Path
) -> None:
    out, _ = _issue(world, tmp_path, "edc")
    [issued] = sorted(out.glob("*.edc.jsonld"))
    payload = json.loads(json.loads(issued.read_bytes())["payload"])
    image = payload["displayParameter"]["individualDisplay"]["displayDetail"]["image"]
    text = read_qr(base64.b64decode(image["content"]))
    assert text == f"{SITE}verify/#id.{payload['id']}"
    assert decode_fragment(text.partition("#")[2]).credential_id == payload["id"]


@pytest.mark.parametrize("fmt", ["ob3", "edc"])
def test_the_certificate_shows_the_facts_escaped_and_the_qr_code(
    world: IssuingWorld, tmp_path: Path, fmt: str
) -> None:
    out, printed = _issue(world, tmp_path, fmt, "--certificate")
    [issued] = [p for p in out.iterdir() if p.suffix in (".json", ".jsonld")]
    [page] = sorted(out.glob("*.certificate.html"))
    assert page.name == issued.name.rsplit(".", 1)[0] + ".certificate.html"
    assert "Certificates with verification (1; the QR code " in printed
    html = page.read_text("utf-8")
    # No markup from the learner's data, no script at all, a policy that allows none.
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;" in html
    assert "default-src 'none'" in html
    catalogue = world.load()
    offer = catalogue.offers["aa-one"]
    assert f">{offer.title['en']}<" in html
    assert "1 October 2026" in html and 'datetime="2026-10-01"' in html
    assert re.search(r'data-field="ects">\s*' + re.escape(str(offer.ects).removesuffix(".0")), html)
    # The QR code on the page is the one planned for this file, and it reads back to a link
    # that carries the file (Open Badge) or names it (EDC).
    data = issued.read_bytes()
    document = json.loads(data)
    credential_id = json.loads(document["payload"])["id"] if fmt == "edc" else document["id"]
    plan = plan_share(catalogue.alliance.site_url, data, credential_id, carries_image=fmt == "edc")
    svg = qr_code(plan.qr).svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True)
    assert svg in html
    text = read_qr(qr_png(plan.qr))
    shared = decode_fragment(text.partition("#")[2])
    assert text.startswith(SITE + "verify/#")
    if fmt == "ob3":
        assert plan.qr.kind == "credential" and text.partition("#")[2].startswith("q1.")
        assert shared.data == data
        assert 'data-qr="credential"' in html
        assert "with this credential inside the link" in " ".join(html.split())
        assert f'href="{plan.link}"' in html
    else:
        assert plan.qr.kind == "id" and shared.credential_id == credential_id
        assert 'data-qr="id"' in html
        assert "The code does not contain the credential" in " ".join(html.split())


def test_a_large_batch_writes_its_links_to_the_csv_and_prints_a_summary(
    world: IssuingWorld, tmp_path: Path
) -> None:
    batch = tmp_path / "learners.csv"
    rows = [f"Learner{i},Family{i},2000-01-01,8,2026-06-30" for i in range(11)]
    head = "given_name,family_name,date_of_birth,grade,completion_date\n"
    batch.write_text(head + "\n".join(rows) + "\n", "utf-8")
    out = tmp_path / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(
            [
                "issue",
                "--offer",
                "aa-one",
                "--learner",
                str(batch),
                "--key",
                str(world.key("aa-eddsa")),
                "--format",
                "ob3",
                "--out",
                str(out),
                "--catalogue",
                str(world.catalogue_dir),
            ]
        )
    printed = buffer.getvalue()
    assert code == 0, printed
    assert f"Share links: 11 in {out / 'share-links.csv'}." in printed
    assert "https://" not in printed  # eleven long links are not printed
    with (out / "share-links.csv").open(encoding="utf-8") as handle:
        log = list(csv.DictReader(handle))
    assert len(log) == 11
    for entry in log:
        data = (out / entry["file"]).read_bytes()
        assert decode_fragment(entry["share_link"].partition("#")[2]).data == data
