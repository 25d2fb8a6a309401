"""The site's languages: interface strings (gettext catalogues), locale formatting, and the
language of catalogue text.

Rendering happens in one language at a time. `activate(lang)` sets it for the code inside the
`with` block (a context variable, so threads and tasks each keep their own); everything below
reads it:

- `_(msgid, **params)`: the interface string in the active language, `{name}` placeholders
  filled. Msgids are the English text; the catalogues are `build_tools/locale/<lang>.po`
  (docs/translating.md), checked and compiled when the build starts (`catalogs.py`).
- `N_(msgid)`: marks a string for extraction where it is defined (a label table) and returns
  it unchanged; translate it with `_()` where it is shown.
- `number()`, `date()`: numbers and dates the way the active locale writes them (Babel, CLDR).
- `text(langmap)`: catalogue text in the active language, else in English; the result is a
  `Text` (a `str`) that knows its language, so that renderers mark English fallbacks with
  `lang="en"`.
- `language_name()`, `country_name()`: CLDR names in the active language.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from .catalogs import DEFAULT_LANGUAGE, strings_for

__all__ = [
    "DEFAULT_LANGUAGE",
    "N_",
    "Text",
    "_",
    "activate",
    "active",
    "country_name",
    "date",
    "language_name",
    "number",
    "text",
]

_ACTIVE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "credsite_language", default=DEFAULT_LANGUAGE
)


@contextmanager
def activate(lang: str) -> Iterator[str]:
    """Render in `lang` inside the block."""
    token = _ACTIVE.set(lang)
    try:
        yield lang
    finally:
        _ACTIVE.reset(token)


def active() -> str:
    """The language pages are rendered in now."""
    return _ACTIVE.get()


def N_(msgid: str) -> str:
    return msgid


def _(msgid: str, /, **params: object) -> str:
    """`msgid` in the active language, with `{name}` placeholders filled from `params`."""
    lang = _ACTIVE.get()
    translated = msgid if lang == DEFAULT_LANGUAGE else strings_for(lang).get(msgid) or msgid
    return translated.format(**params) if params else translated


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def number(value: float | int | None) -> str:
    """3 -> "3", 1.5 -> "1.5" (English) or "1,5" (Latvian); "" for None."""
    if value is None:
        return ""
    if float(value).is_integer():
        value = int(value)
    return format_decimal(value, locale=_locale(_ACTIVE.get()), group_separator=False)


def date(value: dt.date | None) -> str:
    """A date spelled out the locale's way: "1 February 2027", "2027. gada 1. februāris"."""
    if value is None:
        return ""
    lang = _ACTIVE.get()
    if lang == "en":  # day first, as in the European Union's English style guide
        return f"{value.day} {value.strftime('%B')} {value.year}"
    return format_date(value, "long", locale=_locale(lang))


class Text(str):
    """Catalogue text with the language it is written in."""

    __slots__ = ("lang",)
    lang: str

    def __new__(cls, value: str, lang: str) -> Text:
        obj = super().__new__(cls, value)
        obj.lang = lang
        return obj


def text(langmap: Mapping[str, str] | None) -> Text:
    """The text of a language map in the active language; else English; else any language."""
    if not langmap:
        return Text("", _ACTIVE.get())
    lang = _ACTIVE.get()
    value = langmap.get(lang)
    if value:
        return Text(value, lang)
    if langmap.get(DEFAULT_LANGUAGE):
        return Text(langmap[DEFAULT_LANGUAGE], DEFAULT_LANGUAGE)
    for other, value in langmap.items():
        if value:
            return Text(value, other)
    return Text("", lang)


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def language_name(code: str) -> str | None:
    """The name of a language (ISO 639-1) in the active language, or None if CLDR has none."""
    name = _locale(_ACTIVE.get()).languages.get(code)
    return _capitalised(name) if name else None


def country_name(code: str) -> str | None:
    """The name of a country (ISO 3166-1 alpha-2) in the active language, or None."""
    name = _locale(_ACTIVE.get()).territories.get(code.upper())
    return _capitalised(name) if name else None
