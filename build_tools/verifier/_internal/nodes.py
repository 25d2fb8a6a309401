"""Reading JSON-LD nodes as written: lists, ids, types, language maps."""

from __future__ import annotations

from typing import Any


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def node_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def types_of(value: Any) -> list[str]:
    if isinstance(value, dict):
        kind = value.get("type")
        if isinstance(kind, str):
            return [kind]
        if isinstance(kind, list):
            return [t for t in kind if isinstance(t, str)]
    return []


def lang_text(value: Any, prefer: str = "en") -> str | None:
    """A display string from a plain string, a language map or a VCDM language object."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            text = lang_text(item, prefer)
            if text:
                return text
        return None
    if isinstance(value, dict):
        if isinstance(value.get("@value"), str):
            return str(value["@value"])
        if isinstance(value.get(prefer), str):
            return str(value[prefer])
        for item in value.values():
            if isinstance(item, str):
                return item
            if isinstance(item, list) and item and isinstance(item[0], str):
                return str(item[0])
    return None


def lang_values(value: Any) -> set[str]:
    """Every string of a language map / string / list, for comparisons."""
    out: set[str] = set()
    _collect_strings(value, out)
    return out


def _collect_strings(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value.strip())
    elif isinstance(value, list):
        for item in value:
            _collect_strings(item, out)
    elif isinstance(value, dict):
        if "@value" in value:
            _collect_strings(value["@value"], out)
        else:
            for item in value.values():
                _collect_strings(item, out)
