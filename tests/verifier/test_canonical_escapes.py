"""Canonical N-Quads escapes (RDFC-1.0 appendix A "A Canonical form of N-Quads").

In a literal, BS, HT, LF, FF, CR, double quote and backslash are written as ECHAR, the other
characters U+0000-U+001F and U+007F as UCHAR with upper-case hex, everything else as itself;
in an IRI, the characters IRIREF excludes are written as UCHAR. pyld's serialiser writes only
five of these escapes, so a credential with another control character in a literal, signed by
a conforming issuer (Digital Bazaar's rdf-canonize in Node), failed to verify. Issuing signs
with the same `canonize`, so what this project issues is canonical too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from build_tools.issuing.dataintegrity import sign_single
from build_tools.issuing.keys import multikey
from build_tools.verifier import Registry, verify
from build_tools.verifier.crypto_cpython import CPythonCrypto
from build_tools.verifier.jsonld import CONTEXTS, bundled_context, canonize

ROOT = Path(__file__).resolve().parents[2]
SIGNER = Path(__file__).with_name("db_sign_di.mjs")
PEER_VERIFIER = Path(__file__).with_name("peer_parity_db.mjs")
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
NAME = "https://schema.org/name"
NOW = datetime(2026, 1, 1, tzinfo=UTC)

# The spec's table, written out: ECHAR for these seven, UCHAR for the other C0 controls and DEL.
ECHAR = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}


def _expected_literal(char: str) -> str:
    code = ord(char)
    if code in ECHAR:
        return ECHAR[code]
    if code < 0x20 or code == 0x7F:
        return f"\\u{code:04X}"
    return char


def _credential(subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": subject,
    }


def _name_line(canonical: str) -> str:
    # split on LF alone: str.splitlines also splits on U+0085 and U+2028, written as they are
    return next(line for line in canonical.split("\n") if f"<{NAME}>" in line)


@pytest.mark.parametrize("code", [*range(0x21), 0x22, 0x5C, 0x7E, 0x7F, 0x80, 0x85, 0xA0, 0x2028])
def test_each_character_of_a_literal_is_written_as_canonical_n_quads_say(code: int) -> None:
    char = chr(code)
    canonical = canonize(_credential({"id": "urn:x:s", "name": f"a{char}b"}))
    assert _name_line(canonical) == f'<urn:x:s> <{NAME}> "a{_expected_literal(char)}b" .'


def test_iri_characters_that_iriref_excludes_are_written_as_uchar() -> None:
    canonical = canonize(_credential({"id": 'https://example.org/a|b{c}^`d\\e"f<g>h', "name": "n"}))
    escaped = "https://example.org/a\\u007Cb\\u007Bc\\u007D\\u005E\\u0060d\\u005Ce\\u0022f\\u003Cg\\u003Eh"
    assert _name_line(canonical) == f'<{escaped}> <{NAME}> "n" .'


# Characters that pyld's serialiser wrote as they are, in a literal and in an IRI.
SPECIAL_NAME = 'bs \b soh \x01 del \x7f ff \x0c us \x1f vt \x0b nul \x00 tab \t quote " end'
SPECIAL_IRI = "https://example.org/subject|{x}^`"


def _run_node(script: Path, request: dict[str, Any], tmp: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.skip("node or node_modules/@digitalbazaar/vc not available")
    path = tmp / f"{script.stem}_request.json"
    path.write_text(
        json.dumps({"contexts": {url: bundled_context(url) for url in CONTEXTS}, **request})
    )
    done = subprocess.run(
        [node, str(script), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _signature(doc: dict[str, Any]) -> str:
    report = verify(json.dumps(doc).encode(), Registry(), now=NOW, crypto=CPythonCrypto())
    return report.codes["signature"]


def test_a_credential_signed_by_digital_bazaar_with_control_characters_verifies(
    tmp_path: Path,
) -> None:
    credential = _credential({"id": SPECIAL_IRI, "name": SPECIAL_NAME})
    peer = _run_node(SIGNER, {"credential": credential}, tmp_path)
    signed = peer["signed"]
    # the same canonical N-Quads as rdf-canonize, byte for byte
    assert canonize({k: v for k, v in signed.items() if k != "proof"}) == peer["canonical"]
    assert "\\u0001" in peer["canonical"] and "\\b" in peer["canonical"]
    assert _signature(signed) == "SIGNATURE_VALID"
    for tampered_name in (
        SPECIAL_NAME.replace("\x01", "\x02"),
        SPECIAL_NAME.replace("\b", "\x0c"),
        SPECIAL_NAME.replace("\x7f", ""),
    ):
        tampered = json.loads(json.dumps(signed))
        tampered["credentialSubject"]["name"] = tampered_name
        assert _signature(tampered) == "SIGNATURE_INVALID"
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["id"] = SPECIAL_IRI.replace("|", "!")
    assert _signature(tampered) == "SIGNATURE_INVALID"


def test_issuing_signs_the_canonical_form_too(tmp_path: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did = f"did:key:{multikey(key)}"
    credential = _credential({"id": SPECIAL_IRI, "name": SPECIAL_NAME})
    credential["issuer"] = did
    signed = sign_single(
        credential,
        private_key=key,
        verification_method=f"{did}#{multikey(key)}",
        created="2024-01-01T00:00:00Z",
    )
    assert _signature(signed) == "SIGNATURE_VALID"
    # and Digital Bazaar's verifier accepts it (its harness of tests/verifier/test_peer_parity.py)
    path = tmp_path / "issued.json"
    path.write_text(json.dumps(signed))
    case = {"id": "issued", "path": str(path), "now": "2026-01-01T00:00:00Z", "registry": None}
    peer = _run_node(PEER_VERIFIER, {"registries": {}, "cases": [case]}, tmp_path)
    assert peer["results"]["issued"]["signature"] is True, peer["results"]["issued"]
