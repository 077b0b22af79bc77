#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run). On a clean checkout it installs what the
# tests need — npm packages, Debian's Chromium, code-server, the control plane and the kind test
# bed built from the Go module proxy (all cached under ~/.cache/kube-topology) — then runs every
# suite, keeps going when one fails, and ends with one line: "N passed, N failed".
#
# The infrastructure set-up runs in the background while the suites that need none (unit, fuzz,
# stress) run, and each later suite starts as soon as its own infrastructure is ready (browser:
# Chromium; cluster: the control plane; e2e: code-server, and the kind test bed for the files
# that drive kind), so a cold machine overlaps downloads and Go builds with testing; a warm one
# sets up in seconds either way.
#
# KUBE_TOPOLOGY_SUITES="unit browser" runs a subset (default: all). The precision suite reads the
# training set from ../shared/real-world (docs/precision.md).
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
suites=${KUBE_TOPOLOGY_SUITES:-"unit precision fuzz stress browser cluster e2e kind"}
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
# Lint (typescript-eslint with type information) and formatting are part of the tests: each
# counts as one check in the summary, and a failure does not stop the suites.
step "lint and format"
npm run --silent lint && echo "lint: clean" || { echo "lint: 0 passed, 1 failed" >"$results/lint.failed"; echo "test-all: lint failed (above)" >&2; }
npm run --silent format:check || { echo "format: 0 passed, 1 failed" >"$results/format.failed"; echo "test-all: formatting differs: npm run format" >&2; }

# Test infrastructure, each script a no-op when its cache is warm. One background job, steps in
# order (the Go builds share one build cache, so running them side by side would only thrash);
# each step leaves a marker when it is done, and every suite starts as soon as what it needs is
# ready, so the browser and cluster suites run while the kind test bed is still being built.
setup_infrastructure() {
  local t
  timed() { t=$(date +%s); "$@"; local rc=$?; echo "=== set-up: $1 $2: $(( $(date +%s) - t )) s (exit $rc)"; return $rc; }
  mark() { touch "$results/ready-$1"; }
  if wants browser || wants e2e; then timed bash test/support/chromium.sh && mark chromium || return 1; fi
  if wants e2e; then timed bash test/e2e/setup.sh && mark code-server || return 1; fi
  if wants cluster || wants e2e; then timed bash test/cluster/build.sh && mark control-plane || return 1; fi
  if wants kind || wants e2e; then timed as_root bash test/kind/prepare.sh && mark kind || return 1; fi
}
needs_setup=0
for s in browser e2e cluster kind; do wants "$s" && needs_setup=1; done
if [ "$needs_setup" = 1 ]; then
  step "test infrastructure set-up (background, log: $results/setup.log)"
  setup_infrastructure >"$results/setup.log" 2>&1 &
  setup_pid=$!
fi

# run_suite NAME [FILE...]: the suite's folder, or the given test files of it; results add up per name.
run_suite() {
  local name=$1; shift
  local dir="out/test/${name%%-*}" files=("$@")
  [ ${#files[@]} -gt 0 ] || files=("$dir"/)
  compgen -G "$dir/*.test.js" >/dev/null || { echo "=== suite $name: no tests"; return; }
  step "suite $name"
  local t0; t0=$(date +%s)
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$results/$name.tap" "${files[@]}"
  echo "=== suite $name: $(( $(date +%s) - t0 )) s"
}

setup_failed=0
setup_log_shown=0
show_setup_log() {
  [ "$setup_log_shown" = 0 ] || return 0
  setup_log_shown=1
  step "set-up log"
  cat "$results/setup.log"
}
# Waits until every named piece of infrastructure is ready; false (and the log shown) if set-up failed first.
ready() {
  local need
  for need in "$@"; do
    while [ ! -e "$results/ready-$need" ]; do
      if [ -n "$setup_pid" ] && ! kill -0 "$setup_pid" 2>/dev/null; then
        wait "$setup_pid" || true
        setup_pid=
      fi
      if [ -z "$setup_pid" ] && [ ! -e "$results/ready-$need" ]; then
        if [ "$setup_failed" = 0 ]; then
          setup_failed=1
          show_setup_log
          echo "test-all: test infrastructure set-up failed (log above)" >&2
          echo "setup: 0 passed, 1 failed" >"$results/setup.failed"
        fi
        return 1
      fi
      sleep 2
    done
  done
  echo "=== $* ready at $(( $(date +%s) - started )) s"
}

for s in $suites; do
  case $s in
    unit | precision | fuzz | stress) run_suite "$s" ;;
  esac
done
# The e2e files that drive a kind cluster wait for the kind test bed; the others run before it.
e2e_kind=(out/test/e2e/kindJourney.test.js out/test/e2e/scaling.test.js)
e2e_rest=()
for f in out/test/e2e/*.test.js; do [[ " ${e2e_kind[*]} " == *" $f "* ]] || e2e_rest+=("$f"); done
existing_kind=()
for f in "${e2e_kind[@]}"; do [ -f "$f" ] && existing_kind+=("$f"); done
wants browser && ready chromium && run_suite browser
wants cluster && ready control-plane && run_suite cluster
wants e2e && ready chromium code-server control-plane && run_suite e2e "${e2e_rest[@]}"
wants kind && ready kind && run_suite kind
wants e2e && [ ${#existing_kind[@]} -gt 0 ] && ready chromium code-server kind && run_suite e2e-kind "${existing_kind[@]}"
if [ -n "$setup_pid" ]; then wait "$setup_pid" || true; setup_pid=; fi
show_setup_log
echo "=== set-up and suites done at $(( $(date +%s) - started )) s"

pass=0; fail=0
for f in setup lint format; do
  if [ -f "$results/$f.failed" ]; then fail=$(( fail + 1 )); echo "    $(cat "$results/$f.failed")"; fi
done
for f in lint format; do [ -f "$results/$f.failed" ] || pass=$(( pass + 1 )); done
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
