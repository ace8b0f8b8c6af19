#!/usr/bin/env bash
# kwok.sh installs kwok (fake nodes and pods, no containers) from the Go module
# proxy into a cache folder keyed by version, and prints its binary and the
# module's stage definitions as shell assignments, so callers can
# `eval "$(scripts/kwok.sh)"`:
#
#   KWOK=/root/.cache/fleetform/kwok-v0.8.0/kwok
#   KWOK_STAGES=/root/go/pkg/mod/sigs.k8s.io/kwok@v0.8.0/kustomize/stage
#
# kwok starts only with stage definitions (-c); the module ships them under
# kustomize/stage/{node,pod}/fast. Measured on 2 cores: about 2 min cold.
set -euo pipefail

KWOK_VERSION=v0.8.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/fleetform/kwok-${KWOK_VERSION}"
# One build at a time per tool: .ci/run starts these early in the background,
# and a later caller waits here for the build instead of racing it.
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
log() { echo "kwok.sh: $*" >&2; }

if [[ ! -x "$cache/kwok" ]]; then
  start=$(date +%s)
  log "installing kwok ${KWOK_VERSION} into $cache (about 2 min on 2 cores)"
  mkdir -p "$cache"
  CGO_ENABLED=0 GOBIN="$cache" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"
  log "installed in $(( $(date +%s) - start )) s"
fi
dir=$(cd "$cache" && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/kwok@${KWOK_VERSION}" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
echo "KWOK=$cache/kwok"
echo "KWOK_STAGES=$dir/kustomize/stage"
