#!/usr/bin/env bash
# `npm test`: everything CI runs — type check, lint and format check, unit and integration tests (on PostgreSQL and on
# the embedded PGlite), then the browser tests in Chromium against a production build.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
mkdir -p test-results
status=0

echo "== type check"
node_modules/.bin/tsc --noEmit -p . || status=1

echo "== lint (eslint) and format (prettier --check)"
node_modules/.bin/eslint . || status=1
node_modules/.bin/prettier --check --log-level warn . || status=1

echo "== unit and integration tests (vitest)"
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

echo "== production build"
if node_modules/.bin/next build >test-results/next-build.log 2>&1; then
  echo "== browser and HTTP tests (playwright, chromium)"
  node_modules/.bin/playwright test || status=1
else
  tail -n 40 test-results/next-build.log
  echo "next build failed: browser tests not run"
  status=1
fi

# One closing line with the totals of every runner.
node scripts/test-summary.mjs test-results/vitest.json test-results/playwright.json || status=1
exit $status
