#!/usr/bin/env bash
# pulumi-cli.sh builds the pulumi CLI from the Go module proxy into a cache folder
# keyed by version (skipped when it is already there) and prints its folder as a
# shell assignment, so callers can `eval "$(scripts/pulumi-cli.sh)"`:
#
#   PULUMI_BIN_DIR=/root/.cache/fleetform/pulumi-v3.259.0/bin
#
# (the layout `auto.NewPulumiCommand` takes as Root: <root>/bin/pulumi).
# `go install .../pkg/v3/cmd/pulumi@VER` is refused: pkg/v3's go.mod replaces
# sdk/v3 with ../sdk. A copy of the downloaded module with that replace dropped
# builds. Measured on 2 cores: 9 min of CPU (455 s user, 89 s system), 1.7 GB
# peak, a 120 MB binary; 24 min wall while other builds shared the machine.
set -euo pipefail

PULUMI_VERSION=v3.259.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/fleetform/pulumi-${PULUMI_VERSION}"
# One build at a time per tool: .ci/run starts these early in the background,
# and a later caller waits here for the build instead of racing it.
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
bin="$cache/bin/pulumi"
log() { echo "pulumi-cli.sh: $*" >&2; }

if [[ ! -x "$bin" ]]; then
  start=$(date +%s)
  log "building pulumi ${PULUMI_VERSION} into $cache (about 10 min on 2 cores)"
  mkdir -p "$cache/bin"
  dir=$(cd "$cache" && GOFLAGS=-mod=mod go mod download -json "github.com/pulumi/pulumi/pkg/v3@${PULUMI_VERSION}" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
  cp -r "$dir/." "$work/"
  chmod -R u+w "$work"
  (
    cd "$work"
    go mod edit -dropreplace github.com/pulumi/pulumi/sdk/v3 "-require=github.com/pulumi/pulumi/sdk/v3@${PULUMI_VERSION}"
    GOFLAGS=-mod=mod go mod download github.com/pulumi/pulumi/sdk/v3
    GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_VERSION}" \
      -o "$bin.tmp" ./cmd/pulumi
  )
  mv "$bin.tmp" "$bin"
  log "built in $(( $(date +%s) - start )) s"
fi
echo "PULUMI_BIN_DIR=$cache/bin"
