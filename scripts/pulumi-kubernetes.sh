#!/usr/bin/env bash
# pulumi-kubernetes.sh builds the kubernetes resource provider
# (pulumi-resource-kubernetes) from the Go module proxy into a cache folder keyed
# by version (skipped when it is already there) and prints its folder as a shell
# assignment, so callers can `eval "$(scripts/pulumi-kubernetes.sh)"`:
#
#   PULUMI_KUBERNETES_DIR=/root/.cache/fleetform/pulumi-kubernetes-4.33.0
#
# The engine uses a provider binary it finds on PATH, so put that folder there.
# The module's go:generate step (schema-embed.json, terraform-mapping-embed.json)
# is done by hand, and its `sdk/v4 => ../sdk` replace is dropped. The version
# stamp makes the engine take it for the SDK's v4.33.0 provider.
# Measured on 2 cores: about 15 min and 5.3 GB peak cold.
set -euo pipefail

PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
PROVIDER_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199
PROVIDER_VERSION=4.33.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/fleetform/pulumi-kubernetes-${PROVIDER_VERSION}"
# One build at a time per tool: .ci/run starts these early in the background,
# and a later caller waits here for the build instead of racing it.
mkdir -p "$(dirname "$cache")"
exec 9>"$cache.lock"
flock 9
bin="$cache/pulumi-resource-kubernetes"
log() { echo "pulumi-kubernetes.sh: $*" >&2; }

if [[ ! -x "$bin" ]]; then
  start=$(date +%s)
  log "building pulumi-resource-kubernetes ${PROVIDER_VERSION} into $cache (about 15 min on 2 cores)"
  mkdir -p "$cache"
  dir=$(cd "$cache" && GOFLAGS=-mod=mod go mod download -json "${PROVIDER_MODULE}@${PROVIDER_PSEUDO}" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
  cp -r "$dir/." "$work/"
  chmod -R u+w "$work"
  (
    cd "$work"
    cp cmd/pulumi-resource-kubernetes/schema.json cmd/pulumi-resource-kubernetes/schema-embed.json
    cp cmd/pulumi-resource-kubernetes/terraform-mapping.json cmd/pulumi-resource-kubernetes/terraform-mapping-embed.json
    go mod edit -dropreplace github.com/pulumi/pulumi-kubernetes/sdk/v4
    GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X ${PROVIDER_MODULE}/pkg/version.Version=${PROVIDER_VERSION}" \
      -o "$bin.tmp" ./cmd/pulumi-resource-kubernetes
  )
  mv "$bin.tmp" "$bin"
  log "built in $(( $(date +%s) - start )) s"
fi
echo "PULUMI_KUBERNETES_DIR=$cache"
