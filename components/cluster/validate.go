package cluster

import (
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/dnsname"
)

// Defaults for cluster specs.
const (
	// DefaultVPCCIDR is a /16, room for subnets in every zone plus pods on AWS.
	DefaultVPCCIDR = "10.0.0.0/16"
	// DefaultServiceCIDR sits outside RFC 1918 10/8 so it cannot collide with VPC ranges.
	DefaultServiceCIDR = "172.20.0.0/16"
	// DefaultZones spreads a cluster over three zones, which survives a zone outage.
	DefaultZones = 3
	// MinZones is the fewest zones a control plane and HA node pools need.
	MinZones = 2
	// DefaultDiskSizeGB fits container images of a typical node.
	DefaultDiskSizeGB = 50
	// DefaultExistingStorageClass is kind's and minikube's default class.
	DefaultExistingStorageClass = "standard"
)

// Validation messages, exported so tests can assert on them.
const (
	MsgNotDNSLabel      = dnsname.MsgNotDNSLabel
	MsgBadCIDR          = "must be an IPv4 CIDR such as 10.0.0.0/16"
	MsgOverlap          = "overlaps"
	MsgPoolBounds       = "must satisfy minSize <= desiredSize <= maxSize"
	MsgTooFewZones      = "too few zones"
	MsgCloudBlock       = "is only allowed with cloud"
	MsgUnsupportedCloud = "unsupported cloud"
)

// IsProd reports whether the cluster serves production, which turns on hardened defaults.
func (s *Spec) IsProd() bool { return s.Environment == "prod" || s.Environment == "production" }

// ApplyDefaults fills unset fields with documented defaults. stack is the stack name,
// the default Environment.
func (s *Spec) ApplyDefaults(stack string) {
	if s.Environment == "" {
		s.Environment = stack
	}
	if s.Federation == "" {
		s.Federation = FederationNone
	}
	if s.Cloud == Existing {
		if s.Kubeconfig == nil {
			s.Kubeconfig = &KubeconfigSpec{}
		}
		if s.Kubeconfig.StorageClass == "" {
			s.Kubeconfig.StorageClass = DefaultExistingStorageClass
		}
		return
	}
	if t := VersionTables[s.Cloud]; t != nil && s.KubernetesVersion == "" {
		s.KubernetesVersion = t.Default
	}
	if s.Network.VPCCIDR == "" {
		s.Network.VPCCIDR = DefaultVPCCIDR
	}
	if s.Network.ServiceCIDR == "" {
		s.Network.ServiceCIDR = DefaultServiceCIDR
	}
	if s.Network.Zones == 0 {
		s.Network.Zones = DefaultZones
	}
	for i := range s.NodePools {
		if s.NodePools[i].DiskSizeGB == 0 {
			s.NodePools[i].DiskSizeGB = DefaultDiskSizeGB
		}
	}
	for _, d := range cloudDefaulters[s.Cloud] {
		d(s)
	}
}

// cloudDefaulters and cloudValidators hold per-cloud rules, registered by the
// files for each cloud in this package.
var (
	cloudDefaulters = map[Cloud][]func(*Spec){}
	cloudValidators = map[Cloud][]func(*Spec, *field.Path) field.ErrorList{}
)

// Validate checks a defaulted spec; p is its path (clusters[i]).
func (s *Spec) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else if len(validation.IsDNS1123Label(s.Name)) > 0 {
		errs = append(errs, field.Invalid(p.Child("name"), s.Name, MsgNotDNSLabel))
	}
	known := false
	for _, c := range Clouds {
		known = known || c == s.Cloud
	}
	if !known {
		errs = append(errs, field.NotSupported(p.Child("cloud"), s.Cloud, Clouds))
		return errs
	}
	blocks := []struct {
		name  string
		set   bool
		cloud Cloud
	}{{"aws", s.AWS != nil, AWS}, {"azure", s.Azure != nil, Azure}, {"alicloud", s.Alicloud != nil, Alicloud}}
	for _, b := range blocks {
		if b.set && b.cloud != s.Cloud {
			errs = append(errs, field.Forbidden(p.Child(b.name), fmt.Sprintf("%s %s", MsgCloudBlock, b.cloud)))
		}
	}
	switch s.Federation {
	case FederationNone, FederationHub, FederationSpoke:
	default:
		errs = append(errs, field.NotSupported(p.Child("federation"), s.Federation, []FederationRole{FederationNone, FederationHub, FederationSpoke}))
	}
	if s.Cloud == Existing {
		if len(s.NodePools) > 0 {
			errs = append(errs, field.Forbidden(p.Child("nodePools"), "an existing cluster's nodes are not managed here"))
		}
		return append(errs, s.validateCloud(p)...)
	}
	if s.Kubeconfig != nil {
		errs = append(errs, field.Forbidden(p.Child("kubeconfig"), MsgCloudBlock+" existing"))
	}
	if s.Region == "" {
		errs = append(errs, field.Required(p.Child("region"), ""))
	}
	errs = append(errs, s.Network.validate(p.Child("network"))...)
	errs = append(errs, s.validateManagement(p.Child("network", "management"))...)
	if len(s.NodePools) == 0 && !s.AutoModeRunsNodes() {
		errs = append(errs, field.Required(p.Child("nodePools"), "at least one node pool"))
	}
	pools := map[string]bool{}
	for i, np := range s.NodePools {
		pp := p.Child("nodePools").Index(i)
		if np.Name == "" {
			errs = append(errs, field.Required(pp.Child("name"), ""))
		} else if len(validation.IsDNS1123Label(np.Name)) > 0 {
			errs = append(errs, field.Invalid(pp.Child("name"), np.Name, MsgNotDNSLabel))
		} else if pools[np.Name] {
			errs = append(errs, field.Duplicate(pp.Child("name"), np.Name))
		}
		pools[np.Name] = true
		if np.MinSize < 0 || np.MinSize > np.DesiredSize || np.DesiredSize > np.MaxSize {
			errs = append(errs, field.Invalid(pp, fmt.Sprintf("minSize=%d desiredSize=%d maxSize=%d", np.MinSize, np.DesiredSize, np.MaxSize), MsgPoolBounds))
		}
		if np.MaxSize < 1 {
			errs = append(errs, field.Invalid(pp.Child("maxSize"), np.MaxSize, "must be at least 1"))
		}
		// A Karpenter pool may name whole families instead (checked with the AWS rules).
		if len(np.InstanceTypes) == 0 && (np.Karpenter == nil || len(np.Karpenter.InstanceFamilies) == 0) {
			errs = append(errs, field.Required(pp.Child("instanceTypes"), ""))
		}
		if np.Karpenter != nil && s.Cloud != AWS {
			errs = append(errs, field.Forbidden(pp.Child("karpenter"), MsgKarpenterNotAWS))
		}
		if np.OSSKU != "" && s.Cloud != Azure {
			errs = append(errs, field.Forbidden(pp.Child("osSku"), MsgCloudBlock+" azure"))
		}
		for j, t := range np.Taints {
			switch t.Effect {
			case "NoSchedule", "PreferNoSchedule", "NoExecute":
			default:
				errs = append(errs, field.NotSupported(pp.Child("taints").Index(j).Child("effect"), t.Effect, []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}))
			}
		}
	}
	return append(errs, s.validateCloud(p)...)
}

func (s *Spec) validateCloud(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, v := range cloudValidators[s.Cloud] {
		errs = append(errs, v(s, p)...)
	}
	return errs
}

// Capacity is how many nodes and pods the node pools hold at their maximum size;
// it sizes the pod-range checks of each cloud.
func (s *Spec) Capacity() (nodes, pods int) {
	for _, np := range s.NodePools {
		nodes += np.MaxSize
		pods += np.MaxSize * np.MaxPods
	}
	return nodes, pods
}

// validate checks the ranges parse and do not overlap.
func (n *Network) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	type rng struct {
		name string
		pfx  netip.Prefix
	}
	var ranges []rng
	for _, r := range []struct{ name, v string }{{"vpcCidr", n.VPCCIDR}, {"podCidr", n.PodCIDR}, {"serviceCidr", n.ServiceCIDR}} {
		if r.v == "" {
			continue
		}
		pfx, err := ParseCIDR(r.v)
		if err != nil {
			errs = append(errs, field.Invalid(p.Child(r.name), r.v, MsgBadCIDR))
			continue
		}
		for _, o := range ranges {
			// A pod range may sit inside the VPC (Azure pod subnet, Terway vSwitches); it must not touch services.
			if o.name == "vpcCidr" && r.name == "podCidr" {
				continue
			}
			if o.pfx.Overlaps(pfx) {
				errs = append(errs, field.Invalid(p.Child(r.name), r.v, fmt.Sprintf("%s %s %s", MsgOverlap, o.name, o.pfx)))
			}
		}
		ranges = append(ranges, rng{r.name, pfx})
	}
	if n.Zones < MinZones {
		errs = append(errs, field.Invalid(p.Child("zones"), n.Zones, fmt.Sprintf("%s: at least %d", MsgTooFewZones, MinZones)))
	}
	return errs
}

// ParseCIDR parses an IPv4 prefix in canonical form (no host bits set).
func ParseCIDR(s string) (netip.Prefix, error) {
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if !pfx.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%s is not IPv4", s)
	}
	if pfx.Masked() != pfx {
		return netip.Prefix{}, fmt.Errorf("%s has host bits set; did you mean %s?", s, pfx.Masked())
	}
	return pfx, nil
}
