#!/usr/bin/env bash
# Runs `fleetplan check` on every saved plan in PLAN_DIR and keeps the findings for
# both front ends: SARIF per stack (GitHub code scanning, and a GitLab artifact) and
# one GitLab Code Quality report with every stack's findings (the merge request
# widget). Used by the GitHub pull-request workflow and the GitLab pipeline alike.
#   .ci/policy-check.sh FLEETPLAN PLAN_DIR OUT
# Writes OUT/sarif/<stack>.sarif, OUT/codequality/<stack>.json and
# OUT/gl-code-quality-report.json (needs jq). Exits 1 when any stack has a
# mandatory violation (after checking them all), 2 when a check cannot run.
set -euo pipefail
bin=$1; plans=$2; out=$3
mkdir -p "$out/sarif" "$out/codequality"
shopt -s nullglob
files=("$plans"/*.json)
if [ ${#files[@]} -eq 0 ]; then echo "policy-check: no plans in $plans" >&2; exit 2; fi
status=0
for f in "${files[@]}"; do
  s=$(basename "$f" .json)
  rc=0
  "$bin" check --plan "$f" --sarif "$out/sarif/$s.sarif" --codequality "$out/codequality/$s.json" || rc=$?
  case "$rc" in
    0) ;;
    1) status=1 ;;
    *) echo "policy-check: fleetplan check failed for stack $s (exit $rc)" >&2; exit 2 ;;
  esac
done
jq -s 'add' "$out"/codequality/*.json > "$out/gl-code-quality-report.json"
echo "policy-check: $(jq length "$out/gl-code-quality-report.json") finding(s) in ${#files[@]} stack(s); status $status"
exit "$status"
