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

# The CI stacks (.ci/stacks), as the preview and drift matrices name their jobs.
mapfile -t ci_stacks < <(grep -v '^\s*#' .ci/stacks | grep -v '^\s*$')
previews=$(for s in "${ci_stacks[@]}"; do echo "preview: [$s]"; done | sort | paste -sd';' -)
drifts=$(for s in "${ci_stacks[@]}"; do case $s in prod*) echo "drift: [$s,production]" ;; *) echo "drift: [$s,$s]" ;; esac; done | sort | paste -sd';' -)

echo "== jobs per pipeline"
mr=(CI_PIPELINE_SOURCE=merge_request_event CI_PROJECT_ID=100 CI_MERGE_REQUEST_IID=7 CI_DEFAULT_BRANCH=main)
run "merge request, same project" \
  "lint:gitlab-ci;plan;plan:note;policies;$previews;test" \
  "${mr[@]}" CI_MERGE_REQUEST_SOURCE_PROJECT_ID=100 FLEETFORM_BOT_TOKEN=x
run "merge request, same project, no note token" \
  "lint:gitlab-ci;plan;policies;$previews;test" \
  "${mr[@]}" CI_MERGE_REQUEST_SOURCE_PROJECT_ID=100
run "merge request from a fork, run in this project" \
  "lint:gitlab-ci;plan;policies;test" \
  "${mr[@]}" CI_MERGE_REQUEST_SOURCE_PROJECT_ID=200 FLEETFORM_BOT_TOKEN=x
run "push to the default branch" \
  "deploy;deploy:pipeline;policies" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=true
run "push to another protected branch" \
  "$previews" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=release-1 CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=true
run "push to an unprotected branch" \
  "" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_BRANCH=topic CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=false
run "push of a protected version tag" \
  "$previews;release" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_TAG=v1.2.3 CI_COMMIT_BRANCH= CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=true
run "push of an unprotected version tag" \
  "" \
  CI_PIPELINE_SOURCE=push CI_COMMIT_TAG=v1.2.3 CI_COMMIT_BRANCH= CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=false
run "schedule" \
  "$drifts" \
  CI_PIPELINE_SOURCE=schedule CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main CI_COMMIT_REF_PROTECTED=true
run "manual run with FLEETFORM_DRIFT=true" \
  "$drifts" \
  CI_PIPELINE_SOURCE=web CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main FLEETFORM_DRIFT=true
run "manual run on the default branch" \
  "deploy;deploy:pipeline" \
  CI_PIPELINE_SOURCE=web CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main

for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failures=$((failures + 1))
  cat "$cache/scenario-$((i + 1)).txt"
done

# The deploy child pipeline, written from the real stack files as deploy:pipeline writes it
# for a manual run (every CI stack): valid, one job per CI stack plus the approval, each
# `needs` naming a job of the child pipeline, and the prod jobs behind the approval.
echo "== deploy child pipeline"
go build -o "$cache/fleetplan" ./cmd/fleetplan
child=.cache/gitlab-lint/deploy-pipeline.yml
CI_PIPELINE_SOURCE=web bash .ci/gitlab-deploy-pipeline.sh "$child" "$cache/fleetplan" 2>/dev/null
want_child=$( (echo "approve: production"; for s in "${ci_stacks[@]}"; do echo "deploy: $s"; done) | sort | paste -sd';' -)
if ! LINT_STATE_DIR=.cache/gitlab-lint/state-child gcl --file "$child" --preview > "$cache/child-expanded.txt"; then
  sed -n '1,40p' "$cache/child-expanded.txt"; echo "gitlab-lint: the deploy child pipeline is invalid"; failures=$((failures + 1))
fi
got_child=$(LINT_STATE_DIR=.cache/gitlab-lint/state-child gcl --file "$child" --list-csv --json-schema-validation=false | grep ';' | tail -n +2 | cut -d';' -f1 | sort | paste -sd';' -)
echo "   deploy child pipeline: ${got_child//;/, }"
if [ "$got_child" != "$want_child" ]; then
  echo "gitlab-lint: deploy child pipeline: jobs differ"; echo "   got:  $got_child"; echo "   want: $want_child"; failures=$((failures + 1))
fi
# (gitlab-ci-local 4.69's chain check ignores --manual, so it reads a copy without `when`.)
jq 'with_entries(if (.value | type) == "object" then .value |= del(.when) else . end)' "$child" > "${child%.yml}-chain.yml"
if ! LINT_STATE_DIR=.cache/gitlab-lint/state-child gcl --file "${child%.yml}-chain.yml" --validate-dependency-chain --json-schema-validation=false > "$cache/child-chain.txt"; then
  cat "$cache/child-chain.txt"; echo "gitlab-lint: deploy child pipeline: a job needs a job that is not in it"; failures=$((failures + 1))
fi
if [ "$(jq -r '."approve: production".when' "$child")" != manual ]; then
  echo "gitlab-lint: deploy child pipeline: approve: production is not manual"; failures=$((failures + 1))
fi
unapproved=$(jq -r 'to_entries[] | select((.key | startswith("deploy: prod")) and ((.value.needs | index("approve: production")) == null)) | .key' "$child")
if [ -n "$unapproved" ]; then
  echo "gitlab-lint: deploy child pipeline: prod jobs not behind the approval: $unapproved"; failures=$((failures + 1))
fi

if [ "$failures" -gt 0 ]; then
  echo "gitlab-lint: $failures problem(s) ($(( $(date +%s) - start ))s)" >&2
  exit 1
fi
echo "gitlab-lint: GitLab CI/CD configuration OK ($(( $(date +%s) - start ))s)"
