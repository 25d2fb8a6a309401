"""The bundled, pinned contexts (`contexts/`; origins and licences in contexts/README.md),
the document loader that serves only them, and the check of every `@context` in a document."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .limits import JsonLdStrictError

# URL -> (file in contexts/, SHA-256 of the file bytes). Origins and licences: contexts/README.md.
CONTEXTS: dict[str, tuple[str, str]] = {
    "https://www.w3.org/2018/credentials/v1": (
        "credentials-v1.jsonld",
        "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
    ),
    "https://www.w3.org/ns/credentials/v2": (
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    "https://www.w3.org/ns/credentials/examples/v2": (
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
    "https://w3id.org/security/data-integrity/v1": (
        "data-integrity-v1.jsonld",
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    ),
    "https://w3id.org/security/data-integrity/v2": (
        "data-integrity-v2.jsonld",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
    ),
    "https://w3id.org/security/multikey/v1": (
        "multikey-v1.jsonld",
        "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
    ),
    "https://w3id.org/security/jwk/v1": (
        "jwk-v1.jsonld",
        "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece",
    ),
    "https://www.w3.org/ns/credentials/status/v1": (
        "credentials-status-v1.jsonld",
        "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7",
    ),
    "https://w3id.org/vc/status-list/2021/v1": (
        "status-list-2021-v1.jsonld",
        "6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4",
    ),
    "https://w3id.org/security/suites/ed25519-2020/v1": (
        "ed25519-2020-v1.jsonld",
        "3db5c19efb0047a6edfd3b36e24346a8a3caad369d749e3c2d69e862696403e5",
    ),
    "https://w3id.org/security/suites/jws-2020/v1": (
        "jws-2020-v1.jsonld",
        "d648e05ddc6577827ca2bfd5e931f53e9ebc6e52a57a8da81df4ec8c46ffcd1e",
    ),
    "https://www.w3.org/ns/cid/v1": (
        "cid-v1.jsonld",
        "ea216ecc1cb02cd39b693dba2250141e270ba0bf95890be107dd9a9e8e43de85",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": (
        "ob-v3p0-context-3.0.1.json",
        "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": (
        "ob-v3p0-context-3.0.2.json",
        "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "ob-v3p0-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": (
        "ob-v3p0-extensions.json",
        "87c06c81bc2317663bf288d740d94fddd2818c4342b186270ff6371dfaa63f93",
    ),
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json": (
        "jff-vc-edu-plugfest-1-context.json",
        "3bc63c2ac768b6c3ae9a1beeb2564b3156b47c4a3ffae1ae49b553d3664f2749",
    ),
    "https://w3id.org/security/v1": (
        "security-v1.jsonld",
        "abaf97e107d1925503c433dcaf3ffd2831697cacc1ed2a293e1bc8030d5bcb47",
    ),
    "https://w3id.org/security/v2": (
        "security-v2.jsonld",
        "611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b",
    ),
    "https://w3id.org/security/suites/ed25519-2018/v1": (
        "ed25519-2018-v1.jsonld",
        "166c6abb9e08176cee5f6c87c9c1bbfefa5717da391bcac525e5437f93eab809",
    ),
    "https://w3id.org/vc-revocation-list-2020/v1": (
        "revocation-list-2020-v1.jsonld",
        "9fe1e5bd6d2f709e4628947c86455f2d97204e07ed7b7ae51d559e35e5238e9d",
    ),
    "https://www.w3.org/2018/credentials/examples/v1": (
        "credentials-examples-v1.jsonld",
        "73bebae22e70ebb4466ac2e1f3e3b35c43436217623b51ff3e1b567e1aff4ba2",
    ),
    # Imported by credentials/examples/v1 (its second @context entry).
    "https://www.w3.org/ns/odrl.jsonld": (
        "odrl.jsonld",
        "a83cb98005bce546531131d4042318d8267aff71b1451f53cc926587fcef42c6",
    ),
    "https://w3id.org/citizenship/v1": (
        "citizenship-v1.jsonld",
        "4caf8d4d3a6a175f5e5ba6b91dc1fdd88a050630930a6478d8e4cb765c565f40",
    ),
    "https://w3id.org/citizenship/v2": (
        "citizenship-v2.jsonld",
        "2241bdc574b37395311997b93bee26c8ab2672e5da62de5f2c1d564a00eae959",
    ),
    "https://w3id.org/citizenship/v3": (
        "citizenship-v3.jsonld",
        "5a4855907ef40afdb50a51af131d7a883c62e891478ebbb81f5ecb9a5a9b99d7",
    ),
    "https://w3id.org/citizenship/v4rc1": (
        "citizenship-v4rc1.jsonld",
        "a89b0bc00b1848ac3dfdf956c7dd5de8567e755351c07ec6a1c2b4a08b67953b",
    ),
    "https://w3c-ccg.github.io/vc-ed/plugfest-2-2022/jff-vc-edu-plugfest-2-context.json": (
        "jff-vc-edu-plugfest-2-context.json",
        "9f1c8f9f361ba2994b9b50701f41149919542c50c7b7455b2846d87959295d72",
    ),
    "https://w3id.org/dcc/v1": (
        "dcc-v1.json",
        "7c7644abf6c88595deee331e2b9647d926e6b26a7c4373af67c5bf385bd0d768",
    ),
    # Credential Engine CTDL-ASN context.
    "https://credreg.net/ctdlasn/schema/context/json": (
        "ctdl-asn-context.json",
        "6c446296ee9111f725ed3646531d071f19a8847c9985cb0da89901da93f3ff7b",
    ),
    # ELM 3.2 EDC application profile context, as served at this URL.
    "http://data.europa.eu/snb/model/context/edc-ap": (
        "edc-ap-context.v3.2.jsonld",
        "fde0b3fd92e98a8870c173fb98baff361be6dd07e44653a9a5ac6c0fe626b411",
    ),
}


@dataclass(frozen=True)
class ContextVersion:
    """One of the documents a context URL has served over time."""

    url: str  # the published URL
    name: str  # what a report calls it: where the copy comes from
    file: str  # in contexts/
    pin: str  # SHA-256 of the file bytes

    @property
    def key(self) -> str:
        """What the loader serves this version under while a check reads a document under it
        (`under_version`); never accepted from a credential."""
        return f"{self.url}#bundled-version:{self.file}"


_OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
_OB_REPO = "1EdTech/openbadges-specification ob_v3p0/context.json"

# URLs that served different documents over time, each with every version bundled, newest first
# (origins: contexts/README.md; the choice: docs/adr/0010-contexts-with-several-versions.md).
# The URL itself reads as the first; the signature check tries each (signature.py).
CONTEXT_VERSIONS: dict[str, tuple[ContextVersion, ...]] = {
    _OB_CONTEXT: (
        ContextVersion(
            _OB_CONTEXT,
            f"{_OB_REPO} @ 54f53ab (Open Badges 3.0 final, served since November 2022)",
            "ob-v3p0-context-54f53ab.json",
            "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
        ),
        ContextVersion(
            _OB_CONTEXT,
            f"{_OB_REPO} @ 01707f8 (early 2022 draft)",
            "ob-v3p0-context-01707f8.json",
            "00df53111650a27f186c7326bac4c346dc259354cbecf82ecf1c7e7a5a809d32",
        ),
    ),
}
# At most this many readings of one document (combinations of versions) are tried.
MAX_CONTEXT_READINGS = 8

CONTEXTS.update({url: (v[0].file, v[0].pin) for url, v in CONTEXT_VERSIONS.items()})
_VERSION_KEYS: dict[str, tuple[str, str]] = {
    v.key: (v.file, v.pin) for versions in CONTEXT_VERSIONS.values() for v in versions
}
# Whether the version keys are served: only inside `under_version`, never for a credential's
# own @context.
_READING_VERSION: ContextVar[bool] = ContextVar("_READING_VERSION", default=False)

_DOCUMENTS: dict[str, Any] = {}
_UNPARSED: dict[str, bytes] = {}
_TERMS: dict[str, frozenset[str]] = {}


def is_bundled(url: str) -> bool:
    return url in CONTEXTS or (_READING_VERSION.get() and url in _VERSION_KEYS)


def _file_of(url: str) -> tuple[str, str]:
    found = CONTEXTS.get(url)
    if found is None and _READING_VERSION.get():
        found = _VERSION_KEYS.get(url)
    if found is None:
        raise KeyError(url)
    return found


def _checked_bytes(url: str) -> bytes:
    """The bundled file for `url`, its pin checked; KeyError if unknown."""
    name, pin = _file_of(url)
    raw = resources.files(__package__).joinpath("contexts", name).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != pin:
        # A modified bundled file is a packaging fault, never something to work around.
        raise JsonLdStrictError(
            "JSONLD_CONTEXT_PIN_MISMATCH",
            "A bundled JSON-LD context does not match its pinned hash.",
            f"{name}: sha256 {digest} != pinned {pin}",
        )
    return raw


def bundled_context(url: str) -> Any:
    """The parsed bundled context for `url` (pin checked on first read); KeyError if unknown."""
    doc = _DOCUMENTS.get(url)
    if doc is None:
        _file_of(url)  # KeyError for a URL not bundled (or a version key read as a plain URL)
        raw = _UNPARSED.pop(url, None)
        doc = json.loads((_checked_bytes(url) if raw is None else raw).decode("utf-8"))
        _DOCUMENTS[url] = doc
    return doc


def read_every_context() -> int:
    """Read and check every bundled document, every version of a URL included, so that none is
    read from disk again (the browser's start-up snapshot is taken after this); the number.
    Documents not parsed yet stay bytes until first used: far smaller in memory than parsed."""
    with _reading_versions():
        for url in [*CONTEXTS, *_VERSION_KEYS]:
            if url not in _DOCUMENTS and url not in _UNPARSED:
                _UNPARSED[url] = _checked_bytes(url)
    return len(CONTEXTS) + len(_VERSION_KEYS)


def _context_terms(url: str) -> frozenset[str]:
    """Terms a bundled context defines at its top level (used to refuse inline redefinitions)."""
    terms = _TERMS.get(url)
    if terms is None:
        found: set[str] = set()
        # Every version's: an inline context may redefine none of them.
        versions = CONTEXT_VERSIONS.get(url)
        with _reading_versions():
            for key in [v.key for v in versions] if versions else [url]:
                ctx = bundled_context(key).get("@context", {})
                for part in ctx if isinstance(ctx, list) else [ctx]:
                    if isinstance(part, dict):
                        found.update(k for k in part if not k.startswith("@"))
        terms = frozenset(found)
        _TERMS[url] = terms
    return terms


@contextmanager
def _reading_versions() -> Iterator[None]:
    token = _READING_VERSION.set(True)
    try:
        yield
    finally:
        _READING_VERSION.reset(token)


def versioned_urls(doc: Any) -> list[str]:
    """The URLs with several bundled versions that `doc` names in an @context, in order."""
    found: list[str] = []
    _collect_versioned(doc, found, 0)
    return found


def _collect_versioned(value: Any, found: list[str], depth: int) -> None:
    if depth > 200:
        return
    if isinstance(value, list):
        for item in value:
            _collect_versioned(item, found, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                for ctx in _iter_contexts(item):
                    if isinstance(ctx, str) and ctx in CONTEXT_VERSIONS and ctx not in found:
                        found.append(ctx)
            _collect_versioned(item, found, depth + 1)


def readings(doc: Any) -> list[tuple[ContextVersion, ...]]:
    """The ways `doc` can be read: one version per URL of it with several, newest first, at
    most `MAX_CONTEXT_READINGS`; `[()]` when it names no such URL (the common case)."""
    combos: list[tuple[ContextVersion, ...]] = [()]
    for url in versioned_urls(doc):
        combos = [(*c, v) for c in combos for v in CONTEXT_VERSIONS[url]]
    return combos[:MAX_CONTEXT_READINGS]


def _rewrite(value: Any, keys: dict[str, str], depth: int = 0) -> Any:
    if depth > 200:
        return value
    if isinstance(value, list):
        return [_rewrite(v, keys, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "@context":
            item = (
                [keys.get(c, c) if isinstance(c, str) else c for c in item]
                if isinstance(item, list)
                else keys.get(item, item)
                if isinstance(item, str)
                else item
            )
        out[key] = _rewrite(item, keys, depth + 1)
    return out


@contextmanager
def under_version(doc: Any, reading: tuple[ContextVersion, ...]) -> Iterator[Any]:
    """`doc` as read under the given versions: inside the block, a copy whose @context names
    each version by its key, which the loader then serves. The keys never leave the block's
    readers: `published` gives the document its URLs back."""
    if not reading:
        yield doc
        return
    keys = {v.url: v.key for v in reading}
    with _reading_versions():
        yield _rewrite(doc, keys)


def published(doc: Any) -> Any:
    """`doc` with every version key in its @context back to the URL it stands for."""
    urls = {key: key.split("#bundled-version:", 1)[0] for key in _VERSION_KEYS}
    return _rewrite(doc, urls)


class _UnknownContext(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: bundled contexts only; everything else fails closed.

    `tag: 'static'` lets pyld keep the processed context in its shared cache (without it every
    call re-processes the contexts; see bench/verify_speed.py).
    """
    if not is_bundled(url):
        raise _UnknownContext(url)
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": bundled_context(url),
        "tag": "static",
    }


def _iter_contexts(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        yield from value
    else:
        yield value


def _check_contexts(doc: Any, *, depth: int = 0, inherited: frozenset[str] = frozenset()) -> None:
    """Refuse unknown context URLs and inline redefinitions of bundled terms, anywhere."""
    if depth > 200:
        raise JsonLdStrictError("JSONLD_INVALID", "The document is nested too deeply.")
    if isinstance(doc, list):
        for item in doc:
            _check_contexts(item, depth=depth + 1, inherited=inherited)
        return
    if not isinstance(doc, dict):
        return
    bundled: set[str] = set(inherited)
    if "@context" in doc:
        for ctx in _iter_contexts(doc["@context"]):
            if isinstance(ctx, str):
                if not is_bundled(ctx):
                    raise JsonLdStrictError(
                        "JSONLD_UNKNOWN_CONTEXT",
                        "The credential uses a vocabulary (JSON-LD context) this verifier "
                        "does not know, so its meaning cannot be checked.",
                        f"context not bundled: {ctx}",
                    )
                bundled.update(_context_terms(ctx))
            elif isinstance(ctx, dict):
                redefined = sorted(k for k in ctx if not k.startswith("@") and k in bundled)
                aliases = sorted(
                    k
                    for k, v in ctx.items()
                    if k in ("id", "type") or (isinstance(v, str) and v in ("@id", "@type"))
                )
                if redefined or aliases:
                    raise JsonLdStrictError(
                        "JSONLD_TERM_REDEFINED",
                        "The credential redefines the meaning of standard terms.",
                        "inline context redefines: " + ", ".join(redefined or aliases),
                    )
                if "@import" in ctx:
                    raise JsonLdStrictError(
                        "JSONLD_UNKNOWN_CONTEXT",
                        "The credential imports a vocabulary this verifier does not know.",
                        f"@import: {ctx['@import']!r}",
                    )
            elif ctx is not None:
                raise JsonLdStrictError(
                    "JSONLD_INVALID", "The credential's @context is malformed.", repr(ctx)[:200]
                )
    terms = frozenset(bundled)
    for key, value in doc.items():
        if key != "@context":
            _check_contexts(value, depth=depth + 1, inherited=terms)
