"""The field reference for maintainers, rendered as Markdown from the model.

`render_field_reference()` lists, for each file kind, every key with its type, whether it is
required, what it means and the allowed codes; then every finding code `credsite check` can
report. The site's maintainers' guide includes it, so the guide never drifts from the loader.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from build_tools.catalogue import model as m
from build_tools.catalogue import rules, spec, vocab

_FILES: tuple[tuple[str, str, type], ...] = (
    ("Alliance", "catalogue/alliance.yaml", m.Alliance),
    ("Issuers", "catalogue/issuers/<slug>.yaml", m.Issuer),
    ("Offers", "catalogue/offers/<issuer>/<id>.yaml", m.Offer),
    ("Pathways", "catalogue/pathways/<id>.yaml", m.Pathway),
    ("Public keys", "catalogue/issuers/<slug>/keys/<kid>.yaml", m.IssuerKey),
)

_MAX_LISTED = 20  # longer vocabularies are named, not listed


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type_text(tp: Any, fs: spec.FieldSpec) -> str:
    inner = spec.optional_inner(tp)
    if inner is not None:
        return _type_text(inner, fs) + " or null"
    if spec.is_model_class(tp):
        return "mapping"
    if spec.is_tuple(tp):
        return "list of " + _type_text(spec.tuple_item(tp), fs)
    if spec.is_mapping(tp):
        return "mapping" if (fs.owner, fs.name) in spec.PLAIN_MAPPINGS else "language map"
    if spec.is_literal(tp) or fs.scheme:
        return "code"
    return {
        str: "text",
        int: "whole number",
        float: "number",
        bool: "true/false",
        dt.date: "date",
        dt.datetime: "date-time",
    }.get(tp, "value")


def _allowed(tp: Any, fs: spec.FieldSpec) -> str:
    inner = spec.optional_inner(tp) or tp
    if spec.is_tuple(inner):
        inner = spec.tuple_item(inner)
    if fs.scheme:
        values = vocab.codes(fs.scheme)
        if len(values) > _MAX_LISTED:
            return f"{vocab.SCHEME_NAMES[fs.scheme]} ({len(values)} codes)"
        return ", ".join(f"`{v}`" for v in values)
    if spec.is_literal(inner):
        return ", ".join(f"`{v}`" for v in spec.literal_values(inner))
    return ""


def _rows(cls: type, prefix: str, seen: set[type]) -> list[str]:
    rows = []
    nested: list[tuple[type, str]] = []
    for fs in spec.fields_of(cls):
        key = f"{prefix}{fs.key}"
        allowed = _allowed(fs.type, fs)
        desc = spec.description(cls, fs.name)
        if allowed:
            desc = f"{desc} Allowed: {allowed}."
        required = "yes" if fs.required else ""
        tp = fs.type if fs.nullable else (spec.optional_inner(fs.type) or fs.type)
        rows.append(f"| `{key}` | {_type_text(tp, fs)} | {required} | {_cell(desc)} |")
        target = spec.optional_inner(fs.type) or fs.type
        if spec.is_tuple(target):
            target = spec.tuple_item(target)
            sub = f"{key}[]."
        else:
            sub = f"{key}."
        if spec.is_model_class(target) and target not in seen:
            nested.append((target, sub))
    for target, sub in nested:
        rows.extend(_rows(target, sub, seen | {cls}))
    return rows


def render_field_reference() -> str:
    """Markdown: one table per file kind, then the list of finding codes."""
    out = [
        "# Catalogue field reference",
        "",
        "Generated from the catalogue model. Text fields are language maps "
        "(`{en: ..., lv: ...}`) with English required. Codes are short readable values that "
        'the site maps to official EU vocabulary URIs. "Required" keys must be present; '
        "`credsite check` reports a missing one with its file and line.",
        "",
    ]
    for title, path, cls in _FILES:
        out += [
            f"## {title}: `{path}`",
            "",
            spec.CLASS_DESCRIPTIONS.get(cls, ""),
            "",
            "| Key | Type | Required | Meaning |",
            "| --- | --- | --- | --- |",
            *_rows(cls, "", set()),
            "",
        ]
    out += [
        "## Finding codes",
        "",
        "Every finding of `credsite check` has one of these stable codes.",
        "",
        "| Code | Meaning |",
        "| --- | --- |",
        *(f"| `{code}` | {_cell(text)} |" for code, text in rules.CODES.items()),
        "",
    ]
    return "\n".join(out)
