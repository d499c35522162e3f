#!/usr/bin/env bash
# Installs the npm dependencies pinned in package-lock.json when node_modules is missing.
# `npm install` rather than `npm ci`: the lock cannot list the platform binaries of esbuild, swc
# and biome for every other OS, which `npm ci` would demand; versions still come from the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
