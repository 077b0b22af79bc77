#!/usr/bin/env bash
# Lays kind's node files (from the sigs.k8s.io/kind module), the Kubernetes binaries and the
# settings an offline node needs into the node root filesystem R (unpacked from the pristine
# debootstrap tarball, so this runs on a fresh tree every time). Called by build-node-image.sh with:
#   R root filesystem, K kind's images/base/files, K8S dir of the k8s binaries, CRICTL crictl binary,
#   KV Kubernetes version, PAUSE_T the pause image tag kubeadm expects
set -euo pipefail
: "${R:?}" "${K:?}" "${K8S:?}" "${CRICTL:?}" "${KV:?}" "${PAUSE_T:?}"
mkdir -p $R/kind/bin $R/etc/containerd $R/etc/default $R/etc/sysctl.d $R/etc/systemd/system/kubelet.service.d \
  $R/etc/kubernetes/manifests $R/kind/manifests $R/opt/cni/bin $R/etc/cni/net.d
install -m755 $K/usr/local/bin/* $R/usr/local/bin/
install -m644 $K/kind/README.txt $R/kind/; install -m755 $K/kind/bin/* $R/kind/bin/
install -m644 $K/etc/crictl.yaml $R/etc/; install -m644 $K/etc/default/kubelet $R/etc/default/
install -m644 $K/etc/sysctl.d/* $R/etc/sysctl.d/
install -m644 $K/etc/systemd/system/*.service $K/etc/systemd/system/kubelet.slice $R/etc/systemd/system/
install -m644 $K/etc/systemd/system/kubelet.service.d/* $R/etc/systemd/system/kubelet.service.d/
rm -f $R/etc/systemd/system/containerd-fuse-overlayfs.service

# containerd 1.6 from Debian with kind's config, except: no fuse-overlayfs plugin; oom_score_adj
# restricted (no CAP_SYS_RESOURCE); the sandbox image kubeadm expects; and every registry mapped to
# a loopback port that refuses, so a pull fails at once and nothing leaves the machine.
sed -e '/proxy_plugins/,/address = /d' -e 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' \
    -e "s#sandbox_image = .*#sandbox_image = \"registry.k8s.io/pause:$PAUSE_T\"#" $K/etc/containerd/config.toml > $R/etc/containerd/config.toml
printf '\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n' >> $R/etc/containerd/config.toml
mkdir -p $R/etc/containerd/certs.d/_default
printf 'server = "http://127.0.0.1:1"\n[host."http://127.0.0.1:1"]\n  capabilities = ["pull", "resolve"]\n' > $R/etc/containerd/certs.d/_default/hosts.toml
ln -sf /usr/bin/containerd $R/usr/local/bin/containerd
cp -a $R/usr/lib/cni/{host-local,loopback,ptp,portmap,bridge} $R/opt/cni/bin/

# systemd trimmed as kind's base image does
find $R/lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete
rm -f $R/lib/systemd/system/multi-user.target.wants/* $R/etc/systemd/system/*.wants/* $R/lib/systemd/system/local-fs.target.wants/* \
      $R/lib/systemd/system/sockets.target.wants/*udev* $R/lib/systemd/system/sockets.target.wants/*initctl* $R/lib/systemd/system/basic.target.wants/*
grep -q '^ReadKMsg=no' $R/etc/systemd/journald.conf || echo "ReadKMsg=no" >> $R/etc/systemd/journald.conf
ln -sf /usr/lib/systemd/systemd $R/sbin/init

install -m755 $K8S/kubeadm $K8S/kubelet $K8S/kubectl $R/usr/bin/
install -m755 $CRICTL $R/usr/local/bin/
echo -n $KV > $R/kind/version
chroot $R ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' | jq 'del(.process.rlimits)' > $R/etc/containerd/cri-base.json

# control-plane images are imported from /kind/images at first boot, before the kubelet starts
cat > $R/etc/systemd/system/kind-import-images.service <<'U'
[Unit]
Description=Import /kind/images/*.tar into containerd (namespace k8s.io)
After=containerd.service
Requires=containerd.service
Before=kubelet.service
ConditionPathExists=!/var/lib/kind-images-imported
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do ctr version >/dev/null 2>&1 && break; sleep 1; done; for f in /kind/images/*.tar; do ctr -n k8s.io images import --all-platforms "$f" || exit 1; done; touch /var/lib/kind-images-imported'
[Install]
WantedBy=multi-user.target
U
printf '[Unit]\nAfter=kind-import-images.service\nWants=kind-import-images.service\n' > $R/etc/systemd/system/kubelet.service.d/20-import.conf

# kindnetd is not published as a Go module: a static bridge network, single node only
cat > $R/etc/cni/net.d/10-kind-bridge.conflist <<'U'
{"cniVersion":"0.4.0","name":"kind-bridge","plugins":[
 {"type":"bridge","bridge":"cni0","isGateway":true,"ipMasq":true,"hairpinMode":true,
  "ipam":{"type":"host-local","ranges":[[{"subnet":"10.244.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}]}},
 {"type":"portmap","capabilities":{"portMappings":true}}]}
U
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kind-offline-cni, namespace: kube-system}\ndata: {note: "static bridge CNI config in /etc/cni/net.d"}\n' > $R/kind/manifests/default-cni.yaml
printf 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: "true"}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n' > $R/kind/manifests/default-storage.yaml
chroot $R systemctl enable kubelet.service containerd.service undo-mount-hacks.service kind-import-images.service >/dev/null 2>&1
chroot $R systemctl mask systemd-binfmt.service >/dev/null 2>&1
