#!/usr/bin/env bash
# The stacks a GitLab pipeline touches, through .ci/affected-stacks.sh with the
# base that fits the pipeline: the merge base for a merge request, the previous tip
# for a push. A pipeline with no usable base (a schedule, a manual run, a new
# branch, a base missing from a shallow clone) touches every CI stack.
#   .ci/gitlab-affected.sh          prints the stacks as a JSON array
#   .ci/gitlab-affected.sh STACK    exits 0 if STACK is touched, 1 if not
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
zero=0000000000000000000000000000000000000000
base=""
case "${CI_PIPELINE_SOURCE:-}" in
  merge_request_event) base=${CI_MERGE_REQUEST_DIFF_BASE_SHA:-} ;;
  push) base=${CI_COMMIT_BEFORE_SHA:-} ;;
esac
if [ -n "$base" ] && [ "$base" != "$zero" ] && git cat-file -e "$base^{commit}" 2>/dev/null; then
  stacks=$(bash .ci/affected-stacks.sh "$base" HEAD)
else
  mapfile -t all < <(grep -v '^\s*#' .ci/stacks | grep -v '^\s*$')
  stacks=$(printf '"%s",' "${all[@]}"); stacks="[${stacks%,}]"
  echo "gitlab-affected: no base for ${CI_PIPELINE_SOURCE:-this pipeline}; every CI stack" >&2
fi
if [ $# -eq 0 ]; then echo "$stacks"; exit 0; fi
case "$stacks" in
  *"\"$1\""*) echo "gitlab-affected: stack $1 is touched ($stacks)" >&2 ;;
  *) echo "gitlab-affected: stack $1 is not touched by this change ($stacks); nothing to do" >&2; exit 1 ;;
esac
