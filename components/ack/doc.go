// Package ack creates an Alibaba Cloud ACK managed Kubernetes cluster with Terway
// ENI-IP networking: a VPC with a node vSwitch and a pod vSwitch per zone, an enhanced
// NAT gateway with an EIP and SNAT entries for outbound traffic, the cluster with the
// terway-eniip add-on (network policy on) and RRSA, ACK node pools in the node
// vSwitches, and an RRSA RAM role per workload that asks for one. It hands the layers
// above a cluster.Connection: the kubeconfig as a Pulumi secret, a kubernetes.Provider
// built from it, and the RRSA issuer.
//
// Every Alibaba Cloud resource runs on the provider plugin ProviderVersion, through the
// cluster's explicit provider; the cluster, the node pools and RAM roles are registered
// by type token with that release's inputs, which the v3.10.0 SDK cannot express.
//
// The address plan (which CIDR goes to which vSwitch) comes from cluster.PlanTerway,
// the same function that validates the stack file, so what passes validation is what
// is built.
package ack
