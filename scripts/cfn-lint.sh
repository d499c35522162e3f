#!/usr/bin/env bash
# Lints CloudFormation templates with cfn-lint, installed once (pinned) into the ignored virtualenv
# .stack/python from PyPI. Prints what cfn-lint reports; exits non-zero on any error or warning.
#   usage: bash scripts/cfn-lint.sh <template.json>...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.stack/python"
version="1.58.0"

if ! "$venv/bin/cfn-lint" --version 2>/dev/null | grep -qx "cfn-lint $version"; then
  echo "cfn-lint: installing cfn-lint $version into .stack/python (first run only)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$version"
fi
exec "$venv/bin/cfn-lint" "$@"
