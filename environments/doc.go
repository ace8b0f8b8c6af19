// Package environments makes each namespace environment (qa, e2e, stage, prod, ...)
// isolated and safe by default: quota, limits, RBAC, NetworkPolicy, Pod Security and
// registry pull secrets.
package environments
