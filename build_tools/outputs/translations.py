"""The translations summary on the maintainers' page (`<!-- credsite:translations -->`): for each
language of the site, how many offers have their title and description in it, how many
interface strings are translated, and whether a native speaker has reviewed them
(build_tools/locale/reviews.yaml)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from babel import Locale

from build_tools.catalogue.model import Catalogue
from build_tools.i18n import DEFAULT_LANGUAGE
from build_tools.i18n.catalogs import LOCALE_DIR, completeness

from .common import md_escape


@cache
def reviews() -> dict[str, Any]:
    """{lang: {"reviewed_by": ..., "date": ...}} from build_tools/locale/reviews.yaml."""
    path = LOCALE_DIR / "reviews.yaml"
    data = yaml.safe_load(path.read_text("utf-8")) if path.is_file() else None
    return data if isinstance(data, dict) else {}


def offers_complete(catalogue: Catalogue, lang: str) -> int:
    """Offers whose title and description are both written in `lang`."""
    return sum(
        1
        for o in catalogue.offers.values()
        if o.title.get(lang) and (not o.description or o.description.get(lang))
    )


def render_translations_summary(catalogue: Catalogue) -> str:
    """The summary as a Markdown list, one language an item (in English: the maintainers' page
    is English; a list rather than a table, which would not fit a phone's width)."""
    total = len(catalogue.offers)
    items = []
    for lang in catalogue.alliance.languages:
        name = Locale.parse(lang).get_display_name("en") or lang
        done, strings = completeness(lang)
        if lang == DEFAULT_LANGUAGE:
            review = "the source language"
        else:
            entry = reviews().get(lang) or {}
            who = str(entry.get("reviewed_by") or "").strip()
            when = str(entry.get("date") or "").strip()
            review = (
                f"reviewed by {who}{f', {when}' if when else ''}"
                if who
                else "not yet reviewed by a native speaker"
            )
        items.append(
            f"- **{md_escape(name)}** (`{lang}`): {offers_complete(catalogue, lang)} of {total} "
            f"offers with title and description in it; {done} of {strings} interface strings "
            f"translated; {md_escape(review)}."
        )
    return "\n".join(items) + "\n"
