#!/usr/bin/env bash
# The cluster tests (test/cluster) on Node 24: brings up the `cluster` stack (three Redis Cluster
# primaries, three Kafka nodes and DynamoDB Local, see docs/local-stack.md), runs the jest project
# `cluster` and always tears that stack down again. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PEAKCART_NODE:-}" ]; then exec bash scripts/node24.sh bash "$0" "$@"; fi

trap 'tsx stack/cli.ts down --profile cluster' EXIT
tsx stack/cli.ts up --profile cluster
jest --ci --selectProjects cluster "$@"
