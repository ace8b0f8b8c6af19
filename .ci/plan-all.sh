#!/usr/bin/env bash
# Plans every stack of a checkout offline into DIR/<stack>.json, in the order
# `fleetplan stacks` derives from their stack references (a stack's references are
# answered from the other stacks' own files, as `fleetplan plan` does).
#   .ci/plan-all.sh FLEETPLAN CHECKOUT OUTDIR
set -euo pipefail
bin=$1; src=$2; out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
mapfile -t stacks < <("$bin" stacks --dir "$src" --json | jq -r '.stacks[].name')
for s in "${stacks[@]}"; do
  "$bin" plan --dir "$src" --stack "$s" -o "$out/$s.json" --quiet
done
