#!/usr/bin/env bash
# npm run test:fuzz: schemathesis over the local API's OpenAPI document as four callers (see
# scripts/fuzz.ts). Installs schemathesis once (pinned) into the ignored virtualenv .stack/fuzz-python
# from PyPI, then runs scripts/fuzz.ts on Node 24. Extra arguments go to scripts/fuzz.ts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/support/python-tool.sh"
version="4.32.5"
schemathesis="$(python_tool "$root/.stack/fuzz-python" schemathesis "$version" "schemathesis, version $version")"
export SCHEMATHESIS="$schemathesis" SLS_TELEMETRY_DISABLED=1
exec bash "$root/scripts/node24.sh" tsx "$root/scripts/fuzz.ts" "$@"
