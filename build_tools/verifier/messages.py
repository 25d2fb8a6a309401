"""Check messages that can be shown in other languages.

A check writes a message with values as `msg("The credential expired on {date}.", date=...)`:
the result is the English text (a `str`) that also keeps its template and values; a message
without values is a plain string literal (extracted from the calls that carry it:
`build_tools/i18n/extract.py`). `translated()`
gives the text in another language from a table {English template: translation}; the table
comes from the site's translation catalogues (docs/translating.md), which the verifier does
not read itself: the CLI and the verify page pass it in. Codes never change with the language;
only `message` does.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["Message", "msg", "translated"]


# A value filled into a message: text shown as it is (a name, a date, a number), a `Message`
# (translated too), or a list of messages (translated one by one, joined with ", ").
Value = str | tuple["Message", ...]


class Message(str):
    """English text that remembers the template and values it was made from."""

    __slots__ = ("params", "template")
    template: str
    params: dict[str, Value]

    def __new__(cls, template: str, params: dict[str, Value]) -> Message:
        english = {k: _joined(v, None) for k, v in params.items()}
        obj = super().__new__(cls, template.format(**english) if params else template)
        obj.template = template
        obj.params = params
        return obj


def _joined(value: Value, table: Mapping[str, str] | None) -> str:
    if isinstance(value, tuple):
        return ", ".join(translated(v, table) for v in value)
    return translated(value, table) if isinstance(value, Message) else value


def msg(template: str, /, **params: object) -> Message:
    """A message from a template with `{name}` placeholders (the msgid translators see).
    Values that are messages, or lists of messages, are translated with it."""
    values: dict[str, Value] = {}
    for key, value in params.items():
        if isinstance(value, list | tuple) and all(isinstance(v, Message) for v in value):
            values[key] = tuple(value)
        else:
            values[key] = value if isinstance(value, Message) else str(value)
    return Message(template, values)


def translated(text: str, table: Mapping[str, str] | None) -> str:
    """`text` in the table's language: a `Message` by its template, any other text by itself
    (a message without values is written as a plain string); as is when the table has none."""
    if not table:
        return str(text)
    if not isinstance(text, Message):
        return table.get(text) or str(text)
    target = table.get(text.template)
    if not target:
        return str(text)
    try:
        return target.format(**{k: _joined(v, table) for k, v in text.params.items()})
    except (KeyError, IndexError, ValueError):  # a broken translation never breaks a report
        return str(text)
