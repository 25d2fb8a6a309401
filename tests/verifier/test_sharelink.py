"""The share-link codec (build_tools.verifier.sharelink): round trips, bounds, hostile input.

The page's own implementation (site_src/assets/verifier/sharelink.mjs) is held to the same
vectors in tests/browser/verify/test_share.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.verifier.codec import b64url_encode
from build_tools.verifier.sharelink import (
    DEFAULT_MAX_BYTES,
    LINK_LIMIT,
    ShareLinkError,
    decode_fragment,
    encode_credential,
    encode_id,
    encode_numeric,
    id_link,
    share_link,
)

from . import _sharelink_vectors as vectors

SAMPLES = Path(__file__).resolve().parents[2] / "site_src" / "samples"
SITE = "https://example.org/credentials/"


_raw = vectors.raw_deflate


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=3000))
def test_both_forms_round_trip_any_bytes(data: bytes) -> None:
    assert decode_fragment(encode_credential(data)).data == data
    assert decode_fragment("#" + encode_numeric(data)).data == data


def test_the_decimal_form_covers_every_tail_length() -> None:
    # A last group of 1..6 bytes takes 3, 5, 8, 10, 13 or 15 digits; a full one 17.
    tails = {}
    for n in range(1, 60):
        data = bytes(range(n)) * 3
        raw = _raw(data)
        digits = encode_numeric(data)[3:]
        assert len(digits) == 17 * (len(raw) // 7) + [0, 3, 5, 8, 10, 13, 15][len(raw) % 7]
        assert decode_fragment("q1." + digits).data == data
        tails[len(raw) % 7] = digits
    assert set(tails) == set(range(7))


def test_a_link_is_the_verify_page_and_the_fragment() -> None:
    data = (SAMPLES / "ob3-valid.json").read_bytes()
    link = share_link(SITE, data)
    page, _, fragment = link.partition("#")
    assert page == SITE + "verify/"
    assert fragment.startswith("c1.")
    assert decode_fragment(fragment).data == data
    assert len(link) <= LINK_LIMIT
    numeric = share_link(SITE, data, numeric=True)
    assert numeric.partition("#")[2].startswith("q1.")
    assert set(numeric.partition("#q1.")[2]) <= set("0123456789")


def test_every_sample_round_trips_exactly() -> None:
    for path in sorted(SAMPLES.glob("*-*.*")):
        data = path.read_bytes()
        assert decode_fragment(encode_credential(data)).data == data, path.name
        assert decode_fragment(encode_numeric(data)).data == data, path.name


def test_an_id_link_names_a_credential() -> None:
    link = id_link(SITE, "urn:credential:70b50ecb-32cc-4896-b614-24b1ea125c50")
    assert link == SITE + "verify/#id.urn:credential:70b50ecb-32cc-4896-b614-24b1ea125c50"
    shared = decode_fragment(link.partition("#")[2])
    assert shared.kind == "id" and shared.data == b""
    assert shared.credential_id == "urn:credential:70b50ecb-32cc-4896-b614-24b1ea125c50"
    odd = "urn:x:a#c%d<é>"
    assert decode_fragment(encode_id(odd)).credential_id == odd


def test_a_decompression_bomb_stops_at_the_file_size_limit() -> None:
    bomb = _raw(b"\0" * (DEFAULT_MAX_BYTES + 1))
    assert len(bomb) < 10_000
    with pytest.raises(ShareLinkError) as info:
        decode_fragment("c1." + b64url_encode(bomb))
    assert info.value.code == "SHARE_LINK_TOO_LARGE"
    exactly = _raw(b"\0" * 1000)
    assert len(decode_fragment("c1." + b64url_encode(exactly), max_bytes=1000).data) == 1000
    with pytest.raises(ShareLinkError) as info:
        decode_fragment("c1." + b64url_encode(exactly), max_bytes=999)
    assert info.value.code == "SHARE_LINK_TOO_LARGE"


def test_text_longer_than_any_file_could_need_is_refused_before_decoding() -> None:
    with pytest.raises(ShareLinkError) as info:
        decode_fragment("c1." + "A" * 20_000, max_bytes=1000)
    assert info.value.code == "SHARE_LINK_TOO_LARGE"
    with pytest.raises(ShareLinkError) as info:
        decode_fragment("q1." + "0" * 40_000, max_bytes=1000)
    assert info.value.code == "SHARE_LINK_TOO_LARGE"


@pytest.mark.parametrize("fragment,code", vectors.malformed())
def test_malformed_fragments_are_refused_with_a_code(fragment: str, code: str) -> None:
    with pytest.raises(ShareLinkError) as info:
        decode_fragment(fragment)
    assert info.value.code == code, str(info.value)
    assert str(info.value)  # a sentence for the person who opened the link
