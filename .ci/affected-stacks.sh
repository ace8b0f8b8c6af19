#!/usr/bin/env bash
# Prints, as a JSON array, the CI stacks (.ci/stacks) that a change touches.
#   .ci/affected-stacks.sh BASE [HEAD]
# A change to Pulumi.<stack>.yaml touches that stack. A change to anything the
# program is built from (Go code, go.mod/go.sum, Pulumi.yaml, policies) touches every
# stack. Docs, workflows and tests alone touch none.
set -euo pipefail
base=${1:?usage: affected-stacks.sh BASE [HEAD]}
head=${2:-HEAD}
cd "$(git rev-parse --show-toplevel)"

mapfile -t stacks < <(grep -v '^\s*#' .ci/stacks | grep -v '^\s*$')
mapfile -t changed < <(git diff --name-only "$base"..."$head")

declare -A hit=()
all=false
for f in "${changed[@]}"; do
  case "$f" in
    Pulumi.yaml|go.mod|go.sum) all=true ;;
    Pulumi.*.yaml)
      s=${f#Pulumi.}; s=${s%.yaml}; hit[$s]=1 ;;
    *_test.go|tests/*|docs/*|*.md|.github/*|.ci/*|scripts/*|hack/*) ;;
    *.go|policies/*|crds/*) all=true ;;
  esac
done

out=()
for s in "${stacks[@]}"; do
  if $all || [[ -n ${hit[$s]:-} ]]; then out+=("\"$s\""); fi
done
( IFS=,; echo "[${out[*]}]" )
