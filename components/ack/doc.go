// Package ack creates an Alibaba Cloud ACK managed Kubernetes cluster with Terway
// ENI-IP networking: a VPC with a node vSwitch and a pod vSwitch per zone, an enhanced
// NAT gateway with an EIP and SNAT entries for outbound traffic, the cluster with the
// terway-eniip add-on (network policy on), and ACK node pools in the node vSwitches.
// It hands the layers above a cluster.Connection: the kubeconfig as a Pulumi secret and
// a kubernetes.Provider built from it.
//
// The address plan (which CIDR goes to which vSwitch) comes from cluster.PlanTerway,
// the same function that validates the stack file, so what passes validation is what
// is built.
package ack
