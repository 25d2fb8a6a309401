"""The credential verifier core: bytes + registry -> Report.

Pure Python, no file or network I/O, no import from the rest of `build_tools`, so the same code
runs under the `credsite verify` command and in the browser (Pyodide). See docs/adr/0003.

    from build_tools.verifier import verify, Registry
    from build_tools.verifier.crypto_cpython import CPythonCrypto
    report = verify(data, Registry.from_json(registry_dict), now=now, crypto=CPythonCrypto())

Layout: the public surface is this folder; everything under `_internal/` may change without
notice and is imported by nothing outside the package.

    engine.py          verify, averify, verdict_of
    model.py           Report, CheckResult, and the CheckId, Status, Verdict enums
    registry.py        Registry and its IssuerEntry, KeyEntry, OfferEntry
    crypto.py          the CryptoBackend protocol
    crypto_cpython.py  its CPython backend (`cryptography`; never shipped to the browser)
    webcrypto.py       its browser backend (WebCrypto through Pyodide)
    browser.py         what the browser worker calls: load a registry, verify a file
    codec.py           identifiers and encodings shared with the rest of build_tools
    jsonld.py          strict JSON-LD (canonize, expand_strict, ...) shared with issuing
    messages.py        check messages that can be shown in another language (msg, translated)
    sharelink.py       share links: a credential in the verify page's URL fragment
    testing.py         for the tests and the bench only: each fast path beside the general
                       code it replaces, the walkers' memos, the file as the verifier reads it
    _internal/
        pipeline.py    the named lists of checks and the runner
        state.py       what each stage produces (Inputs, Parsed, Signed, Trust)
        checks/        one module per check, behind the `Check` protocol
        envelope.py    reading the file: JSON, JWT, JWS, JAdES, presentations
        strict_json.py, errors.py, dates.py, nodes.py, jwk.py
        keys.py        key resolution (JOSE headers, verification methods, the registry)
        x509.py        certificates and time-stamp tokens
        status_list.py bitstring status lists
        facts.py       the facts a report shows, and the EU elements
        jsonld/        pinned contexts and loader, limits, expansion, the term walker,
                       JSON -> RDF (rdf_fast), bounded URDNA2015, the compact form (ADR 0007)
"""

from __future__ import annotations

from .crypto import CryptoBackend
from .engine import averify, verdict_of, verify
from .model import CHECK_IDS, CheckId, CheckResult, Report, Status, Verdict
from .registry import IssuerEntry, KeyEntry, OfferEntry, Registry

__all__ = [
    "CHECK_IDS",
    "CheckId",
    "CheckResult",
    "CryptoBackend",
    "IssuerEntry",
    "KeyEntry",
    "OfferEntry",
    "Registry",
    "Report",
    "Status",
    "Verdict",
    "averify",
    "verdict_of",
    "verify",
]
