#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run). On a clean checkout it installs what the
# tests need — npm packages, Debian's Chromium, code-server, the control plane and the kind test
# bed built from the Go module proxy (all cached under ~/.cache/kube-topology) — then runs every
# suite, keeps going when one fails, and ends with one line: "N passed, N failed".
#
# The infrastructure set-up runs in the background while the suites that need none (unit, fuzz,
# stress) run, so a cold machine overlaps downloads and Go builds with testing; a warm one sets
# up in seconds either way.
#
# KUBE_TOPOLOGY_SUITES="unit browser" runs a subset (default: all).
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
suites=${KUBE_TOPOLOGY_SUITES:-"unit fuzz stress browser cluster e2e kind"}
results=$(mktemp -d)
setup_pid=
cleanup() {
  [ -n "$setup_pid" ] && kill "$setup_pid" 2>/dev/null
  rm -rf "$results"
}
trap cleanup EXIT

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

# Test infrastructure, each script a no-op when its cache is warm. One background job, steps in
# order (the Go builds share one build cache, so running them side by side would only thrash).
setup_infrastructure() {
  local t
  timed() { t=$(date +%s); "$@"; local rc=$?; echo "=== set-up: $1 $2: $(( $(date +%s) - t )) s (exit $rc)"; return $rc; }
  if wants browser || wants e2e; then timed bash test/support/chromium.sh || return 1; fi
  if wants e2e; then timed bash test/e2e/setup.sh || return 1; fi
  if wants cluster; then timed bash test/cluster/build.sh || return 1; fi
  if wants kind; then timed as_root bash test/kind/prepare.sh || return 1; fi
}
needs_setup=0
for s in browser e2e cluster kind; do wants "$s" && needs_setup=1; done
if [ "$needs_setup" = 1 ]; then
  step "test infrastructure set-up (background, log: $results/setup.log)"
  setup_infrastructure >"$results/setup.log" 2>&1 &
  setup_pid=$!
fi

run_suite() {
  local name=$1 dir="out/test/$1"
  compgen -G "$dir/*.test.js" >/dev/null || { echo "=== suite $name: no tests"; return; }
  step "suite $name"
  local t0; t0=$(date +%s)
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$results/$name.tap" "$dir"/
  echo "=== suite $name: $(( $(date +%s) - t0 )) s"
}

setup_ok=1
wait_for_setup() {
  [ -n "$setup_pid" ] || return 0
  wait "$setup_pid" || setup_ok=0
  setup_pid=
  step "set-up log"
  cat "$results/setup.log"
  echo "=== set-up done at $(( $(date +%s) - started )) s"
  [ "$setup_ok" = 1 ] || { echo "test-all: test infrastructure set-up failed (log above)" >&2; echo "setup: 0 passed, 1 failed" >"$results/setup.failed"; }
}

for s in $suites; do
  case $s in
    unit | fuzz | stress) run_suite "$s" ;;
  esac
done
wait_for_setup
if [ "$setup_ok" = 1 ]; then
  for s in $suites; do
    case $s in
      unit | fuzz | stress) ;;
      *) run_suite "$s" ;;
    esac
  done
fi

pass=0; fail=0
[ -f "$results/setup.failed" ] && fail=1
for f in "$results"/*.tap; do
  [ -f "$f" ] || continue
  p=$(grep -E '^# pass ' "$f" | tail -1 | awk '{print $3}'); x=$(grep -E '^# fail ' "$f" | tail -1 | awk '{print $3}')
  c=$(grep -E '^# cancelled ' "$f" | tail -1 | awk '{print $3}')
  echo "    $(basename "$f" .tap): ${p:-0} passed, ${x:-0} failed, ${c:-0} cancelled"
  pass=$(( pass + ${p:-0} )); fail=$(( fail + ${x:-0} + ${c:-0} ))
  [ -n "$p" ] || fail=$(( fail + 1 ))   # a suite that crashed before its summary
done
echo "=== all suites in $(( $(date +%s) - started )) s"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
