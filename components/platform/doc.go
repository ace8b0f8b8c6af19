// Package platform installs the delivery and observability stack on a cluster:
// ingress-nginx, Argo Rollouts, kube-prometheus-stack with federation, Loki or ELK,
// and Harbor, each from its upstream Helm chart.
package platform
