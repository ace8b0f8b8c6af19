#!/usr/bin/env bash
# Lints .github/workflows with actionlint (and shellcheck for run: blocks).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$(go env GOPATH)/bin"
if ! command -v shellcheck >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null) || echo "shellcheck not installed; actionlint runs without it"
  fi
fi
if ! command -v actionlint >/dev/null; then
  go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.11
fi
actionlint -version | head -1
actionlint -no-color
echo "actionlint: workflows OK"
