// Package monitoring installs kube-prometheus-stack on a cluster and wires
// multi-cluster Prometheus federation.
//
// Secrets never sit in Helm values: Grafana's admin password, the Alertmanager
// configuration (webhook URLs, SMTP and Slack credentials) and the hub's scrape
// configuration (spoke passwords) live in Kubernetes Secrets that the chart
// references by name (grafana.admin.existingSecret,
// alertmanager.alertmanagerSpec.configSecret,
// prometheus.prometheusSpec.additionalScrapeConfigsSecret).
//
// A spoke exposes /federate through ingress-nginx with basic auth (an htpasswd
// Secret) and TLS. The hub scrapes every spoke with honor_labels and the configured
// match[] selectors, and labels each spoke's series with cluster=<name>. Spokes of
// the same stack are handed to the hub directly (InStackTarget); spokes of other
// stacks are read from their stack's exports (RemoteTargets).
package monitoring
