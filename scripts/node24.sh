#!/usr/bin/env bash
# Runs a command on the project's own Node.js 24 (the `node` devDependency, which installs the
# official build into node_modules): the machine's Node may be older, and Lambda runs nodejs24.x.
# Installs the npm dependencies first when they are missing, puts node_modules/.bin first on PATH
# (so `node`, `tsx`, `jest` and `serverless` all run on it, and so do their child processes), says
# which Node runs once, and refuses any other major.
#   usage: bash scripts/node24.sh <command> [arguments...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

bash "$root/scripts/ensure-dependencies.sh"
export PATH="$root/node_modules/.bin:$PATH"
# tsx compiles scripts to CommonJS, whose require never resolves middy 7's import-only exports.
case " ${NODE_OPTIONS:-} " in
  *middy-require.cjs*) ;;
  *) export NODE_OPTIONS="--require $root/scripts/support/middy-require.cjs${NODE_OPTIONS:+ $NODE_OPTIONS}" ;;
esac
version="$(node --version)"
if [[ "$version" != v24.* ]]; then
  echo "node24: expected Node.js 24 from node_modules/.bin/node, found $version; run: rm -rf node_modules && npm install" >&2
  exit 1
fi
# Said once per command line: nested calls (npm test -> stack up) inherit the variable.
if [ -z "${PEAKCART_NODE:-}" ]; then
  export PEAKCART_NODE="$version"
  echo "node ${version#v} ($root/node_modules/.bin/node)" >&2
fi
exec "$@"
