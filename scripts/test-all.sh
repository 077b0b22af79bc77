#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run). On a clean checkout it installs what the
# tests need — npm packages, Debian's Chromium, code-server, the control plane and the kind test
# bed built from the Go module proxy (all cached under ~/.cache/kube-topology) — then runs every
# suite, keeps going when one fails, and ends with one line: "N passed, N failed".
#
# KUBE_TOPOLOGY_SUITES="unit browser" runs a subset (default: all).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$(date +%s)
suites=${KUBE_TOPOLOGY_SUITES:-"unit fuzz stress browser cluster e2e kind"}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

step() { echo "=== $*"; }
die() { echo "test-all: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
wants() { [[ " $suites " == *" $1 "* ]]; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -E "$@"; fi; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund || die "npm ci failed"
fi

step "build (esbuild) and type checks"
npm run --silent build || die "build failed"
npx tsc -p webview/tsconfig.json --noEmit || die "webview type check failed"
npx tsc -p tsconfig.test.json || die "test compilation failed"

# Test infrastructure; each script is a no-op when its cache is warm.
if wants browser || wants e2e; then step "Chromium"; bash test/support/chromium.sh || die "Chromium set-up failed"; fi
if wants e2e && [ -f test/e2e/setup.sh ]; then step "code-server"; bash test/e2e/setup.sh || die "code-server set-up failed"; fi
if wants cluster; then step "control plane binaries"; bash test/cluster/build.sh || die "control plane build failed"; fi
if wants kind; then step "kind test bed"; as_root bash test/kind/prepare.sh || die "kind test bed set-up failed"; fi
echo "=== set-up done in $(( $(date +%s) - started )) s"

run_suite() {
  local name=$1 dir="out/test/$1"
  compgen -G "$dir/*.test.js" >/dev/null || { echo "=== suite $name: no tests"; return; }
  step "suite $name"
  local t0; t0=$(date +%s)
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$results/$name.tap" "$dir"/
  echo "=== suite $name: $(( $(date +%s) - t0 )) s"
}

for s in $suites; do run_suite "$s"; done

pass=0; fail=0
for f in "$results"/*.tap; do
  [ -f "$f" ] || continue
  p=$(grep -E '^# pass ' "$f" | tail -1 | awk '{print $3}'); x=$(grep -E '^# fail ' "$f" | tail -1 | awk '{print $3}')
  c=$(grep -E '^# cancelled ' "$f" | tail -1 | awk '{print $3}')
  n=$(basename "$f" .tap)
  echo "    $n: ${p:-0} passed, ${x:-0} failed, ${c:-0} cancelled"
  pass=$(( pass + ${p:-0} )); fail=$(( fail + ${x:-0} + ${c:-0} ))
  [ -n "$p" ] || fail=$(( fail + 1 ))   # a suite that crashed before its summary
done
echo "=== all suites in $(( $(date +%s) - started )) s"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
