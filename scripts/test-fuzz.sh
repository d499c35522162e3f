#!/usr/bin/env bash
# npm run test:fuzz: schemathesis over the local API's OpenAPI document as four callers (see
# scripts/fuzz.ts). Installs schemathesis once (pinned) into the ignored virtualenv .stack/fuzz-python
# from PyPI, then runs scripts/fuzz.ts on Node 24. Extra arguments go to scripts/fuzz.ts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.stack/fuzz-python"
version="4.32.5"

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qx "schemathesis, version $version"; then
  echo "test:fuzz: installing schemathesis $version into .stack/fuzz-python (first run only)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi
export SCHEMATHESIS="$venv/bin/schemathesis" SLS_TELEMETRY_DISABLED=1
exec bash "$root/scripts/node24.sh" tsx "$root/scripts/fuzz.ts" "$@"
