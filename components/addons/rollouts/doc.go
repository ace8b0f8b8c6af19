// Package rollouts installs the Argo Rollouts controller and its CRDs from the
// upstream argo-rollouts chart, with the dashboard as an option.
package rollouts
