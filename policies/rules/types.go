package rules

// Type tokens the rules look at, as the providers register them (checked against
// the pinned SDKs: pulumi-kubernetes v4.33.0, pulumi-aws v6.83.4,
// pulumi-azure-native v2.92.3; Alibaba Cloud's against the alicloud provider plugin
// v3.105.0 that components/ack registers its cluster with by type token, the same
// tokens as the v3.10.0 SDK's).
const (
	TypeNamespace     = "kubernetes:core/v1:Namespace"
	TypePod           = "kubernetes:core/v1:Pod"
	TypePodTemplate   = "kubernetes:core/v1:PodTemplate"
	TypeService       = "kubernetes:core/v1:Service"
	TypeSecret        = "kubernetes:core/v1:Secret"
	TypeResourceQuota = "kubernetes:core/v1:ResourceQuota"
	TypeLimitRange    = "kubernetes:core/v1:LimitRange"
	TypeNetworkPolicy = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	TypeDeployment    = "kubernetes:apps/v1:Deployment"
	TypeStatefulSet   = "kubernetes:apps/v1:StatefulSet"
	TypeDaemonSet     = "kubernetes:apps/v1:DaemonSet"
	TypeReplicaSet    = "kubernetes:apps/v1:ReplicaSet"
	TypeJob           = "kubernetes:batch/v1:Job"
	TypeCronJob       = "kubernetes:batch/v1:CronJob"
	// TypeRollout is an Argo Rollout made with apiextensions.CustomResource, whose
	// properties are apiVersion, kind, metadata and spec.
	TypeRollout = "kubernetes:argoproj.io/v1alpha1:Rollout"
	// TypeHelmRelease is a helm/v3.Release; its values are in the `values` property.
	TypeHelmRelease = "kubernetes:helm.sh/v3:Release"
	// TypeHelmChart is a helm/v4.Chart (a remote component); its values are in `values`.
	TypeHelmChart = "kubernetes:helm.sh/v4:Chart"

	TypeEKSCluster   = "aws:eks/cluster:Cluster"
	TypeEKSNodeGroup = "aws:eks/nodeGroup:NodeGroup"
	TypeSubnet       = "aws:ec2/subnet:Subnet"
	TypeKMSKey       = "aws:kms/key:Key"
	TypeAKSCluster   = "azure-native:containerservice:ManagedCluster"
	TypeACKCluster   = "alicloud:cs/managedKubernetes:ManagedKubernetes"

	// TypeStackConfig is not a real resource: it is the stack's configuration,
	// presented to the rules as one resource whose inputs are the config map
	// (`namespace:key` to value, secure values as Secret). See ConfigResource.
	TypeStackConfig = "fleetform:policy:StackConfig"
)

// podSpecPaths says where each workload kind keeps its pod spec.
var podSpecPaths = map[string][]string{
	TypePod:         {"spec"},
	TypePodTemplate: {"template", "spec"},
	TypeDeployment:  {"spec", "template", "spec"},
	TypeStatefulSet: {"spec", "template", "spec"},
	TypeDaemonSet:   {"spec", "template", "spec"},
	TypeReplicaSet:  {"spec", "template", "spec"},
	TypeJob:         {"spec", "template", "spec"},
	TypeCronJob:     {"spec", "jobTemplate", "spec", "template", "spec"},
	TypeRollout:     {"spec", "template", "spec"},
}

// WorkloadTypes are the type tokens that carry a pod spec.
var WorkloadTypes = []string{
	TypePod, TypePodTemplate, TypeDeployment, TypeStatefulSet, TypeDaemonSet,
	TypeReplicaSet, TypeJob, TypeCronJob, TypeRollout,
}
