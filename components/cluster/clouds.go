package cluster

// AWSSpec holds EKS settings (`clusters[i].aws`). Defaults and checks are in aws.go.
type AWSSpec struct {
	// AvailabilityZones are the zones to spread subnets over, in order (e.g. us-east-1a); the first
	// network.zones are used. Defaults to the first network.zones zones the region reports at deploy
	// time (offline plans then show empty zone names), so list them to get a reviewable plan.
	AvailabilityZones []string `yaml:"availabilityZones"`
	// NATGateways is "perZone" (one NAT gateway per AZ, the default, DefaultNATGateways) or
	// "single" (cheaper, a dev choice).
	NATGateways string `yaml:"natGateways"`
	// EndpointAccess is "private", "public" or "publicWithAllowList". The VPC always reaches the
	// endpoint privately. Defaults to private in prod, publicWithAllowList elsewhere.
	EndpointAccess string `yaml:"endpointAccess"`
	// PublicAccessCIDRs is the allow-list for endpointAccess publicWithAllowList; required there
	// and refused with the other modes.
	PublicAccessCIDRs []string `yaml:"publicAccessCidrs"`
	// SecretsEncryption turns on envelope encryption of Secrets with a KMS key made for the
	// cluster (rotated yearly). Defaults to true.
	SecretsEncryption *bool `yaml:"secretsEncryption"`
	// LogTypes are the control-plane log types sent to CloudWatch (api, audit, authenticator,
	// controllerManager, scheduler). Defaults to all five in prod, api and audit elsewhere.
	LogTypes []string `yaml:"logTypes"`
	// VPCCNI tunes the Amazon VPC CNI add-on.
	VPCCNI VPCCNI `yaml:"vpcCni"`
	// Karpenter holds the cluster-wide Karpenter settings; only allowed when a node pool
	// has a karpenter block, and defaulted then.
	Karpenter *KarpenterSpec `yaml:"karpenter"`
	// AutoMode creates the cluster in EKS Auto Mode (automode.go): AWS then launches and
	// patches the nodes of AutoModeNodePools and runs pod networking, cluster DNS, block
	// storage and load balancing itself, and the program makes no Karpenter and no
	// add-on for any of those. Needs Kubernetes MinAutoModeVersion or newer; refused with
	// Karpenter pools. Node pools without karpenter stay managed node groups beside Auto
	// Mode's nodes, as AWS allows. Turning it on for an existing cluster updates the
	// cluster in place; turning it off is not offered. Defaults to false.
	AutoMode bool `yaml:"autoMode"`
	// AutoModeNodePools are the built-in Auto Mode node pools to turn on: general-purpose
	// (workloads) and system (critical add-ons, tainted CriticalAddonsOnly). An empty list
	// turns both off, which needs a node pool of this stack file. Defaults to both
	// (DefaultAutoModeNodePools) with autoMode; refused without it.
	AutoModeNodePools []string `yaml:"autoModeNodePools"`
}

// VPCCNI is the Amazon VPC CNI add-on configuration; it becomes the add-on's configurationValues.
type VPCCNI struct {
	// PrefixDelegation assigns /28 prefixes to ENIs for pod density (ENABLE_PREFIX_DELEGATION).
	// Defaults to true. It also sets the default nodePools[].maxPods: 110 with it, 29 without.
	PrefixDelegation *bool `yaml:"prefixDelegation"`
	// WarmPrefixTarget is how many spare prefixes each node keeps (WARM_PREFIX_TARGET); only with
	// prefix delegation. Defaults to 1 with prefix delegation unless warmIpTarget is set.
	WarmPrefixTarget int `yaml:"warmPrefixTarget"`
	// WarmIPTarget is how many spare IPs each node keeps (WARM_IP_TARGET); 0 leaves it unset. It works
	// with and without prefix delegation, but not together with warmPrefixTarget, which it overrides.
	WarmIPTarget int `yaml:"warmIpTarget"`
	// EnableNetworkPolicy turns on the VPC CNI's NetworkPolicy agent. Defaults to true, because
	// environments isolate namespaces with NetworkPolicy.
	EnableNetworkPolicy *bool `yaml:"enableNetworkPolicy"`
}

// AzureSpec holds AKS settings (`clusters[i].azure`). Defaults are applied by the
// azure defaulter in azure.go; the constants named below document them.
type AzureSpec struct {
	// ResourceGroup names the resource group to create for every Azure resource of the
	// cluster. Defaults to "<cluster>-rg".
	ResourceGroup string `yaml:"resourceGroup"`
	// NetworkMode is AzureModePodSubnet (Azure CNI with dynamic pod IP allocation: nodes
	// in the node subnet, pods in a pod subnet carved from network.podCidr inside the VNet,
	// the default) or AzureModeOverlay (Azure CNI Overlay: pods take addresses from
	// network.podCidr, a private range outside the VNet, one /24 per node).
	NetworkMode string `yaml:"networkMode"`
	// NetworkPolicy is azure, calico or cilium (cilium also selects the Cilium dataplane).
	// Defaults to DefaultAzureNetworkPolicy.
	NetworkPolicy string `yaml:"networkPolicy"`
	// DNSServiceIP is the cluster DNS address inside network.serviceCidr. Defaults to the
	// 10th address of the service range (172.20.0.10 for 172.20.0.0/16).
	DNSServiceIP string `yaml:"dnsServiceIp"`
	// OutboundType is loadBalancer, managedNATGateway or userDefinedRouting (which needs
	// routeTableId). Defaults to DefaultAzureOutboundType.
	OutboundType string `yaml:"outboundType"`
	// RouteTableID is the ID of an existing route table (e.g. to a hub firewall) to attach
	// to the node subnet; required with, and only allowed with, outboundType userDefinedRouting.
	RouteTableID string `yaml:"routeTableId"`
	// NodeSubnetCIDR is the node subnet inside network.vpcCidr. Defaults to the first
	// free /DefaultAzureNodeSubnetBits block of the VNet that does not touch the pod subnet.
	NodeSubnetCIDR string `yaml:"nodeSubnetCidr"`
	// PodSubnetPerPool gives every node pool its own pod subnet, network.podCidr split in
	// equal parts in pool order, so pools can be sized and isolated apart. Defaults to
	// false (one pod subnet shared by all pools). Only in podSubnet mode.
	PodSubnetPerPool bool `yaml:"podSubnetPerPool"`
	// AADRBAC turns on Entra ID (AAD) authentication, with Azure RBAC for Kubernetes
	// authorization beside Kubernetes RBAC: environments bind Entra ID group object IDs
	// in RoleBindings (fleetform:identities). Defaults to true in prod, false elsewhere.
	AADRBAC *bool `yaml:"aadRbac"`
	// DisableLocalAccounts turns off the static admin credentials, so every access goes
	// through Entra ID. Needs aadRbac. Defaults to the value of aadRbac.
	DisableLocalAccounts *bool `yaml:"disableLocalAccounts"`
	// AdminGroupObjectIDs are Entra ID group object IDs that get cluster admin with
	// aadRbac, besides the azure object IDs of identities.admins; with aadRbac there
	// must be at least one of either, so people keep a way in.
	AdminGroupObjectIDs []string `yaml:"adminGroupObjectIds"`
	// DeployerPrincipalType is the kind of Entra ID identity that runs `pulumi up`:
	// ServicePrincipal (CI with a service principal or managed identity, the default) or
	// User (a person). With aadRbac that identity is made cluster admin, so the layers
	// above deploy in the same run, and Azure refuses the assignment if the kind is wrong.
	DeployerPrincipalType string `yaml:"deployerPrincipalType"`
	// Tier is the AKS control-plane tier: Free, Standard (financially backed uptime SLA) or
	// Premium (Standard plus long-term support). Defaults to Standard in prod, Free elsewhere.
	Tier string `yaml:"tier"`
	// LongTermSupport selects AKS long-term support (support plan AKSLongTermSupport): a
	// minor stays supported a year past its community end of life. Needs tier Premium.
	// Defaults to false.
	LongTermSupport *bool `yaml:"longTermSupport"`
	// EndpointAccess is "private" (a private cluster: the API server has only a private
	// endpoint in the VNet), "public" or "publicWithAllowList" (authorized IP ranges).
	// Defaults to private in prod, publicWithAllowList elsewhere.
	EndpointAccess string `yaml:"endpointAccess"`
	// PublicAccessCIDRs are the authorized IP ranges of publicWithAllowList: the CI
	// runners' egress and the engineers' networks. Required there, refused otherwise.
	PublicAccessCIDRs []string `yaml:"publicAccessCidrs"`
	// KubeloginMode is how the kubeconfig's kubelogin logs in with aadRbac, never with a
	// prompt: azurecli (the `az login` session, as azure/login leaves it; the default,
	// DefaultAzureKubeloginMode), workloadidentity (a federated token from the
	// environment) or msi (the managed identity of a runner VM in Azure).
	KubeloginMode string `yaml:"kubeloginMode"`
}

// AlicloudSpec holds ACK settings (`clusters[i].alicloud`). Pods get VPC addresses from
// Terway ENI-IP: network.podCidr is split into one pod vSwitch per zone, and node
// vSwitches are carved from the rest of network.vpcCidr.
type AlicloudSpec struct {
	// ClusterSpec is the ACK managed edition: ack.pro.small (the default, with an SLA-backed
	// control plane) or ack.standard.
	ClusterSpec string `yaml:"clusterSpec"`
	// ZoneIDs are the zones for node and pod vSwitches (e.g. cn-hangzhou-i), in the cluster's
	// region. The first network.zones of them are used; there must be at least that many.
	ZoneIDs []string `yaml:"zoneIds"`
	// DeletionProtection guards the cluster against deletion. Defaults to true in prod.
	DeletionProtection *bool `yaml:"deletionProtection"`
	// EIPBandwidth is the bandwidth cap in Mbps of the NAT gateway's EIP, which carries all
	// outbound traffic of nodes and pods. Defaults to DefaultEIPBandwidth.
	EIPBandwidth int `yaml:"eipBandwidth"`
	// NodeVSwitchPrefixLength is the size of each zone's node vSwitch, carved from
	// network.vpcCidr outside network.podCidr. Defaults to DefaultNodeVSwitchPrefixLength.
	NodeVSwitchPrefixLength int `yaml:"nodeVSwitchPrefixLength"`
	// PublicAPIServer puts the API server behind an internet SLB, so that a deploy from
	// outside the VPC can reach it; false keeps it on the VPC-internal endpoint only, and
	// deploys run on a runner inside the VPC. The alicloud provider has no input for an
	// ACL on that SLB, so a public API server is open to the internet. Defaults to false
	// in prod, true elsewhere.
	PublicAPIServer *bool `yaml:"publicApiServer"`
	// NodeImageID is the ECS image of the nodes. Defaults to DefaultACKNodeImageID, an
	// Alibaba Cloud Linux 3 x86_64 public image: ACK refuses Alibaba Cloud Linux 2 from
	// Kubernetes 1.30 on. Set an arm64 image for Yitian (ecs.g8y) pools. Refused with
	// AutoMode, where ACK picks the image.
	NodeImageID string `yaml:"nodeImageId"`
	// SecretsEncryption turns on envelope encryption of Secrets with a KMS key created for
	// the cluster. It needs ack.pro.small. Defaults to true in prod on ack.pro.small.
	SecretsEncryption *bool `yaml:"secretsEncryption"`
	// ControlPlaneLogs are the control-plane components whose logs go to Log Service
	// (apiserver, kcm, scheduler). Defaults to all three in prod, none elsewhere.
	ControlPlaneLogs []string `yaml:"controlPlaneLogs"`
	// KeyPairName is an existing ECS key pair for SSH to nodes. Empty (the default) creates
	// nodes without SSH login; reach them through Cloud Assistant.
	KeyPairName string `yaml:"keyPairName"`
	// AutoMode creates the cluster in ACK's auto mode (ack.pro.small only): ACK then
	// manages every node pool's image, disks, runtime and repair itself, and the pools
	// keep only their vSwitches, instance types, labels, taints and scaling bounds
	// (minSize..maxSize; desiredSize and diskSizeGb are not used). It is set at creation:
	// changing it later replaces the cluster and its pools. Defaults to false.
	AutoMode bool `yaml:"autoMode"`
	// KubeconfigCredential is how the deploy's kubeconfig logs in: adminCertificate (the
	// default, DefaultACKKubeconfigCredential: the deploying identity's client
	// certificate, which does not expire, in the kubeconfig) or ackRamTool (no key in the
	// kubeconfig: kubectl and the kubernetes provider run `ack-ram-tool credential-plugin
	// get-credential`, which fetches a one-hour client certificate of the runner's own
	// RAM identity; the tool must be on the runner).
	KubeconfigCredential string `yaml:"kubeconfigCredential"`
}
