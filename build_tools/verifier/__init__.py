"""The credential verifier core: bytes + registry -> Report.

Pure Python, no file or network I/O, no import from the rest of `build_tools`, so the same code
runs under the `credsite verify` command and in the browser (Pyodide). See docs/adr/0003.
"""

from __future__ import annotations

from .engine import averify, verify
from .model import CheckResult, CryptoBackend, Registry, Report

__all__ = ["CheckResult", "CryptoBackend", "Registry", "Report", "averify", "verify"]
