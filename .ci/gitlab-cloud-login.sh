# Sourced by GitLab jobs that reach a cloud (`. .ci/gitlab-cloud-login.sh`): turns
# the job's OIDC ID tokens and CI/CD variables into what each provider of this
# program reads. No long-lived AWS or Azure keys; a cloud whose variables are
# unset is skipped. The tokens come from the job's id_tokens (.gitlab/ci/templates.yml).
#
# AWS (pulumi-aws, the S3 backend, awskms, `aws eks get-token`): AWS_ROLE_ARN plus
#   the AWS_ID_TOKEN ID token. The AWS SDKs call AssumeRoleWithWebIdentity with
#   AWS_WEB_IDENTITY_TOKEN_FILE themselves, and renew the session when it expires.
# Azure (azure-native: ARM_USE_OIDC/ARM_OIDC_TOKEN; the azblob backend and
#   azurekeyvault through azidentity: AZURE_FEDERATED_TOKEN_FILE): AZURE_CLIENT_ID,
#   AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID plus the AZURE_ID_TOKEN ID token, matched
#   by a federated credential on the Entra application.
# Alibaba Cloud: pulumi-alicloud v3.10.0 (Nov 2021) predates the provider's OIDC
#   assume-role, so it cannot take an ID token. It reads ALICLOUD_ACCESS_KEY,
#   ALICLOUD_SECRET_KEY and ALICLOUD_SECURITY_TOKEN (masked, protected CI/CD
#   variables, scoped to the environment), or ALICLOUD_ECS_ROLE_NAME: the RAM role
#   of the ECS instance the runner runs on, whose STS credentials the provider
#   fetches from the instance metadata. ALICLOUD_REGION is read as well.
# shellcheck shell=bash
fleetform_token_dir=$(mktemp -d)
chmod 700 "$fleetform_token_dir"

if [ -n "${AWS_ROLE_ARN:-}" ]; then
  : "${AWS_ID_TOKEN:?AWS_ROLE_ARN is set but the job has no AWS_ID_TOKEN id_token}"
  printf '%s' "$AWS_ID_TOKEN" > "$fleetform_token_dir/aws"
  export AWS_WEB_IDENTITY_TOKEN_FILE="$fleetform_token_dir/aws"
  export AWS_ROLE_SESSION_NAME="gitlab-${CI_PROJECT_ID:-0}-${CI_JOB_ID:-0}"
  export AWS_REGION=${AWS_REGION:-us-east-1}
  export AWS_DEFAULT_REGION=$AWS_REGION
  echo "cloud-login: AWS through OIDC as $AWS_ROLE_ARN"
fi

if [ -n "${AZURE_CLIENT_ID:-}" ]; then
  : "${AZURE_ID_TOKEN:?AZURE_CLIENT_ID is set but the job has no AZURE_ID_TOKEN id_token}"
  : "${AZURE_TENANT_ID:?AZURE_CLIENT_ID is set without AZURE_TENANT_ID}"
  printf '%s' "$AZURE_ID_TOKEN" > "$fleetform_token_dir/azure"
  export AZURE_FEDERATED_TOKEN_FILE="$fleetform_token_dir/azure"
  export ARM_USE_OIDC=true ARM_OIDC_TOKEN="$AZURE_ID_TOKEN"
  export ARM_CLIENT_ID="$AZURE_CLIENT_ID" ARM_TENANT_ID="$AZURE_TENANT_ID"
  if [ -n "${AZURE_SUBSCRIPTION_ID:-}" ]; then export ARM_SUBSCRIPTION_ID="$AZURE_SUBSCRIPTION_ID"; fi
  echo "cloud-login: Azure through OIDC as application $AZURE_CLIENT_ID"
fi

if [ -n "${ALICLOUD_ECS_ROLE_NAME:-}" ]; then
  echo "cloud-login: Alibaba Cloud through the runner's ECS RAM role $ALICLOUD_ECS_ROLE_NAME"
elif [ -n "${ALICLOUD_ACCESS_KEY:-}" ]; then
  : "${ALICLOUD_SECRET_KEY:?ALICLOUD_ACCESS_KEY is set without ALICLOUD_SECRET_KEY}"
  echo "cloud-login: Alibaba Cloud with the AccessKey from CI/CD variables${ALICLOUD_SECURITY_TOKEN:+ (STS)}"
fi
if [ -n "${ALICLOUD_ROLE_ARN:-}${ALICLOUD_OIDC_PROVIDER_ARN:-}" ]; then
  echo "cloud-login: warning: ALICLOUD_ROLE_ARN/ALICLOUD_OIDC_PROVIDER_ARN are ignored: pulumi-alicloud v3.10.0 has no OIDC assume-role" >&2
fi
if [ -n "${ALICLOUD_ECS_ROLE_NAME:-}${ALICLOUD_ACCESS_KEY:-}" ]; then
  export ALICLOUD_REGION=${ALICLOUD_REGION:-cn-hangzhou}
fi
