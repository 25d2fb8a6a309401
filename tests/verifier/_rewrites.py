"""Rewrites of a JSON-LD document that keep its RDF dataset: what a holder can do to a
credential signed over its dataset (Data Integrity with RDFC-1.0) without breaking the
signature. Each rewrite changes how one key of one node is written:

- `full_iri`: the key written as the absolute IRI it stands for;
- `compact_iri`: the key as a compact IRI, with the prefix defined in an inline context;
- `alias`: the key renamed through an alias defined in a context on the node itself;
- `vocab`: the key as a word that a node-level `@vocab` turns into the same IRI;
- `nest`: the key moved under `@nest`;
- `reverse`: a node value moved out of its parent and linked back with `@reverse`
  (the parent keeps an `@included` copy of it);
- `base`: an IRI value written relative to an `@base` set in a node-level context;
- `reorder`: the keys of the node in another order;
- `array`: a one-item array written as its item, or a single value as a one-item array.

The IRI and value coercion a key stands for are found by expanding the document with a marker
value in its place, so the rewrites work on any document, not only on known keys.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from build_tools.verifier.jsonld import JsonLdStrictError, expand_strict

from . import _make as m

Path_ = tuple[Any, ...]
KINDS = (
    "full_iri",
    "compact_iri",
    "alias",
    "vocab",
    "nest",
    "reverse",
    "base",
    "reorder",
    "array",
)
_MARK = "urn:rewrite-marker:3f9d"


class NotApplicable(Exception):
    """This rewrite does not apply to this key."""


def targets(doc: Any, prefix: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """(path of a node, key) for every property of every node object in `doc`."""
    if isinstance(doc, dict):
        if "@value" in doc:
            return
        for key, value in doc.items():
            if key.startswith("@"):
                continue
            yield prefix, key
            yield from targets(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from targets(item, (*prefix, i))


def node_at(doc: Any, path: Path_) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _find_marker(expanded: Any) -> tuple[str, dict[str, Any]] | None:
    """(property IRI, expanded marker value) where the marker ended up."""
    if isinstance(expanded, list):
        for item in expanded:
            found = _find_marker(item)
            if found:
                return found
    elif isinstance(expanded, dict):
        for prop, values in expanded.items():
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, dict) and _MARK in (value.get("@id"), value.get("@value")):
                    return prop, value
                found = _find_marker(value)
                if found:
                    return found
    return None


def meaning(doc: dict[str, Any], path: Path_, key: str) -> tuple[str, dict[str, Any]]:
    """The IRI `key` stands for at `path`, and how a string value there is coerced."""
    probe = copy.deepcopy(doc)
    if not path or path[0] != "proof":
        probe.pop("proof", None)  # the proof may use terms only its own context defines
    node = node_at(probe, path)
    node[key] = _MARK
    try:
        found = _find_marker(expand_strict(probe))
    except Exception as exc:
        raise NotApplicable(str(exc)) from exc
    if found is None or found[0].startswith("@"):
        raise NotApplicable(f"{key} is not a property")
    return found


def _expanded_node(doc: dict[str, Any], path: Path_) -> dict[str, Any]:
    """The expanded form of the node at `path` (found by giving it a marker id)."""
    probe = copy.deepcopy(doc)
    if not path or path[0] != "proof":
        probe.pop("proof", None)
    node_at(probe, path)["id"] = _MARK
    stack: list[Any] = list(expand_strict(probe))
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if item.get("@id") == _MARK:
                return item
            stack.extend(item.values())
    raise NotApplicable("node not found")


def _type_iris(doc: dict[str, Any], path: Path_, *, compact: bool) -> list[str]:
    """The node's types as absolute IRIs (or as compact IRIs `zq:` for `https://`)."""
    types = [str(t) for t in _expanded_node(doc, path).get("@type", [])]
    if not types or (compact and not all(t.startswith("https://") for t in types)):
        raise NotApplicable("no types to write")
    return ["zq:" + t[8:] for t in types] if compact else types


def _explicit(doc: dict[str, Any], path: Path_, key: str, iri: str) -> Any:
    """The value of `key` written so that it means the same without the term's coercion:
    scalars in their expanded form; node objects as they are."""
    value = node_at(doc, path)[key]
    items = value if isinstance(value, list) else [value]
    if any(isinstance(v, dict) for v in items):
        return value
    expanded = _expanded_node(doc, path).get(iri, [])
    if not expanded:
        raise NotApplicable("the value has no meaning to write")
    return expanded if isinstance(value, list) else expanded[0]


def _node_context(node: dict[str, Any], definitions: dict[str, Any]) -> None:
    current = node.get("@context")
    if current is None:
        node["@context"] = definitions
    elif isinstance(current, dict):
        current.update(definitions)
    else:
        node["@context"] = [*(current if isinstance(current, list) else [current]), definitions]


def _replace_key(node: dict[str, Any], old: str, new: str, value: Any) -> None:
    items = list(node.items())
    node.clear()
    for k, v in items:
        if k == old:
            node[new] = value
        else:
            node[k] = v


def rewrite(doc: dict[str, Any], kind: str, path: Path_, key: str, seed: int = 0) -> dict[str, Any]:
    """A copy of `doc` with `key` of the node at `path` rewritten by `kind`."""
    try:
        return _rewrite(doc, kind, path, key, seed)
    except JsonLdStrictError as exc:  # the document as it stands has no defined meaning
        raise NotApplicable(str(exc)) from exc


def _rewrite(doc: dict[str, Any], kind: str, path: Path_, key: str, seed: int) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node = node_at(out, path)
    if not isinstance(node, dict) or key not in node:
        raise NotApplicable("no such key")
    value = node[key]
    if kind == "reorder":
        items = list(node.items())
        random.Random(seed).shuffle(items)
        node.clear()
        node.update(items)
        return out
    if kind == "array":
        if isinstance(value, list):
            if len(value) != 1:
                raise NotApplicable("not a one-item array")
            node[key] = value[0]
        else:
            node[key] = [value]
        return out
    if key == "type" and kind in ("full_iri", "compact_iri"):
        node[key] = _type_iris(doc, path, compact=kind == "compact_iri")
        if kind == "compact_iri":
            _node_context(node, {"zq": "https://"})
        return out
    iri, coerced = meaning(doc, path, key)
    if kind == "full_iri":
        _replace_key(node, key, iri, _explicit(doc, path, key, iri))
    elif kind == "compact_iri":
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        if cut <= 0 or cut == len(iri):
            raise NotApplicable("no namespace")
        _node_context(node, {"zq": iri[:cut]})
        _replace_key(node, key, "zq:" + iri[cut:], _explicit(doc, path, key, iri))
    elif kind == "alias":
        _node_context(node, {"holderAlias": iri})
        _replace_key(node, key, "holderAlias", _explicit(doc, path, key, iri))
    elif kind == "vocab":
        if len(iri) < 8:
            raise NotApplicable("short IRI")
        _node_context(node, {"@vocab": iri[:-4]})
        _replace_key(node, key, iri[-4:], _explicit(doc, path, key, iri))
    elif kind == "nest":
        del node[key]
        node.setdefault("@nest", {})[key] = value
    elif kind == "reverse":
        if not isinstance(value, dict) or not isinstance(node.get("id"), str):
            raise NotApplicable("needs a node value under a node with an id")
        child = copy.deepcopy(value)
        child["@reverse"] = {iri: {"@id": node["id"]}}
        del node[key]
        node["@included"] = [child]
    elif kind == "base":
        if "@id" not in coerced or not isinstance(value, str) or "/" not in value[8:]:
            raise NotApplicable("not an IRI value")
        cut = value.rfind("/") + 1
        if cut == len(value):
            raise NotApplicable("ends with a slash")
        _node_context(node, {"@base": value[:cut]})
        node[key] = value[cut:]
    else:
        raise ValueError(kind)
    return out


def dumps(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------- named attacks


def samples() -> dict[str, dict[str, Any]]:
    """Signed test credentials: valid, revoked (index 42 of lu's list), expired."""
    key = m.keys()["lu-ed"]
    es = m.keys()["lu-es"]
    return {
        "valid": m.sign_di(m.ob3_credential(status_index=7), key),
        "revoked": m.sign_di(m.ob3_credential(status_index=42), key),
        "expired": m.sign_di(
            m.ob3_credential(status_index=7, valid_until=datetime(2026, 9, 1, tzinfo=UTC)), key
        ),
        "revoked-ecdsa": m.sign_di(m.ob3_credential(status_index=42), es),
    }


S = ("credentialStatus",)
REVOKED = ("revocation", "REVOCATION_REVOKED")
EXPIRED = ("validity", "VALIDITY_EXPIRED")
# Every key of the status entry as a full IRI, its type last (its type-scoped context defines
# them) - the entry then reads as an unknown kind of status to a check that reads the JSON.
_ENTRY_AS_IRIS = [
    ("full_iri", S, k) for k in ("statusPurpose", "statusListIndex", "statusListCredential")
] + [("full_iri", S, "type")]

ATTACKS: list[tuple[str, str, list[tuple[str, tuple[Any, ...], str]], tuple[str, str]]] = [
    # (name, sample, rewrites, the check and code that must not change)
    ("status under @nest", "revoked", [("nest", (), "credentialStatus")], REVOKED),
    ("status as a full IRI", "revoked", [("full_iri", (), "credentialStatus")], REVOKED),
    ("status as a compact IRI", "revoked", [("compact_iri", (), "credentialStatus")], REVOKED),
    ("status through an alias", "revoked", [("alias", (), "credentialStatus")], REVOKED),
    ("status through @vocab", "revoked", [("vocab", (), "credentialStatus")], REVOKED),
    ("entry written in full IRIs", "revoked", _ENTRY_AS_IRIS, REVOKED),
    ("list URL against @base", "revoked", [("base", S, "statusListCredential")], REVOKED),
    ("list URL as compact IRI", "revoked", [("compact_iri", S, "statusListCredential")], REVOKED),
    ("index through an alias", "revoked", [("alias", S, "statusListIndex")], REVOKED),
    ("expiry under @nest", "expired", [("nest", (), "validUntil")], EXPIRED),
    ("expiry as a full IRI", "expired", [("full_iri", (), "validUntil")], EXPIRED),
    ("expiry through an alias", "expired", [("alias", (), "validUntil")], EXPIRED),
    ("expiry through @vocab", "expired", [("vocab", (), "validUntil")], EXPIRED),
    (
        "proof purpose as a full IRI",
        "valid",
        [("full_iri", ("proof",), "proofPurpose")],
        ("signature", "SIGNATURE_VALID"),
    ),
    (
        "status given with @reverse",
        "revoked",
        [("reverse", (), "credentialStatus")],
        ("signature", "JSONLD_NOT_COMPACT"),
    ),
]
