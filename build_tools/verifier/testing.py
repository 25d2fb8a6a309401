"""What the tests and the bench look at inside the verifier, by public names.

Not for applications (`verify` is the whole interface for those). Several steps of the verifier
have a fast path beside the general code it replaces, and the differential tests hold each
fast path to that code, input by input; they also bound the memos the fast paths keep, and
read a file the way the verifier does before any check runs. This module gives them exactly
that, so that `_internal/` can change without touching a test:

- strict JSON: `strict_json` with the nesting measured first or last, `measures_first`,
  `check_parsed_shape` with chosen limits, the `InputError` they raise, and
  `strict_json_measured` (the value with the totals the JSON-LD size check reads), whether
  totals are `within_size_limits`, and those limits lowered for a block (`size_limits`);
- JSON-LD: the one-walk JSON -> RDF conversion (`rdf_walk_dataset`), the expansion by the
  same walk (`rdf_walk_expanded`), the compaction walk (`compact_walk`) and the term walker
  (`term_walk`) alone, `canonical_nquad` (pyld's `serialize_nquad` writing canonical
  N-Quads, as canonicalisation does), `canonize_general` (pyld's to_rdf and RDFC-1.0 steps,
  under the same rules and budget as `canonize`), `Rdfc` (either canonicalisation over a dataset,
  counting its steps), `indexed_has_value` (the node map's linear duplicate test), and the
  memos of the two walkers (`fresh_memos`, `memo_sizes`);
- dates (`parse_datetime` and its general form, `iso`), the compact JWS test
  (`is_compact_jws`) and time-stamp tokens (`timestamp_imprint`, its direct and asn1crypto
  readings);
- signing inputs: `jcs_proof_inputs`, what eddsa-jcs-2022 and ecdsa-jcs-2019 sign;
- reading: `read_envelope` and `read_presentation_item` (what the verifier reads out of a file
  or a presentation's item), `read_certificate`, and `resolve_offline_did` with the
  `KeyProblem` it raises.

A fast path that does not take an input raises `NotTaken`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from ._internal import dates as _dates
from ._internal import envelope as _envelope
from ._internal import strict_json as _strict_json
from ._internal import x509 as _x509
from ._internal.checks.signature import _jcs_inputs
from ._internal.errors import InputError
from ._internal.jsonld import compact as _compact
from ._internal.jsonld import expand as _expand
from ._internal.jsonld import limits as _limits
from ._internal.jsonld import rdf_fast as _rdf_fast
from ._internal.jsonld import terms as _terms
from ._internal.jsonld import urdna2015 as _urdna2015
from ._internal.keys import KeyProblem, offline_did
from ._internal.x509 import CertInfo

__all__ = [
    "CertInfo",
    "InputError",
    "KeyProblem",
    "NotTaken",
    "Rdfc",
    "canonical_nquad",
    "canonize_general",
    "check_parsed_shape",
    "compact_walk",
    "fresh_memos",
    "indexed_has_value",
    "is_compact_jws",
    "iso",
    "jcs_proof_inputs",
    "measures_first",
    "memo_sizes",
    "parse_datetime",
    "parse_datetime_general",
    "rdf_walk_dataset",
    "rdf_walk_expanded",
    "read_certificate",
    "read_envelope",
    "read_presentation_item",
    "resolve_offline_did",
    "size_limits",
    "strict_json",
    "strict_json_measured",
    "term_walk",
    "timestamp_imprint",
    "timestamp_imprint_asn1crypto",
    "timestamp_imprint_direct",
    "within_size_limits",
]


class NotTaken(Exception):
    """The fast path does not model this input; the general code decides it."""


# --------------------------------------------------------------------------- strict JSON

strict_json = _strict_json.strict_json
measures_first = _strict_json.measures_first
check_parsed_shape = _strict_json.check_parsed_shape
strict_json_measured = _strict_json.strict_json_measured
within_size_limits = _limits.within_limits


@contextmanager
def size_limits(**lowered: int) -> Iterator[None]:
    """Run the block with JSON-LD size limits replaced (`values=40` sets MAX_VALUES, and so on
    for objects, array_length, contexts, context_terms); then put them back."""
    names = {key: f"MAX_{key.upper()}" for key in lowered}
    saved = {name: getattr(_limits, name) for name in names.values()}
    try:
        for key, value in lowered.items():
            setattr(_limits, names[key], value)
        yield
    finally:
        for name, value in saved.items():
            setattr(_limits, name, value)


# --------------------------------------------------------------------------- JSON-LD

canonize_general = _urdna2015.canonize_general
canonical_nquad = _urdna2015.serialize_nquad


def compact_walk(expanded: list[Any], contexts: list[str]) -> dict[str, Any]:
    """pyld's compaction of an expanded form with the published `contexts` (what
    `compact_form` returns) by the compaction walk alone; `NotTaken` when it leaves the
    expanded form to pyld."""
    options = _expand._options(_expand.document_loader)
    try:
        return _compact._compact_by_walk(expanded, contexts, _expand._processor([]), options)
    except _compact.Unsupported as exc:
        raise NotTaken(str(exc)) from exc


def rdf_walk_dataset(doc: Any) -> dict[str, list[dict[str, Any]]]:
    """The RDF dataset of the one-walk conversion alone, without the strict checks around it
    (for comparison with pyld's `to_rdf`); `NotTaken` when the walk leaves `doc` to pyld."""
    try:
        return _rdf_fast.to_rdf(doc, _expand._processor([]), _urdna2015._fast_options())
    except _rdf_fast.Unsupported as exc:
        raise NotTaken(str(exc)) from exc


def rdf_walk_expanded(doc: Any) -> list[Any]:
    """pyld's expanded form of `doc` by the same walk (what `compact_form` compacts, for
    comparison with pyld's `expand`); `NotTaken` when the walk leaves `doc` to pyld."""
    try:
        return _rdf_fast.expand(doc, _expand._processor([]), _urdna2015._fast_options())
    except _rdf_fast.Unsupported as exc:
        raise NotTaken(str(exc)) from exc


def term_walk(doc: Any) -> tuple[list[str], list[str]]:
    """The term walker of `check_terms` alone: the undefined terms and relative IRIs it finds
    in `doc`; `NotTaken` when it leaves `doc` to full expansion."""
    dropped: list[str] = []
    relative: list[str] = []
    try:
        _terms._walk(doc, _terms._EMPTY_CTX, dropped, relative, 0)
    except _terms._Unsure as exc:
        raise NotTaken() from exc
    return dropped, relative


class Rdfc:
    """RDFC-1.0 over an RDF dataset under a work budget, as `canonize` runs it (or, with
    `general`, with pyld's own main loop and Hash First Degree Quads), counting its steps."""

    def __init__(self, max_steps: int, *, general: bool = False) -> None:
        kind = _urdna2015._PyldStepsURDNA2015 if general else _urdna2015._BoundedURDNA2015
        self._run = kind(max_steps)

    def canonize(self, dataset: dict[str, list[dict[str, Any]]]) -> str:
        """Canonical N-Quads of `dataset` (which is changed: quads get their graph names)."""
        return str(self._run.main(dataset, {"format": "application/n-quads"}))

    @property
    def steps(self) -> int:
        """Steps taken so far (Hash N-Degree Quads calls and related-hash groups)."""
        return self._run._steps


def indexed_has_value(subject: Any, prop: Any, value: Any) -> bool:
    """pyld's `JsonLdProcessor.has_value` as the node map answers it, with a hash index for
    long lists of values."""
    return _expand._indexed_has_value(subject, prop, value)


@contextmanager
def fresh_memos(
    *,
    term_walk: int | None = None,
    absolute_iris: int | None = None,
    rdf_walk: int | None = None,
    compact_walk: int | None = None,
) -> Iterator[None]:
    """Run the block with the memos of the term walker, the one-walk conversion and the
    compaction walk empty, and with the given limits on what they may store (entries of the
    term walker's memos, IRIs remembered as absolute, entries of the conversion's memos,
    entries of the compaction walk's memo; 0 leaves no room); then put back the memos and
    limits as they were."""
    term_names = ("_MEMO", "_MAX_MEMO", "_CTX_CACHE", "_EMPTY_CTX", "_ABSOLUTE_IRIS")
    saved_terms = {name: getattr(_terms, name) for name in (*term_names, "_MAX_ABSOLUTE_IRIS")}
    saved_rdf = {name: getattr(_rdf_fast, name) for name in ("_MEMOS", "_STORED", "_MAX_STORED")}
    saved_compact = {name: getattr(_compact, name) for name in ("_MEMO", "_MEMO_MAX")}
    _compact._MEMO = {}
    if compact_walk is not None:
        _compact._MEMO_MAX = compact_walk
    _terms._MEMO = [0]
    _terms._CTX_CACHE = {}
    _terms._EMPTY_CTX = _terms._Ctx({}, False, {})
    _terms._ABSOLUTE_IRIS = set()
    _rdf_fast._MEMOS = {}
    _rdf_fast._STORED = [0]
    if term_walk is not None:
        _terms._MAX_MEMO = term_walk
    if absolute_iris is not None:
        _terms._MAX_ABSOLUTE_IRIS = absolute_iris
    if rdf_walk is not None:
        _rdf_fast._MAX_STORED = rdf_walk
    try:
        yield
    finally:
        for name, value in saved_terms.items():
            setattr(_terms, name, value)
        for name, value in saved_rdf.items():
            setattr(_rdf_fast, name, value)
        for name, value in saved_compact.items():
            setattr(_compact, name, value)


def memo_sizes() -> dict[str, int]:
    """What the walkers' memos hold now: `term_walk` (entries the term walker counted),
    `term_walk_stored` (entries found in its contexts' memos), `absolute_iris`,
    `rdf_walk_stored` (entries found in the conversion's memos) and `compact_walk_stored`
    (entries of the compaction walk's memo)."""
    # a context can be cached under several keys
    contexts = {id(c): c for c in [*_terms._CTX_CACHE.values(), _terms._EMPTY_CTX]}.values()
    term_stored = sum(
        len(c.shapes)
        + sum(len(entry[3] or {}) for entry in c.shapes.values())
        + len(c.typed)
        + len(c.plans)
        + sum(len(p) for p in c.plans.values())
        for c in contexts
    )
    rdf_stored = sum(
        len(memo.pre)
        + len(memo.locals)
        + len(memo.terms)
        + len(memo.nodes)
        + sum(len(programs) for _, programs in memo.nodes.values())
        for memo in _rdf_fast._MEMOS.values()
    )
    return {
        "term_walk": _terms._MEMO[0],
        "term_walk_stored": term_stored,
        "absolute_iris": len(_terms._ABSOLUTE_IRIS),
        "rdf_walk_stored": rdf_stored,
        "compact_walk_stored": len(_compact._MEMO),
    }


# --------------------------------------------------------------------------- dates, JWS, TSTs

parse_datetime = _dates.parse_datetime
iso = _dates.iso


def parse_datetime_general(value: str) -> datetime | None:
    """`parse_datetime` without its direct path for the usual form and its length check."""
    return _dates._parse_datetime_general(value)


def is_compact_jws(text: str) -> bool:
    """Whether the verifier reads `text` as a compact JWS (three base64url parts)."""
    return _envelope._is_compact_jws(text)


timestamp_imprint = _x509.timestamp_imprint
timestamp_imprint_asn1crypto = _x509.timestamp_imprint_asn1crypto


def timestamp_imprint_direct(token: bytes) -> tuple[str, bytes, bytes] | None:
    """(digest name, message imprint, genTime DER contents) as read straight from the DER for
    tokens in the shape TSAs issue; None when `timestamp_imprint` leaves it to asn1crypto."""
    return _x509._imprint_fast(token)


# --------------------------------------------------------------------------- signing inputs


def jcs_proof_inputs(document: dict[str, Any], proof: dict[str, Any]) -> tuple[bytes, bytes]:
    """The JCS (RFC 8785) forms of `proof`'s configuration and of `document`, as the verifier
    checks a eddsa-jcs-2022 or ecdsa-jcs-2019 `proof` (not one of a chain); `KeyProblem` when
    either is not canonical JSON."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    return _jcs_inputs(document, proof, config, None)


# --------------------------------------------------------------------------- reading

read_envelope = _envelope.read_envelope


def read_presentation_item(item: Any) -> _envelope.Envelope:
    """A presentation's item as the verifier reads it (a compact JWT or a JSON credential)."""
    return (
        _envelope.decode_compact(item.strip())
        if isinstance(item, str)
        else _envelope.from_json(item)
    )


def read_certificate(der: bytes) -> CertInfo:
    """The facts the verifier reads from a DER certificate (ValueError when it cannot)."""
    return _x509.parse_certificate(der)


def resolve_offline_did(did_url: str) -> tuple[dict[str, Any], str] | None:
    """(JWK, DID) for a did:key or did:jwk URL, whose key is in the DID itself; None for other
    methods; `KeyProblem` when the DID or its fragment is malformed."""
    return offline_did(did_url)
