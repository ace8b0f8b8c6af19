package cluster

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// NAT gateway layouts for AWSSpec.NATGateways.
const (
	// NATPerZone puts one NAT gateway in each zone, so losing a zone does not cut egress elsewhere.
	NATPerZone = "perZone"
	// NATSingle shares one NAT gateway across zones: cheaper, a dev choice.
	NATSingle = "single"
)

// EKS API endpoint access modes for AWSSpec.EndpointAccess.
const (
	// EndpointPrivate reaches the API server only from inside the VPC (and peered networks).
	EndpointPrivate = "private"
	// EndpointPublic opens the API server to the internet, as well as privately to the VPC.
	EndpointPublic = "public"
	// EndpointPublicWithAllowList opens the API server to the CIDRs of AWSSpec.PublicAccessCIDRs, and privately to the VPC.
	EndpointPublicWithAllowList = "publicWithAllowList"
)

// EKS control-plane log types for AWSSpec.LogTypes.
const (
	LogAPI               = "api"
	LogAudit             = "audit"
	LogAuthenticator     = "authenticator"
	LogControllerManager = "controllerManager"
	LogScheduler         = "scheduler"
)

// EKSLogTypes are every control-plane log type EKS ships to CloudWatch.
var EKSLogTypes = []string{LogAPI, LogAudit, LogAuthenticator, LogControllerManager, LogScheduler}

// Defaults for EKS clusters.
const (
	// DefaultNATGateways survives a zone outage; dev stacks usually choose NATSingle.
	DefaultNATGateways = NATPerZone
	// DefaultEndpointAccessProd keeps production API servers off the internet.
	DefaultEndpointAccessProd = EndpointPrivate
	// DefaultEndpointAccess lets engineers reach non-prod clusters, but only from listed CIDRs.
	DefaultEndpointAccess = EndpointPublicWithAllowList
	// DefaultWarmPrefixTarget keeps one spare /28 prefix (16 IPs) per node with prefix delegation,
	// the VPC CNI's own default: fast pod starts at a small IP cost.
	DefaultWarmPrefixTarget = 1
	// DefaultMaxPodsPrefixDelegation is what EKS managed node groups set with prefix delegation on
	// instances below 30 vCPUs (larger ones get 250); used to size the address plan.
	DefaultMaxPodsPrefixDelegation = 110
	// DefaultMaxPodsSecondaryIP is the ENI limit of a m5/m6i.large without prefix delegation;
	// set maxPods for larger instance types.
	DefaultMaxPodsSecondaryIP = 29
	// MaxEKSPodsPerNode is the most pods per node EKS supports (and recommends with prefix delegation).
	MaxEKSPodsPerNode = 250
	// MinEKSDiskSizeGB is the root volume of the Amazon Linux 2023 EKS AMI.
	MinEKSDiskSizeGB = 20
	// AWSSubnetReservedIPs are the addresses AWS keeps in every subnet (network, router, DNS, future, broadcast).
	AWSSubnetReservedIPs = 5
	// MaxAWSSubnetBits is the longest prefix AWS allows for a subnet.
	MaxAWSSubnetBits = 28
	// MinAWSVPCBits is the shortest prefix AWS allows for a VPC.
	MinAWSVPCBits = 16
)

// EKS validation messages, exported so tests can assert on them.
const (
	MsgEKSVersionForm        = "EKS takes a MAJOR.MINOR version such as 1.35"
	MsgAWSRegion             = "must be an AWS region such as us-east-1"
	MsgAWSPodCIDR            = "must be unset on AWS: the VPC CNI gives pods addresses from the private subnets of network.vpcCidr"
	MsgAWSVPCSize            = "AWS VPCs are /16 to /28"
	MsgAWSSubnetLayout       = "too small to split into a private and a public subnet per zone (AWS subnets are at most /28)"
	MsgEKSPodRangeTooSmall   = "pod range too small"
	MsgEKSServiceCIDR        = "EKS needs a service range between /12 and /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"
	MsgAllowListOnly         = "is only allowed with endpointAccess publicWithAllowList"
	MsgAllowListEmpty        = "endpointAccess publicWithAllowList needs at least one CIDR"
	MsgAllowListWorld        = "an allow-list of 0.0.0.0/0 is no allow-list: use endpointAccess public, or list the runners' and engineers' ranges"
	MsgAZNotInRegion         = "must be a zone of the cluster's region (region plus a letter, e.g. us-east-1a)"
	MsgWarmPrefixNeedsPD     = "is only used with prefixDelegation"
	MsgWarmTargetsExclusive  = "cannot be combined with warmPrefixTarget: the VPC CNI ignores warmPrefixTarget when warmIpTarget is set"
	MsgNotNegative           = "must not be negative"
	MsgMixedArch             = "instance types of one node group must share a CPU architecture (arm64 Graviton or x86_64)"
	MsgEKSMaxPods            = "must be between 1 and 250 pods per node on EKS"
	MsgEKSDiskSize           = "must be at least 20 GB, the size of the EKS Amazon Linux 2023 AMI"
	MsgPrefixDelegationNitro = "prefix delegation needs Nitro-based instance types; set vpcCni.prefixDelegation false or choose a newer type"
)

func init() {
	cloudDefaulters[AWS] = append(cloudDefaulters[AWS], applyAWSDefaults)
	cloudValidators[AWS] = append(cloudValidators[AWS], validateAWS)
}

// applyAWSDefaults fills the aws block and the AWS-specific node pool defaults.
func applyAWSDefaults(s *Spec) {
	if s.AWS == nil {
		s.AWS = &AWSSpec{}
	}
	a := s.AWS
	if a.NATGateways == "" {
		a.NATGateways = DefaultNATGateways
	}
	if a.EndpointAccess == "" {
		a.EndpointAccess = DefaultEndpointAccess
		if s.IsProd() {
			a.EndpointAccess = DefaultEndpointAccessProd
		}
	}
	if a.SecretsEncryption == nil {
		a.SecretsEncryption = awsPtr(true)
	}
	if a.LogTypes == nil {
		a.LogTypes = []string{LogAPI, LogAudit}
		if s.IsProd() {
			a.LogTypes = slices.Clone(EKSLogTypes)
		}
	}
	c := &a.VPCCNI
	if c.PrefixDelegation == nil {
		c.PrefixDelegation = awsPtr(true)
	}
	if c.EnableNetworkPolicy == nil {
		c.EnableNetworkPolicy = awsPtr(true)
	}
	if *c.PrefixDelegation && c.WarmPrefixTarget == 0 && c.WarmIPTarget == 0 {
		c.WarmPrefixTarget = DefaultWarmPrefixTarget
	}
	for i := range s.NodePools {
		if s.NodePools[i].MaxPods == 0 {
			s.NodePools[i].MaxPods = DefaultMaxPodsSecondaryIP
			if *c.PrefixDelegation {
				s.NodePools[i].MaxPods = DefaultMaxPodsPrefixDelegation
			}
		}
	}
}

func awsPtr[T any](v T) *T { return &v }

var (
	eksVersionForm = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
	awsRegion      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	eksServiceNets = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
	}
)

// validateAWS checks a defaulted AWS cluster; p is its path (clusters[i]).
func validateAWS(s *Spec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !eksVersionForm.MatchString(s.KubernetesVersion) {
		errs = append(errs, field.Invalid(p.Child("kubernetesVersion"), s.KubernetesVersion, MsgEKSVersionForm))
	} else {
		// Extended support is allowed (EKS runs it, for a price): Spec.Warnings names it.
		errs = append(errs, checkVersionSupport(&EKSVersionTable, s.KubernetesVersion, now(), true, p.Child("kubernetesVersion"))...)
	}
	if s.Region != "" && !awsRegion.MatchString(s.Region) {
		errs = append(errs, field.Invalid(p.Child("region"), s.Region, MsgAWSRegion))
	}
	errs = append(errs, validateAWSNetwork(s, p.Child("network"))...)
	if s.AWS == nil { // ApplyDefaults always sets it; an undefaulted spec is a programming error.
		return append(errs, field.Required(p.Child("aws"), "defaults were not applied"))
	}
	a, ap := s.AWS, p.Child("aws")
	errs = append(errs, validateAWSAZs(s, ap.Child("availabilityZones"))...)
	switch a.NATGateways {
	case NATPerZone, NATSingle:
	default:
		errs = append(errs, field.NotSupported(ap.Child("natGateways"), a.NATGateways, []string{NATPerZone, NATSingle}))
	}
	errs = append(errs, validateEndpointAccess(a.EndpointAccess, a.PublicAccessCIDRs, []string{EndpointPrivate, EndpointPublic, EndpointPublicWithAllowList}, ap)...)
	seen := map[string]bool{}
	for i, l := range a.LogTypes {
		lp := ap.Child("logTypes").Index(i)
		switch {
		case !slices.Contains(EKSLogTypes, l):
			errs = append(errs, field.NotSupported(lp, l, EKSLogTypes))
		case seen[l]:
			errs = append(errs, field.Duplicate(lp, l))
		}
		seen[l] = true
	}
	errs = append(errs, validateVPCCNI(&a.VPCCNI, ap.Child("vpcCni"))...)
	for i, np := range s.NodePools {
		pp := p.Child("nodePools").Index(i)
		if np.MaxPods < 1 || np.MaxPods > MaxEKSPodsPerNode {
			errs = append(errs, field.Invalid(pp.Child("maxPods"), np.MaxPods, MsgEKSMaxPods))
		}
		if np.DiskSizeGB < MinEKSDiskSizeGB {
			errs = append(errs, field.Invalid(pp.Child("diskSizeGb"), np.DiskSizeGB, MsgEKSDiskSize))
		}
		archs := map[string]bool{}
		for _, t := range np.InstanceTypes {
			archs[AWSInstanceArch(t)] = true
		}
		if len(archs) > 1 {
			errs = append(errs, field.Invalid(pp.Child("instanceTypes"), strings.Join(np.InstanceTypes, ","), MsgMixedArch))
		}
		if a.VPCCNI.PrefixDelegation != nil && *a.VPCCNI.PrefixDelegation {
			for j, t := range np.InstanceTypes {
				if !AWSInstanceNitro(t) {
					errs = append(errs, field.Invalid(pp.Child("instanceTypes").Index(j), t, MsgPrefixDelegationNitro))
				}
			}
		}
	}
	return errs
}

// validateEndpointAccess checks an API server access mode and its allow-list; p is the
// cloud block (aws, azure), which holds endpointAccess and publicAccessCidrs.
func validateEndpointAccess(mode string, cidrs, modes []string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch mode {
	case EndpointPrivate, EndpointPublic:
		if len(cidrs) > 0 {
			errs = append(errs, field.Forbidden(p.Child("publicAccessCidrs"), MsgAllowListOnly))
		}
	case EndpointPublicWithAllowList:
		if len(cidrs) == 0 {
			errs = append(errs, field.Required(p.Child("publicAccessCidrs"), MsgAllowListEmpty))
		}
		for i, c := range cidrs {
			switch pfx, err := ParseCIDR(c); {
			case err != nil:
				errs = append(errs, field.Invalid(p.Child("publicAccessCidrs").Index(i), c, MsgBadCIDR))
			case pfx.Bits() == 0:
				errs = append(errs, field.Invalid(p.Child("publicAccessCidrs").Index(i), c, MsgAllowListWorld))
			}
		}
	default:
		errs = append(errs, field.NotSupported(p.Child("endpointAccess"), mode, modes))
	}
	return errs
}

// validateAWSNetwork checks the ranges against what EKS and the VPC CNI need; p is network.
// The shared Network.validate has already reported unparsable and overlapping ranges.
func validateAWSNetwork(s *Spec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := s.Network
	if n.PodCIDR != "" {
		errs = append(errs, field.Forbidden(p.Child("podCidr"), MsgAWSPodCIDR))
	}
	if svc, err := ParseCIDR(n.ServiceCIDR); err == nil {
		inside := false
		for _, r := range eksServiceNets {
			inside = inside || (r.Bits() <= svc.Bits() && r.Contains(svc.Addr()))
		}
		if !inside || svc.Bits() < 12 || svc.Bits() > 24 {
			errs = append(errs, field.Invalid(p.Child("serviceCidr"), n.ServiceCIDR, MsgEKSServiceCIDR))
		}
	}
	vpc, err := ParseCIDR(n.VPCCIDR)
	if err != nil || n.Zones < MinZones {
		return errs // reported by Network.validate
	}
	if vpc.Bits() < MinAWSVPCBits || vpc.Bits() > MaxAWSSubnetBits {
		return append(errs, field.Invalid(p.Child("vpcCidr"), n.VPCCIDR, MsgAWSVPCSize))
	}
	layout, err := AWSSubnets(vpc, n.Zones)
	if err != nil {
		return append(errs, field.Invalid(p.Child("vpcCidr"), n.VPCCIDR, MsgAWSSubnetLayout))
	}
	nodes, pods := s.Capacity()
	if need, have := pods+nodes, layout.PrivateIPs(); need > have {
		errs = append(errs, field.Invalid(p.Child("vpcCidr"), n.VPCCIDR, fmt.Sprintf(
			"%s: the node pools at maxSize need %d IPs (%d pods + %d nodes), the %d private subnets (%s each) offer %d",
			MsgEKSPodRangeTooSmall, need, pods, nodes, len(layout.Private), awsBitsSuffix(layout.Private[0]), have)))
	}
	return errs
}

func awsBitsSuffix(p netip.Prefix) string { return fmt.Sprintf("/%d", p.Bits()) }

// validateAWSAZs checks explicit availability zones; p is aws.availabilityZones.
func validateAWSAZs(s *Spec, p *field.Path) field.ErrorList {
	azs := s.AWS.AvailabilityZones
	if len(azs) == 0 {
		return nil
	}
	var errs field.ErrorList
	if len(azs) < s.Network.Zones {
		errs = append(errs, field.Invalid(p, strings.Join(azs, ","), fmt.Sprintf("%s: %d listed, network.zones is %d", MsgTooFewZones, len(azs), s.Network.Zones)))
	}
	seen := map[string]bool{}
	for i, az := range azs {
		rest, ok := strings.CutPrefix(az, s.Region)
		switch {
		case !ok || len(rest) != 1 || rest[0] < 'a' || rest[0] > 'z':
			errs = append(errs, field.Invalid(p.Index(i), az, MsgAZNotInRegion))
		case seen[az]:
			errs = append(errs, field.Duplicate(p.Index(i), az))
		}
		seen[az] = true
	}
	return errs
}

// validateVPCCNI rejects warm-pool settings the VPC CNI would ignore; p is aws.vpcCni.
func validateVPCCNI(c *VPCCNI, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.WarmPrefixTarget < 0 {
		errs = append(errs, field.Invalid(p.Child("warmPrefixTarget"), c.WarmPrefixTarget, MsgNotNegative))
	}
	if c.WarmIPTarget < 0 {
		errs = append(errs, field.Invalid(p.Child("warmIpTarget"), c.WarmIPTarget, MsgNotNegative))
	}
	if c.WarmPrefixTarget > 0 && (c.PrefixDelegation == nil || !*c.PrefixDelegation) {
		errs = append(errs, field.Forbidden(p.Child("warmPrefixTarget"), MsgWarmPrefixNeedsPD))
	}
	if c.WarmPrefixTarget > 0 && c.WarmIPTarget > 0 {
		errs = append(errs, field.Forbidden(p.Child("warmIpTarget"), MsgWarmTargetsExclusive))
	}
	return errs
}

// AWSSubnetLayout is how an EKS cluster's VPC range is split: one private and one public
// subnet per zone. The EKS component and the validation share it, so what is checked is
// what gets built.
type AWSSubnetLayout struct {
	// Private subnets hold the nodes and, through the VPC CNI, the pods; the larger share.
	Private []netip.Prefix
	// Public subnets hold NAT gateways and internet-facing load balancers.
	Public []netip.Prefix
}

// PrivateIPs is how many addresses the private subnets offer nodes and pods.
func (l AWSSubnetLayout) PrivateIPs() int { return UsableIPs(l.Private, AWSSubnetReservedIPs) }

// AWSSubnets splits vpc for zones zones: the range is cut into the smallest power of two of
// equal blocks that holds one block per zone plus one more; each zone's private subnet is one
// block, and the last block is cut again into the public subnets. For a /16 over three zones
// that gives three private /18s and public /20s.
func AWSSubnets(vpc netip.Prefix, zones int) (AWSSubnetLayout, error) {
	if zones < 1 {
		return AWSSubnetLayout{}, fmt.Errorf("zones must be positive, got %d", zones)
	}
	blockBits := vpc.Bits() + BitsFor(zones+1)
	publicBits := blockBits + BitsFor(zones)
	if publicBits > MaxAWSSubnetBits {
		return AWSSubnetLayout{}, fmt.Errorf("%s over %d zones needs subnets smaller than /%d", vpc, zones, MaxAWSSubnetBits)
	}
	blocks, _ := SplitPrefix(vpc, 1<<(blockBits-vpc.Bits())) // every block: the last holds the public subnets
	public, _ := SplitPrefix(blocks[len(blocks)-1], zones)
	return AWSSubnetLayout{Private: blocks[:zones], Public: public}, nil
}

// awsArmFamilies are the Graviton families whose names carry no "g" after the generation:
// the first-generation A1 instances.
var awsArmFamilies = map[string]bool{"a1": true}

// AWSInstanceArch is the CPU architecture of an EC2 instance type: "arm64" for Graviton
// families (a1, and a "g" after the generation digit: m7g, c7gn, t4g, r8gd, im4gn) and
// "x86_64" for the rest (m6i, g5, g4dn, inf2).
func AWSInstanceArch(instanceType string) string {
	family, _, _ := strings.Cut(instanceType, ".")
	if awsArmFamilies[family] {
		return "arm64"
	}
	i := strings.IndexAny(family, "0123456789")
	if i < 0 {
		return "x86_64"
	}
	suffix := strings.TrimLeft(family[i:], "0123456789")
	if strings.ContainsRune(suffix, 'g') {
		return "arm64"
	}
	return "x86_64"
}

// xenFamilies are the EC2 families built on the Xen hypervisor rather than the Nitro System
// (https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html), which cannot
// take ENI prefixes. Their bare-metal sizes are the exception: i3.metal runs on Nitro.
var xenFamilies = map[string]bool{
	"c1": true, "c3": true, "c4": true, "cc2": true, "cr1": true, "d2": true, "f1": true, "g2": true, "g3": true, "g3s": true,
	"h1": true, "hs1": true, "i2": true, "i3": true, "m1": true, "m2": true, "m3": true, "m4": true, "p2": true, "p3": true,
	"r3": true, "r4": true, "t1": true, "t2": true, "x1": true, "x1e": true,
}

// AWSInstanceNitro reports whether an EC2 instance type runs on the Nitro System, which VPC CNI
// prefix delegation needs.
func AWSInstanceNitro(instanceType string) bool {
	family, size, _ := strings.Cut(instanceType, ".")
	return !xenFamilies[family] || size == "metal"
}

// AWSPartition is the AWS partition of a region: aws-cn for China, aws-us-gov for
// GovCloud, aws elsewhere. It is known from the region, so plans need no lookup.
func AWSPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
