#!/usr/bin/env bash
# engine.sh runs the real-engine tests (`make engine`, and .ci/run):
#   1. builds, in parallel and each into its cache keyed by version (skipped when
#      there): the pulumi CLI, the kubernetes provider, kube-apiserver with
#      kube-controller-manager and kube-scheduler, kwok, and the Argo Rollouts
#      controller (scripts/*.sh; times and memory in each script's header);
#   2. go test -tags engine ./tests/engine/...: a control plane with fake nodes on
#      loopback, the program through the Automation API as an inline program, and
#      the real Rollouts controller (see tests/engine/doc.go and
#      docs/render-and-e2e.md). Everything started stops when the tests end.
# Extra arguments go to `go test` (e.g. -run TestLifecycle -v). With --build-only
# as the first argument it only builds (.ci/run starts that early, in the background).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
for s in "pulumi-cli.sh" "pulumi-kubernetes.sh" "kube-apiserver.sh --control-plane" "kwok.sh" "argo-rollouts.sh"; do
  name=${s%% *}
  # shellcheck disable=SC2086 # the script and its flag, split on purpose
  bash scripts/$s >"$logs/$name.out" 2>"$logs/$name.err" &
  pids+=("$!:$name")
done
failed=0
for p in "${pids[@]}"; do
  pid=${p%%:*} name=${p#*:}
  if ! wait "$pid"; then
    echo "engine.sh: scripts/$name failed:" >&2
    tail -40 "$logs/$name.err" >&2
    failed=1
  fi
done
[[ $failed == 0 ]] || exit 1
for f in "$logs"/*.out; do
  while IFS= read -r line; do
    export "${line?}"
  done <"$f"
done
grep -h "built in\|installed in" "$logs"/*.err >&2 || true
echo "engine.sh: programs ready after $(( $(date +%s) - start )) s" >&2
if [[ "${1:-}" == "--build-only" ]]; then
  exit 0
fi

# -count=1: the tests drive processes and files outside Go's view. The program
# is linked without the cloud SDKs: the test stack has only an existing cluster.
go test -tags engine,no_aws,no_azure,no_alicloud -count=1 -timeout 60m "$@" ./tests/controlplane/... ./tests/engine/...
echo "engine.sh: done in $(( $(date +%s) - start )) s" >&2
