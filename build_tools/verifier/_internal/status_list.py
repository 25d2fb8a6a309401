"""Status list decoding: Bitstring Status List v1.0 and StatusList2021 (bits only, no trust)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from ..codec import b64_decode_any, b64url_decode

# Bitstring Status List §4.2 "Validate Algorithm" step 1 (and StatusList2021 §2.2): 16 KB.
MIN_ENTRIES = 131_072
# 16 MB of bits is 128 times the minimum: anything larger is a gzip bomb, not a status list.
MAX_DECODED = 16 * 1024 * 1024
MAX_ENCODED = 4 * 1024 * 1024


class StatusListError(ValueError):
    pass


@dataclass(frozen=True)
class Bitstring:
    data: bytes

    @property
    def bits(self) -> int:
        return len(self.data) * 8

    def value(self, index: int, size: int = 1) -> int:
        """Value at `index`; index 0 is the left-most bit of the first byte (BSL "Bitstring
        Encoding")."""
        start = index * size
        if index < 0 or size < 1 or start + size > self.bits:
            raise IndexError("status index out of range")
        out = 0
        for pos in range(start, start + size):
            out = (out << 1) | ((self.data[pos >> 3] >> (7 - (pos & 7))) & 1)
        return out


def decode_encoded_list(encoded: object) -> Bitstring:
    """Multibase base64url (`u…`, BSL) or plain base64 (`H4sI…`, StatusList2021) of GZIP bits."""
    if not isinstance(encoded, str) or not encoded:
        raise StatusListError("encodedList is missing")
    if len(encoded) > MAX_ENCODED:
        raise StatusListError("encodedList is too long")
    try:
        if encoded.startswith("u"):
            compressed = b64url_decode(encoded[1:])
        else:
            compressed = b64_decode_any(encoded)
    except ValueError as exc:
        raise StatusListError("encodedList is not base64") from exc
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip framing (RFC 1952)
    try:
        data = inflater.decompress(compressed, MAX_DECODED + 1)
    except zlib.error as exc:
        raise StatusListError("encodedList is not GZIP data") from exc
    if len(data) > MAX_DECODED or inflater.unconsumed_tail:
        raise StatusListError("the decoded status list is too large")
    return Bitstring(data)
