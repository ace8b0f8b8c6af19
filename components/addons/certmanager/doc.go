// Package certmanager installs cert-manager with one ClusterIssuer per cluster and a
// Certificate for each hostname the stack serves there, so no TLS Secret has to be
// made by hand.
//
// The issuer follows the cluster: ACME (Let's Encrypt by default) with DNS-01
// through the cloud's DNS where the stack names its zones (Route 53 through an IRSA
// role on EKS, Azure DNS through an Entra workload identity on AKS, both made by the
// cluster component from Workload), ACME with HTTP-01 through the cluster's edge on
// other cloud clusters (ACK: cert-manager has no Alibaba Cloud DNS solver of its
// own), and a private CA on existing clusters (a self-signed root made here, or the
// stack's own CA Secret).
package certmanager
