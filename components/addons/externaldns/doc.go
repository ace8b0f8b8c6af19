// Package externaldns installs external-dns on one cluster, so the hostnames the
// cluster's edge serves (HTTPRoutes, Ingresses, Istio gateways, annotated Services)
// get their DNS records in the stack's zones of the cluster's own cloud: Route 53 on
// EKS (an IRSA role), Azure DNS on AKS (an Entra workload identity and a secret-less
// azure.json), Alibaba Cloud DNS on ACK (an access key from secret config).
//
// Each install is scoped twice: its cloud identity may write only the stack's zones,
// and its domain and zone filters keep it to them. Each writes TXT ownership records
// under its own owner ID (stack and cluster), so two clusters never take over each
// other's records, and by default it never deletes a record (upsert-only).
package externaldns
