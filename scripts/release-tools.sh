#!/usr/bin/env bash
# release-tools.sh builds the release tools pinned in tools/release/go.mod
# (goreleaser and cyclonedx-gomod, as Go tool dependencies of a module of their own)
# into a cache folder keyed by that go.sum, skipped when it is already there, and
# prints the folder as a shell assignment, so callers can
# `eval "$(scripts/release-tools.sh)"; PATH=$RELEASE_TOOLS_BIN_DIR:$PATH`:
#
#   RELEASE_TOOLS_BIN_DIR=/root/.cache/fleetform/release-tools-<hash>/bin
#
# Why a module of their own: `go get -tool` in the project's go.mod would raise
# k8s.io/apimachinery and client-go to v0.36 (goreleaser's requirements win under
# minimal version selection) and add 300 modules to every `go mod download`.
# Measured here (2026-12-07, 2 cores, machine busy): `go get -tool` of both 56 s
# (300 modules that the project does not use, 287 MB of zips); the cold build of
# both 287 s of CPU, 1.6 GB peak (41 min wall on a machine six builds shared).
set -euo pipefail
cd "$(dirname "$0")/.."

key=$(sha256sum tools/release/go.sum | cut -c1-12)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/fleetform/release-tools-$key"
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
log() { echo "release-tools.sh: $*" >&2; }

if [[ ! -x "$cache/bin/goreleaser" || ! -x "$cache/bin/cyclonedx-gomod" ]]; then
  start=$(date +%s)
  log "building goreleaser and cyclonedx-gomod into $cache"
  mkdir -p "$cache/bin"
  go -C tools/release build -trimpath -o "$cache/bin/" \
    github.com/goreleaser/goreleaser/v2 \
    github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod
  log "built in $(( $(date +%s) - start )) s"
fi
echo "RELEASE_TOOLS_BIN_DIR=$cache/bin"
