"""pyld, importable in the browser: an lxml stand-in and no document loaders.

Every module of the verifier that uses pyld imports it from here, so these run first.
"""

from __future__ import annotations

import importlib.util
import sys
import types


def _stub_lxml() -> None:
    """pyld imports `lxml.html` at module level but needs it only for HTML input.

    Pyodide has no lxml; a stub keeps pyld importable there. HTML input is never passed.
    """
    try:
        import lxml.html  # noqa: F401
    except ImportError:
        lxml_mod = types.ModuleType("lxml")
        html_mod = types.ModuleType("lxml.html")

        def _no_html(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("HTML input is not supported")

        html_mod.fromstring = _no_html  # type: ignore[attr-defined]
        lxml_mod.html = html_mod  # type: ignore[attr-defined]
        sys.modules.setdefault("lxml", lxml_mod)
        sys.modules.setdefault("lxml.html", html_mod)


def _pyld_without_its_loaders() -> None:
    """In the browser, let pyld's modules import without its package `__init__`.

    pyld/__init__.py imports every document loader, and its file loader imports urllib.request,
    which brings http.client and the email package. Pyodide's standard library ships as source,
    so that is a quarter of a second of compiling at every start of the browser verifier, for
    loaders the verifier never uses (its own loader serves the bundled contexts). There, the
    package module is created from its spec without running `__init__`; its submodules
    (pyld.jsonld, pyld.canon, ...) import as usual. CPython keeps the whole package.
    """
    if sys.platform != "emscripten" or "pyld" in sys.modules:
        return
    spec = importlib.util.find_spec("pyld")
    if spec is not None and spec.submodule_search_locations is not None:
        sys.modules["pyld"] = importlib.util.module_from_spec(spec)


_stub_lxml()
_pyld_without_its_loaders()

from frozendict import frozendict  # noqa: E402
from pyld import jsonld as pyld  # noqa: E402
from pyld.canon import URDNA2015  # noqa: E402
from pyld.identifier_issuer import IdentifierIssuer  # noqa: E402
from pyld.nquads import RDF_LANGSTRING, XSD_STRING  # noqa: E402
from pyld.nquads import escape as nquads_escape  # noqa: E402

__all__ = [
    "RDF_LANGSTRING",
    "URDNA2015",
    "XSD_STRING",
    "IdentifierIssuer",
    "frozendict",
    "nquads_escape",
    "pyld",
]
