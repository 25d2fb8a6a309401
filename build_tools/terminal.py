"""Text from files, shown on a terminal: control characters made visible.

Credential titles, issuer names, file names and catalogue values reach the terminal in
`credsite verify` and `credsite check`. Written as they are, an escape sequence in a title
could move the cursor and print a fake "VALID" over the real verdict, and a bidirectional
override could reverse what a line appears to say; an invisible character (a zero-width space
in an issuer's name) makes two different names print alike. `printable` writes every C0 and C1
control character, DEL, the bidi marks, embeddings, overrides and isolates, and the invisible
format characters (soft hyphen, zero-width space and joiners, word joiner, byte order mark) as
a visible escape (`\\x1b`, `\\u202e`, `\\u200b`), and leaves all other text as it is.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with its terminal control and bidi override characters written as escapes."""
    return _UNSAFE.sub(_escape, text)
