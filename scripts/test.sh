#!/usr/bin/env bash
# The whole test suite, self-sufficient on a fresh machine: installs the npm dependencies (Node.js
# 24 among them) if missing, brings up the `test` stack (its own ports, see stack/profiles.ts), runs
# the unit and integration jest projects on Node 24 and always tears that stack down again. Extra
# arguments go to jest. The cluster tests have their own stack and script (scripts/test-cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PEAKCART_NODE:-}" ]; then exec bash scripts/node24.sh bash "$0" "$@"; fi

export SLS_TELEMETRY_DISABLED=1
trap 'tsx stack/cli.ts down --profile test' EXIT
tsx stack/cli.ts up --profile test
jest --ci --selectProjects unit integration "$@"
