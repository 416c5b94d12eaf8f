#!/usr/bin/env bash
# `npm test`: everything CI runs — type check, unit and integration tests (on PostgreSQL and on
# the embedded PGlite), then the browser tests in Chromium against a production build.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
mkdir -p test-results
status=0

echo "== type check"
node_modules/.bin/tsc --noEmit -p . || status=1

echo "== unit and integration tests (vitest)"
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

if [ -f playwright.config.ts ]; then
  echo "== browser tests (playwright, chromium)"
  node_modules/.bin/playwright test --reporter=list,json || status=1
fi

# One closing line with the totals of every runner.
node scripts/test-summary.mjs test-results/vitest.json test-results/playwright.json || status=1
exit $status
