#!/usr/bin/env bash
# Writes the review comment for the offline plans of a change to stdout: one
# `fleetplan diff` section per stack, under the sticky-comment marker. Used by the
# GitHub pull-request workflow and the GitLab merge-request pipeline alike.
#   .ci/plan-comment.sh FLEETPLAN BASE_DIR HEAD_DIR
# The stacks are every stack planned on either side (STACKS, space-separated, picks
# some). A stack with no base plan is reported as new, one with no head plan as gone. `fleetplan diff` exits 1 when
# something changed, which is the point; any other failure stops the script. A
# stack whose diff destroys protected state gets the review gate's note under it.
set -euo pipefail
bin=$1; base=$2; head=$3
# internal/plan.MarkerDestroysProtected: the diff deletes or replaces a protected resource.
destroy_marker='<!-- fleetplan: destroys protected state -->'
echo "<!-- fleetplan-diff -->"
echo "## Offline plan diff"
echo
stacks=${STACKS:-$(for f in "$base"/*.json "$head"/*.json; do [ -f "$f" ] && basename "$f" .json; done | sort -u)}
for s in $stacks; do
  if [ ! -f "$head/$s.json" ]; then
    echo "### Stack \`$s\` has no stack file any more"
    echo
    echo "Its resources stay where they are until the stack is destroyed (\`pulumi destroy\`, then \`pulumi stack rm\`), or moved (\`pulumi state move\`, docs/clusters.md)."
    echo; continue
  fi
  if [ ! -f "$base/$s.json" ]; then
    echo "### Stack \`$s\` is new"; echo; continue
  fi
  rc=0
  section=$("$bin" diff "$base/$s.json" "$head/$s.json") || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "plan-comment: fleetplan diff failed for stack $s (exit $rc)" >&2; exit "$rc"
  fi
  printf '%s\n' "$section"
  if grep -qF "$destroy_marker" <<<"$section"; then
    echo
    echo "> **Review gate:** this change deletes or replaces protected state in stack \`$s\`. The review fails until a reviewer allows it deliberately: the \`allow-destroy\` label on GitHub, the \`FLEETFORM_ALLOW_DESTROY=true\` variable (or the \`allow-destroy\` label) on GitLab. See docs/protection.md."
  fi
  echo
done
echo "_Planned offline by \`fleetplan\` under Pulumi's mock monitor: no credentials, cloud-assigned values show as \`[unknown]\`, secrets as \`[secret]\`._"
