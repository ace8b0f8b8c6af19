package eks

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// EKS Auto Mode: the AWS-managed policies its roles need (AWS EKS user guide, "Amazon EKS
// Auto Mode cluster IAM role", "Amazon EKS Auto Mode node IAM role" and "Learn about
// identity and access in EKS Auto Mode"), and its storage provisioner ("Create a
// storage class": "EKS Auto Mode does not create a StorageClass for you").
const (
	PolicyEKSCompute           = "AmazonEKSComputePolicy"
	PolicyEKSBlockStorage      = "AmazonEKSBlockStoragePolicy"
	PolicyEKSLoadBalancing     = "AmazonEKSLoadBalancingPolicy"
	PolicyEKSNetworking        = "AmazonEKSNetworkingPolicy"
	PolicyEKSWorkerNodeMinimal = "AmazonEKSWorkerNodeMinimalPolicy"
	// AutoModeEBSProvisioner is Auto Mode's block storage provisioner; a StorageClass of
	// the EBS CSI add-on's (EBSCSIProvisioner) provisions nothing there.
	AutoModeEBSProvisioner = "ebs.csi.eks.amazonaws.com"
	// LabelComputeType and ComputeTypeAuto mark Auto Mode's nodes; the StorageClass's
	// allowedTopologies keep pods with its volumes on them, since only they attach them.
	LabelComputeType = "eks.amazonaws.com/compute-type"
	ComputeTypeAuto  = "auto"
	// PropBootstrapSelfManagedAddons is the cluster input EKS wants false when it creates
	// an Auto Mode cluster, and whose change makes the provider replace the cluster.
	PropBootstrapSelfManagedAddons = "bootstrapSelfManagedAddons"
	autoModeNodeRolePart           = "auto-node"
)

// AutoModeClusterPolicies are the policies of an Auto Mode cluster's role, the cluster
// policy first.
var AutoModeClusterPolicies = []string{PolicyEKSCluster, PolicyEKSCompute, PolicyEKSBlockStorage, PolicyEKSLoadBalancing, PolicyEKSNetworking}

// AutoModeNodePolicies are the policies of the role Auto Mode's nodes run as.
var AutoModeNodePolicies = []string{PolicyEKSWorkerNodeMinimal, PolicyECRPullOnly}

// FactAutoMode is the contract fact ("true") that the cluster runs EKS Auto Mode, so an
// in-cluster stack makes its StorageClass on Auto Mode's EBS provisioner.
const FactAutoMode = "autoMode"

// LeavesOutAddons says whether the cluster needs none of the add-ons that serve nodes
// (vpc-cni, kube-proxy, coredns, the Pod Identity Agent): Auto Mode runs them on its
// own nodes, and the cluster has no managed node group that would need them.
func LeavesOutAddons(s *cluster.Spec) bool {
	return s.AWS != nil && s.AWS.AutoMode && len(s.ManagedNodeGroups()) == 0
}

// autoModeArgs sets the three Auto Mode capabilities on the cluster's arguments, all on
// together as EKS requires, with bootstrapSelfManagedAddons off, which EKS requires when
// it creates an Auto Mode cluster (the provider replaces the cluster when that
// property changes, so the cluster ignores later changes of it: see cluster).
func autoModeArgs(args *eks.ClusterArgs, pools []string, nodeRoleARN pulumi.StringInput) {
	args.BootstrapSelfManagedAddons = pulumi.Bool(false)
	args.ComputeConfig = &eks.ClusterComputeConfigArgs{
		Enabled:     pulumi.Bool(true),
		NodePools:   pulumi.ToStringArray(pools),
		NodeRoleArn: nodeRoleARN,
	}
	args.StorageConfig = &eks.ClusterStorageConfigArgs{BlockStorage: &eks.ClusterStorageConfigBlockStorageArgs{Enabled: pulumi.Bool(true)}}
	knc := args.KubernetesNetworkConfig.(*eks.ClusterKubernetesNetworkConfigArgs)
	knc.ElasticLoadBalancing = &eks.ClusterKubernetesNetworkConfigElasticLoadBalancingArgs{Enabled: pulumi.Bool(true)}
}

// AutoModeMinAddonVersions are the oldest add-on versions a cluster may run when it turns
// Auto Mode on (AWS EKS user guide, "Enable EKS Auto Mode on an existing cluster",
// Required Add-on Versions; kube-proxy is listed there per minor up to 1.31 only).
var AutoModeMinAddonVersions = map[string]string{
	AddonVPCCNI:             "v1.19.0-eksbuild.1",
	AddonEBSCSI:             "v1.37.0-eksbuild.1",
	AddonSnapshotController: "v8.1.0-eksbuild.2",
	AddonPodIdentityAgent:   "v1.3.4-eksbuild.1",
}
