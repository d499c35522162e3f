#!/usr/bin/env bash
# Lints CloudFormation templates with cfn-lint, installed once (pinned) into the ignored virtualenv
# .stack/python from PyPI. Prints what cfn-lint reports; exits non-zero on any error or warning.
#   usage: bash scripts/cfn-lint.sh <template.json>...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/support/python-tool.sh"
version="1.58.0"
cfn_lint="$(python_tool "$root/.stack/python" cfn-lint "$version" "cfn-lint $version")"
exec "$cfn_lint" "$@"
