// Package release turns one typed app block into an Argo Rollout with its Services,
// Ingress, analysis, autoscaling and disruption budget, per environment.
//
// An app is declared once in `fleetform:releases` and overridden per environment
// (Spec.For). For each namespace it goes to, New creates, all named after the app so
// several apps share a namespace:
//
//   - a Rollout (argoproj.io/v1alpha1) with one hardened container: non-root, read-only
//     root filesystem with a /tmp emptyDir, no privilege escalation, all capabilities
//     dropped, seccomp RuntimeDefault; env from a ConfigMap (`<app>-env`) and a Secret
//     (`<app>-secret-env`) created with it;
//   - exactly one strategy: a canary (`<app>-stable` and `<app>-canary` Services; with an
//     Ingress, nginx traffic routing through `stableIngress`) or blue-green
//     (`<app>-active` and `<app>-preview` Services, an optional preview Ingress);
//   - an AnalysisTemplate (`<app>-success-rate`) on the cluster's Prometheus, measuring
//     the share of non-5xx requests through the ingress controller (SuccessRateQuery);
//   - an Ingress, a HorizontalPodAutoscaler that scales the Rollout, a
//     PodDisruptionBudget, and, when monitoring is on, a headless `<app>-metrics`
//     Service with a ServiceMonitor.
//
// Image pull credentials are not set on the pod: pods run as the namespace's default
// ServiceAccount, which the environments layer gives the registry pull secret.
package release
