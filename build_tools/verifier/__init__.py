"""The credential verifier core: bytes + registry -> Report.

Pure Python, no file or network I/O, no import from the rest of `build_tools`, so the same code
runs under the `credsite verify` command and in the browser (Pyodide). See docs/adr/0003.

    from build_tools.verifier import verify, Registry
    from build_tools.verifier.crypto_cpython import CPythonCrypto
    report = verify(data, Registry.from_json(registry_dict), now=now, crypto=CPythonCrypto())
"""

from __future__ import annotations

from .engine import averify, status_list_urls, verdict_of, verify
from .model import CHECK_IDS, CheckResult, CryptoBackend, Registry, Report

__all__ = [
    "CHECK_IDS",
    "CheckResult",
    "CryptoBackend",
    "Registry",
    "Report",
    "averify",
    "status_list_urls",
    "verdict_of",
    "verify",
]
