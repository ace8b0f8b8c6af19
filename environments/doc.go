// Package environments makes each namespace environment (qa, e2e, stage, prod, ...)
// isolated and safe by default: quota, limits, RBAC, NetworkPolicy, Pod Security and
// registry pull secrets.
//
// Spec is the typed `fleetform:environments[i]` entry; ApplyDefaults fills it with the
// documented defaults of its tier (defaults.go) and Validate reports every problem with
// its field path (validate.go). New builds one Environment component
// (platform:environments:Environment) from a Spec on a cluster's Kubernetes provider.
// docs/environments.md lists every object an environment gets and why.
package environments
