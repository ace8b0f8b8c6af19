package cluster

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ManagementNetwork is the existing network the deploy runners live in
// (`clusters[i].network.management`). The cluster component attaches the cluster's network
// to it, routes the management ranges there and opens the API server to them, so that a
// runner in it reaches a private control plane. Exactly one attachment is set, and it must
// be of the cluster's cloud: transitGatewayId or peerVpcId on AWS, hubVnetId on Azure,
// cenId on Alibaba Cloud. Nothing is created on the management side; docs/clusters.md
// ("Reaching the API server") says what its owner adds.
type ManagementNetwork struct {
	// CIDRs are the management network's address ranges, the ones the runners' requests
	// come from. Required; IPv4 CIDRs that overlap neither each other nor the cluster's
	// vpcCidr, podCidr and serviceCidr. No default.
	CIDRs []string `yaml:"cidrs"`
	// TransitGatewayID (AWS) is an existing transit gateway (tgw-...) the cluster's VPC is
	// attached to, on its private subnets; the private route tables send the management
	// ranges to it. Unset by default.
	TransitGatewayID string `yaml:"transitGatewayId"`
	// PeerVPCID (AWS) is an existing VPC (vpc-...) the cluster's VPC is peered with; the
	// private route tables send the management ranges to the peering. Unset by default.
	PeerVPCID string `yaml:"peerVpcId"`
	// PeerOwnerID (AWS) is the 12-digit account of peerVpcId. Defaults to the cluster's
	// account; another account must accept the peering.
	PeerOwnerID string `yaml:"peerOwnerId"`
	// PeerRegion (AWS) is the region of peerVpcId. Defaults to the cluster's region;
	// another region must accept the peering.
	PeerRegion string `yaml:"peerRegion"`
	// HubVNetID (Azure) is the ARM ID of an existing hub VNet the cluster's VNet is peered
	// with; for a private cluster, the cluster's private DNS zone is linked to it too.
	// Unset by default.
	HubVNetID string `yaml:"hubVnetId"`
	// CENID (Alibaba Cloud) is an existing Cloud Enterprise Network (cen-...) of the
	// cluster's account that the cluster's VPC is attached to. Unset by default.
	CENID string `yaml:"cenId"`
}

// Management validation messages, exported so tests can assert on them.
const (
	MsgManagementCIDRs         = "the management network's ranges are required: the API server is opened and routed to them"
	MsgManagementWorld         = "0.0.0.0/0 is no management network: list the runners' ranges"
	MsgManagementAttachment    = "exactly one attachment is required: transitGatewayId or peerVpcId (aws), hubVnetId (azure), cenId (alicloud)"
	MsgManagementTwo           = "only one attachment at a time"
	MsgManagementPeerOnly      = "is only allowed with peerVpcId"
	MsgTransitGatewayID        = "must be a transit gateway ID such as tgw-0123456789abcdef0"
	MsgPeerVPCID               = "must be a VPC ID such as vpc-0123456789abcdef0"
	MsgAWSAccountID            = "must be a 12-digit AWS account ID"
	MsgHubVNetID               = "must be a VNet's ARM ID: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>"
	MsgCENID                   = "must be a CEN instance ID such as cen-abc123def456"
	MsgManagementOverlapsOther = "overlaps another management range"
)

var (
	transitGatewayID = regexp.MustCompile(`^tgw-[0-9a-f]{8,17}$`)
	peerVPCID        = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	awsAccountID     = regexp.MustCompile(`^[0-9]{12}$`)
	hubVNetID        = regexp.MustCompile(`(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+$`)
	cenID            = regexp.MustCompile(`^cen-[0-9a-z]{6,32}$`)
)

// PrivateEndpoint reports whether the cluster's API server has no public endpoint, so
// that only a runner inside its network, or in a management network attached to it,
// reaches it: endpointAccess private on EKS and AKS, publicApiServer false on ACK; false
// for existing clusters. It reads the defaulted spec; an unset setting counts as its
// default for the spec's environment.
func (s Spec) PrivateEndpoint() bool {
	switch s.Cloud {
	case AWS:
		mode := ""
		if s.AWS != nil {
			mode = s.AWS.EndpointAccess
		}
		return mode == EndpointPrivate || (mode == "" && s.IsProd()) // DefaultEndpointAccessProd
	case Azure:
		mode := ""
		if s.Azure != nil {
			mode = s.Azure.EndpointAccess
		}
		return mode == EndpointPrivate || (mode == "" && s.IsProd()) // DefaultAzureEndpointAccessProd
	case Alicloud:
		if s.Alicloud != nil && s.Alicloud.PublicAPIServer != nil {
			return !*s.Alicloud.PublicAPIServer
		}
		return s.IsProd() // publicApiServer defaults to false in prod only
	}
	return false
}

// ManagementAttached reports whether the cluster's network is attached to a management
// network (network.management is set).
func (s Spec) ManagementAttached() bool { return s.Network.Management != nil }

// ManagementCIDRs are the management network's ranges; nil when none is attached.
func (s Spec) ManagementCIDRs() []string {
	if s.Network.Management == nil {
		return nil
	}
	return slices.Clone(s.Network.Management.CIDRs)
}

// managementAttachment is one way to attach a cluster network, and the cloud it is for.
type managementAttachment struct {
	field string
	set   bool
	cloud Cloud
}

func (m *ManagementNetwork) attachments() []managementAttachment {
	return []managementAttachment{
		{"transitGatewayId", m.TransitGatewayID != "", AWS},
		{"peerVpcId", m.PeerVPCID != "", AWS},
		{"hubVnetId", m.HubVNetID != "", Azure},
		{"cenId", m.CENID != "", Alicloud},
	}
}

// validateManagement checks network.management of a defaulted spec; p is that path.
func (s *Spec) validateManagement(p *field.Path) field.ErrorList {
	m := s.Network.Management
	if m == nil || s.Cloud == Existing { // an existing cluster's network block is refused whole (MsgExistingNetwork)
		return nil
	}
	var errs field.ErrorList
	errs = append(errs, s.validateManagementCIDRs(p.Child("cidrs"))...)

	first := ""
	for _, a := range m.attachments() {
		switch {
		case !a.set:
		case a.cloud != s.Cloud:
			errs = append(errs, field.Forbidden(p.Child(a.field), fmt.Sprintf("%s %s", MsgCloudBlock, a.cloud)))
		case first != "":
			errs = append(errs, field.Forbidden(p.Child(a.field), fmt.Sprintf("%s: %s is already set", MsgManagementTwo, first)))
		default:
			first = a.field
		}
	}
	if first == "" {
		errs = append(errs, field.Required(p, MsgManagementAttachment))
	}
	for _, f := range []struct {
		name, v string
		re      *regexp.Regexp
		msg     string
	}{
		{"transitGatewayId", m.TransitGatewayID, transitGatewayID, MsgTransitGatewayID},
		{"peerVpcId", m.PeerVPCID, peerVPCID, MsgPeerVPCID},
		{"peerOwnerId", m.PeerOwnerID, awsAccountID, MsgAWSAccountID},
		{"peerRegion", m.PeerRegion, awsRegion, MsgAWSRegion},
		{"hubVnetId", m.HubVNetID, hubVNetID, MsgHubVNetID},
		{"cenId", m.CENID, cenID, MsgCENID},
	} {
		if f.v != "" && !f.re.MatchString(f.v) {
			errs = append(errs, field.Invalid(p.Child(f.name), f.v, f.msg))
		}
	}
	if m.PeerVPCID == "" {
		for _, f := range []struct{ name, v string }{{"peerOwnerId", m.PeerOwnerID}, {"peerRegion", m.PeerRegion}} {
			if f.v != "" {
				errs = append(errs, field.Forbidden(p.Child(f.name), MsgManagementPeerOnly))
			}
		}
	}
	return errs
}

// validateManagementCIDRs checks the management ranges parse and overlap neither each
// other nor the cluster's own ranges; p is network.management.cidrs.
func (s *Spec) validateManagementCIDRs(p *field.Path) field.ErrorList {
	m := s.Network.Management
	if len(m.CIDRs) == 0 {
		return field.ErrorList{field.Required(p, MsgManagementCIDRs)}
	}
	var errs field.ErrorList
	var own []struct {
		name string
		pfx  netip.Prefix
	}
	for _, r := range []struct{ name, v string }{{"vpcCidr", s.Network.VPCCIDR}, {"podCidr", s.Network.PodCIDR}, {"serviceCidr", s.Network.ServiceCIDR}} {
		if pfx, err := ParseCIDR(r.v); err == nil {
			own = append(own, struct {
				name string
				pfx  netip.Prefix
			}{r.name, pfx})
		}
	}
	var seen []netip.Prefix
	for i, c := range m.CIDRs {
		pfx, err := ParseCIDR(c)
		switch {
		case err != nil:
			errs = append(errs, field.Invalid(p.Index(i), c, MsgBadCIDR))
			continue
		case pfx.Bits() == 0:
			errs = append(errs, field.Invalid(p.Index(i), c, MsgManagementWorld))
			continue
		}
		for _, o := range own {
			if o.pfx.Overlaps(pfx) {
				errs = append(errs, field.Invalid(p.Index(i), c, fmt.Sprintf("%s %s %s", MsgOverlap, o.name, o.pfx)))
			}
		}
		for _, o := range seen {
			if o.Overlaps(pfx) {
				errs = append(errs, field.Invalid(p.Index(i), c, fmt.Sprintf("%s %s", MsgManagementOverlapsOther, o)))
			}
		}
		seen = append(seen, pfx)
	}
	return errs
}

// nonPublicRanges are the IPv4 ranges that never appear as a source on the internet
// (RFC 1918 private, RFC 6598 shared address space, loopback, link-local).
var nonPublicRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
}

// PublicCIDRs are the ranges of cidrs that can be a request's source on the internet
// (none of RFC 1918, RFC 6598, loopback, link-local), in order; unparsable ones are left
// out. A public API server sees a peered network's requests from its public egress
// address, never from a private range, so only these belong on an allow-list.
func PublicCIDRs(cidrs []string) []string {
	var out []string
	for _, c := range cidrs {
		pfx, err := ParseCIDR(c)
		if err != nil {
			continue
		}
		if !slices.ContainsFunc(nonPublicRanges, func(r netip.Prefix) bool { return r.Overlaps(pfx) }) {
			out = append(out, c)
		}
	}
	return out
}
