#!/usr/bin/env bash
# Start the cluster tests' local control plane by hand (see README.md):
#   eval "$(test/cluster/cluster.sh up)"    # builds if needed, starts, prints `export KUBECONFIG=...`
#   kubectl get nodes                       # contexts: kt-admin (current), kt-restricted
#   test/cluster/cluster.sh env             # print the export line again
#   test/cluster/cluster.sh status          # running or not, where the logs are
#   test/cluster/cluster.sh down            # stop every component, remove the temp dir
# Messages go to stderr; stdout carries only the shell lines, so `eval "$(... up)"` works.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache_root=${KUBE_TOPOLOGY_CLUSTER_CACHE:-$HOME/.cache/kube-topology/cluster}
bin="$cache_root/$KUBE_VERSION/bin"
state=${KUBE_TOPOLOGY_CLUSTER_STATE:-$cache_root/run}
js_dir="$root/out/cluster-cli"

running_pid() { # prints the supervisor's pid if it runs
  local pid
  pid=$(cat "$state/pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q controlPlane "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

compile() { # the CLI is controlPlane.ts itself, compiled alone (other tests' state does not matter)
  if [ ! -f "$js_dir/controlPlane.js" ] || [ "$here/controlPlane.ts" -nt "$js_dir/controlPlane.js" ]; then
    [ -x "$root/node_modules/.bin/tsc" ] || { echo "cluster.sh: run 'npm ci' first (needs typescript)" >&2; exit 1; }
    "$root/node_modules/.bin/tsc" --outDir "$js_dir" --rootDir "$here" --module commonjs --moduleResolution node10 \
      --target es2022 --lib es2022 --types node --typeRoots "$root/node_modules/@types" --strict --esModuleInterop \
      --skipLibCheck "$here/controlPlane.ts"
  fi
}

case "${1:-}" in
  up)
    if pid=$(running_pid) && [ -f "$state/env" ]; then
      echo "cluster.sh: already running (pid $pid)" >&2
      cat "$state/env"; exit 0
    fi
    bash "$here/build.sh" >&2
    compile
    mkdir -p "$state"
    rm -f "$state/env" "$state/pid"
    t0=$(date +%s%N)
    # Its own session: a Ctrl-C in this terminal later does not reach the components.
    setsid node "$js_dir/controlPlane.js" serve --state-dir "$state" --bin-dir "$bin" \
      >"$state/supervisor.log" 2>&1 </dev/null &
    sup=$!
    for _ in $(seq 1 1800); do
      [ -f "$state/env" ] && break
      kill -0 "$sup" 2>/dev/null || { echo "cluster.sh: start failed; $state/supervisor.log:" >&2; cat "$state/supervisor.log" >&2; exit 1; }
      sleep 0.1
    done
    [ -f "$state/env" ] || { echo "cluster.sh: not ready after 180 s; see $state/supervisor.log" >&2; exit 1; }
    echo "cluster.sh: up in $(( ($(date +%s%N) - t0) / 1000000 )) ms (pid $(cat "$state/pid"); log $state/supervisor.log)" >&2
    cat "$state/env"
    ;;
  down)
    if ! pid=$(running_pid); then echo "cluster.sh: not running" >&2; rm -f "$state/env" "$state/pid"; exit 0; fi
    t0=$(date +%s%N)
    kill -TERM "$pid"
    for _ in $(seq 1 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "cluster.sh: pid $pid still running after 40 s: SIGKILL (the next start reaps its components)" >&2
      kill -KILL "$pid"
    fi
    rm -f "$state/env" "$state/pid"
    echo "cluster.sh: stopped in $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
    ;;
  env)
    if running_pid >/dev/null && [ -f "$state/env" ]; then cat "$state/env"; else echo "cluster.sh: not running (cluster.sh up)" >&2; exit 1; fi
    ;;
  status)
    if pid=$(running_pid); then echo "running (pid $pid)"; cat "$state/env" 2>/dev/null || true; else echo "not running"; fi
    ;;
  *)
    echo "usage: $0 up|down|env|status" >&2; exit 2 ;;
esac
