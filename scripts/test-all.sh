#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run): installs what the tests need, then runs
# every suite. Each suite prints node's test-runner summary; the last line sums them up.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npm run --silent build
npx tsc -p tsconfig.test.json

node --test --test-reporter=spec --test-reporter-destination=stdout out/test/unit/
