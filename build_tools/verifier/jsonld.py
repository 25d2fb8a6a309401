"""Strict JSON-LD over the bundled, pinned contexts: the public face of `_internal/jsonld/`.

Issuing signs with `canonize` and the verifier verifies with it, so what is signed and what is
verified are produced by the same code. The rules (unknown contexts, undefined terms and
relative IRIs refused; work bounded) are in the docstring of `_internal/jsonld/__init__.py`.
"""

from __future__ import annotations

from ._internal.jsonld.compact import compact_form, first_difference
from ._internal.jsonld.contexts import (
    CONTEXT_VERSIONS,
    CONTEXTS,
    MAX_CONTEXT_READINGS,
    ContextVersion,
    bundled_context,
    document_loader,
    is_bundled,
    published,
    read_every_context,
    readings,
    under_version,
)
from ._internal.jsonld.expand import SENTINEL_BASE, expand_strict
from ._internal.jsonld.limits import (
    LIMIT_CODES,
    MAX_ARRAY_LENGTH,
    MAX_BLANK_NODES,
    MAX_CONTEXT_TERMS,
    MAX_CONTEXTS,
    MAX_OBJECTS,
    MAX_QUADS,
    MAX_RDFC_STEPS,
    MAX_SAME_HASH_GROUP,
    MAX_VALUES,
    JsonLdStrictError,
    check_size,
)
from ._internal.jsonld.terms import check_terms
from ._internal.jsonld.urdna2015 import canonize, rdf_dataset

__all__ = [
    "CONTEXTS",
    "CONTEXT_VERSIONS",
    "LIMIT_CODES",
    "MAX_ARRAY_LENGTH",
    "MAX_BLANK_NODES",
    "MAX_CONTEXTS",
    "MAX_CONTEXT_READINGS",
    "MAX_CONTEXT_TERMS",
    "MAX_OBJECTS",
    "MAX_QUADS",
    "MAX_RDFC_STEPS",
    "MAX_SAME_HASH_GROUP",
    "MAX_VALUES",
    "SENTINEL_BASE",
    "ContextVersion",
    "JsonLdStrictError",
    "bundled_context",
    "canonize",
    "check_size",
    "check_terms",
    "compact_form",
    "document_loader",
    "expand_strict",
    "first_difference",
    "is_bundled",
    "published",
    "rdf_dataset",
    "read_every_context",
    "readings",
    "under_version",
]
