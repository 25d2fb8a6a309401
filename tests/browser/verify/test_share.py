"""Share links on the verifier page, in real Chromium.

- The page's codec (sharelink.mjs) and the Python one agree on every sample and refuse the same
  damaged fragments.
- A share link verifies on arrival (and when the fragment changes) with the same verdict and
  checks as the file; the server's own request log shows that no request carried the
  credential (browsers never send the fragment).
- Damaged and altered links, a decompression bomb, an EDC too large to share, the share control
  (link, plain warning, copy button) and LinkedIn's "Add to profile" link on valid results only.
- The QR code of the certificate `credsite issue --certificate` writes, read from a screenshot
  of the page, opens the verify page with a valid verdict.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import json
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser

from build_tools.issuing.certificate import render_certificate
from build_tools.issuing.learners import load_learners
from build_tools.issuing.share import plan_share
from build_tools.sitebuild.build import load_valid_catalogue
from build_tools.sitebuild.serve import PreviewServer, SubPathHandler, site_prefix
from build_tools.verifier.codec import b64url_encode
from build_tools.verifier.sharelink import (
    DEFAULT_MAX_BYTES,
    LINK_LIMIT,
    decode_fragment,
    encode_credential,
    encode_numeric,
)
from tests.verifier import _sharelink_vectors as vectors

from ..conftest import PROJECT, BuiltSite, RecordingPage, foreign_requests
from .conftest import FreshSite
from .test_page import cpython_checks, cpython_registry, no_violations, open_verifier, wait_results

LEARNER = PROJECT / "examples" / "learner.yaml"


@dataclass
class LoggedServer:
    base: str  # http://127.0.0.1:PORT/prefix/
    origin: str
    site: BuiltSite
    log: list[str] = field(default_factory=list)  # request line and Referer of each request

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")


@pytest.fixture(scope="module")
def logged(example_site: BuiltSite) -> Iterator[LoggedServer]:
    """The example site served under its sub-path by a server that records every request."""
    log: list[str] = []

    class Recording(SubPathHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            log.append(f"{self.requestline} | Referer: {self.headers.get('Referer', '')}")

    prefix = site_prefix(example_site.site_url)
    if prefix == "/":
        prefix = "/credentials/"
    handler = functools.partial(Recording, directory=str(example_site.root), prefix=prefix)
    server = PreviewServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    origin = f"http://{host}:{port}"
    try:
        yield LoggedServer(f"{origin}{prefix}", origin, example_site, log)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clip_page(browser: Browser, logged: LoggedServer) -> Iterator[RecordingPage]:
    """A page allowed to use the clipboard (for the copy button)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=logged.origin)
    try:
        yield RecordingPage(context.new_page())
    finally:
        context.close()


def samples(site: BuiltSite) -> list[dict[str, Any]]:
    index = json.loads((site.root / "samples" / "index.json").read_text("utf-8"))
    return list(index["samples"])


def sample_bytes(site: BuiltSite, name: str) -> bytes:
    return (site.root / "samples" / name).read_bytes()


def link_to(server: LoggedServer, fragment: str) -> str:
    return f"{server.url('verify/')}#{fragment}"


def go_to_fragment(page: Any, fragment: str) -> None:
    """Change the fragment of the open page (a `hashchange`, no reload) after clearing the
    previous result, so that waiting for a result waits for the new one."""
    page.evaluate(
        """(f) => {
            document.getElementById('cv-results').replaceChildren();
            document.getElementById('cv-download').hidden = true;
            location.hash = f;
        }""",
        fragment,
    )


def only_result(page: Any) -> dict[str, Any]:
    [result] = wait_results(page, 1)
    return result


def share_section(page: Any) -> dict[str, Any]:
    info: dict[str, Any] = page.eval_on_selector(
        "#cv-results > .cv-result",
        """r => {
            const s = r.querySelector('.cv-share');
            const a = r.querySelector('a.cv-share__linkedin-link');
            return s && {
                kind: s.dataset.share,
                link: s.querySelector('input.cv-share__link')?.value ?? null,
                text: s.textContent,
                linkedin: a && {href: a.getAttribute('href'), rel: a.rel, target: a.target},
            };
        }""",
    )
    return info


# --------------------------------------------------------------------------- one format, twice


def test_the_page_codec_and_the_python_codec_agree(
    page: RecordingPage, logged: LoggedServer
) -> None:
    site = logged.site
    open_verifier(page, logged.url("verify/"), wait=False)
    module = logged.url("assets/verifier/sharelink.mjs")
    files = {s["file"]: sample_bytes(site, s["file"]) for s in samples(site)}
    encoded = {
        name: {
            "b64": base64.b64encode(data).decode(),
            "c1": encode_credential(data),
            "q1": encode_numeric(data),
        }
        for name, data in files.items()
    }
    out = page.evaluate(
        """async ([module, encoded, max]) => {
            const m = await import(module);
            const b64 = (bytes) => {
                let s = '';
                for (const b of bytes) s += String.fromCharCode(b);
                return btoa(s);
            };
            const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
            const result = {};
            for (const [name, e] of Object.entries(encoded)) {
                const fromC1 = await m.decodeFragment('#' + e.c1, max);
                const fromQ1 = await m.decodeFragment(e.q1, max);
                result[name] = {
                    c1: b64(fromC1.bytes), q1: b64(fromQ1.bytes),
                    js: await m.encodeCredential(unb64(e.b64)),
                };
            }
            return result;
        }""",
        [module, encoded, DEFAULT_MAX_BYTES],
    )
    for name, data in files.items():
        assert base64.b64decode(out[name]["c1"]) == data, name
        assert base64.b64decode(out[name]["q1"]) == data, name
        js = out[name]["js"]
        assert js.startswith("c1.")
        assert decode_fragment(js).data == data, name
    refused = page.evaluate(
        """async ([module, fragments, max]) => {
            const m = await import(module);
            const codes = [];
            for (const f of fragments) {
                try { await m.decodeFragment(f, max); codes.push('accepted'); }
                catch (e) { codes.push(e.code || String(e)); }
            }
            return codes;
        }""",
        [module, [f for f, _ in vectors.malformed()], DEFAULT_MAX_BYTES],
    )
    assert refused == [code for _, code in vectors.malformed()]


# --------------------------------------------------------------------------- arriving by link


def test_share_links_verify_like_the_files_and_never_reach_the_server(
    page: RecordingPage, logged: LoggedServer
) -> None:
    site = logged.site
    registry = cpython_registry(site.root)
    small = [s for s in samples(site) if s["format"] != "edc-jades"]
    assert len(small) == 5
    logged.log.clear()
    fragments = []
    for i, sample in enumerate(small):
        data = sample_bytes(site, sample["file"])
        fragment = encode_credential(data)
        assert len(link_to(logged, fragment)) <= LINK_LIMIT
        fragments.append(fragment)
        if i == 0:
            open_verifier(page, link_to(logged, fragment))  # arrival: verified on load
        else:
            go_to_fragment(page, fragment)  # another link pasted into the same tab
        result = only_result(page)
        verdict, checks = cpython_checks(data, registry)
        assert result["title"] == "Credential from the link"
        assert (result["verdict"], result["checks"]) == (sample["expected"], checks), sample
        assert result["verdict"] == verdict
        # The same bytes as a file: the same verdict and checks.
        page.evaluate("() => { document.getElementById('cv-download').hidden = true; }")
        page.set_input_files(
            "#cv-file",
            files=[{"name": sample["file"], "mimeType": "application/json", "buffer": data}],
        )
        as_file = only_result(page)
        assert (as_file["verdict"], as_file["checks"]) == (result["verdict"], result["checks"])
    # Nothing of any credential reached the server: not the fragment, not a piece of it, not
    # the learner's name or the credential id (the page sends no referrer either).
    assert logged.log, "the server recorded no request"
    secrets = ["c1.", "#", "Anna", "B%C4%93rzi", "urn:uuid", "urn%3Auuid"]
    secrets += [f[3 + k : 3 + k + 24] for f in fragments for k in range(0, len(f) - 30, 500)]
    leaked = [line for line in logged.log for s in secrets if s in line]
    assert leaked == []
    assert all("#" not in url for url in page.requests)
    assert foreign_requests(page, logged.origin) == []
    no_violations(page)
    assert page.console_errors == []


def test_damaged_altered_and_oversized_links_are_refused(
    page: RecordingPage, logged: LoggedServer
) -> None:
    data = sample_bytes(logged.site, "ob3-valid.json")
    good = encode_credential(data)
    # One character of the compressed data changed so that it no longer inflates.
    damaged = None
    for at in range(len(good) // 2, len(good) - 2):
        candidate = good[:at] + ("B" if good[at] != "B" else "C") + good[at + 1 :]
        try:
            decode_fragment(candidate)
        except ValueError:
            damaged = candidate
            break
    assert damaged is not None
    open_verifier(page, link_to(logged, damaged))
    result = only_result(page)
    assert result["verdict"] == "unverifiable"
    assert "Could not be verified" in result["text"]
    assert "The link is damaged" in result["text"]
    assert page.locator("[data-check=format] code").text_content() == "SHARE_LINK_MALFORMED"
    assert share_section(page) is None

    # A link whose credential was altered before compressing: read, and not valid.
    doc = json.loads(data)
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    go_to_fragment(page, encode_credential(json.dumps(doc).encode()))
    result = only_result(page)
    assert result["verdict"] == "invalid" and "Not valid" in result["text"]
    assert share_section(page)["linkedin"] is None  # no LinkedIn link for an invalid result

    # A decompression bomb: refused at the verifier's file size limit.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = compressor.compress(b" " * (DEFAULT_MAX_BYTES + 10)) + compressor.flush()
    go_to_fragment(page, "c1." + b64url_encode(bomb))
    result = only_result(page)
    assert result["verdict"] == "invalid"
    assert "more than 5000000 bytes" in result["text"]
    assert page.locator("[data-check=format] code").text_content() == "SHARE_LINK_TOO_LARGE"

    # A fragment that is not a share link (a heading anchor) is left alone.
    page.evaluate("() => { document.getElementById('cv-results').replaceChildren(); }")
    page.evaluate("() => { location.hash = 'verify-a-credential'; }")
    page.wait_for_timeout(300)
    assert page.locator("#cv-results > .cv-result").count() == 0
    no_violations(page)


def test_an_edc_is_too_large_to_share_and_the_page_says_so(
    page: RecordingPage, logged: LoggedServer
) -> None:
    open_verifier(page, logged.url("verify/"))
    page.locator("#cv-samples button[data-sample='edc-valid.jsonld']").click()
    result = only_result(page)
    assert result["verdict"] == "valid"
    share = share_section(page)
    assert share["kind"] == "too-large" and share["link"] is None
    assert "too large to share as a link" in share["text"]
    assert "more than 8000 characters" in share["text"]
    assert "Share the credential file instead." in share["text"]
    # Its LinkedIn link names the credential on the verify page instead of carrying it.
    query = parse_qs(urlsplit(share["linkedin"]["href"]).query)
    assert query["certUrl"] == [
        logged.url("verify/") + "#id.urn%3Acredential%3A70b50ecb-32cc-4896-b614-24b1ea125c50"
    ]


def test_the_share_control_copies_a_link_that_carries_the_credential(
    clip_page: RecordingPage, logged: LoggedServer
) -> None:
    page = clip_page
    site = logged.site
    open_verifier(page, logged.url("verify/"))
    page.locator("#cv-samples button[data-sample='ob3-valid.json']").click()
    result = only_result(page)
    assert result["verdict"] == "valid"
    share = share_section(page)
    assert share["kind"] == "link"
    link = share["link"]
    assert link.startswith(logged.url("verify/") + "#c1.")
    assert decode_fragment(link.partition("#")[2]).data == sample_bytes(site, "ob3-valid.json")
    assert (
        "This link contains the credential itself: anyone who has the link can read"
        in (share["text"])
    )
    page.locator(".cv-share__copy").click()
    page.wait_for_function(
        "() => document.querySelector('.cv-share__status').textContent === 'Link copied.'"
    )
    assert page.evaluate("() => navigator.clipboard.readText()") == link

    # LinkedIn: names from the registry, the date and id from the signed credential, the share
    # link as the credential URL; a plain link in a new tab that the page never requests.
    linkedin = share["linkedin"]
    assert linkedin["target"] == "_blank" and "noopener" in linkedin["rel"]
    parts = urlsplit(linkedin["href"])
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    registry = json.loads((site.root / "registry.json").read_text("utf-8"))
    credential = json.loads(sample_bytes(site, "ob3-valid.json"))
    query = parse_qs(parts.query)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": [registry["offers"]["lu-data-ethics-practice"]["title"]["en"]],
        "organizationName": [registry["issuers"]["lu"]["name"]],
        "issueYear": ["2026"],
        "issueMonth": ["10"],
        "certUrl": [link],
        "certId": [credential["id"]],
    }
    assert not [u for u in page.requests if "linkedin" in u]
    assert foreign_requests(page, logged.origin) == []

    # Opening the copied link in a new tab gives the same verdict.
    other = RecordingPage(page.context.new_page())
    open_verifier(other, link)
    again = only_result(other)
    assert (again["verdict"], again["checks"]) == (result["verdict"], result["checks"])


def test_a_link_that_names_a_credential_is_matched_against_the_file(
    page: RecordingPage, logged: LoggedServer
) -> None:
    named = "urn:credential:70b50ecb-32cc-4896-b614-24b1ea125c50"  # edc-valid's id
    open_verifier(page, link_to(logged, f"id.{named}"))
    note = page.locator("#cv-named")
    assert named in note.inner_text() and "does not contain it" in note.inner_text()
    assert page.locator("#cv-results > .cv-result").count() == 0
    page.locator("#cv-samples button[data-sample='edc-valid.jsonld']").click()
    only_result(page)
    mark = page.locator("#cv-results .cv-named-result")
    assert mark.get_attribute("data-named") == "same"
    page.locator("#cv-samples button[data-sample='ob3-valid.json']").click()
    page.wait_for_selector("#cv-results .cv-named-result[data-named=other]")
    assert named in page.locator("#cv-results .cv-named-result").inner_text()
    # The tampered copy carries the same id, but is not verified: no "this is the credential".
    page.locator("#cv-samples button[data-sample='edc-tampered.jsonld']").click()
    page.wait_for_selector("#cv-results > .cv-result[data-verdict=invalid]")
    assert page.locator("#cv-results .cv-named-result").count() == 0


# --------------------------------------------------------------------------- printed certificate


def test_the_printed_certificate_qr_code_opens_a_valid_verdict(
    browser: Browser, fresh_site: FreshSite, tmp_path: Path
) -> None:
    # The Open Badge that `credsite issue` made for the fresh site (whose status lists hold its
    # entry), and the certificate `credsite issue --certificate` writes for it.
    issued = fresh_site.issued["jyu-cyber-security-essentials"]
    data = issued.read_bytes()
    credential = json.loads(data)
    catalogue, _ = load_valid_catalogue(fresh_site.catalogue_dir)
    [learner] = load_learners(LEARNER)
    plan = plan_share(catalogue.alliance.site_url, data, credential["id"])
    page_html = render_certificate(
        catalogue=catalogue,
        offer=catalogue.offers["jyu-cyber-security-essentials"],
        learner=learner,
        credential_id=credential["id"],
        issued=dt.datetime.fromisoformat(credential["validFrom"]),
        share=plan,
    )
    certificate = tmp_path / "certificate.html"
    certificate.write_bytes(page_html)
    # "Print" the page and read its QR code from the picture, as a phone camera would.
    context = browser.new_context(viewport={"width": 800, "height": 1130}, device_scale_factor=3)
    try:
        printed = context.new_page()
        printed.goto(certificate.as_uri())
        shot = printed.locator(".qr").screenshot()
    finally:
        context.close()
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert len(codes) == 1, "no QR code read"
    text = str(codes[0].text)
    site_url = catalogue.alliance.site_url
    assert text.startswith(site_url + "verify/#q1."), text[:80]
    assert decode_fragment(text.partition("#")[2]).data == data
    # The same link on the test server (the site's path, another origin): a valid verdict.
    local = fresh_site.base + "verify/#" + text.partition("#")[2]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        phone = RecordingPage(context.new_page())
        open_verifier(phone, local)
        result = only_result(phone)
        assert result["verdict"] == "valid", result["checks"]
        assert "Erika Mustermann" in result["text"]
    finally:
        context.close()
