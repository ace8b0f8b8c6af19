#!/usr/bin/env bash
# Prints the deploy order of a change as `fleetplan stacks --json` does, kept to the CI
# stacks (.ci/stacks): the stacks the change touches and every CI stack that reads them,
# each with its level and with `needs` naming only stacks of the same order. A stack
# file that CI does not deploy (the single-stack prod, local) never enters it, even when
# it reads a stack that does.
#   .ci/deploy-order.sh AFFECTED_JSON [FLEETPLAN COMMAND...]   (default: go run ./cmd/fleetplan)
set -euo pipefail
affected=${1:?usage: deploy-order.sh AFFECTED_JSON [FLEETPLAN COMMAND...]}; shift
[ $# -gt 0 ] || set -- go run ./cmd/fleetplan
cd "$(git rev-parse --show-toplevel)"
ci=$(grep -v '^\s*#' .ci/stacks | grep -v '^\s*$' | jq -R . | jq -cs .)
list=$(jq -r 'join(",")' <<<"$affected")
if [ -z "$list" ]; then echo '{"stacks":[]}'; exit 0; fi
"$@" stacks --affected "$list" --json | jq --argjson ci "$ci" '
  [.stacks[] | select(.name | IN($ci[]))] as $kept
  | ($kept | map(.name)) as $names
  | {stacks: [$kept[] | .needs |= map(select(IN($names[])))]}'
