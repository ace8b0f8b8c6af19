package cluster

// AWSSpec holds EKS settings (`clusters[i].aws`).
type AWSSpec struct {
	// NATGateways is "perZone" (one NAT gateway per AZ, the default) or "single" (cheaper, a dev choice).
	NATGateways string `yaml:"natGateways"`
	// EndpointAccess is "private", "public" or "publicWithAllowList". Defaults to private in prod, publicWithAllowList elsewhere.
	EndpointAccess string `yaml:"endpointAccess"`
	// PublicAccessCIDRs is the allow-list for endpointAccess publicWithAllowList.
	PublicAccessCIDRs []string `yaml:"publicAccessCidrs"`
	// SecretsEncryption turns on envelope encryption of Secrets with a KMS key. Defaults to true.
	SecretsEncryption *bool `yaml:"secretsEncryption"`
	// LogTypes are the control-plane log types. Defaults to all five in prod, api and audit elsewhere.
	LogTypes []string `yaml:"logTypes"`
	// VPCCNI tunes the Amazon VPC CNI add-on.
	VPCCNI VPCCNI `yaml:"vpcCni"`
}

// VPCCNI is the Amazon VPC CNI add-on configuration.
type VPCCNI struct {
	// PrefixDelegation assigns /28 prefixes to ENIs for pod density. Defaults to true.
	PrefixDelegation *bool `yaml:"prefixDelegation"`
	// WarmPrefixTarget is how many spare prefixes each node keeps. Defaults to 1 with prefix delegation.
	WarmPrefixTarget int `yaml:"warmPrefixTarget"`
	// WarmIPTarget is how many spare IPs each node keeps; 0 leaves the CNI default.
	WarmIPTarget int `yaml:"warmIpTarget"`
	// EnableNetworkPolicy turns on the VPC CNI's NetworkPolicy agent. Defaults to true.
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
