#!/usr/bin/env bash
# Install everything credsite needs (run from anywhere; it works in the repository root).
#
# - As root on Debian it installs what is missing of python3-venv (for the project's virtual
#   environment), Chromium (browser tests) and npm; as a normal user it expects them there.
# - Python packages go into the project's virtual environment .venv/, never into the system
#   Python: Debian's Python refuses that (PEP 668, "externally-managed-environment").
#   `credsite` is then .venv/bin/credsite (or `credsite` after `. .venv/bin/activate`).
# - The pinned npm packages (the verifier's Pyodide runtime) go into node_modules/ (`npm ci`).
#
# Running it again is quick: each step is skipped when what it would install is already there
# and pyproject.toml / package-lock.json have not changed since.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
say() { printf 'setup: %s\n' "$*"; }

# The interpreter for the virtual environment: Debian's own Python as root on Debian (not
# whatever else is first on PATH; a minimal Debian has none yet, python3-venv brings it),
# otherwise python3 from PATH. CREDSITE_PYTHON overrides.
if [ -n "${CREDSITE_PYTHON:-}" ]; then
    PYTHON=$CREDSITE_PYTHON
elif [ "$(id -u)" = "0" ] && [ -r /etc/debian_version ] && command -v apt-get >/dev/null; then
    PYTHON=/usr/bin/python3
else
    PYTHON=python3
fi

# Debian packages, as root only, and apt only when something is missing.
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then
    installed() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
    missing=()
    if [ "$PYTHON" = /usr/bin/python3 ]; then
        installed python3-venv || missing+=(python3-venv)
    fi
    installed chromium || missing+=(chromium)
    command -v npm >/dev/null || missing+=(nodejs npm)
    if [ "${#missing[@]}" -gt 0 ]; then
        say "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi

if ! command -v "$PYTHON" >/dev/null; then
    say "no $PYTHON found: install Python 3.11 or later (Debian: apt-get install python3-venv)" >&2
    exit 1
fi
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    say "$PYTHON is $("$PYTHON" -V 2>&1); credsite needs Python 3.11 or later" >&2
    exit 1
}

# The virtual environment: reused while its Python runs, made anew otherwise.
if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say "creating the virtual environment $VENV/ with $PYTHON ($("$PYTHON" -V 2>&1))"
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV"; then
        say "could not create $VENV/ (on Debian: apt-get install python3-venv, as root)" >&2
        rm -rf "$VENV"
        exit 1
    fi
fi

# credsite (editable, so code changes need no reinstall) and its test tools. Done again only
# when pyproject.toml changes or the install is gone.
stamp="$VENV/.credsite-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/credsite" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing credsite and its test tools into $VENV/"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
    printf '%s\n' "$want" >"$stamp"
fi
# The site search index is built by Pagefind's binary, from the pagefind[bin] wheel.
"$VENV/bin/python" -m pagefind --version >/dev/null || {
    say "pagefind does not run (python -m pagefind); the site build needs it" >&2
    exit 1
}

# The pinned npm packages. `npm ci` starts from an empty node_modules/, so it runs only when
# package-lock.json changed since the last run here or node_modules/ is missing.
npm_stamp=node_modules/.credsite-npm-ci
npm_want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
    say "installing the pinned npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    printf '%s\n' "$npm_want" >"$npm_stamp"
fi

say "ready: run .venv/bin/credsite, or '. .venv/bin/activate' and then credsite"
