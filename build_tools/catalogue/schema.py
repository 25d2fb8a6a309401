"""JSON Schemas for the catalogue files, generated from the model, `spec.py` and the vocabularies.

Editors that speak the YAML language server use them for completion and inline errors:

    # yaml-language-server: $schema=../../../schema/offer.schema.json

The schemas help while typing; `credsite check` remains the authority (it also checks
references, policy and dates, which a schema cannot).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from build_tools.catalogue import model as m
from build_tools.catalogue import rules, spec, vocab
from build_tools.errors import CredsiteError

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# The four file kinds: output name -> root class.
FILES: dict[str, type] = {
    "offer.schema.json": m.Offer,
    "issuer.schema.json": m.Issuer,
    "pathway.schema.json": m.Pathway,
    "alliance.schema.json": m.Alliance,
}

_SLUG_PATTERN = rules.SLUG.pattern

# Extra constraints by field (patterns, formats) that the model's types cannot express.
_EXTRA: dict[tuple[type, str], dict[str, Any]] = {
    (m.Offer, "id"): {"pattern": _SLUG_PATTERN},
    (m.Pathway, "id"): {"pattern": _SLUG_PATTERN},
    (m.Issuer, "slug"): {"pattern": _SLUG_PATTERN},
    (m.Issuer, "erasmus_code"): {"pattern": rules.ERASMUS.pattern},
    (m.Issuer, "schac"): {"pattern": rules.SCHAC.pattern},
    (m.Issuer, "deqar_id"): {"pattern": rules.DEQAR.pattern},
    (m.Skill, "uri"): {"pattern": rules.ESCO_SKILL.pattern},
    (m.Alliance, "site_url"): {"format": "uri", "pattern": "^https://.*/$"},
    (m.Fee, "currency"): {"pattern": rules.CURRENCY.pattern},
    (m.Contact, "email"): {"format": "email"},
    (m.Offer, "ects"): {"exclusiveMinimum": 0},
    (m.Offer, "workload_hours"): {"exclusiveMinimum": 0},
    (m.Offer, "learning_outcomes"): {"minItems": 1},
    (m.Offer, "awarding_bodies"): {"minItems": 1, "uniqueItems": True},
    (m.Offer, "isced"): {"minItems": 1, "uniqueItems": True},
    (m.Assessment, "types"): {"minItems": 1, "uniqueItems": True},
    (m.Pathway, "offers"): {"minItems": 2, "uniqueItems": True},
}
_cls: type
_name: str
for _cls, _name in (
    (m.Alliance, "homepage"),
    (m.Issuer, "homepage"),
    (m.QualityAssurance, "agency_url"),
    (m.Contact, "url"),
    (m.Application, "url"),
    (m.StacksInto, "url"),
):
    _EXTRA[(_cls, _name)] = {"format": "uri", "pattern": "^https?://"}
for _cls, _name in (
    (m.Offer, "awarding_bodies"),
    (m.Offer, "prerequisite_offers"),
    (m.Recognition, "partners"),
    (m.StacksInto, "awarded_by"),
    (m.Pathway, "offers"),
    (m.Pathway, "required"),
):
    _EXTRA.setdefault((_cls, _name), {})["items"] = {"type": "string", "pattern": _SLUG_PATTERN}


def _lang_map() -> dict[str, Any]:
    return {
        "type": "object",
        "description": (
            "Text in several languages: ISO 639-1 code -> text. English (en) is required."
        ),
        "propertyNames": {"enum": list(vocab.codes("language"))},
        "additionalProperties": {"type": "string", "minLength": 1},
        "required": ["en"],
        "minProperties": 1,
    }


class _Generator:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserve (no recursion in the model, but be safe)
            self.defs[name] = self.object(cls)
        return {"$ref": f"#/$defs/{name}"}

    def object(self, cls: type) -> dict[str, Any]:
        props: dict[str, Any] = {}
        required = []
        for fs in spec.fields_of(cls):
            schema = self.field(cls, fs)
            props[fs.key] = schema
            if fs.required:
                required.append(fs.key)
        out: dict[str, Any] = {
            "type": "object",
            "title": cls.__name__,
            "description": spec.CLASS_DESCRIPTIONS.get(cls, ""),
            "properties": props,
            "additionalProperties": False,
        }
        if required:
            out["required"] = required
        return out

    def field(self, cls: type, fs: spec.FieldSpec) -> dict[str, Any]:
        tp = fs.type if fs.nullable else (spec.optional_inner(fs.type) or fs.type)
        schema = self.type_schema(tp, fs)
        extra = dict(_EXTRA.get((cls, fs.name), {}))
        if "items" in extra and "items" in schema:
            schema["items"] = {**schema["items"], **extra.pop("items")}
        target = schema
        if "anyOf" in schema:  # optional: constrain the non-null branch
            target = schema["anyOf"][0]
        if "$ref" in target and extra:
            target = schema
        target.update(extra)
        desc = spec.description(cls, fs.name)
        if desc:
            schema = {"description": desc, **schema}
        if fs.has_default and _json_default(fs.default) is not None:
            schema["default"] = _json_default(fs.default)
        return schema

    def type_schema(self, tp: Any, fs: spec.FieldSpec) -> dict[str, Any]:
        inner = spec.optional_inner(tp)
        if inner is not None:
            return {"anyOf": [self.type_schema(inner, fs), {"type": "null"}]}
        if spec.is_model_class(tp):
            return self.ref(tp)
        if spec.is_tuple(tp):
            return {"type": "array", "items": self.type_schema(spec.tuple_item(tp), fs)}
        if spec.is_mapping(tp):
            if (fs.owner, fs.name) in spec.PLAIN_MAPPINGS:
                return {"type": "object", "additionalProperties": {"type": "string"}}
            self.defs.setdefault("LangMap", _lang_map())
            return {"$ref": "#/$defs/LangMap"}
        if spec.is_literal(tp):
            return {"type": "string", "enum": list(spec.literal_values(tp))}
        if tp is str:
            if fs.scheme:
                return {"type": "string", "enum": list(vocab.codes(fs.scheme))}
            return {"type": "string"}
        if tp is int:
            if fs.scheme:
                return {"type": "integer", "enum": [int(c) for c in vocab.codes(fs.scheme)]}
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is dt.datetime:
            return {"type": "string", "format": "date-time"}
        if tp is dt.date:
            return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        raise TypeError(f"no schema for {tp!r}")  # pragma: no cover - model coverage test


def _json_default(value: Any) -> Any:
    if isinstance(value, bool | int | float | str) and value != "":
        return value
    return None


def schema_for(cls: type) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind."""
    gen = _Generator()
    root = gen.object(cls)
    doc: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"credsite {cls.__name__.lower()} file",
        "description": root.pop("description"),
    }
    doc.update({k: v for k, v in root.items() if k != "title"})
    if gen.defs:
        doc["$defs"] = dict(sorted(gen.defs.items()))
    return doc


def render_schemas() -> dict[str, bytes]:
    """File name -> content for `credsite schema` (deterministic)."""
    return {
        name: (json.dumps(schema_for(cls), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        for name, cls in FILES.items()
    }


class SchemaFolderError(CredsiteError):
    """The schema folder is a file."""

    default_code = "SCHEMA_FOLDER_INVALID"


def stale_schemas(out: Path) -> list[Path]:
    """The schema files in `out` that are missing or differ from `render_schemas()`."""
    return [
        out / name
        for name, content in render_schemas().items()
        if not (out / name).is_file() or (out / name).read_bytes() != content
    ]


def write_schemas(out: Path) -> list[Path]:
    """Write every schema into `out` (created if needed); the files written."""
    if out.exists() and not out.is_dir():
        raise SchemaFolderError(f"'{out}' is not a folder.")
    files = render_schemas()
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)
    return [out / name for name in files]
