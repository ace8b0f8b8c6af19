#!/usr/bin/env bash
# kube-apiserver.sh builds kube-apiserver v1.35.4 from the k8s.io/kubernetes module
# into a cache folder (skipped when it is already there) and installs Debian's
# etcd-server when etcd is missing; with --control-plane it also builds
# kube-controller-manager and kube-scheduler. It prints the binaries' paths as
# shell assignments, so callers can `eval "$(scripts/kube-apiserver.sh)"`:
#
#   KUBE_APISERVER=/root/.cache/fleetform/kube-apiserver-v1.35.4/kube-apiserver
#   ETCD=/usr/bin/etcd
#
# The build module is hack/kube-apiserver (its own go.mod; see its comment).
# Measured on 2 cores: about 10 minutes and 2.2 GB peak memory cold, a 147 MB binary.
set -euo pipefail

KUBE_VERSION=v1.35.4
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/fleetform/kube-apiserver-${KUBE_VERSION}"
# One build at a time per tool: .ci/run starts these early in the background,
# and a later caller waits here for the build instead of racing it.
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9

log() { echo "kube-apiserver.sh: $*" >&2; }

# build NAME: builds k8s.io/kubernetes/cmd/NAME into the cache unless it is there.
build() {
  local name=$1 bin="$cache/$1"
  [[ -x "$bin" ]] && return 0
  mkdir -p "$cache"
  log "building $name ${KUBE_VERSION} into $cache"
  local start ldflags kv
  start=$(date +%s)
  ldflags="-s -w"
  # The same version stamps the Kubernetes release build sets, so /version and
  # the server's compatibility version say 1.35.4, not v0.0.0-master.
  for kv in "gitVersion=${KUBE_VERSION}" "gitMajor=1" "gitMinor=35" "gitTreeState=clean"; do
    ldflags+=" -X k8s.io/component-base/version.${kv}"
  done
  (cd "$root/hack/kube-apiserver" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$bin.tmp" "k8s.io/kubernetes/cmd/$name")
  mv "$bin.tmp" "$bin"
  log "built $name in $(( $(date +%s) - start )) s"
}

build kube-apiserver
# The control plane of the engine tests (scripts/engine.sh) also runs the
# controller manager (garbage collector, namespace, ReplicaSet, node lifecycle
# controllers) and the scheduler. They share most packages with the API server:
# about 1.5 min and 20 s more once it is built.
if [[ "${1:-}" == "--control-plane" ]]; then
  build kube-controller-manager
  build kube-scheduler
fi

etcd="$(command -v etcd || true)"
if [[ -z "$etcd" ]]; then
  log "installing Debian's etcd-server"
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq etcd-server >&2
  # The package starts a system etcd on 2379; the tests run their own on random ports.
  ($sudo systemctl stop etcd >/dev/null 2>&1 || $sudo service etcd stop >/dev/null 2>&1 || true)
  etcd="$(command -v etcd)"
fi

echo "KUBE_APISERVER=$cache/kube-apiserver"
if [[ "${1:-}" == "--control-plane" ]]; then
  echo "KUBE_CONTROLLER_MANAGER=$cache/kube-controller-manager"
  echo "KUBE_SCHEDULER=$cache/kube-scheduler"
fi
echo "ETCD=$etcd"
