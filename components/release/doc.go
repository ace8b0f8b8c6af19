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
//   - exactly one strategy: a canary (`<app>-stable` and `<app>-canary` Services whose
//     weights the Rollouts controller shifts on the cluster's edge) or blue-green
//     (`<app>-active` and `<app>-preview` Services, an optional preview host);
//   - the objects that carry its hosts on the cluster's edge (Routing): on Envoy
//     Gateway, the default edge (edges.EnvoyGateway), an HTTPRoute on the shared Gateway,
//     its canary weights set by the Rollouts Gateway API traffic-router plugin (the same
//     on Kong, edges.Kong); on Istio (edges.Istio), a VirtualService reweighted by Rollouts' Istio router; on the
//     legacy ingress-nginx (edges.IngressNginx), an Ingress and Rollouts' nginx router
//     through `stableIngress`;
//   - an AnalysisTemplate (`<app>-success-rate`) on the cluster's Prometheus, measuring
//     the share of non-5xx requests through the edge (SuccessRateQueryFor);
//   - a HorizontalPodAutoscaler that scales the Rollout, a
//     PodDisruptionBudget, and, when monitoring is on, a headless `<app>-metrics`
//     Service with a ServiceMonitor.
//
// Image pull credentials are not set on the pod: pods run as the namespace's default
// ServiceAccount, which the environments layer gives the registry pull secret.
package release
