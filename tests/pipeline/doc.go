// Package pipeline tests the CI scripts in .ci/ that the GitHub workflows and the
// GitLab pipeline share: the sticky plan comment and drift issue against a fake
// GitLab API on loopback, the review comment and policy check against a fake
// fleetplan, the choice of affected stacks per GitLab pipeline, and the cloud
// login environment. They need bash, git, curl and jq, and link in seconds. A
// missing tool skips them on a workstation and fails them where CI=true.
package pipeline
