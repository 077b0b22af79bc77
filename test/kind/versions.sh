# Versions of the kind test bed, sourced by the scripts in test/kind/. Changing KV or ETCD_V means
# running gen-go-modules.sh; the TypeScript helper reads KV and KIND_V from here too.
KV=v1.36.3                 # Kubernetes (k8s.io/kubernetes) — node image kindest/node:$KV-offline
KIND_V=v0.33.0             # sigs.k8s.io/kind — the CLI, and the node files taken from its module
ETCD_V=v3.6.16             # go.etcd.io/etcd/server/v3 (the image keeps the tag kubeadm asks for)
CRICTL_V=v1.34.0           # sigs.k8s.io/cri-tools
DEBIAN_SUITE=bookworm      # debootstrap suite of the node OS (Debian containerd 1.6, runc)
