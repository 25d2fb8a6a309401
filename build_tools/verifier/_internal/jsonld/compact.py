"""The canonical compact form of signed data (docs/adr/0007) and where a file differs from it."""

from __future__ import annotations

from typing import Any

from ...messages import msg
from . import rdf_fast as _rdf_fast
from .contexts import document_loader
from .expand import _input, _options, _processor, _translate
from .limits import JsonLdStrictError
from .urdna2015 import _fast_options


def compact_form(doc: dict[str, Any], *, opaque: str | None = None) -> dict[str, Any]:
    """The document as its signed data reads: re-compacted from its expansion with the
    published (pinned) contexts its `@context` names, without any context written inline.

    A Data Integrity proof over RDFC-1.0 signs the RDF dataset, not the JSON: a holder can
    rewrite the JSON (`@nest`, full or compact IRIs, aliases, `@vocab`, `@reverse`, `@base`,
    nested contexts) without breaking the signature. In the form returned here every key means
    what the pinned contexts say, so checks that read facts by key read the signed facts
    (docs/adr/0007). Call after `canonize` or `expand_strict`, which have already refused
    unknown contexts, undefined terms and relative IRIs. The value of the top-level key
    `opaque` (a presentation's credentials, each verified on its own) is not examined.
    """
    published = [c for c in _as_list(doc.get("@context")) if isinstance(c, str)]
    processor = _processor([])
    options = _options(document_loader)
    try:
        expanded = _expand(doc, processor, options)
        compacted: dict[str, Any] = processor.compact(
            expanded, {"@context": published}, dict(options, skipExpansion=True)
        )
    except RecursionError as exc:
        raise JsonLdStrictError("JSONLD_INVALID", "The document is nested too deeply.") from exc
    except Exception as exc:
        raise _translate(exc) from exc
    split = _split_structure({k: v for k, v in compacted.items() if k != opaque})
    if split is not None:
        raise JsonLdStrictError("JSONLD_NOT_COMPACT", _NOT_COMPACT, split)
    return compacted


def _expand(doc: dict[str, Any], processor: Any, options: dict[str, Any]) -> Any:
    """pyld's expansion of `doc`: by the one walk of `rdf_fast` when it takes the document
    (the same expanded form, in a fraction of the time), else by pyld, which then also
    reports any error."""
    try:
        return _rdf_fast.expand(doc, processor, _fast_options())
    except Exception:
        pass  # anything unusual is left to pyld, which then decides
    return processor.expand(_input(doc), dict(options))


_NOT_COMPACT = msg(
    "This file was changed after it was signed. Its signed meaning is the same, but it is "
    "written in a shape that splits up or hides what it says (for example its revocation or "
    "expiry information), so it is refused. Ask the holder for the file as the issuer made it."
)
# Keywords that compaction keeps as they were written: with them the facts of one node can
# sit anywhere in the file, away from the keys the checks read.
_STRUCTURE_KEYWORDS = frozenset({"@reverse", "@included", "@graph", "@nest", "@index"})


def _split_structure(compacted: Any) -> str | None:
    """Why the compact form still does not put each node's facts under its keys, or None:
    a structural keyword, or a node given by reference in one place and described in another.
    """
    described: set[str] = set()
    references: list[str] = []
    stack: list[tuple[Any, str]] = [(compacted, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
            continue
        if not isinstance(value, dict) or "@value" in value:
            continue
        keys = [k for k in value if k != "@context"]
        for key in keys:
            if key in _STRUCTURE_KEYWORDS:
                return f"{key} at {path or 'the top level'}"
        ident = value.get("id", value.get("@id"))
        if isinstance(ident, str):
            if all(k in ("id", "@id") for k in keys):
                references.append(ident)
            else:
                described.add(ident)
        stack.extend((item, f"{path}.{key}" if path else key) for key, item in value.items())
    for ident in references:
        if ident in described:
            return f"{ident[:80]} is referred to in one place and described in another"
    return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _same_scalar(a: Any, b: Any) -> bool:
    """Equal JSON scalars: True is not 1, but 1 and 1.0 are the same number."""
    numbers = (int, float)
    if type(a) in numbers and type(b) in numbers:
        return bool(a == b)
    return type(a) is type(b) and a == b


def first_difference(given: Any, canonical: Any, path: str = "") -> str | None:
    """Where `given` differs from `canonical` (None if nowhere), ignoring key order and
    one-item arrays written as their item or the other way round."""
    if isinstance(given, list) and len(given) == 1 and not isinstance(canonical, list):
        return first_difference(given[0], canonical, path)
    if isinstance(canonical, list) and len(canonical) == 1 and not isinstance(given, list):
        return first_difference(given, canonical[0], path)
    here = path or "the top level"
    if isinstance(given, dict) and isinstance(canonical, dict):
        extra = [k for k in given if k not in canonical]
        missing = [k for k in canonical if k not in given]
        if extra or missing:
            shown = ", ".join(repr(k)[:80] for k in extra[:4]) or "nothing"
            wanted = ", ".join(repr(k)[:80] for k in missing[:4]) or "nothing"
            return f"at {here} the file has {shown} where the signed data reads {wanted}"
        for key, value in given.items():
            found = first_difference(value, canonical[key], f"{path}.{key}" if path else key)
            if found is not None:
                return found
        return None
    if isinstance(given, list) and isinstance(canonical, list):
        if len(given) != len(canonical):
            return f"at {here} {len(given)} values where the signed data reads {len(canonical)}"
        for i, (a, b) in enumerate(zip(given, canonical, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(given, (dict, list)) or isinstance(canonical, (dict, list)):
        return f"at {here} the value is written in another form than the signed data's"
    if not _same_scalar(given, canonical):
        return f"at {here} {str(given)[:80]!r} where the signed data reads {str(canonical)[:80]!r}"
    return None
