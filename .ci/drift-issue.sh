#!/usr/bin/env bash
# Opens the drift issue of a stack (labelled `drift`), or comments on the open one,
# after `pulumi preview --refresh --expect-no-changes` failed for it.
#   .ci/drift-issue.sh STACK RUN_URL
# GitHub (the default): needs GH_TOKEN and GITHUB_REPOSITORY (gh).
# GitLab (when CI_API_V4_URL is set): needs FLEETFORM_BOT_TOKEN (a project access
#   token, api scope, Reporter role) and CI_PROJECT_ID (curl, jq). GitLab creates the
#   `drift` label with the first issue that names it.
set -euo pipefail
stack=$1; run_url=$2
case "$stack" in ''|*[!a-z0-9-]*) echo "drift-issue: bad stack '$stack'" >&2; exit 2 ;; esac
title="Drift detected in stack $stack"
body="\`pulumi preview --refresh --expect-no-changes\` failed for \`$stack\` on $(date -u +%F): the live state differs from the code, or the preview itself could not run (see the log). Run: $run_url"

github() {
  local number
  number=$(gh issue list --label drift --state open --search "in:title \"$title\"" --json number,title \
    --jq "[.[] | select(.title == \"$title\")][0].number // empty")
  if [ -n "$number" ]; then
    gh issue comment "$number" --body "$body"
  else
    gh label create drift --color B60205 --description "Live state differs from code" 2>/dev/null || true
    gh issue create --title "$title" --label drift --body "$body"
  fi
}

gitlab() {
  local token=${FLEETFORM_BOT_TOKEN:?set FLEETFORM_BOT_TOKEN, a project access token with api scope}
  local issues="$CI_API_V4_URL/projects/${CI_PROJECT_ID:?}/issues"
  local auth="PRIVATE-TOKEN: $token" iid
  iid=$(curl -sSfG -H "$auth" "$issues" --data-urlencode state=opened --data-urlencode labels=drift \
      --data-urlencode in=title --data-urlencode "search=$title" --data-urlencode per_page=100 |
    jq -r --arg t "$title" '[.[] | select(.title == $t)][0].iid // empty')
  if [ -n "$iid" ]; then
    curl -sSf -X POST -H "$auth" --data-urlencode "body=$body" "$issues/$iid/notes" >/dev/null
    echo "commented on issue #$iid"
  else
    curl -sSf -X POST -H "$auth" --data-urlencode "title=$title" --data-urlencode labels=drift \
      --data-urlencode "description=$body" "$issues" >/dev/null
    echo "opened an issue: $title"
  fi
}

if [ -n "${CI_API_V4_URL:-}" ]; then gitlab; else github; fi
