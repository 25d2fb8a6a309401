"""The site search index: Pagefind (PyPI `pagefind[bin]`) run over the built site.

Pagefind reads the built HTML pages and writes its bundle (script, WebAssembly, index chunks
and page fragments) into `pagefind/` of the site; the search box (site_src/overrides/partials/
search.html) loads it from there with a relative URL, so the site keeps working under any
sub-path. Only the part of a page marked `data-pagefind-body` (the main content, see
site_src/overrides/main.html) is indexed. It runs as a separate process while the build scans
the site, before the site is swapped into place.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import BuildError

BUNDLE = "pagefind"  # the bundle's folder in the site


class SearchIndex:
    """A running `pagefind` over `site`; `result()` waits for it and raises BuildError."""

    def __init__(self, site: Path) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by result() or close())
        command = [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(site),
            "--output-subdir",
            BUNDLE,
            "--glob",
            "**/*.html",
            # The permalink after each heading ("¶") is not text of the page.
            "--exclude-selectors",
            ".headerlink",
            "--silent",
        ]
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
            )
        except OSError as exc:
            self._log.close()
            raise BuildError(f"Cannot run Pagefind for the site search: {exc}") from exc

    def result(self) -> None:
        if self._proc is None:
            return
        code = self._proc.wait()
        self._proc = None
        self._log.seek(0)
        output = self._log.read().decode("utf-8", "replace").strip()
        self._log.close()
        if code != 0:
            raise BuildError(
                "Pagefind could not index the site for the search (is `pagefind[bin]` "
                "installed? `python3 -m pagefind --version`).",
                output.splitlines()[-20:] or [f"exit status {code}"],
            )

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None
        if not self._log.closed:
            self._log.close()


def start_search_index(site: Path) -> SearchIndex:
    return SearchIndex(site)
