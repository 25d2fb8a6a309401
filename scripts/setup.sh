#!/usr/bin/env bash
# Install everything credsite needs on a fresh Debian machine (run from the repository root).
# As root it also installs Debian's Chromium (browser tests) and npm if missing; as a normal
# user it expects them to be there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = "0" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
    command -v npm >/dev/null || apt-get install -y -qq nodejs npm >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
npm ci --no-audit --no-fund --loglevel=error
