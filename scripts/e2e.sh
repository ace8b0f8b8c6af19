#!/usr/bin/env bash
# e2e.sh runs the tests against a real kube-apiserver (`make e2e`, and .ci/run):
#   1. scripts/kube-apiserver.sh builds kube-apiserver v1.35.4 once into
#      ${XDG_CACHE_HOME:-$HOME/.cache}/fleetform/ and installs etcd if missing;
#   2. go test -tags e2e ./tests/e2e/... starts etcd and kube-apiserver on
#      loopback (random ports, a temporary data folder), renders the dev and prod
#      stacks with a freshly built fleetplan, applies everything and checks
#      admission, quota, RBAC and Pod Security; both servers stop when it ends.
# Extra arguments go to `go test` (e.g. -run TestRBAC -v).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
eval "$(bash scripts/kube-apiserver.sh)"
export KUBE_APISERVER ETCD
echo "e2e.sh: servers ready to use after $(( $(date +%s) - start )) s" >&2

# -count=1: the tests read stack files and binaries outside Go's view, so a
# cached pass could hide a change. The timeout covers building fleetplan, which
# links the cloud SDKs (about 1 min and 6 GB here).
go test -tags e2e -count=1 -timeout 20m "$@" ./tests/e2e/...
echo "e2e.sh: done in $(( $(date +%s) - start )) s" >&2
