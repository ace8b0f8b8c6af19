// Package release turns one typed app block into an Argo Rollout with its Services,
// Ingress, analysis, autoscaling and disruption budget, per environment.
package release
