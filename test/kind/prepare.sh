#!/usr/bin/env bash
# One entry for the kind test bed: host set-up, then the offline node image (with kind and kubectl
# into ~/.cache/kube-topology/kind/bin), then the addon images kube-topology installs (metrics-server).
# Every step is cached; a warm run takes a few seconds.
# Prints the time of each step. Must run as root (apt, dockerd, debootstrap).
# With KUBE_TOPOLOGY_KIND_NODE_IMAGE set (a stock kindest/node on a machine with a registry), the
# offline image is not built; kind and kubectl are still built from the Go module proxy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "prepare.sh must run as root: sudo -E $0" >&2; exit 1; }
t0=$(date +%s)
step() {
  local name=$1 s; shift; s=$(date +%s)
  echo "--- $name"
  "$@"
  echo "--- $name: $(( $(date +%s) - s )) s"
}
step "host set-up (setup-host.sh)" "$here/setup-host.sh"
if [ -n "${KUBE_TOPOLOGY_KIND_NODE_IMAGE:-}" ]; then
  step "kind and kubectl (build-tools-only)" env TOOLS_ONLY=1 "$here/build-node-image.sh"
else
  step "node image (build-node-image.sh)" "$here/build-node-image.sh"
fi
step "addon images (build-addon-images.sh)" "$here/build-addon-images.sh"
echo "--- kind test bed ready in $(( $(date +%s) - t0 )) s"
