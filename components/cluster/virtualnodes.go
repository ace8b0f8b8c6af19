package cluster

import (
	"maps"
	"net/netip"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Virtual nodes run pods without node pools, billed per pod: EKS Fargate, AKS virtual
// nodes (the ACI connector) and ACK virtual nodes (ECI), or a virtual kubelet an
// existing cluster already runs. The cluster components make what the cloud needs;
// the layers above read only VirtualNodes, the neutral fact of how a pod gets there
// and what the cloud refuses there, and never switch on the cloud.

// VirtualNodesSpec turns a cluster's virtual nodes on (`clusters[i].virtualNodes`).
type VirtualNodesSpec struct {
	// Enabled makes the cloud's virtual nodes: a Fargate profile on EKS, the ACI
	// connector add-on and its subnet on AKS, the ack-virtual-node add-on on ACK. On an
	// existing cluster it declares a virtual kubelet the cluster already runs, reached
	// through NodeSelector and Tolerations. Defaults to false.
	Enabled bool `yaml:"enabled"`
	// SubnetCIDR is the subnet ACI puts the pods in (azure only): inside the VNet,
	// overlapping no other subnet. Defaults to the first free /24 of the VNet
	// (DefaultAzureVirtualNodeSubnetBits).
	SubnetCIDR string `yaml:"subnetCidr"`
	// NodeSelector puts a pod on the existing cluster's virtual kubelet (existing only,
	// and required there): the labels its virtual node carries.
	NodeSelector map[string]string `yaml:"nodeSelector"`
	// Tolerations let a pod onto the existing cluster's virtual node past its taints
	// (existing only).
	Tolerations []Toleration `yaml:"tolerations"`
}

// Toleration is a pod toleration, in the fields Kubernetes gives it.
type Toleration struct {
	// Key is the taint key; empty with operator Exists tolerates every taint.
	Key string `yaml:"key" json:"key,omitempty"`
	// Operator is Equal (the default) or Exists.
	Operator string `yaml:"operator" json:"operator,omitempty"`
	// Value is the taint value, with operator Equal.
	Value string `yaml:"value" json:"value,omitempty"`
	// Effect is NoSchedule, PreferNoSchedule or NoExecute; empty tolerates every effect.
	Effect string `yaml:"effect" json:"effect,omitempty"`
}

// PodFeature is something a pod may ask for that some virtual nodes refuse or ignore.
type PodFeature string

// The pod features VirtualNodes.Unsupported lists.
const (
	// FeatureHostAccess is what Pod Security's baseline level forbids: privileged
	// containers, host namespaces (hostNetwork, hostPID, hostIPC), hostPort and
	// hostPath volumes. Fargate refuses privileged pods, hostNetwork and hostPort; ACI
	// and ECI run pods on no host of the cluster's (ECI lists hostPath and hostNetwork
	// as unsupported).
	FeatureHostAccess PodFeature = "hostAccess"
	// FeatureNetworkPolicy is a NetworkPolicy enforced on the pod: the VPC CNI enforces
	// none on Fargate, and AKS virtual nodes support no Kubernetes network policy.
	FeatureNetworkPolicy PodFeature = "networkPolicy"
	// FeatureInitContainers are init containers (the mesh's istio-init is one): AKS
	// virtual nodes do not run them.
	FeatureInitContainers PodFeature = "initContainers"
	// FeatureDaemonSets are DaemonSet pods, which no virtual node runs.
	FeatureDaemonSets PodFeature = "daemonSets"
)

// VirtualNodes is the neutral fact of a cluster's virtual nodes, which the layers above
// read (Connection.VirtualNodes, Contract.VirtualNodes): how a pod is put there and
// what the cloud refuses or ignores there.
type VirtualNodes struct {
	// Provider names the virtual nodes for messages (EKS Fargate, ...).
	Provider string `json:"provider"`
	// NodeSelector is the pod's nodeSelector on the virtual nodes.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Tolerations are the pod's tolerations of the virtual nodes' taints.
	Tolerations []Toleration `json:"tolerations,omitempty"`
	// PodLabels are labels the pod carries to be sent there (a Fargate profile's selector).
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// Unsupported are the pod features the virtual nodes refuse or ignore.
	Unsupported []PodFeature `json:"unsupported,omitempty"`
	// MaxCPU and MaxMemory are the largest pod the virtual nodes run (Kubernetes
	// quantities); empty where the cloud's limit depends on the region.
	MaxCPU    string `json:"maxCpu,omitempty"`
	MaxMemory string `json:"maxMemory,omitempty"`
}

// Supports says whether pods on the virtual nodes get feature f.
func (v *VirtualNodes) Supports(f PodFeature) bool { return !slices.Contains(v.Unsupported, f) }

// Clone copies the fact, so no two holders share its maps and lists.
func (v *VirtualNodes) Clone() *VirtualNodes {
	if v == nil {
		return nil
	}
	out := *v
	out.NodeSelector = maps.Clone(v.NodeSelector)
	out.PodLabels = maps.Clone(v.PodLabels)
	out.Tolerations = slices.Clone(v.Tolerations)
	out.Unsupported = slices.Clone(v.Unsupported)
	return &out
}

// LabelVirtualNodes is the pod label an EKS Fargate profile of this project selects
// ("true"): a pod carrying it, in any namespace, runs on Fargate.
const LabelVirtualNodes = "fleetform.io/virtual-nodes"

// Facts of each cloud's virtual nodes, from the clouds' own pages (docs/clusters.md,
// "Virtual nodes").
const (
	// FargateMaxCPU and FargateMaxMemory are the largest Fargate pod: 16 vCPU and
	// 120 GB (EKS user guide, "Fargate Pod configuration").
	FargateMaxCPU    = "16"
	FargateMaxMemory = "120Gi"
	// ECIMaxCPU is the most vCPUs of one elastic container instance (ECI limits page).
	ECIMaxCPU = "64"
	// AzureVirtualNodeSubnetDelegation is the service the ACI subnet is delegated to.
	AzureVirtualNodeSubnetDelegation = "Microsoft.ContainerInstance/containerGroups"
	// DefaultAzureVirtualNodeSubnetBits sizes the default ACI subnet: a /24, 251 pods
	// after Azure's five reserved addresses.
	DefaultAzureVirtualNodeSubnetBits = 24
	// MaxAzureVirtualNodeSubnetBits is the smallest ACI subnet accepted, a /28 (Azure's
	// smallest subnet: 11 pods).
	MaxAzureVirtualNodeSubnetBits = 28
)

// Virtual node labels and taints, as each cloud's pages give them.
const (
	// TaintVirtualKubelet is the taint key every virtual kubelet of AKS and ACK carries.
	TaintVirtualKubelet = "virtual-kubelet.io/provider"
	// LabelVirtualKubeletType is the node label ("virtual-kubelet") of those nodes.
	LabelVirtualKubeletType = "type"
	// ValueVirtualKubelet is its value.
	ValueVirtualKubelet = "virtual-kubelet"
	// TaintAzureACI is the second taint of an AKS virtual node.
	TaintAzureACI = "azure.com/aci"
	// LabelECI ("true") asks ACK to run the pod on ECI.
	LabelECI = "alibabacloud.com/eci"
)

// Virtual node validation messages, exported so tests can assert on them.
const (
	MsgVirtualNodesOnlyAzure    = "is only used on azure, where it is the ACI subnet"
	MsgVirtualNodesOnlyExisting = "is only used on an existing cluster: the cloud decides how pods reach its virtual nodes"
	MsgVirtualNodesSelector     = "an existing cluster's virtual kubelet needs the labels of its node (for example type: virtual-kubelet)"
	MsgVirtualNodesGovCloud     = "EKS Fargate is not offered in AWS GovCloud (US)"
	MsgVirtualNodesOverlay      = "AKS virtual nodes need Azure CNI with VNet pod addresses; Azure CNI Overlay is not supported: use networkMode podSubnet"
	MsgVirtualNodesAllowList    = "AKS virtual nodes do not support API server authorized IP ranges: use endpointAccess private or public"
	MsgVirtualNodesSubnet       = "must lie inside the VNet and overlap no other subnet (nodes, pods)"
	MsgVirtualNodesSubnetSize   = "must be a /28 or larger"
	MsgVirtualNodesNoSubnet     = "the VNet has no free /24 left for the ACI subnet: set virtualNodes.subnetCidr"
	MsgVirtualNodesOperator     = "must be Equal or Exists"
	MsgVirtualNodesEffect       = "must be NoSchedule, PreferNoSchedule, NoExecute or empty"
	MsgVirtualNodesLabel        = "must be a Kubernetes label"
)

// VirtualNodesOn says whether the cluster has virtual nodes.
func (s *Spec) VirtualNodesOn() bool {
	if s.contract != nil {
		return s.contract.VirtualNodes != nil
	}
	return s.VirtualNodes != nil && s.VirtualNodes.Enabled
}

// VirtualNodeFacts is how pods reach the cluster's virtual nodes and what they refuse
// there; nil when the cluster has none. An attached cluster's come from its contract.
func (s *Spec) VirtualNodeFacts() *VirtualNodes {
	if s.contract != nil {
		return s.contract.VirtualNodes.Clone()
	}
	if !s.VirtualNodesOn() {
		return nil
	}
	v := s.VirtualNodes
	switch s.Cloud {
	case AWS:
		return &VirtualNodes{
			Provider:    "EKS Fargate",
			PodLabels:   map[string]string{LabelVirtualNodes: "true"},
			Unsupported: []PodFeature{FeatureHostAccess, FeatureNetworkPolicy, FeatureDaemonSets},
			MaxCPU:      FargateMaxCPU, MaxMemory: FargateMaxMemory,
		}
	case Azure:
		return &VirtualNodes{
			Provider:     "AKS virtual nodes (ACI)",
			NodeSelector: map[string]string{"kubernetes.io/role": "agent", "kubernetes.io/os": "linux", LabelVirtualKubeletType: ValueVirtualKubelet},
			Tolerations:  []Toleration{{Key: TaintVirtualKubelet, Operator: "Exists"}, {Key: TaintAzureACI, Effect: "NoSchedule"}},
			Unsupported:  []PodFeature{FeatureHostAccess, FeatureNetworkPolicy, FeatureInitContainers, FeatureDaemonSets},
		}
	case Alicloud:
		return &VirtualNodes{
			Provider:     "ACK virtual nodes (ECI)",
			NodeSelector: map[string]string{LabelVirtualKubeletType: ValueVirtualKubelet},
			Tolerations:  []Toleration{{Key: TaintVirtualKubelet, Operator: "Equal", Value: "alibabacloud", Effect: "NoSchedule"}},
			PodLabels:    map[string]string{LabelECI: "true"},
			Unsupported:  []PodFeature{FeatureHostAccess, FeatureDaemonSets},
			MaxCPU:       ECIMaxCPU,
		}
	case Existing:
		return &VirtualNodes{
			Provider:     "the virtual kubelet of cluster " + s.Name,
			NodeSelector: maps.Clone(v.NodeSelector),
			Tolerations:  slices.Clone(v.Tolerations),
			// Every virtual kubelet provider runs pods on no host of the cluster's; what
			// else it refuses is the provider's, so only that much is assumed.
			Unsupported: []PodFeature{FeatureHostAccess, FeatureDaemonSets},
		}
	}
	return nil
}

// The ACI subnet's default is picked after the node and pod subnets' (defaultAzure,
// registered first: azure.go's init runs before this file's).
func init() {
	cloudDefaulters[Azure] = append(cloudDefaulters[Azure], defaultAzureVirtualNodes)
	for _, c := range Clouds {
		cloudValidators[c] = append(cloudValidators[c], validateVirtualNodes)
	}
}

// defaultAzureVirtualNodes picks the ACI subnet: the first /24 of the VNet that
// overlaps neither the node subnet nor the pod subnet.
func defaultAzureVirtualNodes(s *Spec) {
	v, a := s.VirtualNodes, s.Azure
	if v == nil || !v.Enabled || v.SubnetCIDR != "" || a == nil {
		return
	}
	vnet, err := ParseCIDR(s.Network.VPCCIDR)
	if err != nil || vnet.Bits() > DefaultAzureVirtualNodeSubnetBits {
		return
	}
	taken := azureSubnets(s)
	for i := uint64(0); ; i++ {
		b, ok := NthBlock(vnet, DefaultAzureVirtualNodeSubnetBits, i)
		if !ok {
			return
		}
		if !slices.ContainsFunc(taken, b.Overlaps) {
			v.SubnetCIDR = b.String()
			return
		}
	}
}

// azureSubnets are the VNet's other subnets: the node subnet and, in podSubnet
// mode, the pod range.
func azureSubnets(s *Spec) []netip.Prefix {
	var out []netip.Prefix
	if p, err := ParseCIDR(s.Azure.NodeSubnetCIDR); err == nil {
		out = append(out, p)
	}
	if p, err := ParseCIDR(s.Network.PodCIDR); err == nil && s.Azure.NetworkMode == AzureModePodSubnet {
		out = append(out, p)
	}
	return out
}

// validateVirtualNodes refuses virtual nodes the cluster's cloud settings cannot have,
// and fields another cloud's virtual nodes use; p is clusters[i].
func validateVirtualNodes(s *Spec, p *field.Path) field.ErrorList {
	v := s.VirtualNodes
	if v == nil {
		return nil
	}
	vp := p.Child("virtualNodes")
	var errs field.ErrorList
	if v.SubnetCIDR != "" && s.Cloud != Azure {
		errs = append(errs, field.Forbidden(vp.Child("subnetCidr"), MsgVirtualNodesOnlyAzure))
	}
	if s.Cloud != Existing {
		if v.NodeSelector != nil {
			errs = append(errs, field.Forbidden(vp.Child("nodeSelector"), MsgVirtualNodesOnlyExisting))
		}
		if v.Tolerations != nil {
			errs = append(errs, field.Forbidden(vp.Child("tolerations"), MsgVirtualNodesOnlyExisting))
		}
	}
	if !v.Enabled {
		return errs
	}
	switch s.Cloud {
	case AWS:
		if AWSPartition(s.Region) == "aws-us-gov" {
			errs = append(errs, field.Invalid(vp.Child("enabled"), true, MsgVirtualNodesGovCloud))
		}
	case Azure:
		errs = append(errs, validateAzureVirtualNodes(s, vp)...)
	case Existing:
		errs = append(errs, validateExistingVirtualNodes(v, vp)...)
	}
	return errs
}

// validateAzureVirtualNodes checks what AKS virtual nodes need: Azure CNI with VNet pod
// addresses, no authorized IP ranges, and an ACI subnet of their own.
func validateAzureVirtualNodes(s *Spec, vp *field.Path) field.ErrorList {
	var errs field.ErrorList
	a := s.Azure
	if a == nil {
		return nil // reported by validateAzure
	}
	if a.NetworkMode == AzureModeOverlay {
		errs = append(errs, field.Invalid(vp.Child("enabled"), true, MsgVirtualNodesOverlay))
	}
	if a.EndpointAccess == EndpointPublicWithAllowList {
		errs = append(errs, field.Invalid(vp.Child("enabled"), true, MsgVirtualNodesAllowList))
	}
	sp := vp.Child("subnetCidr")
	vnet, err := ParseCIDR(s.Network.VPCCIDR)
	if err != nil {
		return errs // reported by Network.validate
	}
	if s.VirtualNodes.SubnetCIDR == "" {
		return append(errs, field.Required(sp, MsgVirtualNodesNoSubnet))
	}
	sub, err := ParseCIDR(s.VirtualNodes.SubnetCIDR)
	switch {
	case err != nil:
		errs = append(errs, field.Invalid(sp, s.VirtualNodes.SubnetCIDR, MsgBadCIDR))
	case !ContainsPrefix(vnet, sub) || slices.ContainsFunc(azureSubnets(s), sub.Overlaps):
		errs = append(errs, field.Invalid(sp, s.VirtualNodes.SubnetCIDR, MsgVirtualNodesSubnet))
	case sub.Bits() > MaxAzureVirtualNodeSubnetBits:
		errs = append(errs, field.Invalid(sp, s.VirtualNodes.SubnetCIDR, MsgVirtualNodesSubnetSize))
	}
	return errs
}

// validateExistingVirtualNodes checks the user-given selector and tolerations of an
// existing cluster's virtual kubelet.
func validateExistingVirtualNodes(v *VirtualNodesSpec, vp *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(v.NodeSelector) == 0 {
		errs = append(errs, field.Required(vp.Child("nodeSelector"), MsgVirtualNodesSelector))
	}
	for _, k := range sortedLabelKeys(v.NodeSelector) {
		if len(validation.IsQualifiedName(k)) > 0 || len(validation.IsValidLabelValue(v.NodeSelector[k])) > 0 {
			errs = append(errs, field.Invalid(vp.Child("nodeSelector").Key(k), v.NodeSelector[k], MsgVirtualNodesLabel))
		}
	}
	for i, t := range v.Tolerations {
		tp := vp.Child("tolerations").Index(i)
		if t.Key != "" && len(validation.IsQualifiedName(t.Key)) > 0 {
			errs = append(errs, field.Invalid(tp.Child("key"), t.Key, MsgVirtualNodesLabel))
		}
		if !slices.Contains([]string{"", "Equal", "Exists"}, t.Operator) {
			errs = append(errs, field.Invalid(tp.Child("operator"), t.Operator, MsgVirtualNodesOperator))
		}
		if !slices.Contains([]string{"", "NoSchedule", "PreferNoSchedule", "NoExecute"}, t.Effect) {
			errs = append(errs, field.Invalid(tp.Child("effect"), t.Effect, MsgVirtualNodesEffect))
		}
	}
	return errs
}
