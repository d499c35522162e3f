#!/usr/bin/env bash
# Runs the product on a fresh machine: installs the npm dependencies if missing, then hands over to
# scripts/start.ts (local stack + API + Kafka triggers, in the foreground until Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-dependencies.sh
exec npx tsx scripts/start.ts "$@"
