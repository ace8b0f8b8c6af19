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

// AzureSpec holds AKS settings (`clusters[i].azure`).
type AzureSpec struct {
	// ResourceGroup names the resource group to create; defaults to "<cluster>-rg".
	ResourceGroup string `yaml:"resourceGroup"`
	// NetworkMode is "podSubnet" (Azure CNI, dynamic pod IPs from network.podCidr, the default) or "overlay".
	NetworkMode string `yaml:"networkMode"`
	// NetworkPolicy is azure, calico or cilium. Defaults to azure.
	NetworkPolicy string `yaml:"networkPolicy"`
	// DNSServiceIP is the cluster DNS address inside network.serviceCidr. Defaults to the 10th address.
	DNSServiceIP string `yaml:"dnsServiceIp"`
	// OutboundType is loadBalancer, managedNATGateway or userDefinedRouting. Defaults to loadBalancer.
	OutboundType string `yaml:"outboundType"`
	// AADRBAC turns on Entra ID RBAC with local accounts disabled. Defaults to true in prod.
	AADRBAC *bool `yaml:"aadRbac"`
	// AdminGroupObjectIDs are Entra ID groups that get cluster admin with AADRBAC.
	AdminGroupObjectIDs []string `yaml:"adminGroupObjectIds"`
}

// AlicloudSpec holds ACK settings (`clusters[i].alicloud`).
type AlicloudSpec struct {
	// ClusterSpec is the ACK managed edition, e.g. ack.pro.small (the default) or ack.standard.
	ClusterSpec string `yaml:"clusterSpec"`
	// ZoneIDs are the zones for node and pod vSwitches (e.g. cn-hangzhou-i). Their count must be at least network.zones.
	ZoneIDs []string `yaml:"zoneIds"`
	// DeletionProtection guards the cluster against deletion. Defaults to true in prod.
	DeletionProtection *bool `yaml:"deletionProtection"`
	// EIPBandwidth is the NAT EIP bandwidth in Mbps. Defaults to 100.
	EIPBandwidth int `yaml:"eipBandwidth"`
}
