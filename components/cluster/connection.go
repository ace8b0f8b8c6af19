package cluster

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Connection is what every cluster component hands to the layers above it, whatever
// the cloud. Later layers deploy through Provider and never see cloud details.
type Connection struct {
	// Name is the cluster's name in the stack file.
	Name string
	// Cloud is the cloud the cluster runs on.
	Cloud Cloud
	// Environment is the tier the cluster serves (dev, prod, ...).
	Environment string
	// Federation is the cluster's Prometheus federation role.
	Federation FederationRole
	// ClusterName is the name the cloud knows the cluster by.
	ClusterName pulumi.StringOutput
	// Kubeconfig reaches the cluster; always a Pulumi secret.
	Kubeconfig pulumi.StringOutput
	// Provider deploys Kubernetes objects into the cluster.
	Provider *kubernetes.Provider
	// OIDCIssuer is the cluster's service-account token issuer URL; empty where the cloud has none.
	OIDCIssuer pulumi.StringOutput
	// StorageClass is the default StorageClass name, for addons that need volumes.
	StorageClass string
	// KubernetesVersion is the version the control plane runs, as the cloud reports it;
	// the stack exports it, and the next deploy refuses to skip a minor from it.
	KubernetesVersion pulumi.StringOutput
	// Subjects are the RBAC subjects that environments bind each identity group as on
	// this cluster (Access.Subjects); nil binds groups by their own names.
	Subjects map[string]Subject
	// Workloads are the cloud identities the component made for Args.Workloads, by
	// Workload.Name; a workload missing here has no identity on this cloud.
	Workloads map[string]WorkloadIdentity
	// Backups is the cluster's backup storage for Velero (Args.Backups); nil when none
	// was asked for.
	Backups *BackupLocation
	// VirtualNodes is how pods reach the cluster's virtual nodes and what the cloud
	// refuses there (Spec.VirtualNodeFacts); nil when the cluster has none.
	VirtualNodes *VirtualNodes
	// VirtualNodesReady is what a pod on the virtual nodes waits for, where the cloud
	// side is a resource of its own (the EKS Fargate profile, the AKS ACI connector's
	// role); nil where the virtual nodes come with the cluster, or in an in-cluster
	// stack, whose cluster stack made them before.
	VirtualNodesReady pulumi.Resource
	// Karpenter is what the EKS component made for Karpenter when a node pool is
	// Karpenter's; nil elsewhere.
	Karpenter *Karpenter
	// ClusterIdentifier is the kubernetes provider's clusterIdentifier: stable for the
	// cluster's life, so a new kubeconfig updates the provider instead of replacing it.
	ClusterIdentifier pulumi.StringOutput
	// Outputs are cloud-assigned values the cloud's attach path needs in an in-cluster
	// stack (Contract, Output* keys beyond the common ones); exported with the contract.
	Outputs map[string]pulumi.StringOutput
	// Facts are plain cloud facts the attach path needs (Contract.Facts).
	Facts map[string]string
	// Admins are the subjects the in-cluster side binds to cluster-admin (Contract.Admins).
	Admins []Subject
	// ManagementCIDRs are the ranges of the management network the cluster's network is
	// attached to (Spec.ManagementCIDRs), which reach its API server; nil when none is.
	ManagementCIDRs []string
	// Component is the cluster's component resource, for parenting and dependencies.
	Component pulumi.Resource
}
