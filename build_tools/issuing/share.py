"""Share links and QR codes for issued credentials.

The link format is `build_tools.verifier.sharelink` (docs/interfaces.md, "Share links"). Here:
what `credsite issue` offers for one credential file:

- the share link `{site_url}verify/#c1.…` when it stays within `LINK_LIMIT` characters, else
  the reason it does not (an EDC carries its page image, some 60 kB);
- the content of its QR code: the same credential in the link's QR form `#q1.…` (digits, in
  the QR code's numeric mode) when a QR code can hold it, else a link to the verify page that
  names the credential's id (`#id.…`), which opens the verifier but does not contain the
  credential. The EDC's own page image can only ever carry that second kind: the image is
  part of the credential, so it cannot contain a link that contains the credential.

QR codes are made with segno, at error correction level L (raised by segno where the version
has room), the level that leaves most room for data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import segno
from segno import consts

from build_tools.verifier.sharelink import (
    LINK_LIMIT,
    encode_numeric,
    id_link,
    share_link,
    verify_page,
)

__all__ = ["QrContent", "SharePlan", "plan_share", "qr_code"]


@dataclass(frozen=True, slots=True)
class QrContent:
    """What a QR code holds: the whole text, split where the numeric part starts."""

    kind: Literal["credential", "id"]
    text: str  # the URL the code opens
    numeric_from: int | None = None  # index where the digits (numeric mode) start


@dataclass(frozen=True, slots=True)
class SharePlan:
    """The share link of one credential file (or why there is none) and its QR content."""

    link: str | None  # None: too large for a practical link
    link_chars: int  # the length the link has or would have
    qr: QrContent
    reason: str | None = None  # why there is no link, in plain words

    @property
    def fits(self) -> bool:
        return self.link is not None


def qr_code(content: QrContent) -> segno.QRCode:
    """The QR code of `content` (raises segno.DataOverflowError when none can hold it)."""
    if content.numeric_from is None:
        return segno.make(content.text, error="m", micro=False)
    head, digits = content.text[: content.numeric_from], content.text[content.numeric_from :]
    # segno takes a list of (content, mode) segments for manual segmentation (its typing names
    # str, int and bytes only); the tests decode the result with an independent QR reader.
    segments = [(head, consts.MODE_BYTE), (digits, consts.MODE_NUMERIC)]
    return segno.make(segments, error="l", micro=False)  # type: ignore[arg-type]


def id_qr(site_url: str, credential_id: str) -> QrContent:
    """A code that opens the verify page and names the credential (without carrying it)."""
    return QrContent("id", id_link(site_url, credential_id))


def plan_share(
    site_url: str, content: bytes, credential_id: str, *, carries_image: bool = False
) -> SharePlan:
    """The share link and QR content of one credential file published at `site_url`
    (`carries_image`: the file holds a picture, which the reason for no link then names)."""
    link = share_link(site_url, content)
    numeric = encode_numeric(content)
    head = f"{verify_page(site_url)}#q1."
    qr = QrContent("credential", head + numeric[len("q1.") :], numeric_from=len(head))
    try:
        qr_code(qr)
    except segno.DataOverflowError:
        qr = id_qr(site_url, credential_id)
    if len(link) <= LINK_LIMIT:
        return SharePlan(link, len(link), qr)
    reason = (
        f"its share link would be {len(link):,} characters, over the {LINK_LIMIT:,} that chat "
        "apps, mail programs and QR codes carry reliably"
        + (" (the credential carries its page image)" if carries_image else "")
        + "; share the file instead"
    )
    return SharePlan(None, len(link), qr, reason)
