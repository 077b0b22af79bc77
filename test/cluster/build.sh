#!/usr/bin/env bash
# Builds the local Kubernetes control plane used by the cluster tests from the Go module proxy:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl  (tools/k8s, k8s.io/kubernetes)
#   etcd                                                              (tools/etcd)
#   kwok, metrics-server                                              (go install module@version)
# into ${KUBE_TOPOLOGY_CLUSTER_CACHE:-~/.cache/kube-topology/cluster}/$KUBE_VERSION/bin/, and kwok's
# stock Metric and ClusterResourceUsage configs (kustomize/metrics/ of the kwok module, the files
# kwokctl uses for metrics-server) into .../$KUBE_VERSION/kwok/.
#
# Each group of binaries carries a stamp (its version and a hash of its tools module); a group is
# rebuilt only when a binary or the stamp is missing or different, so a warm run does no Go work
# at all and returns at once. Cold: about 6-8 minutes on 2 cores (see README.md).
#
# Usage: build.sh            build what is missing, print what was done
#        build.sh --bin-dir  print the bin directory and exit
#        build.sh --force    rebuild everything
set -euo pipefail
start_ns=$(date +%s%N)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

cache_root=${KUBE_TOPOLOGY_CLUSTER_CACHE:-$HOME/.cache/kube-topology/cluster}
bin="$cache_root/$KUBE_VERSION/bin"
kwok_cfg="$cache_root/$KUBE_VERSION/kwok"
force=0
case "${1:-}" in
  --bin-dir) echo "$bin"; exit 0 ;;
  --force) force=1 ;;
  "") ;;
  *) echo "usage: $0 [--bin-dir|--force]" >&2; exit 2 ;;
esac

elapsed() { # seconds since $1 (ns), one decimal
  local d=$(( $(date +%s%N) - $1 ))
  printf '%d.%d' $(( d / 1000000000 )) $(( d % 1000000000 / 100000000 ))
}

# One stamp line per group: what the binaries were built from.
stamp_k8s="k8s.io/kubernetes $KUBE_VERSION $(cat "$here/tools/k8s/go.mod" "$here/tools/k8s/go.sum" | sha256sum | cut -c1-16)"
stamp_etcd="go.etcd.io/etcd/server/v3 $ETCD_VERSION $(cat "$here/tools/etcd/go.mod" "$here/tools/etcd/go.sum" | sha256sum | cut -c1-16)"
stamp_kwok="sigs.k8s.io/kwok/cmd/kwok $KWOK_VERSION"
stamp_ms="sigs.k8s.io/metrics-server/cmd/metrics-server $METRICS_SERVER_VERSION"

fresh() { # fresh GROUP STAMP BINARY... : all binaries exist and the stamp matches
  local group=$1 stamp=$2; shift 2
  [ "$force" = 0 ] || return 1
  [ -f "$bin/.$group.stamp" ] && [ "$(cat "$bin/.$group.stamp")" = "$stamp" ] || return 1
  local b; for b in "$@"; do [ -x "$bin/$b" ] || return 1; done
  [ "$group" != kwok ] || { [ -f "$kwok_cfg/metrics-resource.yaml" ] && [ -f "$kwok_cfg/usage-from-annotation.yaml" ]; }
}

k8s_bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
if fresh k8s "$stamp_k8s" "${k8s_bins[@]}" && fresh etcd "$stamp_etcd" etcd \
   && fresh kwok "$stamp_kwok" kwok && fresh metrics-server "$stamp_ms" metrics-server; then
  echo "build.sh: up to date: ${k8s_bins[*]} etcd kwok metrics-server ($KUBE_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION, metrics-server $METRICS_SERVER_VERSION) in $bin ($(elapsed "$start_ns") s)"
  exit 0
fi

command -v go >/dev/null || { echo "build.sh: 'go' not found; Go >= $(sed -n 's/^go //p' "$here/tools/k8s/go.mod") is needed" >&2; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
mkdir -p "$bin"
# One build at a time per cache directory (two test runs starting together).
exec 9>"$cache_root/$KUBE_VERSION/.build.lock"
flock 9

tmp=$(mktemp -d "$cache_root/$KUBE_VERSION/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

install_group() { # install_group GROUP STAMP BINARY... : move built binaries from $tmp into $bin
  local group=$1 stamp=$2; shift 2
  rm -f "$bin/.$group.stamp"
  local b; for b in "$@"; do mv -f "$tmp/$b" "$bin/$b"; done
  echo "$stamp" > "$bin/.$group.stamp"
}

did=()
minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
if ! fresh k8s "$stamp_k8s" "${k8s_bins[@]}"; then
  t=$(date +%s%N)
  echo "build.sh: building ${k8s_bins[*]} (k8s.io/kubernetes $KUBE_VERSION); cold this takes several minutes..."
  (cd "$here/tools/k8s" && go build -trimpath \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" \
    -o "$tmp/" $(printf 'k8s.io/kubernetes/cmd/%s ' "${k8s_bins[@]}"))
  install_group k8s "$stamp_k8s" "${k8s_bins[@]}"
  did+=("${k8s_bins[*]} ($(elapsed "$t") s)")
fi
if ! fresh etcd "$stamp_etcd" etcd; then
  t=$(date +%s%N)
  echo "build.sh: building etcd (go.etcd.io/etcd/server/v3 $ETCD_VERSION)..."
  (cd "$here/tools/etcd" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
  install_group etcd "$stamp_etcd" etcd
  did+=("etcd ($(elapsed "$t") s)")
fi
if ! fresh kwok "$stamp_kwok" kwok; then
  t=$(date +%s%N)
  echo "build.sh: go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION..."
  (cd "$tmp" && GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")
  kwok_src=$(cd "$tmp" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  mkdir -p "$kwok_cfg"
  install -m 0644 "$kwok_src/kustomize/metrics/resource/metrics-resource.yaml" \
    "$kwok_src/kustomize/metrics/usage/usage-from-annotation.yaml" "$kwok_cfg/"
  install_group kwok "$stamp_kwok" kwok
  did+=("kwok ($(elapsed "$t") s)")
fi
if ! fresh metrics-server "$stamp_ms" metrics-server; then
  t=$(date +%s%N)
  echo "build.sh: go install sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION..."
  (cd "$tmp" && GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION")
  install_group metrics-server "$stamp_ms" metrics-server
  did+=("metrics-server ($(elapsed "$t") s)")
fi

echo "build.sh: built ${did[*]:-nothing (another build.sh finished first)} into $bin; total $(elapsed "$start_ns") s"
"$bin/kube-apiserver" --version
