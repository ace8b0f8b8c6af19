#!/usr/bin/env bash
# The offline review of a change: builds fleetplan on the head and the base commit,
# plans every stack on both, and writes the review comment. Used by the GitHub
# pull-request workflow and the GitLab merge-request pipeline alike.
#   .ci/plan-review.sh BASE_SHA OUT
# Writes OUT/head/<stack>.json, OUT/base/<stack>.json (none when the base has no
# fleetplan), OUT/comment.md, and the head binary OUT/bin/fleetplan for later steps.
set -euo pipefail
base_sha=${1:?usage: plan-review.sh BASE_SHA OUT}; out=${2:?usage: plan-review.sh BASE_SHA OUT}
cd "$(git rev-parse --show-toplevel)"
mkdir -p "$out/bin" "$out/base"
out=$(cd "$out" && pwd)

go build -o "$out/bin/fleetplan" ./cmd/fleetplan
bash .ci/plan-all.sh "$out/bin/fleetplan" . "$out/head"

work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/base" "$base_sha"
if [ -d "$work/base/cmd/fleetplan" ]; then
  (cd "$work/base" && go build -o "$out/bin/fleetplan-base" ./cmd/fleetplan)
  # The base's own plan-all.sh speaks its fleetplan's flags (they may differ from the head's).
  plan_all=.ci/plan-all.sh
  [ -f "$work/base/.ci/plan-all.sh" ] && plan_all=$work/base/.ci/plan-all.sh
  bash "$plan_all" "$out/bin/fleetplan-base" "$work/base" "$out/base"
fi

bash .ci/plan-comment.sh "$out/bin/fleetplan" "$out/base" "$out/head" > "$out/comment.md"
echo "wrote $out/comment.md"
