#!/usr/bin/env bash
# Creates or updates the one pull-request comment (GitHub) or merge-request note
# (GitLab) that starts with a marker, so each push edits the same comment in place.
#   .ci/sticky-comment.sh NUMBER BODY_FILE
# The body must start with the marker: STICKY_MARKER, default <!-- fleetplan-diff -->.
# GitHub (the default): NUMBER is the pull request; needs GH_TOKEN and GITHUB_REPOSITORY (gh).
# GitLab (when CI_API_V4_URL is set): NUMBER is the merge request IID; needs
#   FLEETFORM_BOT_TOKEN (a project access token, api scope, Reporter role) and
#   CI_MERGE_REQUEST_PROJECT_ID or CI_PROJECT_ID (curl, jq). Only a note written by
#   that token's user is edited, so a pasted marker in someone's note is left alone.
set -euo pipefail
number=$1; body=$2
marker=${STICKY_MARKER:-<!-- fleetplan-diff -->}
case "$number" in ''|*[!0-9]*) echo "sticky-comment: bad number '$number'" >&2; exit 2 ;; esac
if ! head -c "${#marker}" "$body" | grep -qF -- "$marker"; then
  echo "sticky-comment: $body does not start with $marker" >&2; exit 2
fi

github() {
  local id
  id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$number/comments" --paginate \
    --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n1)
  if [ -n "$id" ]; then
    gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" >/dev/null
    echo "updated comment $id"
  else
    gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$number/comments" -F "body=@$body" >/dev/null
    echo "created a comment"
  fi
}

gitlab() {
  local token=${FLEETFORM_BOT_TOKEN:?set FLEETFORM_BOT_TOKEN, a project access token with api scope}
  local project=${CI_MERGE_REQUEST_PROJECT_ID:-${CI_PROJECT_ID:?}}
  local notes="$CI_API_V4_URL/projects/$project/merge_requests/$number/notes"
  local auth="PRIVATE-TOKEN: $token" me id="" page=1
  headers=$(mktemp); trap 'rm -f "$headers"' EXIT
  me=$(curl -sSf -H "$auth" "$CI_API_V4_URL/user" | jq -er .id)
  while [ -n "$page" ] && [ -z "$id" ]; do
    id=$(curl -sSf -D "$headers" -H "$auth" "$notes?sort=asc&order_by=created_at&per_page=100&page=$page" |
      jq -r --arg m "$marker" --argjson me "$me" \
        '[.[] | select((.system | not) and .author.id == $me and (.body | startswith($m)))][0].id // empty')
    page=$(tr -d '\r' < "$headers" | awk -F': *' 'tolower($1) == "x-next-page" { print $2 }')
  done
  if [ -n "$id" ]; then
    curl -sSf -X PUT -H "$auth" --data-urlencode "body@$body" "$notes/$id" >/dev/null
    echo "updated note $id"
  else
    curl -sSf -X POST -H "$auth" --data-urlencode "body@$body" "$notes" >/dev/null
    echo "created a note"
  fi
}

if [ -n "${CI_API_V4_URL:-}" ]; then gitlab; else github; fi
