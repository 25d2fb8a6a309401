"""Open Badges 3.0 baked images (PNG iTXt, SVG element): the credential inside is verified
exactly as if the file held it; broken, ambiguous and hostile images get their own codes."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

import pytest

from build_tools.verifier import Registry, verify

from . import _baked as b
from . import _make as m


def _report(data: bytes, registry: Registry, crypto: Any) -> Any:
    return verify(data, registry, now=m.NOW, crypto=crypto)


def _di(status_index: int = 7) -> bytes:
    return m.dumps(m.sign_di(m.ob3_credential(status_index=status_index), m.keys()["lu-ed"]))


def _jwt() -> bytes:
    return m.sign_jwt(m.ob3_credential(), m.keys()["lu-es"]).encode()


def _same_checks(raw: Any, baked: Any) -> None:
    assert baked.verdict == raw.verdict
    rows = [(c.id, c.status, c.code) for c in baked.checks]
    assert rows == [(c.id, c.status, c.code) for c in raw.checks]


BAKERS: dict[str, Callable[[bytes], bytes]] = {
    "png": b.bake_png,
    "png-compressed": lambda c: b.bake_png(c, compress=True),
    "svg": b.bake_svg,
}


@pytest.mark.parametrize("baker", sorted(BAKERS))
@pytest.mark.parametrize(
    ("make", "verdict"),
    [(_di, "valid"), (lambda: _di(status_index=42), "invalid"), (_jwt, "valid")],
    ids=["di-valid", "di-revoked", "jwt-valid"],
)
def test_baked_credential_verifies_as_the_credential_itself(
    baker: str, make: Callable[[], bytes], verdict: str, registry: Registry, crypto: Any
) -> None:
    raw_data = make()
    raw = _report(raw_data, registry, crypto)
    baked = _report(BAKERS[baker](raw_data), registry, crypto)
    assert raw.verdict == verdict
    _same_checks(raw, baked)
    container = "ob3-baked-svg" if baker == "svg" else "ob3-baked-png"
    assert baked.format == container
    detail = baked.check("format").detail
    assert detail.startswith(container) and f"baked: {raw.format} in" in detail
    if verdict == "invalid":
        assert baked.codes["revocation"] == "REVOCATION_REVOKED"


def test_jws_in_the_svg_verify_attribute(registry: Registry, crypto: Any) -> None:
    raw = _report(_jwt(), registry, crypto)
    baked = _report(b.bake_svg(_jwt(), attribute=True), registry, crypto)
    _same_checks(raw, baked)
    assert baked.verdict == "valid"


@pytest.mark.parametrize("baker", sorted(BAKERS))
def test_tampered_credential_in_an_image_fails_its_signature(
    baker: str, registry: Registry, crypto: Any
) -> None:
    doc = json.loads(_di())
    doc["credentialSubject"]["name"] = "Mallory Example"
    report = _report(BAKERS[baker](m.dumps(doc)), registry, crypto)
    assert (report.verdict, report.codes["signature"]) == ("invalid", "SIGNATURE_INVALID")


# --------------------------------------------------------------------------- hostile images

_GOOD = b"{}"


def _crc_error() -> bytes:
    data = bytearray(b.bake_png(_di()))
    at = data.index(b"iTXt") + 40  # a byte of the credential text, not of the framing
    data[at] ^= 0x01
    return bytes(data)


def _bomb() -> bytes:
    packed = zlib.compress(b" " * 6_000_000, 9)  # ~6 kB unpacking past the 5 MB limit
    return b.png(b.chunk(b"iTXt", b.itxt(packed, compressed=True)))


HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "png-without-chunk": (lambda: b.png(), "FORMAT_BAKED_NO_CREDENTIAL", "unverifiable"),
    "png-ob2-assertion": (
        lambda: b.png(b.chunk(b"iTXt", b.itxt(b"https://x.example/a", keyword=b"openbadges"))),
        "FORMAT_BAKED_NO_CREDENTIAL",
        "unverifiable",
    ),
    "png-two-credentials": (
        lambda: b.png(b.chunk(b"iTXt", b.itxt(_di())), b.chunk(b"iTXt", b.itxt(_jwt()))),
        "FORMAT_BAKED_MULTIPLE",
        "invalid",
    ),
    # Credentials another reader could take instead of the one verified: after the image's
    # end, in a zTXt chunk, under a keyword in another case.
    "png-credential-after-iend": (
        lambda: b.png(b.chunk(b"iTXt", b.itxt(_di()))) + b.chunk(b"iTXt", b.itxt(_jwt())),
        "FORMAT_BAKED_MULTIPLE",
        "invalid",
    ),
    "png-ztxt-beside-itxt": (
        lambda: b.png(
            b.chunk(b"iTXt", b.itxt(_di())),
            b.chunk(b"zTXt", b"openbadgecredential\x00\x00" + zlib.compress(_jwt())),
        ),
        "FORMAT_BAKED_MULTIPLE",
        "invalid",
    ),
    "png-keyword-in-other-case": (
        lambda: b.png(
            b.chunk(b"iTXt", b.itxt(_di())),
            b.chunk(b"iTXt", b.itxt(_jwt(), keyword=b"OpenBadgeCredential")),
        ),
        "FORMAT_BAKED_MULTIPLE",
        "invalid",
    ),
    "png-credential-only-after-iend": (
        lambda: b.png() + b.chunk(b"iTXt", b.itxt(_di())),
        "FORMAT_BAKED_DAMAGED",
        "invalid",
    ),
    "png-crc-error": (_crc_error, "FORMAT_BAKED_CRC", "invalid"),
    "png-zlib-bomb": (_bomb, "FORMAT_BAKED_TOO_LARGE", "invalid"),
    "png-damaged-zlib": (
        lambda: b.png(b.chunk(b"iTXt", b.itxt(b"not zlib at all", compressed=True))),
        "FORMAT_BAKED_DAMAGED",
        "invalid",
    ),
    "png-cut-short": (lambda: b.bake_png(_di())[:-30], "FORMAT_BAKED_DAMAGED", "invalid"),
    "png-chunk-length-past-end": (
        lambda: b.png()[:8] + b"\x7f\xff\xff\xffIHDR" + b"\x00" * 20,
        "FORMAT_BAKED_DAMAGED",
        "invalid",
    ),
    "png-itxt-without-fields": (
        lambda: b.png(b.chunk(b"iTXt", b"openbadgecredential\x00\x00\x00")),
        "FORMAT_BAKED_DAMAGED",
        "invalid",
    ),
    "png-holding-an-svg": (
        lambda: b.png(b.chunk(b"iTXt", b.itxt(b.bake_svg(_GOOD)))),
        "FORMAT_BAKED_DAMAGED",
        "invalid",
    ),
    "png-holding-garbage": (
        lambda: b.png(b.chunk(b"iTXt", b.itxt(b"hello"))),
        "FORMAT_UNRECOGNISED",
        "unverifiable",
    ),
    "svg-without-element": (
        lambda: b.bake_svg(_GOOD).replace(b"openbadges:credential", b"openbadges:other"),
        "FORMAT_BAKED_NO_CREDENTIAL",
        "unverifiable",
    ),
    "svg-empty-element": (lambda: b.bake_svg(""), "FORMAT_BAKED_NO_CREDENTIAL", "unverifiable"),
    "svg-two-credentials": (
        lambda: b.bake_svg(_di()).replace(
            b"<circle", b"<openbadges:credential>x</openbadges:credential><circle"
        ),
        "FORMAT_BAKED_MULTIPLE",
        "invalid",
    ),
    "svg-look-alike-namespace": (
        lambda: b.bake_svg(_di()).replace(
            b"<circle",
            b'<x:credential xmlns:x="http://purl.imsglobal.org/ob/v3p0/">a.b.c</x:credential>'
            b"<circle",
        ),
        "FORMAT_BAKED_MULTIPLE",
        "invalid",
    ),
    "svg-text-and-verify-attribute": (
        lambda: b.bake_svg(_di()).replace(
            b"<openbadges:credential>", b'<openbadges:credential verify="a.b.c">'
        ),
        "FORMAT_BAKED_MULTIPLE",
        "invalid",
    ),
    "svg-billion-laughs": (
        lambda: (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="'
            + b.OB3_NS.encode()
            + b'">'
            b"<openbadges:credential>&b;</openbadges:credential></svg>"
        ),
        "FORMAT_BAKED_XML_UNSAFE",
        "invalid",
    ),
    "svg-external-entity": (
        lambda: (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
        ),
        "FORMAT_BAKED_XML_UNSAFE",
        "invalid",
    ),
    "svg-not-well-formed": (
        lambda: b.bake_svg(_di()).replace(b"</svg>", b""),
        "FORMAT_BAKED_DAMAGED",
        "invalid",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bad_image_gets_its_specific_code(name: str, registry: Registry, crypto: Any) -> None:
    make, code, verdict = HOSTILE[name]
    report = _report(make(), registry, crypto)
    assert (report.codes["format"], report.verdict) == (code, verdict), report.to_dict()["checks"]
    assert report.to_dict()["verdict"] == verdict


def test_other_xml_and_html_keep_their_old_code(registry: Registry, crypto: Any) -> None:
    for text in (
        b"<note><to>x</to></note>",
        b'<img src=x onerror="y"><svg onload=z>',  # an inline <svg> is not an SVG file
        b"<!-- <svg> --><html><svg></svg></html>",
        b"<!-- -->" * 100_000 + b"<x/>",  # a long prolog is scanned once, not backtracked
    ):
        report = _report(text, registry, crypto)
        assert (report.codes["format"], report.verdict) == ("FORMAT_UNRECOGNISED", "unverifiable")
