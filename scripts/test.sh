#!/usr/bin/env bash
# The whole test suite, self-sufficient on a fresh machine: installs the npm dependencies if missing,
# brings up the `test` stack (its own ports, see stack/profiles.ts), runs every jest project and
# always tears that stack down again. Extra arguments go to jest. The cluster tests have their own
# stack and script (scripts/test-cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-dependencies.sh

export SLS_TELEMETRY_DISABLED=1
trap 'npx tsx stack/cli.ts down --profile test' EXIT
npx tsx stack/cli.ts up --profile test
npx jest --ci --selectProjects unit integration "$@"
