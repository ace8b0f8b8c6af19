// Package platform installs the addons a cluster runs under its releases, each from
// its upstream Helm chart at a pinned version, each in a namespace of its own with
// the Pod Security level it needs:
//
//   - the edge (Spec.Edge): Envoy Gateway behind a Gateway API Gateway by default,
//     Istio's gateway, or the retired ingress-nginx as an explicit legacy choice
//     (packages gateway and ingress), with cert-manager for certificates and
//     external-dns for the records of every host (certmanager, externaldns);
//   - Argo Rollouts, the controller of every release's Rollout (rollouts);
//   - kube-prometheus-stack with Alertmanager, federation to a hub and a ServiceMonitor
//     per addon that serves metrics (monitoring);
//   - Loki or ELK for logs (logging), and an OpenTelemetry Collector for traces (tracing);
//   - Harbor, the registry (harbor);
//   - Velero for backups to the cluster's own storage (velero);
//   - External Secrets Operator with the stack's secret store (externalsecrets);
//   - the Vertical Pod Autoscaler (vpa), and Karpenter on EKS (karpenter);
//   - optionally an Istio mesh (Spec.Mesh).
//
// Each addon is registered once in package catalog (its namespace, Pod Security
// level, charts, cloud identity, storage and monitors); New labels the namespaces
// from it and fails on an addon it does not register. An addon's monitors wait for
// the monitoring CRDs' install (the prometheus-operator-crds chart), which the builder
// hands out (monitoringReady) and refuses to hand out before it is built.
//
// Spec is the typed `platform` section of a stack file. Spec.Validate reports every
// problem with its field path before New registers anything.
package platform
