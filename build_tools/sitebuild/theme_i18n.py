"""A MkDocs hook (mkdocs.yml `hooks:`) that lets the theme overrides speak the build's language.

`credsite build` runs MkDocs once per language with `extra.i18n.lang` set (tree.py); this hook
gives the theme templates `_()` in that language, the same function the page templates use, so
that the overrides' strings (site_src/overrides/) are extracted and translated like the rest.
"""

from __future__ import annotations

from typing import Any

from build_tools import i18n


def on_env(env: Any, config: Any, files: Any) -> Any:
    lang = str((config.get("extra") or {}).get("i18n", {}).get("lang", i18n.DEFAULT_LANGUAGE))

    def translate(msgid: str, /, **params: object) -> str:
        with i18n.activate(lang):
            return i18n._(msgid, **params)

    env.globals["_"] = translate
    return env
