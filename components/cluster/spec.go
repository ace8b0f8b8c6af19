package cluster

// Cloud selects which component builds a cluster.
type Cloud string

// The clouds a cluster can run on. Existing means a cluster that is not created
// here but reached through a kubeconfig (kind, minikube, any BYO cluster).
const (
	AWS      Cloud = "aws"
	Azure    Cloud = "azure"
	Alicloud Cloud = "alicloud"
	Existing Cloud = "existing"
)

// Clouds lists every supported Cloud, in documentation order.
var Clouds = []Cloud{AWS, Azure, Alicloud, Existing}

// FederationRole says how a cluster's Prometheus takes part in multi-cluster federation.
type FederationRole string

// Federation roles. A hub scrapes every spoke's /federate endpoint; a spoke exposes it.
const (
	FederationNone  FederationRole = "none"
	FederationHub   FederationRole = "hub"
	FederationSpoke FederationRole = "spoke"
)

// Spec is one cluster in the stack file (`clusters[i]`).
type Spec struct {
	// Name identifies the cluster in the stack; a DNS-1123 label. Cloud resource names derive from it.
	Name string `yaml:"name"`
	// Formerly lists the names the cluster had before, oldest first. Its resources keep
	// their identity through Pulumi aliases, and the first name stays its identity: the
	// cluster component and every cloud name derived from it keep that name, since no
	// cloud renames a cluster in place. Keep the list as long as the cluster lives.
	Formerly []string `yaml:"formerly"`
	// Cloud selects the component: aws, azure, alicloud or existing.
	Cloud Cloud `yaml:"cloud"`
	// Region is the cloud region (e.g. us-east-1, westeurope, cn-hangzhou). Ignored for existing clusters.
	Region string `yaml:"region"`
	// KubernetesVersion is the control plane and node version in the cloud's form: MAJOR.MINOR
	// on EKS (1.35), MAJOR.MINOR[.PATCH] on AKS, x.y.z-aliyun.n on ACK. It must be a minor the
	// cloud's VersionTable lists and has not retired; change it one minor at a time.
	// Defaults to the cloud's VersionTable.Default.
	KubernetesVersion string `yaml:"kubernetesVersion"`
	// Environment is the tier the cluster serves (dev, prod, ...). It drives hardened
	// defaults (encryption, private endpoints, deletion protection) and the
	// `environment` tag. Defaults to the stack name.
	Environment string `yaml:"environment"`
	// Network holds the address plan.
	Network Network `yaml:"network"`
	// NodePools are the worker pools; at least one for cloud clusters.
	NodePools []NodePool `yaml:"nodePools"`
	// Federation is this cluster's Prometheus federation role. Defaults to none.
	Federation FederationRole `yaml:"federation"`
	// Tags are extra tags/labels put on every cloud resource of the cluster.
	Tags map[string]string `yaml:"tags"`
	// VirtualNodes runs pods without node pools, billed per pod (EKS Fargate, AKS virtual
	// nodes, ACK virtual nodes; an existing cluster's virtual kubelet). Environments and
	// releases opt in. Unset: none.
	VirtualNodes *VirtualNodesSpec `yaml:"virtualNodes"`

	// AWS holds EKS settings; only with cloud: aws.
	AWS *AWSSpec `yaml:"aws"`
	// Azure holds AKS settings; only with cloud: azure.
	Azure *AzureSpec `yaml:"azure"`
	// Alicloud holds ACK settings; only with cloud: alicloud.
	Alicloud *AlicloudSpec `yaml:"alicloud"`
	// Kubeconfig points at an existing cluster; only with cloud: existing.
	Kubeconfig *KubeconfigSpec `yaml:"kubeconfig"`

	// StackReference names the entry of stackReferences whose stack builds this cluster
	// (a cluster stack, `fleetform:stack.layers: cluster`). Only in an in-cluster stack,
	// and then with no other field but name: the cloud, region, tier, node pools and
	// subjects come from that stack's connection output.
	StackReference string `yaml:"stackReference"`

	// contract is the connection read for a StackReference cluster (Attached).
	contract *Contract
}

// Network is a cluster's address plan. Ranges must not overlap within a cluster.
type Network struct {
	// VPCCIDR is the VPC/VNet range. Defaults to DefaultVPCCIDR.
	VPCCIDR string `yaml:"vpcCidr"`
	// PodCIDR is the range pods take IPs from: the Azure pod subnet or overlay range,
	// or the supernet of the Alibaba Cloud Terway pod vSwitches. On AWS the VPC CNI
	// gives pods VPC IPs from the private subnets, so it is unset there.
	PodCIDR string `yaml:"podCidr"`
	// ServiceCIDR is the Kubernetes Service range. Defaults to DefaultServiceCIDR.
	ServiceCIDR string `yaml:"serviceCidr"`
	// Zones is how many availability zones to spread subnets over. Defaults to DefaultZones; at least MinZones.
	Zones int `yaml:"zones"`
	// Management attaches the cluster's network to the existing network the deploy runners
	// live in and opens the API server to it (ManagementNetwork). Unset by default: then
	// only a runner inside the cluster's own network reaches a private API server.
	Management *ManagementNetwork `yaml:"management"`
}

// NodePool is a group of worker nodes.
type NodePool struct {
	// Name is a DNS-1123 label, unique within the cluster.
	Name string `yaml:"name"`
	// InstanceTypes are the VM sizes (e.g. m6i.large, Standard_D4s_v5, ecs.g7.xlarge).
	InstanceTypes []string `yaml:"instanceTypes"`
	// MinSize is the autoscaling lower bound.
	MinSize int `yaml:"minSize"`
	// DesiredSize is the initial node count; MinSize <= DesiredSize <= MaxSize.
	DesiredSize int `yaml:"desiredSize"`
	// MaxSize is the autoscaling upper bound; it sizes the pod range check.
	MaxSize int `yaml:"maxSize"`
	// MaxPods is the pod limit per node, used to size pod ranges. Defaults per cloud.
	MaxPods int `yaml:"maxPods"`
	// DiskSizeGB is the node OS disk size. Defaults to DefaultDiskSizeGB.
	DiskSizeGB int `yaml:"diskSizeGb"`
	// Labels are Kubernetes node labels.
	Labels map[string]string `yaml:"labels"`
	// Taints are Kubernetes node taints.
	Taints []Taint `yaml:"taints"`
	// System marks the pool that runs cluster-critical pods (AKS system pool).
	System bool `yaml:"system"`
	// OSSKU is the node OS of an AKS pool: Ubuntu or AzureLinux (AKS's osSKU). Pinned so
	// the OS family shows in the plan and never changes with AKS's default. Defaults to
	// DefaultAzureOSSKU. Only on azure.
	OSSKU string `yaml:"osSku"`
	// Karpenter makes the pool a Karpenter NodePool and EC2NodeClass instead of an EKS
	// managed node group (EKS only): nodes are launched for pending pods up to maxSize
	// and removed when empty or underused. Unset: a managed node group.
	Karpenter *KarpenterPool `yaml:"karpenter"`
}

// Taint is a Kubernetes node taint.
type Taint struct {
	Key    string `yaml:"key"`
	Value  string `yaml:"value"`
	Effect string `yaml:"effect"`
}

// KubeconfigSpec reaches an existing cluster.
type KubeconfigSpec struct {
	// Path is the kubeconfig file; a leading ~/ is the home directory. Defaults to the
	// kubernetes provider's own lookup (KUBECONFIG, then ~/.kube/config) at deploy time.
	Path string `yaml:"path"`
	// Context selects a context in the file; defaults to its current context.
	Context string `yaml:"context"`
	// StorageClass is the cluster's default StorageClass (e.g. standard for kind). Defaults to DefaultExistingStorageClass.
	StorageClass string `yaml:"storageClass"`
}

// Identity is the name the entry's resources were first created under: the first of
// Formerly, else Name.
func (s *Spec) Identity() string {
	if len(s.Formerly) > 0 {
		return s.Formerly[0]
	}
	return s.Name
}

// Names are every name the entry has had, Formerly then Name.
func (s *Spec) Names() []string { return append(append([]string(nil), s.Formerly...), s.Name) }
