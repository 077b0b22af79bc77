#!/usr/bin/env bash
# Builds the kind node image kindest/node:$KV-offline with no image registry: every binary from the
# Go module proxy, the node OS from Debian packages (debootstrap), kind's own node files from the
# sigs.k8s.io/kind Go module. Also puts kind and kubectl into $C/bin, where the tests look for them.
#
# Cached at three levels, so that each step is skipped when its output is there:
#   docker image $TAG, labelled with a hash of this folder's build inputs (a changed script or
#     go.sum rebuilds the image; an unchanged one is skipped in about a second)
#   $C/go-bin/<tool>-<version>/   Go binaries (the ~10 minutes of a cold build)
#   $C/rootfs/*.tar               pristine debootstrap root filesystems (~1 minute each)
# so if docker's image store is wiped, the image is re-assembled from these in ~1-2 minutes.
# $C is $KUBE_TOPOLOGY_KIND_CACHE, default ~/.cache/kube-topology/kind. FORCE=1 rebuilds the image
# (not the binaries or root filesystems; delete $C for a fully cold build). TOOLS_ONLY=1 builds
# only kind and kubectl (for a stock node image from a registry). Must run as root
# (debootstrap, chroot). See README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
[ "$(id -u)" = 0 ] || { echo "build-node-image.sh must run as root (debootstrap, chroot): sudo -E $0" >&2; exit 1; }
C=${KUBE_TOPOLOGY_KIND_CACHE:-$HOME/.cache/kube-topology/kind}
TAG=${TAG:-kindest/node:$KV-offline}
export GOTOOLCHAIN=local CGO_ENABLED=0
G=$C/go-bin; B=$C/bin; mkdir -p "$G" "$B" "$C/rootfs" "$C/logs"
t_start=$(date +%s); t_last=$t_start
log() { local now; now=$(date +%s); echo "== [+$((now - t_start))s] $* (previous step: $((now - t_last)) s)"; t_last=$now; }

exec 9>"$C/.build.lock"; flock 9   # one build at a time per cache

# --- Go binaries, each cached in its own versioned directory ------------------------------------
k8s_bins="kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubeadm kubectl kubelet"
K8S=$G/k8s-$KV
build_k8s() {   # builds the given k8s commands that are missing
  local want=() c
  for c in "$@"; do [ -x "$K8S/$c" ] || want+=("k8s.io/kubernetes/cmd/$c"); done
  [ ${#want[@]} = 0 ] && return
  log "go build ${want[*]##*/} (k8s.io/kubernetes $KV)"
  mkdir -p "$K8S"
  (cd "$here/go/k8s" && go build -trimpath -o "$K8S/" -ldflags "-s -w \
      -X k8s.io/component-base/version.gitVersion=$KV -X k8s.io/component-base/version.gitTreeState=clean \
      -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$KV" | cut -d. -f2)" \
      "${want[@]}")
}
go_install() {  # dir binary module@version
  [ -x "$G/$1/$2" ] && return
  log "go install $3"
  GOBIN=$G/$1 go install -trimpath -ldflags '-s -w' "$3"
}
tools() {       # kind and kubectl for the tests, in $B
  go_install "kind-$KIND_V" kind "sigs.k8s.io/kind@$KIND_V"
  build_k8s kubectl
  install -m755 "$G/kind-$KIND_V/kind" "$K8S/kubectl" "$B/"
}

if [ -n "${TOOLS_ONLY:-}" ]; then tools; log "kind and kubectl in $B"; exit 0; fi

# --- is the image already there? -----------------------------------------------------------------
hash=$(cd "$here" && cat versions.sh build-node-image.sh assemble-node.sh go/*/go.mod go/*/go.sum go/pause/main.go | sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{index .Config.Labels "kube-topology.kind.build"}}' "$TAG" 2>/dev/null || true)
if [ "$have" = "$hash" ] && [ -z "${FORCE:-}" ]; then
  tools
  log "cached: $TAG (build $hash); kind and kubectl in $B"
  exit 0
fi
old_id=""
if [ -n "$have" ] || docker image inspect "$TAG" >/dev/null 2>&1; then
  old_id=$(docker image inspect -f '{{.Id}}' "$TAG")
  echo "$TAG exists but was built from other inputs (${have:-unlabelled}, now $hash): rebuilding"
fi

tools
build_k8s $k8s_bins
[ -x "$G/etcd-$ETCD_V/etcd" ] || { log "go build etcd $ETCD_V"; mkdir -p "$G/etcd-$ETCD_V"
  (cd "$here/go/etcd" && go build -trimpath -ldflags '-s -w' -o "$G/etcd-$ETCD_V/etcd" go.etcd.io/etcd/server/v3); }
[ -x "$G/pause/pause" ] || { log "go build pause"; mkdir -p "$G/pause"
  (cd "$here/go/pause" && go build -trimpath -ldflags '-s -w' -o "$G/pause/pause" .); }
go_install "crictl-$CRICTL_V" crictl "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_V"
# the image names and tags kubeadm will ask for
images=$("$K8S/kubeadm" config images list --kubernetes-version "$KV" 2>/dev/null)
tag_of() { echo "$images" | sed -n "s#^registry.k8s.io/$1:##p"; }
DNS_V=$(tag_of coredns/coredns); ETCD_T=$(tag_of etcd); PAUSE_T=$(tag_of pause)
[ -n "$DNS_V" ] && [ -n "$ETCD_T" ] && [ -n "$PAUSE_T" ] || { echo "kubeadm config images list gave: $images" >&2; exit 1; }
go_install "coredns-$DNS_V" coredns "github.com/coredns/coredns@$DNS_V"
KINDSRC=$(go mod download -json "sigs.k8s.io/kind@$KIND_V" | jq -r .Dir)/images/base/files
[ -d "$KINDSRC" ] || { echo "no $KINDSRC" >&2; exit 1; }

# --- Debian root filesystems, cached as pristine tarballs -----------------------------------------
MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1=="deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
NODE_PKGS=systemd,systemd-sysv,dbus,containerd,runc,containernetworking-plugins,iptables,nftables,iproute2,conntrack,ethtool,socat,util-linux,mount,kmod,ca-certificates,procps,libseccomp2,jq,findutils,ebtables
PROXY_PKGS=iptables,nftables,conntrack,ipset,kmod
rootfs() {      # name packages -> $tarball
  tarball=$C/rootfs/$1-$DEBIAN_SUITE-$(echo "$2" | sha256sum | cut -c1-8).tar
  [ -f "$tarball" ] && return
  log "debootstrap $1 root filesystem ($DEBIAN_SUITE from $MIRROR)"
  local d=$C/work/debootstrap-$1; rm -rf "$d"; mkdir -p "$d"
  debootstrap --variant=minbase --include="$2" "$DEBIAN_SUITE" "$d" "$MIRROR" >"$C/logs/debootstrap-$1.log" 2>&1 \
    || { echo "debootstrap failed, see $C/logs/debootstrap-$1.log" >&2; exit 1; }
  rm -f "$d"/var/cache/apt/archives/*.deb
  tar --numeric-owner --xattrs -C "$d" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"; rm -rf "$d"
}
rootfs node "$NODE_PKGS"; node_tar=$tarball
rootfs proxy "$PROXY_PKGS"; proxy_tar=$tarball

W=$C/work/$hash; R=$W/node; P=$W/proxy; I=$W/img
tmp_tags=()
cleanup() { rm -rf "$W"; [ ${#tmp_tags[@]} = 0 ] || docker rmi "${tmp_tags[@]}" >/dev/null 2>&1 || true; }
trap cleanup EXIT
rm -rf "$W"; mkdir -p "$R" "$P" "$I"
log "unpack root filesystems"
tar --numeric-owner --xattrs -C "$R" -xf "$node_tar"
tar --numeric-owner --xattrs -C "$P" -xf "$proxy_tar"

# --- component images, named as kubeadm expects, saved into the node for import at boot ----------
log "component images (FROM scratch + one binary; kube-proxy on a Debian root with iptables)"
mk() {          # image-ref binary-path
  local name; name=$(basename "$2"); cp "$2" "$I/"
  printf 'FROM scratch\nCOPY %s /usr/local/bin/%s\nENV PATH=/usr/local/bin\nENTRYPOINT ["/usr/local/bin/%s"]\n' "$name" "$name" "$name" > "$I/Dockerfile.$name"
  DOCKER_BUILDKIT=0 docker build -q -f "$I/Dockerfile.$name" -t "$1" "$I" >/dev/null 2>"$C/logs/docker-build.log" \
    || { cat "$C/logs/docker-build.log" >&2; exit 1; }
  tmp_tags+=("$1")
}
mk "registry.k8s.io/kube-apiserver:$KV" "$K8S/kube-apiserver"
mk "registry.k8s.io/kube-controller-manager:$KV" "$K8S/kube-controller-manager"
mk "registry.k8s.io/kube-scheduler:$KV" "$K8S/kube-scheduler"
mk "registry.k8s.io/etcd:$ETCD_T" "$G/etcd-$ETCD_V/etcd"
mk "registry.k8s.io/pause:$PAUSE_T" "$G/pause/pause"
mk "registry.k8s.io/coredns/coredns:$DNS_V" "$G/coredns-$DNS_V/coredns"
install -m755 "$K8S/kube-proxy" "$P/usr/local/bin/"
tar -C "$P" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "registry.k8s.io/kube-proxy:$KV" >/dev/null
tmp_tags+=("registry.k8s.io/kube-proxy:$KV")
mkdir -p "$R/kind/images"
for i in "kube-apiserver:$KV" "kube-controller-manager:$KV" "kube-scheduler:$KV" "kube-proxy:$KV" \
         "etcd:$ETCD_T" "coredns/coredns:$DNS_V" "pause:$PAUSE_T"; do
  docker save "registry.k8s.io/$i" -o "$R/kind/images/$(echo "${i%%:*}" | tr / _).tar"
done

log "node filesystem (kind $KIND_V node files, Kubernetes $KV)"
R=$R K=$KINDSRC K8S=$K8S CRICTL=$G/crictl-$CRICTL_V/crictl KV=$KV PAUSE_T=$PAUSE_T bash "$here/assemble-node.sh"

log "docker import $TAG"
raw=kube-topology/kind-node-raw:$hash
tar -C "$R" -c . | docker import -c 'ENV container=docker' -c 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' - "$raw" >/dev/null
tmp_tags+=("$raw")
printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\nLABEL kube-topology.kind.build=%s kube-topology.kind.kubernetes=%s kube-topology.kind.kind=%s\n' \
  "$raw" "$hash" "$KV" "$KIND_V" | DOCKER_BUILDKIT=0 docker build -q -t "$TAG" - >/dev/null 2>"$C/logs/docker-build.log" \
  || { cat "$C/logs/docker-build.log" >&2; exit 1; }
[ -z "$old_id" ] || docker rmi "$old_id" >/dev/null 2>&1 || true   # the previous build, now untagged
log "done: $TAG ($(docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%.1f GB", $1/1e9}'), build $hash); kind and kubectl in $B"
