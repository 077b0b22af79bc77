#!/usr/bin/env bash
# Makes a Debian/Ubuntu host able to build the offline kind node image and run kind. Idempotent:
# a second run changes nothing and takes about a second.
#  - apt: docker.io (engine), debootstrap (node OS), jq, busybox-static (stand-in app images)
#  - if the capability bounding set lacks CAP_SYS_RESOURCE (some VMs and sandboxes, e.g. this
#    project's dev machine), kind's privileged node containers fail with "unable to apply caps";
#    runc-without-sys-resource is then installed as dockerd's default runtime (merged into
#    /etc/docker/daemon.json; other settings kept)
#  - dockerd started if it is not running (systemd when present, else a detached dockerd)
# Must run as root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "setup-host.sh must run as root (sudo -E $0)" >&2; exit 1; }

pkgs="docker.io debootstrap jq busybox-static ca-certificates"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "apt-get install$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# CAP_SYS_RESOURCE is capability 24.
capbnd=$(awk '/^CapBnd:/{print $2}' /proc/self/status)
need_wrapper=""; (( (16#$capbnd >> 24) & 1 )) || need_wrapper=1

changed=""
if [ -n "$need_wrapper" ]; then
  if ! cmp -s "$here/runc-without-sys-resource" /usr/local/bin/runc-without-sys-resource; then
    install -m755 "$here/runc-without-sys-resource" /usr/local/bin/runc-without-sys-resource
  fi
  mkdir -p /etc/docker
  cur=$(cat /etc/docker/daemon.json 2>/dev/null || true); [ -n "$cur" ] || cur='{}'
  want=$(echo "$cur" | jq -S '.runtimes["runc-without-sys-resource"] = {"path": "/usr/local/bin/runc-without-sys-resource"}
                              | .["default-runtime"] = "runc-without-sys-resource"')
  if [ "$(echo "$cur" | jq -S . 2>/dev/null)" != "$want" ]; then
    echo "$want" > /etc/docker/daemon.json; changed=1
    echo "dockerd default runtime: runc-without-sys-resource (no CAP_SYS_RESOURCE in the bounding set)"
  fi
fi

docker_up() { docker info >/dev/null 2>&1; }
if ! docker_up; then
  if [ -d /run/systemd/system ]; then
    systemctl start docker
  else
    # no init system (containers, sandboxes): a detached dockerd that outlives this script
    setsid nohup dockerd >/var/log/dockerd.log 2>&1 </dev/null &
  fi
  for _ in $(seq 120); do docker_up && break; sleep 0.5; done
  docker_up || { echo "dockerd did not start; see /var/log/dockerd.log" >&2; exit 1; }
elif [ -n "$changed" ]; then
  # runtimes and default-runtime are reloadable
  if [ -f /var/run/docker.pid ]; then kill -HUP "$(cat /var/run/docker.pid)"; else systemctl reload docker; fi
  sleep 2
fi
if [ -n "$need_wrapper" ]; then
  info=$(docker info 2>/dev/null)   # not piped into grep -q: SIGPIPE + pipefail
  [[ "$info" == *"Default Runtime: runc-without-sys-resource"* ]] \
    || { echo "dockerd is not using runc-without-sys-resource as its default runtime" >&2; exit 1; }
fi
echo "host ready: docker $(docker version -f '{{.Server.Version}}' 2>/dev/null), cgroup $( [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && echo v2 || echo v1 )"
