"""Load `catalogue/` into the typed model, recording where every value came from.

`load_catalogue(root)` never raises for bad input: it returns a `LoadResult` with the model (as
complete as the files allow) and every finding, errors and warnings, each located by file, line
and column. The rules in `rules.py` run on the model after loading.

Layout read here (anything else that is YAML is reported, other files are only scanned for
private key material):

    alliance.yaml
    issuers/<slug>.yaml
    issuers/<slug>/keys/<kid>.yaml
    issuers/<slug>/status/<list_id>.json
    offers/<slug>/<id>.yaml
    pathways/<id>.yaml
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_tools.catalogue import model as m
from build_tools.catalogue import spec, vocab
from build_tools.catalogue.findings import (
    CatalogueError,
    Finding,
    Severity,
    did_you_mean,
    has_errors,
    sort_findings,
)
from build_tools.catalogue.secrets import HINT, find_private_key_material
from build_tools.catalogue.yamlsource import (
    MAX_FILE_BYTES,
    YMap,
    YNode,
    YScalar,
    YSeq,
    compose,
    decode_utf8,
    read_bytes,
)

__all__ = ["LoadResult", "load_catalogue", "load_or_raise", "scan_private_key_material"]


@dataclass(slots=True)
class LoadResult:
    catalogue: m.Catalogue | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def raise_for_errors(self, *, strict: bool = False) -> m.Catalogue:
        """The catalogue, or CatalogueError when there are errors (or warnings if strict)."""
        failing = self.findings if strict else self.errors
        if failing or self.catalogue is None:
            raise CatalogueError(self.findings)
        return self.catalogue


# Suffix of a position key for a value that was written but refused (already reported), so
# that rules do not report it once more as missing.
REFUSED = ":refused"


def load_catalogue(
    root: Path | str,
    *,
    now: dt.datetime | None = None,
    rules: bool = True,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> LoadResult:
    """Load and validate the catalogue under `root`. Never raises for bad input."""
    root = Path(root)
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    with _collector_paused():
        loader = _Loader(root, max_file_bytes=max_file_bytes)
        catalogue = loader.run()
        findings = loader.findings
        if catalogue is not None and rules:
            from build_tools.catalogue.rules import run_rules

            findings.extend(
                run_rules(catalogue, now=now, unreadable=unloaded_offers(root, catalogue))
            )
        return LoadResult(catalogue, _dedupe(sort_findings(findings)))


def offer_files(root: Path) -> list[Path]:
    """The offer files of the catalogue under `root` (offers/<issuer>/<id>.yaml)."""
    folder = root / "offers"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*/*.y*ml") if p.suffix in (".yaml", ".yml"))


def unloaded_offers(root: Path, catalogue: m.Catalogue | None) -> frozenset[str]:
    """Ids (file names) of offer files that exist but did not load (unreadable or invalid
    YAML, reported by the loader)."""
    loaded = set(catalogue.offers) if catalogue is not None else set()
    return frozenset(p.stem for p in offer_files(root)) - loaded


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the catalogue is read.

    Loading allocates many small objects that stay alive (the model and its locations); the
    collector would walk all of them again and again as they accumulate, which makes loading
    grow faster than the catalogue (measured: a third of the time at 5,000 offers). Loading
    makes next to no reference cycles, so there is nothing for the collector to find; whatever
    there is gets collected once the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_or_raise(
    root: Path | str, *, strict: bool = False, now: dt.datetime | None = None
) -> m.Catalogue:
    """For callers that must stop: the catalogue, or CatalogueError with all findings."""
    return load_catalogue(root, now=now).raise_for_errors(strict=strict)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[Finding] = set()
    out = []
    for f in findings:
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out


# --------------------------------------------------------------------------------------------
# Private key material (any file type)


def scan_private_key_material(data: bytes, rel: str) -> list[Finding]:
    """Located findings for private key material in one catalogue file (see `secrets`)."""
    return [
        Finding(
            "PRIVATE_KEY_MATERIAL",
            "error",
            f"This file contains a {found.kind}. Private keys must never be committed.",
            rel,
            found.line,
            found.column,
            HINT,
        )
        for found in find_private_key_material(data, name=rel)
    ]


# --------------------------------------------------------------------------------------------
# Node -> model conversion


class _Bad:
    """Sentinel: a value was invalid (a finding has been recorded)."""


_BAD = _Bad()

_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the spec helpers say about one type hint, worked out once per hint."""

    optional_inner: Any
    is_model_class: bool
    is_tuple: bool
    tuple_item: Any
    is_mapping: bool
    literal_values: tuple[str, ...] | None


# By id(): two Literal hints with the same values in another order are equal (and hash alike)
# but list their values differently. The hint is kept in the entry so that its id stays its own.
_SHAPES: dict[int, tuple[Any, _Shape]] = {}


def _shape(tp: Any) -> _Shape:
    entry = _SHAPES.get(id(tp))
    if entry is not None and entry[0] is tp:
        return entry[1]
    is_tuple = spec.is_tuple(tp)
    shape = _Shape(
        optional_inner=spec.optional_inner(tp),
        is_model_class=spec.is_model_class(tp),
        is_tuple=is_tuple,
        tuple_item=spec.tuple_item(tp) if is_tuple else None,
        is_mapping=spec.is_mapping(tp),
        literal_values=spec.literal_values(tp) if spec.is_literal(tp) else None,
    )
    _SHAPES[id(tp)] = (tp, shape)
    return shape


@functools.cache
def _fields_by_key(cls: type) -> dict[str, spec.FieldSpec]:
    """The fields of a model class by YAML key, in declaration order (read only)."""
    return {f.key: f for f in spec.fields_of(cls)}


def _type_name(tp: Any) -> str:
    inner = spec.optional_inner(tp)
    if inner is not None:
        return _type_name(inner)
    if tp is str:
        return "text"
    if tp is int:
        return "a whole number"
    if tp is float:
        return "a number"
    if tp is bool:
        return "true or false"
    if tp is dt.date:
        return "a date (YYYY-MM-DD)"
    if tp is dt.datetime:
        return "a date and time with time zone (2026-09-01T00:00:00Z)"
    if spec.is_tuple(tp):
        return "a list"
    if spec.is_mapping(tp):
        return "a mapping"
    if spec.is_model_class(tp):
        return "a mapping"
    return "a value"


def _describe(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return f"'{node.value}'" if len(node.value) <= 40 else "a long text"


class _Builder:
    """Converts the node tree of one file into model objects, typed by the model."""

    def __init__(self, rel: str, findings: list[Finding]) -> None:
        self.rel = rel
        self.findings = findings
        self.positions: dict[str, m.Location] = {}

    def loc(self, node: YNode) -> m.Location:
        return m.Location(self.rel, node.line, node.column)

    def report(
        self, code: str, message: str, node: YNode, *, hint: str = "", severity: Severity = "error"
    ) -> None:
        self.findings.append(
            Finding(code, severity, message, self.rel, node.line, node.column, hint)
        )

    def positions_under(self, path: str) -> dict[str, m.Location]:
        if not path:
            return dict(self.positions)
        prefix = path + "."
        n = len(prefix)
        return {k[n:]: v for k, v in self.positions.items() if k.startswith(prefix)}

    # -- objects

    def build(self, cls: type, node: YNode, path: str = "", at: YNode | None = None) -> Any:
        if not isinstance(node, YMap):
            self.report(
                "TYPE_MAPPING",
                f"Expected a mapping of keys for '{path or 'the file'}', found {_describe(node)}.",
                at or node,
            )
            return _BAD
        fields = spec.fields_of(cls)
        by_key = _fields_by_key(cls)
        kwargs: dict[str, Any] = {}
        for key_node, value_node in node.items:
            key = key_node.value
            fs = by_key.get(key)
            sub = f"{path}.{key}" if path else key
            if fs is None:
                hint = did_you_mean(key, by_key)
                inside = f" in '{path}'" if path else ""
                message = f"Unknown key '{key}'{inside}. Fix its spelling or remove it."
                if not hint:
                    message += f" Allowed keys here: {', '.join(by_key)}."
                self.report("UNKNOWN_KEY", message, key_node, hint=hint)
                continue
            # Collections are located at their key (a block list starts on the next line).
            where = (
                self.loc(key_node) if not isinstance(value_node, YScalar) else self.loc(value_node)
            )
            if isinstance(value_node, YScalar) and value_node.is_null:
                if fs.nullable:
                    kwargs[fs.name] = None
                    self.positions[sub] = where
                elif fs.required:
                    self._missing(cls, fs, key_node, path, present_but_empty=True)
                continue
            value = self.value(fs.type, value_node, sub, owner=cls, fs=fs, key=key_node)
            if value is not _BAD:
                kwargs[fs.name] = value
                # Only valid values are located: rules skip a field whose value was refused.
                self.positions[sub] = where
            else:
                # ...but may need to know that it was written (and reported), not left out.
                self.positions[sub + REFUSED] = where
        for fs in fields:
            if fs.name in kwargs:
                continue
            if fs.required and node.get(fs.key) is None:
                self._missing(cls, fs, node, path)
            if not fs.has_default:
                kwargs[fs.name] = _fallback(fs.type)
        if issubclass(cls, m.Located):
            kwargs["source"] = self.loc(node)
            kwargs["positions"] = self.positions_under(path)
        return cls(**kwargs)

    def _missing(
        self,
        cls: type,
        fs: spec.FieldSpec,
        node: YNode,
        path: str,
        *,
        present_but_empty: bool = False,
    ) -> None:
        where = f" in '{path}'" if path else ""
        code = spec.MISSING_CODES.get((cls, fs.name), "MISSING_KEY")
        if present_but_empty:
            message = f"The key '{fs.key}'{where} has no value. Fill it in."
        else:
            message = f"The required key '{fs.key}' is missing{where}. Add it."
        if code.startswith("ANNEX1_"):
            message += " It is an element of Annex I of the EU recommendation on micro-credentials."
        self.report(code, message, node)

    # -- values

    def value(
        self,
        tp: Any,
        node: YNode,
        path: str,
        *,
        owner: type,
        fs: spec.FieldSpec,
        key: YScalar | None = None,
    ) -> Any:
        at: YNode = key if key is not None and not isinstance(node, YScalar) else node
        shape = _shape(tp)
        if shape.optional_inner is not None:
            if isinstance(node, YScalar) and node.is_null:
                return None
            tp = shape.optional_inner
            shape = _shape(tp)
        if shape.is_model_class:
            return self.build(tp, node, path, at)
        if shape.is_tuple:
            if not isinstance(node, YSeq):
                self.report(
                    "TYPE_LIST",
                    f"'{fs.key}' must be a list, found {_describe(node)}.",
                    at,
                    hint=f"Write it as a list, e.g. {fs.key}: [{_example(node)}].",
                )
                return _BAD
            return self.sequence(shape.tuple_item, node, path, owner=owner, fs=fs)
        if shape.is_mapping:
            if (owner, fs.name) in spec.PLAIN_MAPPINGS:
                return self.plain_mapping(node, path, fs, at)
            return self.lang_map(node, path, fs, at)
        if not isinstance(node, YScalar):
            self.report(
                "TYPE_SCALAR",
                f"'{fs.key}' must be {_type_name(tp)}, found {_describe(node)}.",
                at,
            )
            return _BAD
        if shape.literal_values is not None:
            return self.code(node, shape.literal_values, fs)
        if tp is str:
            if fs.scheme:
                # A dictionary look-up: listing the scheme's codes is only needed for the error.
                if vocab.is_code(fs.scheme, node.value):
                    return node.value
                self._unknown_code(node, fs.scheme, fs)
                return _BAD
            return node.value
        if tp is bool:
            return self.boolean(node, fs)
        if tp is int:
            return self.integer(node, fs)
        if tp is float:
            return self.number(node, fs)
        if tp is dt.datetime:
            return self.datetime(node, fs)
        if tp is dt.date:
            return self.date(node, fs)
        raise TypeError(f"no conversion for {tp!r}")  # pragma: no cover - model coverage test

    def sequence(
        self, item_tp: Any, node: YSeq, path: str, *, owner: type, fs: spec.FieldSpec
    ) -> tuple[Any, ...]:
        """The list's valid items; positions are recorded under their index among those kept."""
        items: list[Any] = []
        for i, item in enumerate(node.items):
            v = self.value(item_tp, item, f"{path}.{i}", owner=owner, fs=fs)
            if v is not _BAD:
                self.positions[f"{path}.{len(items)}"] = self.loc(item)
                items.append(v)
        return tuple(items)

    def boolean(self, node: YScalar, fs: spec.FieldSpec) -> Any:
        if node.value in _TRUE:
            return True
        if node.value in _FALSE:
            return False
        self.report(
            "TYPE_BOOLEAN", f"'{fs.key}' must be true or false, found {_describe(node)}.", node
        )
        return _BAD

    def _not_a_number(self, code: str, what: str, node: YScalar, fs: spec.FieldSpec) -> Any:
        self.report(
            code,
            f"'{fs.key}' must be {what}, found {_describe(node)}"
            + (" (remove the quotes)." if not node.plain else "."),
            node,
        )
        return _BAD

    def integer(self, node: YScalar, fs: spec.FieldSpec) -> Any:
        if not node.plain or not _INT.match(node.value):
            return self._not_a_number("TYPE_INTEGER", "a whole number", node, fs)
        number = int(node.value)
        if fs.scheme and not vocab.is_code(fs.scheme, str(number)):
            self._unknown_code(node, fs.scheme, fs)
            return _BAD
        return number

    def number(self, node: YScalar, fs: spec.FieldSpec) -> Any:
        if not node.plain or not _FLOAT.match(node.value):
            return self._not_a_number("TYPE_NUMBER", "a number", node, fs)
        return int(node.value) if _INT.match(node.value) else float(node.value)

    def date(self, node: YScalar, fs: spec.FieldSpec) -> Any:
        text = node.value
        if not _DATE.match(text):
            self.report(
                "TYPE_DATE",
                f"'{fs.key}' must be a date written YYYY-MM-DD, found {_describe(node)}.",
                node,
            )
            return _BAD
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.report("TYPE_DATE", f"'{text}' is not a real calendar date.", node)
            return _BAD

    def datetime(self, node: YScalar, fs: spec.FieldSpec) -> Any:
        text = node.value.strip()
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            self.report(
                "TYPE_DATETIME",
                f"'{fs.key}' must be a date and time such as 2026-09-01T00:00:00Z, "
                f"found {_describe(node)}.",
                node,
            )
            return _BAD
        if value.tzinfo is None:
            self.report(
                "TYPE_DATETIME",
                f"'{fs.key}' needs a time zone, e.g. {text}Z for UTC.",
                node,
            )
            return _BAD
        return value

    def code(self, node: YScalar, allowed: tuple[str, ...], fs: spec.FieldSpec) -> Any:
        if node.value in allowed:
            return node.value
        if fs.scheme:
            self._unknown_code(node, fs.scheme, fs)
        else:
            self.report(
                "VALUE_NOT_ALLOWED",
                f"'{node.value}' is not an allowed value for '{fs.key}'. "
                f"Use one of: {', '.join(allowed)}.",
                node,
                hint=did_you_mean(node.value, allowed),
            )
        return _BAD

    def _unknown_code(self, node: YScalar, scheme: str, fs: spec.FieldSpec) -> None:
        allowed = vocab.codes(scheme)
        listing = f" Use one of: {', '.join(allowed)}." if len(allowed) <= 20 else ""
        hint = did_you_mean(node.value, allowed)
        if scheme == "isced" and node.value.isdigit() and not hint:
            hint = (
                'ISCED-F codes have 2, 3 or 4 digits, e.g. "0613"; '
                "quote them to keep leading zeros."
            )
        self.report(
            "VOCAB_UNKNOWN_CODE",
            f"'{node.value}' is not a known {vocab.SCHEME_NAMES[scheme]} (in '{fs.key}').{listing}",
            node,
            hint=hint,
        )

    def lang_map(self, node: YNode, path: str, fs: spec.FieldSpec, at: YNode) -> Any:
        if not isinstance(node, YMap):
            self.report(
                "LANGMAP_NOT_MAPPING",
                f"'{fs.key}' is a text in several languages: write it as a mapping of language "
                f"codes, found {_describe(node)}.",
                node,
                hint=f"For example: {fs.key}: {{en: {_example(node)}}}",
            )
            return _BAD
        out: dict[str, str] = {}
        for key_node, value_node in node.items:
            lang = key_node.value
            sub = f"{path}.{lang}"
            self.positions[sub] = self.loc(value_node)
            if not vocab.is_code("language", lang):
                self.report(
                    "VOCAB_UNKNOWN_CODE",
                    f"'{lang}' is not a known {vocab.SCHEME_NAMES['language']} (in '{fs.key}').",
                    key_node,
                    hint=did_you_mean(lang, vocab.codes("language")),
                )
                continue
            if (
                not isinstance(value_node, YScalar)
                or value_node.is_null
                or not value_node.value.strip()
            ):
                self.report(
                    "TEXT_EMPTY",
                    f"The '{lang}' text of '{fs.key}' is empty. Write the text or remove the line.",
                    value_node,
                )
                continue
            out[lang] = value_node.value.strip()
        if "en" not in out and not any(k.value == "en" for k, _ in node.items):
            self.report(
                "TEXT_ENGLISH_MISSING",
                f"'{fs.key}' has no English text. Add an 'en' entry; other languages are optional.",
                at,
            )
        return out

    def plain_mapping(self, node: YNode, path: str, fs: spec.FieldSpec, at: YNode) -> Any:
        if not isinstance(node, YMap):
            self.report(
                "TYPE_MAPPING", f"'{fs.key}' must be a mapping, found {_describe(node)}.", at
            )
            return _BAD
        out: dict[str, str] = {}
        for key_node, value_node in node.items:
            self.positions[f"{path}.{key_node.value}"] = self.loc(value_node)
            if not isinstance(value_node, YScalar):
                self.report(
                    "TYPE_SCALAR",
                    f"'{fs.key}.{key_node.value}' must be text, found {_describe(value_node)}.",
                    value_node,
                )
                continue
            out[key_node.value] = value_node.value
        return out


def _example(node: YNode) -> str:
    if isinstance(node, YScalar):
        return json.dumps(node.value[:40], ensure_ascii=False)
    return '"..."'


def _fallback(tp: Any) -> Any:
    """A stand-in for a required value that is missing or invalid (the result is not ok)."""
    if spec.optional_inner(tp) is not None:
        return None
    if tp is str:
        return ""
    if tp in (int, float):
        return 0
    if tp is bool:
        return False
    if spec.is_tuple(tp):
        return ()
    if spec.is_mapping(tp):
        return {}
    if spec.is_literal(tp):
        return spec.literal_values(tp)[0]
    if spec.is_model_class(tp):
        kwargs = {f.name: _fallback(f.type) for f in spec.fields_of(tp) if not f.has_default}
        return tp(**kwargs)
    return None


# --------------------------------------------------------------------------------------------
# Walking the catalogue folder


@dataclass
class _Parts:
    """What the files of a catalogue give, before issuers get their keys and status lists."""

    alliance: m.Alliance | None = None
    issuers: dict[str, m.Issuer] = field(default_factory=dict)
    keys: dict[str, list[m.IssuerKey]] = field(default_factory=dict)
    status: dict[str, list[m.StatusListFile]] = field(default_factory=dict)
    offers: dict[str, m.Offer] = field(default_factory=dict)
    pathways: dict[str, m.Pathway] = field(default_factory=dict)


class _Loader:
    def __init__(self, root: Path, *, max_file_bytes: int) -> None:
        self.root = root
        self.max_file_bytes = max_file_bytes
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        message: str,
        rel: str,
        line: int = 0,
        column: int = 0,
        *,
        hint: str = "",
        severity: Severity = "error",
    ) -> None:
        self.findings.append(Finding(code, severity, message, rel, line, column, hint))

    def run(self) -> m.Catalogue | None:
        if not self.root.is_dir():
            self.add(
                "CATALOGUE_NOT_FOUND",
                f"The catalogue folder '{self.root}' does not exist or is not a folder. "
                "Pass the right folder with --catalogue.",
                "",
            )
            return None
        files = self._walk()
        parts = _Parts()
        for rel in files:
            self._load_file(rel, parts)
        alliance = parts.alliance
        if alliance is None:
            if "alliance.yaml" not in files:
                self.add(
                    "ALLIANCE_MISSING",
                    "The catalogue has no alliance.yaml. Create it with the alliance name, "
                    "site_url, languages and policy.",
                    "",
                )
            alliance = m.Alliance(source=m.Location("alliance.yaml"))
        issuers = parts.issuers
        for slug, keys in parts.keys.items():
            if self._known_issuer(issuers, slug, "key", [(k.source.file, k.source) for k in keys]):
                ordered = tuple(sorted(keys, key=lambda k: k.kid))
                issuers[slug] = _replace(issuers[slug], keys=ordered)
        for slug, lists in parts.status.items():
            found = [(s.path, None) for s in lists]
            if self._known_issuer(issuers, slug, "status list", found):
                ordered_lists = tuple(sorted(lists, key=lambda s: s.list_id))
                issuers[slug] = _replace(issuers[slug], status_lists=ordered_lists)
        return m.Catalogue(
            root=str(self.root),
            alliance=alliance,
            issuers=dict(sorted(issuers.items())),
            offers=dict(sorted(parts.offers.items())),
            pathways=dict(sorted(parts.pathways.items())),
        )

    def _load_file(self, rel: str, parts: _Parts) -> None:
        """Read one catalogue file into `parts`, reporting what is wrong with it."""
        data = self._read(rel)
        if data is None:
            return
        names = rel.split("/")
        kind = _classify(names)
        if kind is None:
            if Path(rel).suffix in (".yaml", ".yml"):
                self.add(
                    "FILE_UNEXPECTED",
                    "This YAML file is not in a place the catalogue reads, so it is ignored. "
                    "Offers go in offers/<issuer>/<id>.yaml, issuers in issuers/<slug>.yaml, "
                    "pathways in pathways/<id>.yaml.",
                    rel,
                    severity="warning",
                )
            return
        if kind == "yml":
            self.add("FILE_EXTENSION", "Catalogue files end in .yaml; rename this .yml file.", rel)
            return
        if kind == "status":
            item = self._status_list(rel, data, names[1])
            if item is not None:
                parts.status.setdefault(names[1], []).append(item)
            return
        text, problems = decode_utf8(data, rel)
        self.findings.extend(problems)
        if text is None:
            return
        node, problems = compose(text, rel)
        self.findings.extend(problems)
        if node is None:
            return
        builder = _Builder(rel, self.findings)
        stem = Path(rel).stem
        if kind == "alliance":
            obj = builder.build(m.Alliance, node)
            if obj is not _BAD:
                parts.alliance = obj
        elif kind == "issuer":
            issuer = builder.build(m.Issuer, node)
            if issuer is not _BAD:
                self._add_named(parts.issuers, issuer, issuer.slug, "slug", rel)
        elif kind == "key":
            key = builder.build(m.IssuerKey, node)
            if key is not _BAD:
                self._check_name(key, key.kid, stem, "kid", rel)
                parts.keys.setdefault(names[1], []).append(key)
        elif kind == "offer":
            offer = builder.build(m.Offer, node)
            if offer is not _BAD:
                offer = _replace(offer, issuer_folder=names[1])
                self._add_named(parts.offers, offer, offer.id, "id", rel)
        elif kind == "pathway":
            pathway = builder.build(m.Pathway, node)
            if pathway is not _BAD:
                self._add_named(parts.pathways, pathway, pathway.id, "id", rel)

    def _add_named(
        self, table: dict[str, Any], item: Any, ident: str, field_name: str, rel: str
    ) -> None:
        """Add `item` to `table` under its `ident`, which must be the file's name and unique
        (under the file's name when it has no ident)."""
        stem = Path(rel).stem
        self._check_name(item, ident, stem, field_name, rel)
        self._add_unique(table, ident or stem, item, field_name, rel)

    def _add_unique(
        self, table: dict[str, Any], ident: str, item: Any, field_name: str, rel: str
    ) -> None:
        """Add `item` under `ident`, or report that another file already declares it."""
        if ident in table:
            other = table[ident].source.file
            message = {
                m.Issuer: f"Two issuer files declare the slug '{ident}' (the other is {other}). "
                "Slugs must be unique.",
                m.Offer: f"Two offers have the id '{ident}' (the other is {other}). "
                "Offer ids must be unique across the whole catalogue.",
            }.get(type(item), f"Two pathways have the id '{ident}' (the other is {other}).")
            self.add("DUPLICATE_ID", message, rel, *_lc(item.where(field_name)))
            return
        table[ident] = item

    def _known_issuer(
        self,
        issuers: dict[str, m.Issuer],
        slug: str,
        what: str,
        found: Sequence[tuple[str, m.Location | None]],
    ) -> bool:
        """Whether `slug` is an issuer; else each file of its `what`s is reported."""
        if slug in issuers:
            return True
        for file, where in found:
            self.add(
                "REF_UNKNOWN_ISSUER",
                f"This {what} belongs to issuer '{slug}', but there is no issuers/{slug}.yaml.",
                file,
                *(_lc(where) if where is not None else ()),
            )
        return False

    def _walk(self) -> list[str]:
        out = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames.sort()
            for name in sorted(filenames):
                full = Path(dirpath) / name
                out.append(full.relative_to(self.root).as_posix())
        return out

    def _read(self, rel: str) -> bytes | None:
        path = self.root / rel
        if path.is_symlink():
            self.add(
                "FILE_SYMLINK",
                "Symbolic links are not followed in the catalogue; replace the link with the file.",
                rel,
            )
            return None
        if not path.is_file():  # a pipe would block the reader, a device never ends
            self.add(
                "FILE_UNREADABLE",
                "This is not a regular file (a pipe, socket or device); remove it.",
                rel,
            )
            return None
        data, problems = read_bytes(path, rel, max_bytes=self.max_file_bytes)
        self.findings.extend(problems)
        if data is None:
            return None
        self.findings.extend(scan_private_key_material(data, rel))
        return data

    def _check_name(self, obj: m.Located, value: str, expected: str, key: str, rel: str) -> None:
        if value and value != expected:
            self.add(
                "ID_FILE_NAME_MISMATCH",
                f"The {key} '{value}' does not match the file name '{expected}'. "
                f"Rename the file to {value}{Path(rel).suffix} or change the {key}.",
                rel,
                *_lc(obj.where(key)),
            )

    def _status_list(self, rel: str, data: bytes, slug: str) -> m.StatusListFile | None:
        list_id = Path(rel).stem
        text = data.decode("utf-8", errors="replace")
        try:
            doc = json.loads(text)
        except ValueError as exc:
            line = getattr(exc, "lineno", 1)
            col = getattr(exc, "colno", 1)
            self.add(
                "STATUS_LIST_INVALID",
                f"This status list file is not valid JSON ({exc}). Re-create it with "
                "`credsite status publish`.",
                rel,
                line,
                col,
            )
            return None
        if not isinstance(doc, dict):
            doc = {}
        types_ = doc.get("type", [])
        if isinstance(types_, str):
            types_ = [types_]
        subject = doc.get("credentialSubject")
        is_list = any("StatusList" in str(t) for t in types_) or (
            isinstance(subject, dict) and "encodedList" in subject
        )
        if not is_list:
            return None  # a bookkeeping file of the issuing part (used indexes); no personal data
        purpose = (
            subject.get("statusPurpose", "revocation")
            if isinstance(subject, dict)
            else "revocation"
        )
        return m.StatusListFile(
            source=m.Location(rel, 1, 1),
            list_id=list_id,
            path=rel,
            purpose=str(purpose),
        )


def _lc(loc: m.Location) -> tuple[int, int]:
    return loc.line, loc.column


def _replace(obj: Any, **changes: Any) -> Any:
    return dataclasses.replace(obj, **changes)


def _classify(parts: list[str]) -> str | None:
    name = parts[-1]
    if any(p.startswith(".") for p in parts):
        return None
    if len(parts) == 1:
        if name == "alliance.yaml":
            return "alliance"
        return "yml" if name == "alliance.yml" else None
    top = parts[0]
    if top == "issuers":
        if len(parts) == 2:
            return (
                "issuer" if name.endswith(".yaml") else ("yml" if name.endswith(".yml") else None)
            )
        if len(parts) == 4 and parts[2] == "keys":
            return "key" if name.endswith(".yaml") else ("yml" if name.endswith(".yml") else None)
        if len(parts) == 4 and parts[2] == "status" and name.endswith(".json"):
            return "status"
        return None
    if top == "offers" and len(parts) == 3:
        return "offer" if name.endswith(".yaml") else ("yml" if name.endswith(".yml") else None)
    if top == "pathways" and len(parts) == 2:
        return "pathway" if name.endswith(".yaml") else ("yml" if name.endswith(".yml") else None)
    return None
