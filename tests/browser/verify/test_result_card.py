"""The verifier page as an employer meets it, in real Chromium: the result is brought into view
and focused, the sample buttons say what a person recognises, and the credential is shown as a
card (its picture, learner, title, the issuer from the registry, dates in words, ECTS, EQF) with
every unverified value marked the same way in both formats."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from ..conftest import RecordingPage, SiteServer, axe_violations
from .test_page import no_violations, open_verifier, samples, verify_files, wait_results

PHONE = (390, 844)
LAPTOP = (1366, 900)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"><rect/></svg>'


@pytest.fixture(params=[PHONE, LAPTOP], ids=["phone", "laptop"])
def sized(browser: Browser, request: pytest.FixtureRequest) -> Iterator[RecordingPage]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        yield RecordingPage(context.new_page())
    finally:
        context.close()


def test_the_result_heading_is_scrolled_into_view_and_focused(
    sized: RecordingPage, site_server: SiteServer
) -> None:
    open_verifier(sized, site_server.url("verify/"))
    sized.locator("#cv-samples button[data-sample='ob3-valid.json']").click()
    wait_results(sized, 1)
    sized.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('.cv-result__title')"
    )
    heading = sized.locator("#cv-results .cv-result__title").first
    assert heading.get_attribute("tabindex") == "-1"
    assert heading.evaluate("h => h === document.activeElement")
    box = heading.evaluate(
        "h => { const r = h.getBoundingClientRect(); return [r.top, r.bottom]; }"
    )
    height = sized.evaluate("() => window.innerHeight")
    assert box[0] >= 0 and box[1] <= height, (box, height)
    # Not under the theme's fixed header either.
    header = sized.evaluate(
        "() => document.querySelector('.md-header').getBoundingClientRect().bottom"
    )
    assert box[0] >= header, (box, header)
    assert sized.locator("#cv-announce").inner_text() == "Result: 1 valid."


def test_sample_buttons_name_the_kind_of_credential_and_the_case(
    page: RecordingPage, site_server: SiteServer
) -> None:
    items = samples(site_server.site.root)
    open_verifier(page, site_server.url("verify/"), wait=False)
    page.wait_for_selector("#cv-samples button.cv-sample")
    labels = page.eval_on_selector_all(
        "#cv-samples button.cv-sample", "bs => bs.map(b => [b.dataset.sample, b.textContent])"
    )
    expected = {
        f"{fmt}-{case}.{ext}": f"{kind}: {case.replace('-', ' ')}"
        for fmt, ext, kind in (
            ("edc", "jsonld", "European Digital Credential"),
            ("ob3", "json", "Open Badge"),
        )
        for case in ("valid", "tampered", "revoked", "expired", "unknown-key")
    }
    assert dict(labels) == expected
    assert len(labels) == len(items) == len(set(expected.values()))
    text = page.inner_text("#cv-samples")
    assert "edc-jades" not in text and "vc-di" not in text and "(" not in text
    # One labelled group per kind.
    groups = page.eval_on_selector_all(
        "#cv-samples [role=group]",
        "gs => gs.map(g => document.getElementById(g.getAttribute('aria-labelledby')).textContent)",
    )
    assert groups == ["European Digital Credential", "Open Badge"]


def _card(page: Any) -> dict[str, Any]:
    card: dict[str, Any] = page.eval_on_selector(
        "#cv-results > .cv-result .cv-card",
        """c => ({
            fields: Object.fromEntries([...c.querySelectorAll('dd[data-field]')].map(dd => [
                dd.dataset.field,
                [dd.firstChild.textContent, !!dd.querySelector('.cv-tag--unsigned')]])),
            images: [...c.querySelectorAll('img')].map(i => ({
                src: i.getAttribute('src').slice(0, 30), alt: i.alt,
                width: i.naturalWidth,
                marked: !!i.closest('figure').querySelector('.cv-tag--unsigned')})),
            times: [...c.querySelectorAll('time')].map(t => t.getAttribute('datetime')),
        })""",
    )
    return card


def _sample(page: Any, name: str) -> dict[str, Any]:
    page.locator(f"#cv-samples button[data-sample='{name}']").click()
    wait_results(page, 1)
    return _card(page)


def test_the_credential_is_a_card_with_its_picture_and_facts_in_words(
    page: RecordingPage, site_server: SiteServer, tmp_path: Path
) -> None:
    open_verifier(page, site_server.url("verify/"))
    edc = _sample(page, "edc-valid.jsonld")
    [picture] = edc["images"]
    assert picture["src"].startswith("data:image/png;base64,")
    assert picture["alt"] == "The picture carried by the credential “Data Ethics in Practice”"
    assert picture["width"] > 0 and picture["marked"] is False
    fields = edc["fields"]
    assert fields["learner"] == ["Anna Bērziņa", False]
    assert fields["title"] == ["Data Ethics in Practice", False]
    assert fields["issuer"] == ["University of Latvia (LV) from the registry", False]
    assert fields["issued"] == ["15 October 2026", False]
    assert fields["ects"] == ["3", False] and fields["eqf"] == ["6", False]
    assert edc["times"] == ["2026-10-15"]

    expired = _sample(page, "ob3-expired.json")
    assert expired["fields"]["valid_until"] == ["31 October 2026", False]
    assert expired["images"] == []  # the Open Badge samples carry no picture

    # The same rule in both formats: nothing from an unverified credential goes unmarked.
    for name in ("edc-unknown-key.jsonld", "ob3-unknown-key.json", "edc-tampered.jsonld"):
        card = _sample(page, name)
        fields = card["fields"]
        if name == "edc-unknown-key.jsonld":
            # The seal holds, by a certificate outside the registry: what the file claims is
            # shown as its claim, and the issuer is never named from it.
            subject = "CN=University of Latvia,O=University of Latvia,C=LV"
            assert fields["issuer"][0] == (
                "Not one of FORTHEM's universities. It names itself “University of Latvia”. "
                f"its own claim, not verified Its seal certificate was issued to “{subject}” "
                "and is self-signed. not checked against any trust list"
            ), fields["issuer"]
        else:
            # No intact signature: nothing the file says about its issuer is shown.
            assert fields["issuer"][0].startswith("Issuer not in this registry"), name
        assert all(marked for _, marked in fields.values()), (name, fields)
        assert {"learner", "title", "issued", "ects", "eqf"} <= set(fields), name
        assert all(image["marked"] for image in card["images"]), name
    no_violations(page)
    assert page.console_errors == []


def test_an_unknown_issuer_is_shown_as_what_it_claims_escaped(
    page: RecordingPage, site_server: SiteServer, tmp_path: Path
) -> None:
    from tests.verifier import _hostile
    from tests.verifier import _make as m

    claimed = '<img src=x onerror="window.__xss=1">Elsewhere & Co'
    cred = _hostile._elsewhere()
    cred["issuer"]["legalName"] = {"en": claimed}
    path = tmp_path / "elsewhere.jsonld"
    path.write_bytes(m.sign_jades(cred, m.stranger("P-256")))
    open_verifier(page, site_server.url("verify/"))
    [result] = verify_files(page, [path])
    assert result["verdict"] == "valid_with_warnings"
    issuer = page.eval_on_selector(
        "#cv-results > .cv-result dd[data-field=issuer]",
        """dd => ({
            claims: Object.fromEntries([...dd.querySelectorAll('.cv-claim')].map(
                c => [c.dataset.claim, c.textContent])),
            first: dd.firstChild.firstChild.textContent,
            images: dd.querySelectorAll('img').length,
            marked: !!dd.querySelector(':scope > .cv-tag--unsigned'),
        })""",
    )
    assert issuer["first"] == "Not one of FORTHEM's universities."
    assert issuer["claims"]["names-itself"] == (
        f"It names itself “{claimed}”. its own claim, not verified"
    )
    assert issuer["claims"]["certificate"].startswith(
        "Its seal certificate was issued to “CN=Stranger seal,O=Elsewhere Ltd,C=EE” and is "
        "self-signed."
    )
    assert issuer["images"] == 0 and issuer["marked"] is True
    # Every other value of the card is marked too: the key is not in this registry.
    card = _card(page)
    assert all(marked for _, marked in card["fields"].values()), card["fields"]
    assert page.evaluate("() => window.__xss") is None
    no_violations(page)
    assert page.console_errors == []


def test_only_raster_pictures_are_shown(
    page: RecordingPage, site_server: SiteServer, tmp_path: Path
) -> None:
    root = site_server.site.root
    base = json.loads((root / "samples" / "ob3-valid.json").read_text("utf-8"))
    png = (root / "samples" / "edc-valid.jsonld").read_text("utf-8")
    edc_payload = json.loads(json.loads(png)["payload"])
    png_b64 = edc_payload["displayParameter"]["individualDisplay"]["displayDetail"]["image"][
        "content"
    ]
    files = []
    for name, image in (
        ("png.json", "data:image/png;base64," + png_b64),
        ("svg.json", "data:image/svg+xml;base64," + base64.b64encode(SVG).decode()),
        ("svg-as-png.json", "data:image/png;base64," + base64.b64encode(SVG).decode()),
    ):
        doc = json.loads(json.dumps(base))
        doc["credentialSubject"]["achievement"]["image"] = {"id": image, "type": "Image"}
        (tmp_path / name).write_text(json.dumps(doc), "utf-8")
        files.append(tmp_path / name)
    open_verifier(page, site_server.url("verify/"))
    results = verify_files(page, files)
    # Adding the picture changed the signed data: shown, but marked as not verified.
    assert [r["verdict"] for r in results] == ["invalid"] * 3
    pictures = page.eval_on_selector_all(
        "#cv-results > .cv-result",
        """rs => rs.map(r => [...r.querySelectorAll('img')].map(i => [
              i.getAttribute('src').slice(0, 22), i.naturalWidth > 0,
              !!i.closest('figure').querySelector('.cv-tag--unsigned')]))""",
    )
    assert pictures == [[["data:image/png;base64,", True, True]], [], []]
    assert page.evaluate("() => window.__xss") is None
    no_violations(page)


def test_the_page_with_a_result_passes_axe_in_the_dark_scheme(
    browser: Browser, site_server: SiteServer
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    try:
        page = RecordingPage(context.new_page())
        open_verifier(page, site_server.url("verify/"))
        page.locator("#cv-samples button[data-sample='edc-unknown-key.jsonld']").click()
        wait_results(page, 1)
        assert axe_violations(page) == []
    finally:
        context.close()
