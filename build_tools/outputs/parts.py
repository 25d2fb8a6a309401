"""Optional parts of the build that other areas provide, imported by contract.

A part whose module does not exist yet is "not built": the site leaves its place empty. Once
the module exists it is used, and any error it raises (including an ImportError of one of its
own dependencies) fails the build; only the absence of the module itself is tolerated.
"""

from __future__ import annotations

import importlib
from types import ModuleType

KEYS_MODULE = "build_tools.outputs.keys"
VERIFIER_BUNDLE_MODULE = "build_tools.outputs.verifier_bundle"


def optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def keys_module() -> ModuleType | None:
    """`render_issuer_listings(catalogue)` and `key_facts(catalogue, issuer, key)`."""
    return optional_module(KEYS_MODULE)


def verifier_bundle_module() -> ModuleType | None:
    """`render_verifier_bundle(catalogue) -> {path under verify/: bytes}`."""
    return optional_module(VERIFIER_BUNDLE_MODULE)
