#!/usr/bin/env bash
# Packages every function and the CloudFormation template into .serverless/ without an AWS account.
# Extra arguments go to `serverless package` (osls), e.g. --stage prod.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PEAKCART_NODE:-}" ]; then exec bash scripts/node24.sh bash "$0" "$@"; fi

export SLS_TELEMETRY_DISABLED=1
# Packaging resolves no AWS resource; the SDK only needs credentials to exist.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-packaging-only}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-packaging-only}"
exec serverless package "$@"
