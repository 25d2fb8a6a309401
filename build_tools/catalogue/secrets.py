"""The one detector of private key material, for `credsite check` (every catalogue file), the
site build (every generated file) and the demo-key guard (every file of the repository).

It recognises:

- PEM private keys of every kind (PKCS#8, RSA, EC, DSA, ENCRYPTED, OPENSSH, PGP), also inside
  a JSON or YAML string with escaped line breaks, and PuTTY key files;
- DER private keys (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1) written as base64 (one token or a
  block of lines, e.g. a bare `MC4CAQAw…`) or hex, and as binary `.der/.key/.p8/.pk8` files.
  A candidate counts only when `cryptography` parses it as a private key, so public keys
  (`MCowBQYDK2VwAyEA…`) and certificates (`MIIB…`) are never reported;
- JSON Web Keys with a private member (`d`, RSA primes, symmetric `k`), whatever the quoting:
  JSON, escaped quotes inside a string (`{\\"kty\\":…,\\"d\\":…}`), single quotes, YAML block
  and flow mappings;
- a 32-byte hex value named by a word like private, secret, seed or key (not public);
- secret Multikeys (multicodec 0x1300/0x1305/0x1306/0x1307), `privateKey…`/`secretKey…` values
  and key stores (.p12, .pfx, .jks, .keystore).

Each finding is located (file, line, column). When the material is readable, the finding also
carries the RFC 7638 thumbprints of the public key(s) it belongs to, so that callers can tell
whether a registered key's private half is published.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwcrypto import jwk as jwcrypto_jwk

from build_tools.verifier.codec import b58decode, jwk_thumbprint

__all__ = [
    "HINT",
    "PrivateKeyFinding",
    "find_private_key_material",
    "public_thumbprints",
    "repository_root",
]

HINT = (
    "Remove the private key; only public keys belong in the catalogue and on the site. Treat "
    "the key as compromised (`credsite keys compromised`) and make a new one with "
    "`credsite keys new`, which keeps the private half outside the repository."
)


@dataclass(frozen=True, slots=True)
class PrivateKeyFinding:
    """Private key material found in a file (or in bytes)."""

    file: str
    line: int
    column: int
    kind: str
    # RFC 7638 thumbprints of the public key(s) of this material, when it can be read.
    public_thumbprints: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return f"{self.kind} found. Private keys must never be in the catalogue or the site."

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.kind}"


# Folders never scanned when a folder is walked: version control, dependencies, caches.
SKIP_DIRS = frozenset({"node_modules", "__pycache__"})
_TEXT_LIMIT = 20_000_000
_KEY_STORES = {
    ".p12": "PKCS#12 key store",
    ".pfx": "PKCS#12 key store",
    ".jks": "Java key store",
    ".keystore": "Java key store",
}
_DER_SUFFIXES = frozenset({".der", ".key", ".p8", ".pk8"})
_STRUCTURED = frozenset({".json", ".jsonld", ".yaml", ".yml"})

_PEM = re.compile(rb"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
_PEM_END = re.compile(rb"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_PUTTY = re.compile(rb"PuTTY-User-Key-File-\d+:")
# DER starts with a SEQUENCE (0x30): in base64 an `M`; one token, or lines of a block.
# Lines are joined across real line breaks (with indentation) and escaped ones (`\n`).
_B64_DER = re.compile(
    rb"(?<![A-Za-z0-9+/_-])M[A-Za-z0-9+/_-]{40,}"
    rb"(?:(?:[ \t]*\r?\n[ \t]*|\\r\\n|\\n)[A-Za-z0-9+/_-]{4,})*={0,2}"
)
_HEX_DER = re.compile(rb"(?<![0-9A-Fa-f])30[0-9A-Fa-f]{60,}(?![0-9A-Fa-f])")
# A 64-digit hex value, then (before it) the name it is given: looking for the rare hex run first
# keeps the scan linear in practice (a name pattern tried at every byte is not).
_HEX_64 = re.compile(rb"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")
_HEX_SEED_NAME = re.compile(
    rb"(?i)(?<![\w.-])([\w.-]*(?:private|secret|seed|key)[\w.-]*)[\"']?\s*[:=]\s*[\"']?(?:0x)?\Z"
)
_KTY = re.compile(rb"""kty\s*["']?\s*[:=]\s*["']?\s*(?:EC|OKP|RSA|oct)\b""")
_JWK_PRIVATE = re.compile(
    rb"""(?m)(?:^|[\s{,"'])(d|p|q|dp|dq|qi|k)\s*["']?\s*[:=]\s*["']?\s*[A-Za-z0-9_-]{16,}"""
)
_NAMED_SECRET = re.compile(
    rb"""["']?((?:private|secret)Key(?:Multibase|Base58|Pem|Hex|Jwk)?)["']?\s*:\s*["']?"""
    rb"""[A-Za-z0-9+/_=-]{30,}"""
)
_MULTIBASE = re.compile(rb"(?<![A-Za-z0-9_])z[1-9A-HJ-NP-Za-km-z]{44,120}\b")
_MULTIKEY_SECRET = {
    b"\x80\x26": "Ed25519",
    b"\x86\x26": "P-256",
    b"\x87\x26": "P-384",
    b"\x85\x26": "RSA",
}
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


# --------------------------------------------------------------------------- entry points


def find_private_key_material(
    source: str | os.PathLike[str] | bytes, *, name: str = "<data>"
) -> list[PrivateKeyFinding]:
    """Private key material in bytes (reported under `name`), a file, or a folder (walked
    recursively, skipping hidden folders and `SKIP_DIRS`; paths relative to it). Unreadable
    files are skipped; nothing raises."""
    if isinstance(source, bytes):
        return _scan(source, name, Path(name).suffix.lower())
    root = Path(source)
    if root.is_dir():
        found: list[PrivateKeyFinding] = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for file_name in sorted(files):
                path = Path(folder) / file_name
                found += _scan_file(path, path.relative_to(root).as_posix())
        return found
    if root.is_file():
        return _scan_file(root, name if name != "<data>" else str(root))
    return []


def repository_root(path: Path) -> Path | None:
    """The git work tree that contains `path` (the folder holding `.git`), if any."""
    current = path.resolve()
    if not current.is_dir():
        current = current.parent
    for folder in (current, *current.parents):
        if (folder / ".git").exists():
            return folder
    return None


def public_thumbprints(key: Any) -> tuple[str, ...]:
    """The RFC 7638 thumbprint of the public key of a `cryptography` private key or certificate."""
    try:
        public = jwcrypto_jwk.JWK.from_pyca(key.public_key()).export_public(as_dict=True)
        return (jwk_thumbprint(public),)
    except (ValueError, TypeError, AttributeError):
        return ()


# --------------------------------------------------------------------------- scanning


def _scan_file(path: Path, label: str) -> list[PrivateKeyFinding]:
    suffix = path.suffix.lower()
    if suffix in _KEY_STORES:
        return _scan(b"", label, suffix)
    try:
        if path.stat().st_size > _TEXT_LIMIT:
            return []
        data = path.read_bytes()
    except OSError:
        return []
    return _scan(data, label, suffix)


def _scan(data: bytes, label: str, suffix: str) -> list[PrivateKeyFinding]:
    hits: dict[tuple[int, str], PrivateKeyFinding] = {}

    def add(pos: int, kind: str, thumbprints: tuple[str, ...] = ()) -> None:
        line = data.count(b"\n", 0, pos) + 1
        column = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
        hits.setdefault((line, kind), PrivateKeyFinding(label, line, column, kind, thumbprints))

    if suffix in _KEY_STORES:
        return [PrivateKeyFinding(label, 1, 1, _KEY_STORES[suffix])]
    if suffix in _DER_SUFFIXES and len(data) < 20_000:
        found = _der_key(data)
        if found is not None:
            add(0, *found)
    for pos, kind, prints in _text_hits(data, suffix):
        add(pos, kind, prints)
    return sorted(hits.values(), key=lambda f: (f.line, f.column, f.kind))


def _text_hits(data: bytes, suffix: str) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    pem_spans: list[tuple[int, int]] = []
    if b"PRIVATE KEY" in data:
        for match in _PEM.finditer(data):
            end = _PEM_END.search(data, match.end())
            stop = end.end() if end else match.end()
            pem_spans.append((match.start(), stop))
            yield (
                match.start(),
                _pem_kind(match.group(1)),
                _pem_thumbprints(data[match.start() : stop]),
            )
    for match in _PUTTY.finditer(data):
        yield match.start(), "PuTTY private key", ()
    for match in _B64_DER.finditer(data):
        if any(a <= match.start() < b for a, b in pem_spans) or len(match.group(0)) > 20_000:
            continue
        token = match.group(0)
        found = _der_key(_b64(token)) or _der_key(_b64(re.split(rb"\s|\\n", token)[0]))
        if found is not None:
            yield match.start(), found[0] + " (base64)", found[1]
    for match in _HEX_DER.finditer(data):
        if len(match.group(0)) % 2 == 0 and len(match.group(0)) <= 40_000:
            found = _der_key(bytes.fromhex(match.group(0).decode("ascii")))
            if found is not None:
                yield match.start(), found[0] + " (hex)", found[1]
    for match in _HEX_64.finditer(data):
        named = _HEX_SEED_NAME.search(data, max(0, match.start() - 200), match.start())
        if named and b"pub" not in named.group(1).lower():
            yield (
                match.start(),
                "32-byte private key or seed (hex)",
                _seed_thumbprints(bytes.fromhex(match.group(0).decode("ascii"))),
            )
    if b"kty" in data:
        yield from _jwk_hits(data, suffix)
    if b"privateKey" in data or b"secretKey" in data:
        for match in _NAMED_SECRET.finditer(data):
            yield match.start(), f"'{match.group(1).decode()}' value", ()
    for match in _MULTIBASE.finditer(data):
        try:
            raw = b58decode(match.group(0)[1:].decode("ascii"))
        except ValueError:
            continue
        kind = _MULTIKEY_SECRET.get(raw[:2])
        if kind:
            prints = _seed_thumbprints(raw[2:]) if kind == "Ed25519" and len(raw) == 34 else ()
            yield match.start(), f"secret Multikey ({kind})", prints[:1]


def _pem_kind(label: bytes) -> str:
    kind = label.decode("ascii")
    return "PEM private key" if kind == "PRIVATE KEY" else f"PEM {kind.lower()}"


# --------------------------------------------------------------------------- JSON Web Keys


def _jwk_hits(data: bytes, suffix: str) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    # Escaped quotes (`\"`, and YAML's doubled `''`) become a quote and a space: the same
    # length, so positions stay true.
    text = data.replace(b'\\"', b'" ').replace(b"\\'", b"' ").replace(b"''", b"' ")
    reported = False
    if suffix in _STRUCTURED:
        for obj in _private_jwks(_parse(data, suffix)):
            member = next(m for m in _PRIVATE_MEMBERS if m in obj)
            found = next(
                (f for f in _JWK_PRIVATE.finditer(text) if f.group(1).decode() == member), None
            )
            reported = True
            yield (
                found.start(1) if found else 0,
                f"JWK with a private member '{member}'",
                _jwk_thumbprints(obj),
            )
    if reported:
        return
    seen: set[int] = set()
    for kty in _KTY.finditer(text):
        start = max(0, kty.start() - 3000)
        private = _JWK_PRIVATE.search(text, start, kty.end() + 3000)
        if private is None or private.start(1) in seen:
            continue
        seen.add(private.start(1))
        enclosing = _enclosing_object(data, kty.start())
        yield (
            private.start(1),
            f"JWK with a private member '{private.group(1).decode()}'",
            _jwk_thumbprints(enclosing) if enclosing else (),
        )


def _enclosing_object(text: bytes, pos: int) -> dict[str, Any] | None:
    """The JSON or YAML flow mapping around `pos`, parsed, if it can be."""
    open_at = text.rfind(b"{", max(0, pos - 3000), pos)
    close_at = text.find(b"}", pos, pos + 20_000)
    if open_at < 0 or close_at < 0:
        return None
    raw = text[open_at : close_at + 1].replace(b'\\"', b'"').replace(b"\\'", b"'")
    raw = raw.replace(b"''", b"'")
    chunk = raw.decode("utf-8", "replace").replace("'", '"')
    for loader in (json.loads, yaml.safe_load):
        try:
            value = loader(chunk)
        except Exception:  # not JSON / not YAML: try the next
            continue
        if isinstance(value, dict):
            return value
    return None


def _parse(data: bytes, suffix: str) -> Any:
    try:
        text = data.decode("utf-8")
        if suffix in (".json", ".jsonld"):
            return json.loads(text)
        return list(yaml.safe_load_all(text))
    except Exception:  # unparsable files are still searched as text
        return None


def _private_jwks(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 50:
        return
    if isinstance(value, dict):
        if "kty" in value and any(m in value for m in _PRIVATE_MEMBERS):
            yield value
        for item in value.values():
            yield from _private_jwks(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _private_jwks(item, depth + 1)


def _jwk_thumbprints(obj: dict[str, Any]) -> tuple[str, ...]:
    try:
        public = jwcrypto_jwk.JWK(**{str(k): v for k, v in obj.items()}).export_public(as_dict=True)
        return (jwk_thumbprint(public),)
    except Exception:  # incomplete or not a key jwcrypto reads
        return ()


# --------------------------------------------------------------------------- DER, PEM, seeds


def _b64(token: bytes) -> bytes:
    cleaned = re.sub(rb"\\r|\\n|\s", b"", token).translate(bytes.maketrans(b"-_", b"+/"))
    try:
        return base64.b64decode(cleaned + b"=" * (-len(cleaned.rstrip(b"=")) % 4), validate=False)
    except (binascii.Error, ValueError):
        return b""


def _der_key(der: bytes) -> tuple[str, tuple[str, ...]] | None:
    """("DER private key", thumbprints) when `der` parses as a private key (PKCS#8, PKCS#1,
    SEC1), ("encrypted DER private key", ()) for encrypted PKCS#8; None otherwise."""
    if not der.startswith(b"\x30"):
        return None
    try:
        key = serialization.load_der_private_key(der, password=None)
    except TypeError:
        return "encrypted DER private key", ()
    except Exception:  # not a private key (public keys and certificates end here)
        return None
    return "DER private key", public_thumbprints(key)


def _pem_thumbprints(block: bytes) -> tuple[str, ...]:
    """Thumbprints of an unencrypted PEM or OpenSSH private key, also written with escaped
    line breaks or indented inside a YAML or JSON string."""
    lines = re.split(rb"\\r\\n|\\n|\r?\n", block)
    pem = b"\n".join(s for s in (line.strip(b" \t\"',") for line in lines) if s) + b"\n"
    for load in (serialization.load_pem_private_key, serialization.load_ssh_private_key):
        try:
            return public_thumbprints(load(pem, None))
        except Exception:  # encrypted, damaged or another format
            continue
    return ()


def _seed_thumbprints(seed: bytes) -> tuple[str, ...]:
    """32 secret bytes are an Ed25519 seed or a P-256 scalar: the public keys of both."""
    prints = public_thumbprints(ed25519.Ed25519PrivateKey.from_private_bytes(seed))
    scalar = int.from_bytes(seed, "big")
    if 0 < scalar < _P256_ORDER:
        prints += public_thumbprints(ec.derive_private_key(scalar, ec.SECP256R1()))
    return prints


# The order of the P-256 group (FIPS 186-4 D.1.2.3): a scalar must be below it.
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
