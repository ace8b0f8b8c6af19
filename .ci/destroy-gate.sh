#!/usr/bin/env bash
# The review gate on destroyed state: fails when the offline diff comment says that the
# change deletes or replaces a protected resource (a prod stack's cluster, network, KMS
# key, backup bucket or volume-owning Helm release), unless a reviewer allowed it.
#   .ci/destroy-gate.sh COMMENT.md ALLOWED
# ALLOWED is "true" when the allow-destroy label (GitHub) or FLEETFORM_ALLOW_DESTROY
# (GitLab) is set. Used by the GitHub pull-request workflow and the GitLab
# merge-request pipeline alike.
set -euo pipefail
comment=${1:?usage: destroy-gate.sh COMMENT.md ALLOWED}; allowed=${2:-false}
marker='<!-- fleetplan: destroys protected state -->'
if ! grep -qF "$marker" "$comment"; then
  echo "destroy-gate: no protected resource is deleted or replaced"
  exit 0
fi
if [ "$allowed" = true ]; then
  echo "destroy-gate: this change destroys protected state; a reviewer allowed it (allow-destroy)"
  exit 0
fi
echo "destroy-gate: this change deletes or replaces protected state (see the Destroys section of the plan diff)." >&2
echo "destroy-gate: lift protection in a pull request of its own first, or have a reviewer apply the allow-destroy label (GitHub) or set FLEETFORM_ALLOW_DESTROY=true (GitLab). See docs/protection.md." >&2
exit 1
