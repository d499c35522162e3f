#!/usr/bin/env bash
# The cluster tests (test/cluster): brings up the `cluster` stack (three Redis Cluster primaries,
# three Kafka nodes and DynamoDB Local, see docs/local-stack.md), runs the jest project `cluster`
# and always tears that stack down again. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-dependencies.sh

trap 'npx tsx stack/cli.ts down --profile cluster' EXIT
npx tsx stack/cli.ts up --profile cluster
npx jest --ci --selectProjects cluster "$@"
