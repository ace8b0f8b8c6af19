#!/usr/bin/env bash
# Lints the GitLab CI/CD configuration (.gitlab-ci.yml and .gitlab/ci/*.yml) offline
# with gitlab-ci-local, installed from npm at the versions in .ci/gitlab-lint/
# package-lock.json into a cache (.cache/gitlab-lint, or $GITLAB_LINT_CACHE).
#   1. --preview: resolves include/extends/!reference like GitLab does and validates
#      the result against GitLab's CI JSON schema, which the package ships
#      (unknown keys, bad values, missing script, unknown stage or needs).
#   2. For each kind of pipeline (below): the jobs it gets must be exactly the
#      expected ones, and every `needs` must name a job that is in that pipeline.
#      This is where a rule that hands credentials to a fork's code would show.
# Runs only what it lints: no job is executed, nothing reaches GitLab.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
cache=${GITLAB_LINT_CACHE:-$PWD/.cache/gitlab-lint}
mkdir -p "$cache"
if ! cmp -s .ci/gitlab-lint/package-lock.json "$cache/package-lock.json" || [ ! -d "$cache/node_modules/gitlab-ci-local" ]; then
  cp .ci/gitlab-lint/package.json .ci/gitlab-lint/package-lock.json "$cache/"
  npm ci --prefix "$cache" --no-audit --no-fund --loglevel=error
fi
gcl="$cache/node_modules/gitlab-ci-local/dist/index.js"
echo "gitlab-ci-local $(node "$gcl" --version) on node $(node --version)"

# Run gitlab-ci-local on this checkout (its state directory, relative to the
# checkout, is LINT_STATE_DIR: one per parallel scenario). Scenarios set predefined variables on
# purpose, so its warning about that is silenced; its notes about the git remote
# (a CI clone has none worth reading) are dropped.
predefined=CI_PIPELINE_SOURCE,CI_PROJECT_ID,CI_MERGE_REQUEST_SOURCE_PROJECT_ID,CI_MERGE_REQUEST_IID,CI_COMMIT_BRANCH,CI_DEFAULT_BRANCH,CI_COMMIT_REF_PROTECTED,CI_OPEN_MERGE_REQUESTS,CI_COMMIT_TAG
gcl() {
  local out rc=0
  out=$(node "$gcl" --state-dir "${LINT_STATE_DIR:-.cache/gitlab-lint/state}" --ignore-predefined-vars "$predefined" "$@" 2>&1) || rc=$?
  grep -vE "remote|origin|Using fallback|^fatal: |^error: No such remote|^  Command failed" <<<"$out" || true
  return "$rc"
}

failures=0

echo "== schema and structure (--preview)"
if ! gcl --preview > "$cache/expanded.txt"; then
  sed -n '1,40p' "$cache/expanded.txt" >&2
  echo "gitlab-lint: .gitlab-ci.yml is invalid" >&2
  exit 1
fi
grep -E "validated|finished" "$cache/expanded.txt" || true

# scenario NAME "EXPECTED JOBS (sorted, ;-separated)" VAR=VALUE...
# Prints its report; exits non-zero on a problem. The scenarios run in parallel.
scenario() {
  local name=$1 want=$2; shift 2
  local args=() v got chain rc=0
  for v in "$@"; do args+=(--variable "$v"); done
  if ! got=$(gcl --list-csv --json-schema-validation=false "${args[@]}"); then
    echo "gitlab-lint: $name: cannot list the jobs:"; echo "$got"; return 1
  fi
  got=$(grep ';' <<<"$got" | tail -n +2 | cut -d';' -f1 | sort | paste -sd';' -)
  echo "   $name: ${got//;/, }"
  if [ "$got" != "$want" ]; then
    echo "gitlab-lint: $name: jobs differ"
    echo "   got:  $got"
    echo "   want: $want"
    rc=1
  fi
  if ! chain=$(gcl --validate-dependency-chain --json-schema-validation=false "${args[@]}"); then
    echo "gitlab-lint: $name: a job needs a job that is not in the pipeline:"; echo "$chain"
    rc=1
  fi
  return "$rc"
}

pids=()
n=0
run() {
  n=$((n + 1))
  LINT_STATE_DIR=.cache/gitlab-lint/state-$n scenario "$@" > "$cache/scenario-$n.txt" 2>&1 &
  pids+=($!)
}

echo "== jobs per pipeline"
mr=(CI_PIPELINE_SOURCE=merge_request_event CI_PROJECT_ID=100 CI_MERGE_REQUEST_IID=7 CI_DEFAULT_BRANCH=main)
run "merge request, same project" \
  "lint:gitlab-ci;plan;plan:note;policies;preview: [dev];preview: [prod];test" \
  "${mr[@]}" CI_MERGE_REQUEST_SOURCE_PROJECT_ID=100 FLEETFORM_BOT_TOKEN=x
run "merge request, same project, no note token" \
  "lint:gitlab-ci;plan;policies;preview: [dev];preview: [prod];test" \
  "${mr[@]}" CI_MERGE_REQUEST_SOURCE_PROJECT_ID=100
run "merge request from a fork, run in this project" \
  "lint:gitlab-ci;plan;policies;test" \
  "${mr[@]}" CI_MERGE_REQUEST_SOURCE_PROJECT_ID=200 FLEETFORM_BOT_TOKEN=x
run "push to the default branch" \
  "deploy:dev;deploy:prod;policies" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=true
run "push to another protected branch" \
  "preview: [dev];preview: [prod]" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=release-1 CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=true
run "push to an unprotected branch" \
  "" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=topic CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=false
run "push of a protected version tag" \
  "preview: [dev];preview: [prod];release" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_TAG=v1.2.3 CI_COMMIT_BRANCH= CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=true
run "push of an unprotected version tag" \
  "" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_TAG=v1.2.3 CI_COMMIT_BRANCH= CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=false
run "schedule" \
  "drift: [dev,dev];drift: [prod,production]" \
  CI_PIPELINE_SOURCE=schedule CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=true
run "manual run with FLEETFORM_DRIFT=true" \
  "drift: [dev,dev];drift: [prod,production]" \
  CI_PIPELINE_SOURCE=web CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main FLEETFORM_DRIFT=true
run "manual run on the default branch" \
  "deploy:dev;deploy:prod" \
  CI_PIPELINE_SOURCE=web CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main

for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failures=$((failures + 1))
  cat "$cache/scenario-$((i + 1)).txt"
done

if [ "$failures" -gt 0 ]; then
  echo "gitlab-lint: $failures problem(s) ($(( $(date +%s) - start ))s)" >&2
  exit 1
fi
echo "gitlab-lint: GitLab CI/CD configuration OK ($(( $(date +%s) - start ))s)"
