#!/usr/bin/env bash
# Builds, with no image registry, the images the addons kube-topology installs name, under their
# exact names, so `kind-addons metrics-server` runs offline (it loads an image the local Docker
# engine has into the kind node): registry.k8s.io/metrics-server/metrics-server:$METRICS_SERVER_V
# from the Go module proxy (sigs.k8s.io/metrics-server), FROM scratch with the binary and an empty
# /tmp for --cert-dir=/tmp. The binary is cached in $C/go-bin/metrics-server-<version>/; the image
# is skipped when one with the same build label exists. A machine with a registry needs none of
# this: the node pulls the real image. Must run where docker works (prepare.sh runs it as root).
set -euo pipefail
# (not in versions.sh: that file is part of the node image's build hash, and this is not)
METRICS_SERVER_V=v0.8.1   # the version kube-topology's bundled manifest names (src/core/kind/metricsServer.ts)
C=${KUBE_TOPOLOGY_KIND_CACHE:-$HOME/.cache/kube-topology/kind}
export GOTOOLCHAIN=local CGO_ENABLED=0
IMAGE=registry.k8s.io/metrics-server/metrics-server:$METRICS_SERVER_V
BIN=$C/go-bin/metrics-server-$METRICS_SERVER_V
mkdir -p "$BIN" "$C/logs"
exec 9>"$C/.addons.lock"; flock 9

label="metrics-server-$METRICS_SERVER_V-scratch-1"
have=$(docker image inspect -f '{{index .Config.Labels "kube-topology.addon.build"}}' "$IMAGE" 2>/dev/null || true)
if [ "$have" = "$label" ]; then echo "cached: $IMAGE"; exit 0; fi

if [ ! -x "$BIN/metrics-server" ]; then
  t=$(date +%s)
  echo "go install sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_V"
  GOBIN=$BIN go install -trimpath -ldflags '-s -w' "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_V"
  echo "built in $(( $(date +%s) - t )) s"
fi
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
install -m755 "$BIN/metrics-server" "$ctx/metrics-server"
mkdir -m 1777 "$ctx/tmp"
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY metrics-server /metrics-server
COPY tmp /tmp
LABEL kube-topology.addon.build="$label"
ENTRYPOINT ["/metrics-server"]
DOCKERFILE
DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" "$ctx" >/dev/null 2>"$C/logs/addon-build.log" || { cat "$C/logs/addon-build.log" >&2; exit 1; }
echo "built $IMAGE"
