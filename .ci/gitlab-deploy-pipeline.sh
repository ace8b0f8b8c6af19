#!/usr/bin/env bash
# Writes the GitLab child pipeline that deploys a push to the default branch (JSON, which
# GitLab reads as YAML): one `deploy: <stack>` job per CI stack the push touches and per
# CI stack that reads one of them (.ci/deploy-order.sh), each needing the jobs of the
# stacks it reads, so GitLab runs them as a DAG: cluster stacks before the in-cluster
# stacks that attach to them, spokes before the hub, independent stacks at once. Each job
# runs on the runner its stack file names (fleetform:stack.runner, a runner tag; else
# FLEETFORM_DEPLOY_RUNNER_TAG), in one resource group per stack. The prod* jobs deploy to
# the protected `production` environment and wait for one manual job, `approve:
# production` (after the non-prod stacks), so a rollout of the whole prod fleet is one
# approval, then the DAG. A push that touches no CI stack gets one job that says so (a
# child pipeline needs one).
#   .ci/gitlab-deploy-pipeline.sh OUT [FLEETPLAN COMMAND...]   (default: go run ./cmd/fleetplan)
set -euo pipefail
out=${1:?usage: gitlab-deploy-pipeline.sh OUT [FLEETPLAN COMMAND...]}; shift
cd "$(git rev-parse --show-toplevel)"
order=$(bash .ci/deploy-order.sh "$(bash .ci/gitlab-affected.sh)" "$@")
jq '
  def prod: startswith("prod");
  (.stacks | map(.name)) as $names
  | {include: [{local: ".gitlab/ci/templates.yml"}]}
  + if (.stacks | length) == 0 then
      {"deploy: nothing": {image: "$FLEETFORM_GO_IMAGE", script: ["echo \"this change touches no CI stack (.ci/stacks): nothing to deploy\""]}}
    else
      (if any($names[]; prod) then
        {"approve: production": {stage: "deploy", image: "$FLEETFORM_GO_IMAGE", when: "manual", allow_failure: false,
          needs: [$names[] | select(prod | not) | "deploy: " + .],
          environment: {name: "production", deployment_tier: "production", action: "prepare"},
          script: ["echo \"production deploy approved by $GITLAB_USER_LOGIN: \($names | map(select(prod)) | join(", "))\""]}}
      else {} end)
      + (.stacks | map({key: ("deploy: " + .name), value: {
          extends: ".deploy", stage: "deploy",
          needs: ([.needs[] | "deploy: " + .] + if (.name | prod) then ["approve: production"] else [] end),
          variables: {STACK: .name, ONLY_AFFECTED: "false"},
          resource_group: ("pulumi-" + .name),
          tags: [if .runner != "" then .runner else "$FLEETFORM_DEPLOY_RUNNER_TAG" end],
          environment: (if (.name | prod)
            then {name: "production", deployment_tier: "production"}
            else {name: .name, deployment_tier: "development"} end)}})
        | from_entries)
    end' <<<"$order" > "$out"
echo "gitlab-deploy-pipeline: $(jq -r '[keys[] | select(startswith("deploy: "))] | join(", ")' "$out") -> $out"
