// Package aks creates an Azure Kubernetes Service cluster with Azure CNI: a resource
// group, a VNet whose node subnet and pod subnet(s) are created with it, a managed
// cluster with a system-assigned identity, a system node pool and autoscaling user
// node pools, Entra ID (AAD) RBAC, and a kubernetes Provider built from the cluster's
// user credentials. Pods take VNet addresses from the pod subnet (Azure CNI with
// dynamic pod IP allocation) or, in overlay mode, from a private range outside the VNet.
//
// Only this package and program/cluster_azure.go import the azure-native SDK, so
// other layers build and test without it.
package aks
