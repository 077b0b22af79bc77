#!/usr/bin/env bash
# Regenerates addons/metrics-server/ from the upstream release: the metrics-server module from the
# Go module proxy (sigs.k8s.io/metrics-server@VERSION), its manifests/overlays/release rendered with
# kustomize (kubectl kustomize), plus the one change kind needs: --kubelet-insecure-tls (kind's
# kubelets serve self-signed certificates). The upstream LICENSE is copied beside it.
# Usage: scripts/render-metrics-server.sh [--check]   (--check: fail if the committed files differ)
set -euo pipefail
VERSION=v0.8.1
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/addons/metrics-server
dir=$(cd /tmp && go mod download -json "sigs.k8s.io/metrics-server@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
[ -d "$dir" ] || { echo "go mod download sigs.k8s.io/metrics-server@$VERSION failed" >&2; exit 1; }
render() { if command -v kustomize >/dev/null; then kustomize build "$1"; else kubectl kustomize "$1"; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
{
  cat <<HEADER
# metrics-server $VERSION — the upstream release manifest (manifests/overlays/release of
# https://github.com/kubernetes-sigs/metrics-server at $VERSION, rendered with kustomize), bundled
# with Kube Topology under the Apache License 2.0 (see LICENSE beside this file).
# Modified by Kube Topology: one container argument added, --kubelet-insecure-tls, because kind's
# kubelets serve self-signed certificates. Nothing else differs from the release.
# Regenerate with scripts/render-metrics-server.sh.
HEADER
  render "$dir/manifests/overlays/release" 2>/dev/null | awk '
    { print }
    /^        - --metric-resolution=15s$/ { print "        - --kubelet-insecure-tls"; added++ }
    END { if (added != 1) { print "expected one --metric-resolution argument" > "/dev/stderr"; exit 1 } }'
} >"$tmp/components.yaml"
cp "$dir/LICENSE" "$tmp/LICENSE"
if [ "${1:-}" = --check ]; then
  diff -u "$out/components.yaml" "$tmp/components.yaml" && cmp "$out/LICENSE" "$tmp/LICENSE" && echo "addons/metrics-server is up to date"
else
  mkdir -p "$out" && cp "$tmp/components.yaml" "$tmp/LICENSE" "$out/" && chmod 644 "$out"/* && echo "wrote $out"
fi
