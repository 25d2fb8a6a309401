"""Read catalogue files safely and turn YAML into a small node tree that keeps positions.

Why our own composer: PyYAML's composers expand aliases into shared nodes (the "billion
laughs" blow-up happens when such a tree is walked), overflow the C stack on very deep
nesting, and silently keep the last of two duplicate keys. We read the C parser's event stream
(fast, bounded) and build the tree ourselves, refusing anchors, aliases, custom tags, duplicate
keys and nesting deeper than `MAX_DEPTH`, each as a located finding. Scalars stay text: the
loader types them against the model, so `country: NO` stays "NO" (YAML 1.1 would read `false`)
and `isced: [0613]` stays "0613".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from build_tools.catalogue.findings import Finding

MAX_FILE_BYTES = 1_000_000  # a catalogue file is a few kB; refuse anything bigger unread
MAX_DEPTH = 40  # the deepest legitimate nesting in the format is about 5

try:  # the libyaml parser is about ten times faster; fall back to the pure-Python one
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader


@dataclass(slots=True)
class YScalar:
    value: str
    line: int  # 1-based
    column: int  # 1-based
    plain: bool = True  # unquoted, no explicit tag: the text may mean a number, bool, null, date
    tag: str | None = None  # explicit standard tag, e.g. "tag:yaml.org,2002:str"

    kind = "scalar"

    @property
    def is_null(self) -> bool:
        if self.tag == "tag:yaml.org,2002:null":
            return True
        return self.plain and self.value in ("", "~", "null", "Null", "NULL")


@dataclass(slots=True)
class YMap:
    line: int
    column: int
    items: list[tuple[YScalar, YNode]] = field(default_factory=list)

    kind = "mapping"

    def get(self, key: str) -> YNode | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.items]


@dataclass(slots=True)
class YSeq:
    line: int
    column: int
    items: list[YNode] = field(default_factory=list)

    kind = "sequence"


YNode = Union[YScalar, YMap, YSeq]  # noqa: UP007 - used at run time in isinstance-free code

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_PLAIN_TAGS = frozenset({*_STANDARD_TAGS, "!"})  # "!": the non-specific tag, a string


class _Refused(Exception):
    def __init__(self, found: Finding) -> None:
        super().__init__(found.message)
        self.finding = found


def _err(code: str, message: str, file: str, line: int, column: int, hint: str = "") -> Finding:
    return Finding(code, "error", message, file, line, column, hint)


# --------------------------------------------------------------------------------------------
# Bytes -> text


def read_bytes(
    path: Path, rel: str, *, max_bytes: int = MAX_FILE_BYTES
) -> tuple[bytes | None, list[Finding]]:
    """The file's bytes, or a finding when it is too big (checked before reading) or unreadable."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [
            _err("FILE_UNREADABLE", f"The file cannot be read ({exc.strerror}).", rel, 0, 0)
        ]
    if size > max_bytes:
        return None, [
            _err(
                "FILE_TOO_LARGE",
                f"The file is {size:,} bytes; catalogue files may be at most {max_bytes:,} bytes. "
                "Split it or remove what does not belong in the catalogue.",
                rel,
                1,
                1,
            )
        ]
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return None, [
            _err("FILE_UNREADABLE", f"The file cannot be read ({exc.strerror}).", rel, 0, 0)
        ]
    if len(data) > max_bytes:  # grew while we looked
        return None, [
            _err("FILE_TOO_LARGE", f"The file is larger than {max_bytes:,} bytes.", rel, 1, 1)
        ]
    return data, []


def decode_utf8(data: bytes, rel: str) -> tuple[str | None, list[Finding]]:
    """Strict UTF-8 (a leading BOM is allowed); a bad byte is reported with its position."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [
            _err(
                "FILE_NOT_UTF8",
                f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded). "
                "Save it as UTF-8 in your editor.",
                rel,
                line,
                column,
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
# Characters YAML does not allow in a stream (YAML 1.1 §5.1, c-printable).
_NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def find_control_character(text: str, rel: str) -> list[Finding]:
    m = _NOT_PRINTABLE.search(text)
    if not m:
        return []
    line = text.count("\n", 0, m.start()) + 1
    column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return [
        _err(
            "FILE_CONTROL_CHARACTER",
            f"The file contains the invisible control character U+{ord(m.group()):04X}, which "
            "YAML does not allow. Delete it (retype the text around it if needed).",
            rel,
            line,
            column,
        )
    ]


def find_tabs(text: str, rel: str, *, limit: int = 20) -> list[Finding]:
    """Tabs in indentation: YAML forbids them, and editors hide them."""
    out = []
    for m in _TAB_INDENT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        out.append(
            _err(
                "YAML_TAB",
                "A tab character is used for indentation; YAML allows only spaces. "
                "Replace the tab with spaces.",
                rel,
                line,
                m.end() - m.start(),
            )
        )
        if len(out) >= limit:
            break
    return out


# --------------------------------------------------------------------------------------------
# Text -> nodes


def compose(
    text: str, rel: str, *, max_depth: int = MAX_DEPTH
) -> tuple[YNode | None, list[Finding]]:
    """Parse one YAML document into nodes; (None, findings) when it cannot be used."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return None, [_err("FILE_EMPTY", "The file is empty. Fill it in or delete it.", rel, 1, 1)]
    tabs = find_tabs(text, rel)
    if tabs:
        return None, tabs
    control = find_control_character(text, rel)
    if control:
        return None, control
    try:
        return _compose_events(text, rel, max_depth), []
    except _Refused as exc:
        return None, [exc.finding]
    except yaml.MarkedYAMLError as exc:
        return None, [_unclosed_quote(text, exc, rel) or _syntax_finding(exc, rel)]
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return None, [_err("YAML_SYNTAX", f"The file is not valid YAML: {exc}", rel, 1, 1)]
    except (RecursionError, MemoryError):  # pragma: no cover - bounded by size and depth
        return None, [_err("YAML_TOO_COMPLEX", "The file is too deeply nested.", rel, 1, 1)]


def _open_quote(line: str) -> int | None:
    """The column (0-based) of a quote that opens a value on `line` and is not closed on it."""
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return None  # a comment
        if ch in "\"'" and (i == 0 or line[i - 1] in " \t:[{,-"):
            j = i + 1
            while j < n:
                if ch == '"' and line[j] == "\\":
                    j += 2
                    continue
                if line[j] == ch:
                    if ch == "'" and j + 1 < n and line[j + 1] == "'":  # '' inside '...'
                        j += 2
                        continue
                    break
                j += 1
            if j >= n:
                return i
            i = j + 1
            continue
        i += 1
    return None


def _unclosed_quote(text: str, exc: yaml.MarkedYAMLError, rel: str) -> Finding | None:
    """A quoted value left open is reported at its own line: the parser only notices it on a
    later line, where the next quote mark closes it by accident."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = text.splitlines()
    start = exc.context_mark.line if exc.context_mark is not None else mark.line
    for number in reversed(range(max(0, min(start, mark.line)), min(mark.line + 1, len(lines)))):
        column = _open_quote(lines[number])
        if column is None:
            continue
        quote = lines[number][column]
        return _err(
            "YAML_SYNTAX",
            f"The file is not valid YAML: the quoted text that starts here is not closed on "
            f"this line (YAML stopped at line {mark.line + 1}).",
            rel,
            number + 1,
            column + 1,
            f"Quoted text ends with the same quote mark ({quote}) on the same line; "
            + ("write '' for a ' inside it." if quote == "'" else 'write \\" for a " inside it.'),
        )
    return None


def _syntax_finding(exc: yaml.MarkedYAMLError, rel: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    problem = (exc.problem or "").strip()
    if "nesting depth" in f"{problem} {exc.context or ''}":
        # libyaml >= 0.2.6 (bundled with newer PyYAML wheels) stops at its own depth limit
        # before our composer sees the events.
        return _err(
            "YAML_TOO_DEEP",
            "The file nests lists or mappings far too deeply. "
            "Catalogue files are flat; check the indentation.",
            rel,
            line,
            column,
        )
    if "'\\t'" in problem or "\t" in problem:
        return _err(
            "YAML_TAB",
            "A tab character is used where YAML expects spaces. Replace the tab with spaces.",
            rel,
            line,
            column,
        )
    context = (exc.context or "").strip()
    detail = f"{context}, {problem}" if context and problem else (problem or context)
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = (
            "A value that contains ': ' must be quoted, "
            'e.g. title: {en: "Data: an introduction"}.'
        )
    elif "indent" in problem or "expected <block end>" in problem:
        hint = "Check that keys at the same level start in the same column."
    return _err(
        "YAML_SYNTAX",
        f"The file is not valid YAML: {detail}. Check the indentation and quoting near here.",
        rel,
        line,
        column,
        hint or "Check that keys at the same level start in the same column.",
    )


def _refused(code: str, message: str, rel: str, line: int, column: int) -> _Refused:
    return _Refused(_err(code, message, rel, line, column))


def _position(mark: Any) -> tuple[int, int]:
    """An event mark as a 1-based (line, column); (1, 1) when the parser gave none."""
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _mapping_key(node: YNode, seen: dict[str, YScalar], rel: str) -> YScalar:
    """`node` as the next key of a mapping whose keys so far are `seen` (it is added there);
    refused when it is a list or mapping, or a key the mapping already has."""
    if not isinstance(node, YScalar):
        raise _refused(
            "YAML_COMPLEX_KEY",
            "A key must be a plain word, not a list or mapping.",
            rel,
            node.line,
            node.column,
        )
    first = seen.get(node.value)
    if first is not None:
        raise _refused(
            "YAML_DUPLICATE_KEY",
            f"The key '{node.value}' appears twice in the same mapping "
            f"(first on line {first.line}). Keep one of them.",
            rel,
            node.line,
            node.column,
        )
    seen[node.value] = node
    return node


def _check_node_event(event: Any, rel: str, line: int, column: int) -> None:
    """Refuse anchors and tags other than the standard ones on a scalar, mapping or list."""
    if event.anchor is not None:
        raise _refused(
            "YAML_ALIAS",
            f"YAML anchors (&{event.anchor}) are not allowed in the catalogue. "
            "Write each value out in full.",
            rel,
            line,
            column,
        )
    tag = event.tag
    if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
        raise _refused(
            "YAML_TAG",
            f"The YAML tag '{tag}' is not allowed. Remove it; write plain values.",
            rel,
            line,
            column,
        )


def _compose_events(text: str, rel: str, max_depth: int) -> YNode | None:
    # One pass over the parser's events. Event types are compared by identity and the parser is
    # driven directly (no generator): this loop runs for every scalar of every catalogue file.
    stack: list[YMap | YSeq] = []
    pending_key: list[YScalar | None] = []  # for each open mapping: the key awaiting its value
    seen_keys: list[dict[str, YScalar]] = []
    root: YNode | None = None
    documents = 0
    parent: YMap | YSeq | None = None  # stack[-1]

    def attach(node: YNode) -> None:
        nonlocal root
        if parent is None:
            root = node
        elif isinstance(parent, YSeq):
            parent.items.append(node)
        elif (key := pending_key[-1]) is None:
            pending_key[-1] = _mapping_key(node, seen_keys[-1], rel)
        else:
            parent.items.append((key, node))
            pending_key[-1] = None

    parser = _Parser(text)
    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            kind = event.__class__
            if kind is _SCALAR or kind is _MAPPING_START or kind is _SEQUENCE_START:
                mark = event.start_mark
                line = mark.line + 1 if mark else 1
                column = mark.column + 1 if mark else 1
                tag = event.tag
                if event.anchor is not None or (tag is not None and tag not in _PLAIN_TAGS):
                    _check_node_event(event, rel, line, column)
                if kind is _SCALAR:
                    if tag is None:
                        attach(YScalar(event.value, line, column, bool(event.implicit[0]), None))
                    else:  # "!" is the non-specific tag: a string
                        explicit = "tag:yaml.org,2002:str" if tag == "!" else tag
                        attach(YScalar(event.value, line, column, False, explicit))
                    continue
                if len(stack) >= max_depth:
                    raise _refused(
                        "YAML_TOO_DEEP",
                        f"The file nests lists or mappings more than {max_depth} levels deep. "
                        "Catalogue files are flat; check the indentation.",
                        rel,
                        line,
                        column,
                    )
                node: YMap | YSeq
                if kind is _MAPPING_START:
                    node = YMap(line, column)
                    attach(node)
                    pending_key.append(None)
                    seen_keys.append({})
                else:
                    node = YSeq(line, column)
                    attach(node)
                stack.append(node)
                parent = node
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                if stack.pop().__class__ is YMap:
                    pending_key.pop()
                    seen_keys.pop()
                parent = stack[-1] if stack else None
            elif kind is _ALIAS:
                raise _refused(
                    "YAML_ALIAS",
                    f"YAML aliases (*{event.anchor}) are not allowed in the catalogue. "
                    "Write the value out in full.",
                    rel,
                    *_position(event.start_mark),
                )
            elif kind is _DOCUMENT_START:
                documents += 1
                if documents > 1:
                    raise _refused(
                        "YAML_MULTIPLE_DOCUMENTS",
                        "The file holds more than one YAML document ('---'). "
                        "Put one offer, issuer or pathway per file.",
                        rel,
                        *_position(event.start_mark),
                    )
    finally:
        parser.dispose()
    return root


_SCALAR = yaml.ScalarEvent
_MAPPING_START = yaml.MappingStartEvent
_SEQUENCE_START = yaml.SequenceStartEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent
_ALIAS = yaml.AliasEvent
_DOCUMENT_START = yaml.DocumentStartEvent
