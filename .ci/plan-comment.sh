#!/usr/bin/env bash
# Writes the review comment for the offline plans of a change to stdout: one
# `fleetplan diff` section per stack, under the sticky-comment marker. Used by the
# GitHub pull-request workflow and the GitLab merge-request pipeline alike.
#   .ci/plan-comment.sh FLEETPLAN BASE_DIR HEAD_DIR    (stacks: $STACKS, default "dev prod local")
# A stack with no base plan is reported as new. `fleetplan diff` exits 1 when
# something changed, which is the point; any other failure stops the script.
set -euo pipefail
bin=$1; base=$2; head=$3
echo "<!-- fleetplan-diff -->"
echo "## Offline plan diff"
echo
for s in ${STACKS:-dev prod local}; do
  if [ ! -f "$base/$s.json" ]; then
    echo "### Stack \`$s\` is new"; echo; continue
  fi
  rc=0
  "$bin" diff "$base/$s.json" "$head/$s.json" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "plan-comment: fleetplan diff failed for stack $s (exit $rc)" >&2; exit "$rc"
  fi
  echo
done
echo "_Planned offline by \`fleetplan\` under Pulumi's mock monitor: no credentials, cloud-assigned values show as \`[unknown]\`, secrets as \`[secret]\`._"
