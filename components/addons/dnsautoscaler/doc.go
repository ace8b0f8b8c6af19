// Package dnsautoscaler installs the cluster-proportional-autoscaler (kubernetes-sigs
// chart) in linear mode against the CoreDNS Deployment in kube-system, so CoreDNS
// replicas follow the cluster's node and core count on clusters whose cloud does not
// scale CoreDNS itself.
package dnsautoscaler
