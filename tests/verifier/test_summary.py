"""The report's credential summary as people see it: the picture a credential carries (raster
data only) and `verified`, which holds only for a signature by a key of this registry."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from build_tools.verifier import Registry, verify

from . import _hostile
from . import _make as m

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
WEBP = b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\x00" * 40
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _ob3_with_image(image: Any) -> bytes:
    doc = m.ob3_credential(status_index=7)
    doc["credentialSubject"]["achievement"]["image"] = image
    return m.dumps(m.sign_di(doc, m.keys()["lu-ed"]))


@pytest.mark.parametrize(
    ("data", "kind"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
def test_an_open_badge_image_is_passed_on_as_raster_data(
    registry: Registry, crypto: Any, data: bytes, kind: str
) -> None:
    url = f"data:{kind};base64,{_b64(data)}"
    for image in (url, {"id": url, "type": "Image", "caption": "badge"}):
        report = verify(_ob3_with_image(image), registry, now=m.NOW, crypto=crypto)
        assert report.verdict == "valid", report.to_dict()["checks"]
        assert report.credential is not None
        assert report.credential["image"] == {"media_type": kind, "data_base64": _b64(data)}
        assert report.to_dict()["credential"]["image"]["media_type"] == kind


def _unused_bits_set(text: str) -> str:
    """`text` (base64 ending in "=") with the unused low bits of its last character set: the
    same bytes to a decoder, but not the plain spelling."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    body = text.rstrip("=")
    return body[:-1] + alphabet[alphabet.index(body[-1]) | 1] + text[len(body) :]


@pytest.mark.parametrize(
    "spelling",
    [
        lambda t: "\n".join(t[i : i + 8] for i in range(0, len(t), 8)),  # MIME line breaks
        lambda t: " " + t + " ",
        _unused_bits_set,
    ],
    ids=["line-breaks", "spaces", "unused-bits"],
)
def test_an_image_in_another_base64_spelling_is_passed_on_re_encoded(
    registry: Registry, crypto: Any, spelling: Any
) -> None:
    data = PNG + b"\x01\x02"  # 58 bytes: the base64 ends in "=="
    written = spelling(_b64(data))
    assert written != _b64(data) and base64.b64decode("".join(written.split())) == data
    report = verify(
        _ob3_with_image(f"data:image/png;base64,{written}"), registry, now=m.NOW, crypto=crypto
    )
    assert report.credential is not None
    assert report.credential["image"] == {"media_type": "image/png", "data_base64": _b64(data)}


@pytest.mark.parametrize(
    "image",
    [
        "data:image/svg+xml;base64," + _b64(SVG),
        "data:image/png;base64," + _b64(SVG),  # declared PNG, is SVG
        "data:image/gif;base64," + _b64(PNG),  # declared GIF, is PNG
        "data:image/png," + PNG.decode("latin-1"),  # not base64
        "data:image/png;base64,****",
        "data:image/png;base64," + _b64(PNG)[:-1],  # cut short
        "data:image/png;base64," + _b64(PNG) + "=",  # a padding sign too many
        "data:image/png;base64," + _b64(PNG).replace("A", "-"),  # URL-safe alphabet
        "https://alliance.example/badge.png",  # never fetched
        "data:image/png;base64," + _b64(PNG + b"\x00" * 2_000_000),  # over the 2 MB cap
    ],
)
def test_anything_but_a_small_raster_image_is_left_out(
    registry: Registry, crypto: Any, image: str
) -> None:
    report = verify(_ob3_with_image(image), registry, now=m.NOW, crypto=crypto)
    assert report.credential is not None
    assert report.credential["image"] is None


def test_an_edc_display_image_is_passed_on(registry: Registry, crypto: Any) -> None:
    doc = m.edc_credential()
    doc["displayParameter"] = {
        "id": "urn:epass:displayParameter:1",
        "type": "DisplayParameter",
        "title": {"en": "Card"},
        "language": {
            "id": "http://publications.europa.eu/resource/authority/language/ENG",
            "type": "Concept",
        },
        "individualDisplay": {
            "id": "urn:epass:individualDisplay:1",
            "type": "IndividualDisplay",
            "language": {
                "id": "http://publications.europa.eu/resource/authority/language/ENG",
                "type": "Concept",
            },
            "displayDetail": {
                "id": "urn:epass:displayDetail:1",
                "type": "DisplayDetail",
                "page": 1,
                "image": {
                    "id": "urn:epass:mediaObject:1",
                    "type": "MediaObject",
                    "content": _b64(JPEG),
                },
            },
        },
    }
    report = verify(m.sign_jades(doc, m.keys()["lu-rsa"]), registry, now=m.NOW, crypto=crypto)
    assert report.verdict == "valid", report.to_dict()["checks"]
    assert report.credential is not None
    assert report.credential["image"] == {"media_type": "image/jpeg", "data_base64": _b64(JPEG)}


def test_a_credential_without_an_image_has_none(registry: Registry, crypto: Any) -> None:
    report = verify(_ob3_with_image(None), registry, now=m.NOW, crypto=crypto)
    assert report.credential is not None and report.credential["image"] is None


def test_an_intact_seal_by_a_key_outside_the_registry_is_not_verified(
    registry: Registry, crypto: Any
) -> None:
    report = verify(_hostile._self_signed_x5c(), registry, now=m.NOW, crypto=crypto)
    check = report.check("signature")
    assert check is not None and check.status == "pass"
    assert report.credential is not None and report.credential["verified"] is False
