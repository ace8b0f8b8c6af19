package cluster

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Azure network modes (`azure.networkMode`).
const (
	// AzureModePodSubnet is Azure CNI with dynamic pod IP allocation: pods get VNet
	// addresses from a pod subnet separate from the node subnet.
	AzureModePodSubnet = "podSubnet"
	// AzureModeOverlay is Azure CNI Overlay: pods get addresses from a private range
	// outside the VNet, one /24 per node, and only nodes use VNet addresses.
	AzureModeOverlay = "overlay"
)

// Azure network policies, outbound types and control-plane tiers the AKS component supports.
var (
	AzureNetworkModes    = []string{AzureModePodSubnet, AzureModeOverlay}
	AzureNetworkPolicies = []string{"azure", "calico", "cilium"}
	AzureOutboundTypes   = []string{"loadBalancer", "managedNATGateway", "userDefinedRouting"}
	AzureTiers           = []string{"Free", "Standard", AzureTierPremium}
	AzurePrincipalTypes  = []string{"ServicePrincipal", "User"}
	// AzureOSSKUs are the node OS families a pool may pin (nodePools[].osSku).
	AzureOSSKUs = []string{AzureOSSKUUbuntu, AzureOSSKUAzureLinux}
	// AzureEndpointAccess are the API server modes (azure.endpointAccess), named as on EKS.
	AzureEndpointAccess = []string{EndpointPrivate, EndpointPublic, EndpointPublicWithAllowList}
	// KubeloginModes are the non-interactive kubelogin logins (azure.kubeloginMode).
	KubeloginModes = []string{KubeloginAzureCLI, KubeloginWorkloadIdentity, KubeloginMSI}
)

// AKS node OS families (nodePools[].osSku), as AKS's API 2023-04-01 names them.
const (
	// AzureOSSKUUbuntu is Ubuntu: 22.04 on Kubernetes 1.25 to 1.34, 24.04 from 1.35 (AKS
	// moves the release with the Kubernetes version).
	AzureOSSKUUbuntu = "Ubuntu"
	// AzureOSSKUAzureLinux is Azure Linux, Microsoft's container-optimized distribution
	// (Azure Linux 3 on the versions AKS supports today).
	AzureOSSKUAzureLinux = "AzureLinux"
	// DefaultAzureOSSKU is Ubuntu, the OS AKS gives a Linux pool that names none, so
	// pinning it changes nothing on a running pool (moving a pool to AzureLinux
	// reimages its nodes).
	DefaultAzureOSSKU = AzureOSSKUUbuntu
)

// AzureTierPremium is the AKS tier that long-term support needs.
const AzureTierPremium = "Premium"

// kubelogin logins the AKS kubeconfig can be converted to (kubelogin get-token --login).
const (
	// KubeloginAzureCLI uses the `az login` session of the machine, as azure/login leaves it in CI.
	KubeloginAzureCLI = "azurecli"
	// KubeloginWorkloadIdentity exchanges a federated token (AZURE_CLIENT_ID, AZURE_TENANT_ID,
	// AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST from the environment).
	KubeloginWorkloadIdentity = "workloadidentity"
	// KubeloginMSI uses the managed identity of the VM it runs on: a runner inside Azure.
	KubeloginMSI = "msi"
)

// Azure defaults.
const (
	// DefaultAzureNetworkMode keeps pod IPs routable in the VNet, which on-premises
	// peers and firewalls expect; choose overlay to save VNet addresses.
	DefaultAzureNetworkMode = AzureModePodSubnet
	// DefaultAzureNetworkPolicy is Azure Network Policy Manager, which needs no extra
	// dataplane and enforces the default-deny policies of every namespace.
	DefaultAzureNetworkPolicy = "azure"
	// DefaultAzureOutboundType uses the cluster's standard load balancer for egress,
	// which needs no other resource.
	DefaultAzureOutboundType = "loadBalancer"
	// DefaultAzureKubeloginMode works wherever `az login` ran, CI included: azure/login
	// leaves an az session behind; device-code login (AKS's own default) waits for a person.
	DefaultAzureKubeloginMode = KubeloginAzureCLI
	// DefaultAzureEndpointAccessProd keeps production API servers off the internet.
	DefaultAzureEndpointAccessProd = EndpointPrivate
	// DefaultAzureEndpointAccess lets engineers reach non-prod clusters, but only from listed CIDRs.
	DefaultAzureEndpointAccess = EndpointPublicWithAllowList
	// DefaultAzureDeployerPrincipalType assumes deploys run from CI, as the project intends.
	DefaultAzureDeployerPrincipalType = "ServicePrincipal"
	// DefaultAzureMaxPods is the kubelet's upstream default; it sizes the pod subnet check.
	DefaultAzureMaxPods = 110
	// DefaultAzureOverlayPodCIDR is the overlay range AKS itself defaults to.
	DefaultAzureOverlayPodCIDR = "10.244.0.0/16"
	// DefaultAzureNodeSubnetBits is the default node subnet size, a /22: 1019 usable
	// addresses, room for the largest node counts plus upgrade surge nodes.
	DefaultAzureNodeSubnetBits = 22
	// DefaultAzureDNSServiceIPOffset places cluster DNS at the 10th address of the
	// service range, as AKS and kubeadm do.
	DefaultAzureDNSServiceIPOffset = 10
	// AzureSubnetReserved is how many addresses Azure reserves in every subnet.
	AzureSubnetReserved = 5
	// AzureOverlayAddressesPerNode is the /24 Azure CNI Overlay gives every node.
	AzureOverlayAddressesPerNode = 256
	// AzureMaxZones is how many availability zones an Azure region has at most.
	AzureMaxZones = 3
	// AKSMinMaxPods and AKSMaxMaxPods bound maxPods on AKS node pools.
	AKSMinMaxPods = 10
	AKSMaxMaxPods = 250
)

// Azure validation messages, exported so tests can assert on them.
const (
	MsgAKSVersionForm        = "AKS takes MAJOR.MINOR or MAJOR.MINOR.PATCH (e.g. 1.36 or 1.36.2)"
	MsgAzureLTSNeedsPremium  = "long-term support needs tier Premium"
	MsgAzureTooManyZones     = "an Azure region has at most 3 availability zones"
	MsgAzurePodRangeTooSmall = "pod range too small"
	MsgAzureNodeSubnetSmall  = "node subnet too small"
	MsgAzurePodCIDROutside   = "must lie inside network.vpcCidr in podSubnet mode: the pod subnet is carved from the VNet"
	MsgAzureOverlayInVNet    = "must not overlap network.vpcCidr in overlay mode: overlay pod addresses are private to the cluster"
	MsgAzureOverlayPodSubnet = "cannot be combined with networkMode overlay: overlay pods take addresses from network.podCidr, not from VNet subnets"
	MsgAzureNodeSubnet       = "must lie inside network.vpcCidr and not overlap the pod subnet"
	MsgAzureNoNodeSubnet     = "no free block for a default node subnet in network.vpcCidr; set azure.nodeSubnetCidr"
	MsgAzureDNSOutside       = "must be an address inside network.serviceCidr other than its first address"
	MsgAzureAdminGroups      = "at least one Entra ID group object ID is needed with aadRbac, so people keep a way in"
	MsgAzureNotGUID          = "must be a GUID such as 00000000-0000-0000-0000-000000000000"
	MsgAzureLocalAccounts    = "local accounts can only be disabled with aadRbac"
	MsgAzureRouteTable       = "is required with, and only allowed with, outboundType userDefinedRouting"
	MsgAKSPoolName           = "AKS node pool names are 1 to 12 lowercase letters and digits, starting with a letter"
	MsgAKSOneVMSize          = "an AKS node pool has exactly one VM size"
	MsgAKSMaxPods            = "AKS allows 10 to 250 pods per node"
	MsgAKSSystemPoolMin      = "an AKS system pool needs minSize of at least 1"
)

var (
	azureVersionRe = regexp.MustCompile(`^[1-9][0-9]*\.[0-9]+(\.[0-9]+)?$`)
	aksPoolNameRe  = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
	azureGUIDRe    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

func init() {
	cloudDefaulters[Azure] = append(cloudDefaulters[Azure], defaultAzure)
	cloudValidators[Azure] = append(cloudValidators[Azure], validateAzure)
}

// defaultAzure fills the azure block and the Azure-specific network and pool defaults.
func defaultAzure(s *Spec) {
	if s.Azure == nil {
		s.Azure = &AzureSpec{}
	}
	a := s.Azure
	if a.ResourceGroup == "" {
		a.ResourceGroup = s.Name + "-rg"
	}
	if a.NetworkMode == "" {
		a.NetworkMode = DefaultAzureNetworkMode
	}
	if a.NetworkPolicy == "" {
		a.NetworkPolicy = DefaultAzureNetworkPolicy
	}
	if a.OutboundType == "" {
		a.OutboundType = DefaultAzureOutboundType
	}
	if a.AADRBAC == nil {
		v := s.IsProd()
		a.AADRBAC = &v
	}
	if a.DisableLocalAccounts == nil {
		v := *a.AADRBAC
		a.DisableLocalAccounts = &v
	}
	if a.Tier == "" {
		a.Tier = "Free"
		if s.IsProd() {
			a.Tier = "Standard"
		}
	}
	if a.DeployerPrincipalType == "" {
		a.DeployerPrincipalType = DefaultAzureDeployerPrincipalType
	}
	if a.KubeloginMode == "" {
		a.KubeloginMode = DefaultAzureKubeloginMode
	}
	if a.EndpointAccess == "" {
		a.EndpointAccess = DefaultAzureEndpointAccess
		if s.IsProd() {
			a.EndpointAccess = DefaultAzureEndpointAccessProd
		}
	}
	if a.DNSServiceIP == "" {
		if svc, err := ParseCIDR(s.Network.ServiceCIDR); err == nil {
			if ip, ok := AddAddr(svc.Addr(), DefaultAzureDNSServiceIPOffset); ok && svc.Contains(ip) {
				a.DNSServiceIP = ip.String()
			}
		}
	}
	vnet, vnetErr := ParseCIDR(s.Network.VPCCIDR)
	if s.Network.PodCIDR == "" {
		if a.NetworkMode == AzureModeOverlay {
			s.Network.PodCIDR = DefaultAzureOverlayPodCIDR
		} else if vnetErr == nil && vnet.Bits() < 32 {
			// The upper half of the VNet: the lower half keeps the node subnet and room to grow.
			upper, _ := NthBlock(vnet, vnet.Bits()+1, 1)
			s.Network.PodCIDR = upper.String()
		}
	}
	if a.NodeSubnetCIDR == "" && vnetErr == nil {
		var avoid *netip.Prefix
		if pod, err := ParseCIDR(s.Network.PodCIDR); err == nil && a.NetworkMode == AzureModePodSubnet {
			avoid = &pod
		}
		if free := FreeBlocks(vnet, max(DefaultAzureNodeSubnetBits, vnet.Bits()+1), 1, avoid); len(free) == 1 {
			a.NodeSubnetCIDR = free[0].String()
		}
	}
	system := false
	for i := range s.NodePools {
		if s.NodePools[i].MaxPods == 0 {
			s.NodePools[i].MaxPods = DefaultAzureMaxPods
		}
		if s.NodePools[i].OSSKU == "" {
			s.NodePools[i].OSSKU = DefaultAzureOSSKU
		}
		system = system || s.NodePools[i].System
	}
	// AKS needs a system pool; without one marked, the first pool is it.
	if !system && len(s.NodePools) > 0 {
		s.NodePools[0].System = true
	}
}

// validateAzure checks a defaulted Azure cluster; p is clusters[i].
func validateAzure(s *Spec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	ap := p.Child("azure")
	a := s.Azure
	if a == nil {
		return append(errs, field.Required(ap, "apply defaults first"))
	}
	errs = append(errs, validateAKSVersion(s.KubernetesVersion, a.LongTermSupport != nil && *a.LongTermSupport, p.Child("kubernetesVersion"))...)
	if a.LongTermSupport != nil && *a.LongTermSupport && a.Tier != AzureTierPremium {
		errs = append(errs, field.Invalid(ap.Child("longTermSupport"), true, MsgAzureLTSNeedsPremium))
	}
	if !slices.Contains(KubeloginModes, a.KubeloginMode) {
		errs = append(errs, field.NotSupported(ap.Child("kubeloginMode"), a.KubeloginMode, KubeloginModes))
	}
	errs = append(errs, validateEndpointAccess(a.EndpointAccess, a.PublicAccessCIDRs, AzureEndpointAccess, ap)...)
	if s.Network.Zones > AzureMaxZones {
		errs = append(errs, field.Invalid(p.Child("network", "zones"), s.Network.Zones, MsgAzureTooManyZones))
	}
	if !slices.Contains(AzureNetworkModes, a.NetworkMode) {
		errs = append(errs, field.NotSupported(ap.Child("networkMode"), a.NetworkMode, AzureNetworkModes))
	}
	if !slices.Contains(AzureNetworkPolicies, a.NetworkPolicy) {
		errs = append(errs, field.NotSupported(ap.Child("networkPolicy"), a.NetworkPolicy, AzureNetworkPolicies))
	}
	if !slices.Contains(AzureOutboundTypes, a.OutboundType) {
		errs = append(errs, field.NotSupported(ap.Child("outboundType"), a.OutboundType, AzureOutboundTypes))
	}
	if !slices.Contains(AzureTiers, a.Tier) {
		errs = append(errs, field.NotSupported(ap.Child("tier"), a.Tier, AzureTiers))
	}
	if !slices.Contains(AzurePrincipalTypes, a.DeployerPrincipalType) {
		errs = append(errs, field.NotSupported(ap.Child("deployerPrincipalType"), a.DeployerPrincipalType, AzurePrincipalTypes))
	}
	if (a.OutboundType == "userDefinedRouting") != (a.RouteTableID != "") {
		errs = append(errs, field.Invalid(ap.Child("routeTableId"), a.RouteTableID, MsgAzureRouteTable))
	}
	aad := a.AADRBAC != nil && *a.AADRBAC
	// That aadRbac leaves someone a way in (adminGroupObjectIds or identities.admins) is
	// checked with the identity map: Identities.ValidateUse, and the AKS component.
	for i, g := range a.AdminGroupObjectIDs {
		if !azureGUIDRe.MatchString(g) {
			errs = append(errs, field.Invalid(ap.Child("adminGroupObjectIds").Index(i), g, MsgAzureNotGUID))
		}
	}
	if a.DisableLocalAccounts != nil && *a.DisableLocalAccounts && !aad {
		errs = append(errs, field.Invalid(ap.Child("disableLocalAccounts"), true, MsgAzureLocalAccounts))
	}
	if a.PodSubnetPerPool && a.NetworkMode == AzureModeOverlay {
		errs = append(errs, field.Forbidden(ap.Child("podSubnetPerPool"), MsgAzureOverlayPodSubnet))
	}
	for i, np := range s.NodePools {
		pp := p.Child("nodePools").Index(i)
		if np.Name != "" && !aksPoolNameRe.MatchString(np.Name) {
			errs = append(errs, field.Invalid(pp.Child("name"), np.Name, MsgAKSPoolName))
		}
		if len(np.InstanceTypes) > 1 {
			errs = append(errs, field.Invalid(pp.Child("instanceTypes"), np.InstanceTypes, MsgAKSOneVMSize))
		}
		if np.MaxPods < AKSMinMaxPods || np.MaxPods > AKSMaxMaxPods {
			errs = append(errs, field.Invalid(pp.Child("maxPods"), np.MaxPods, MsgAKSMaxPods))
		}
		if np.System && np.MinSize < 1 {
			errs = append(errs, field.Invalid(pp.Child("minSize"), np.MinSize, MsgAKSSystemPoolMin))
		}
		if !slices.Contains(AzureOSSKUs, np.OSSKU) {
			errs = append(errs, field.NotSupported(pp.Child("osSku"), np.OSSKU, AzureOSSKUs))
		}
	}
	return append(errs, validateAzureNetwork(s, p)...)
}

// validateAKSVersion checks the form AKS accepts and the minor's support on AKS's
// calendar: past community support it needs long-term support (lts).
func validateAKSVersion(v string, lts bool, p *field.Path) field.ErrorList {
	if !azureVersionRe.MatchString(v) {
		return field.ErrorList{field.Invalid(p, v, MsgAKSVersionForm)}
	}
	return checkVersionSupport(&AKSVersionTable, v, now(), lts, p)
}

// validateAzureNetwork checks where the pod range and node subnet sit and that they
// hold the configured maximum nodes and pods. The shared Network.validate has already
// reported unparsable ranges, so those are skipped here.
func validateAzureNetwork(s *Spec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	a := s.Azure
	np := p.Child("network")
	vnet, vnetErr := ParseCIDR(s.Network.VPCCIDR)
	if vnetErr != nil {
		return nil
	}
	if svc, err := ParseCIDR(s.Network.ServiceCIDR); err == nil {
		ip, err := netip.ParseAddr(a.DNSServiceIP)
		if err != nil || !svc.Contains(ip) || ip == svc.Addr() {
			errs = append(errs, field.Invalid(p.Child("azure", "dnsServiceIp"), a.DNSServiceIP, MsgAzureDNSOutside))
		}
	}
	var pod *netip.Prefix
	if s.Network.PodCIDR == "" {
		errs = append(errs, field.Required(np.Child("podCidr"), "the pod subnet (podSubnet mode) or the overlay range"))
	} else if pfx, err := ParseCIDR(s.Network.PodCIDR); err == nil {
		pod = &pfx
		switch a.NetworkMode {
		case AzureModePodSubnet:
			if !ContainsPrefix(vnet, pfx) {
				errs = append(errs, field.Invalid(np.Child("podCidr"), s.Network.PodCIDR, MsgAzurePodCIDROutside))
			}
		case AzureModeOverlay:
			if vnet.Overlaps(pfx) {
				errs = append(errs, field.Invalid(np.Child("podCidr"), s.Network.PodCIDR, MsgAzureOverlayInVNet))
			}
		}
	}
	nsp := p.Child("azure", "nodeSubnetCidr")
	if a.NodeSubnetCIDR == "" {
		errs = append(errs, field.Invalid(nsp, "", MsgAzureNoNodeSubnet))
	} else if sub, err := ParseCIDR(a.NodeSubnetCIDR); err != nil {
		errs = append(errs, field.Invalid(nsp, a.NodeSubnetCIDR, MsgBadCIDR))
	} else if !ContainsPrefix(vnet, sub) || (pod != nil && a.NetworkMode == AzureModePodSubnet && sub.Overlaps(*pod)) {
		errs = append(errs, field.Invalid(nsp, a.NodeSubnetCIDR, MsgAzureNodeSubnet))
	} else {
		// Every node takes one address, and each pool may surge one extra node during upgrades.
		needed := AzureSubnetReserved
		for _, n := range s.NodePools {
			needed += n.MaxSize + 1
		}
		if avail := PrefixSize(sub); int64(needed) > avail {
			errs = append(errs, field.Invalid(nsp, a.NodeSubnetCIDR, fmt.Sprintf("%s: %d addresses needed (maxSize+1 surge node per pool, plus %d Azure reserves), %d available", MsgAzureNodeSubnetSmall, needed, AzureSubnetReserved, avail)))
		}
	}
	if pod == nil {
		return errs
	}
	switch {
	case a.NetworkMode == AzureModeOverlay:
		needed := int64(0)
		for _, n := range s.NodePools {
			needed += int64(n.MaxSize) * AzureOverlayAddressesPerNode
		}
		if avail := PrefixSize(*pod); needed > avail {
			errs = append(errs, field.Invalid(np.Child("podCidr"), s.Network.PodCIDR, fmt.Sprintf("%s: %d IPs needed (a /24 for each of the maxSize nodes over all pools), %d available", MsgAzurePodRangeTooSmall, needed, avail)))
		}
	case a.PodSubnetPerPool:
		subs, ok := SplitPrefix(*pod, len(s.NodePools))
		if !ok {
			errs = append(errs, field.Invalid(np.Child("podCidr"), s.Network.PodCIDR, fmt.Sprintf("%s: cannot split into %d pod subnets", MsgAzurePodRangeTooSmall, len(s.NodePools))))
			break
		}
		for i, n := range s.NodePools {
			needed := int64(n.MaxSize)*int64(n.MaxPods) + AzureSubnetReserved
			if avail := PrefixSize(subs[i]); needed > avail {
				errs = append(errs, field.Invalid(p.Child("nodePools").Index(i), n.Name, fmt.Sprintf("%s: pod subnet %s needs %d IPs (maxSize %d × maxPods %d, plus %d Azure reserves), %d available", MsgAzurePodRangeTooSmall, subs[i], needed, n.MaxSize, n.MaxPods, AzureSubnetReserved, avail)))
			}
		}
	default:
		needed := int64(AzureSubnetReserved)
		for _, n := range s.NodePools {
			needed += int64(n.MaxSize) * int64(n.MaxPods)
		}
		if avail := PrefixSize(*pod); needed > avail {
			errs = append(errs, field.Invalid(np.Child("podCidr"), s.Network.PodCIDR, fmt.Sprintf("%s: %d IPs needed (sum of maxSize × maxPods over node pools, plus %d Azure reserves), %d available", MsgAzurePodRangeTooSmall, needed, AzureSubnetReserved, avail)))
		}
	}
	return errs
}
