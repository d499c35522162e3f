#!/usr/bin/env bash
# Runs the product on a fresh machine: installs the npm dependencies (Node.js 24 among them) if
# missing, then hands over to scripts/start.ts (local stack + API + Kafka triggers, in the
# foreground until Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

exec bash scripts/node24.sh tsx scripts/start.ts "$@"
