#!/usr/bin/env bash
# Installs the npm dependencies pinned in package-lock.json when node_modules (or the project's own
# Node.js, node_modules/.bin/node) is missing. `npm install` rather than `npm ci`: the lock cannot
# list the platform binaries of esbuild, swc and biome for every other OS, which `npm ci` would
# demand; versions still come from the lock. npm itself may run on an older system Node: the
# EBADENGINE warnings it prints then are about that Node, not the one the project runs on.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/node ] || npm install --no-audit --no-fund
