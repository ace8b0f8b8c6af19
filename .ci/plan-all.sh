#!/usr/bin/env bash
# Plans every stack of a checkout offline into DIR/<stack>.json.
#   .ci/plan-all.sh FLEETPLAN CHECKOUT OUTDIR
# The prod hub reads the dev stack's spoke through a stack reference, so dev is
# planned first and handed to the others with --ref.
set -euo pipefail
bin=$1; src=$2; out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
for s in dev prod local; do
  [ -f "$src/Pulumi.$s.yaml" ] || continue
  refs=()
  if [ "$s" != dev ] && [ -f "$out/dev.json" ]; then
    refs=(--ref "organization/fleetform/dev=$out/dev.json")
  fi
  "$bin" plan --dir "$src" --stack "$s" "${refs[@]}" -o "$out/$s.json" --quiet
done
