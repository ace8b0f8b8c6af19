#!/usr/bin/env bash
# Creates or updates the one pull-request comment that starts with the marker
# <!-- fleetplan-diff -->, so each push edits the same comment in place.
#   .ci/sticky-comment.sh PR_NUMBER BODY_FILE    (needs GH_TOKEN and GITHUB_REPOSITORY)
set -euo pipefail
pr=$1; body=$2
marker='<!-- fleetplan-diff -->'
id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$pr/comments" --paginate \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n1)
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" >/dev/null
  echo "updated comment $id"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$body" >/dev/null
  echo "created a comment"
fi
