package cluster

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

const (
	testTGW     = "tgw-0123456789abcdef0"
	testPeerVPC = "vpc-0fedcba9876543210"
	testHubVNet = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/hub-rg/providers/Microsoft.Network/virtualNetworks/hub"
	testCEN     = "cen-abc123def456"
)

// managedSpec is a valid spec of the cloud with a management network attached the
// cloud's way.
func managedSpec(cloud Cloud) Spec {
	var s Spec
	switch cloud {
	case AWS:
		s = *awsSpec()
		s.Network.Management = &ManagementNetwork{CIDRs: []string{"10.250.0.0/20"}, TransitGatewayID: testTGW}
	case Azure:
		s = azureSpec()
		s.Network.Management = &ManagementNetwork{CIDRs: []string{"10.250.0.0/20"}, HubVNetID: testHubVNet}
	case Alicloud:
		s = aliSpec()
		s.Network.Management = &ManagementNetwork{CIDRs: []string{"10.250.0.0/20"}, CENID: testCEN}
	default:
		s = Spec{Name: "local", Cloud: Existing}
	}
	return s
}

func TestManagementValid(t *testing.T) {
	for _, c := range []Cloud{AWS, Azure, Alicloud} {
		t.Run(string(c), func(t *testing.T) {
			s := managedSpec(c)
			s.ApplyDefaults("test")
			if errs := s.Validate(field.NewPath("clusters").Index(0)); len(errs) > 0 {
				t.Fatalf("got %v, want no problems", errs)
			}
			if !s.ManagementAttached() {
				t.Error("ManagementAttached: got false, want true")
			}
		})
	}
	t.Run("aws peering to another account and region", func(t *testing.T) {
		s := managedSpec(AWS)
		s.Network.Management = &ManagementNetwork{CIDRs: []string{"10.250.0.0/20", "192.168.10.0/24"},
			PeerVPCID: testPeerVPC, PeerOwnerID: "444455556666", PeerRegion: "eu-west-1"}
		s.ApplyDefaults("test")
		if errs := s.Validate(field.NewPath("clusters").Index(0)); len(errs) > 0 {
			t.Fatalf("got %v, want no problems", errs)
		}
	})
}

// TestManagementRefusals: every refusal with its field path and message, all at once.
func TestManagementRefusals(t *testing.T) {
	const mp = "clusters[0].network.management"
	type want struct{ path, msg string }
	cases := []struct {
		name  string
		cloud Cloud
		edit  func(m *ManagementNetwork)
		want  []want
	}{
		{"no cidrs", AWS, func(m *ManagementNetwork) { m.CIDRs = nil },
			[]want{{mp + ".cidrs", MsgManagementCIDRs}}},
		{"bad and world cidrs", AWS, func(m *ManagementNetwork) { m.CIDRs = []string{"10.250.0.1/20", "0.0.0.0/0"} },
			[]want{{mp + ".cidrs[0]", MsgBadCIDR}, {mp + ".cidrs[1]", MsgManagementWorld}}},
		{"overlaps the vpc", AWS, func(m *ManagementNetwork) { m.CIDRs = []string{"10.20.128.0/24"} },
			[]want{{mp + ".cidrs[0]", MsgOverlap + " vpcCidr 10.20.0.0/16"}}},
		{"overlaps the services", AWS, func(m *ManagementNetwork) { m.CIDRs = []string{"172.20.0.0/24"} },
			[]want{{mp + ".cidrs[0]", MsgOverlap + " serviceCidr 172.20.0.0/16"}}},
		{"overlaps the pods", Azure, func(m *ManagementNetwork) { m.CIDRs = []string{"10.110.64.0/24"} },
			[]want{{mp + ".cidrs[0]", MsgOverlap + " vpcCidr"}, {mp + ".cidrs[0]", MsgOverlap + " podCidr 10.110.64.0/18"}}},
		{"overlap each other", Alicloud, func(m *ManagementNetwork) { m.CIDRs = []string{"10.250.0.0/20", "10.250.8.0/24"} },
			[]want{{mp + ".cidrs[1]", MsgManagementOverlapsOther}}},
		{"no attachment", AWS, func(m *ManagementNetwork) { m.TransitGatewayID = "" },
			[]want{{mp, MsgManagementAttachment}}},
		{"two attachments", AWS, func(m *ManagementNetwork) { m.PeerVPCID = testPeerVPC },
			[]want{{mp + ".peerVpcId", MsgManagementTwo}}},
		{"an azure attachment on aws", AWS, func(m *ManagementNetwork) { m.TransitGatewayID = ""; m.HubVNetID = testHubVNet },
			[]want{{mp + ".hubVnetId", MsgCloudBlock + " azure"}, {mp, MsgManagementAttachment}}},
		{"an aws attachment on azure", Azure, func(m *ManagementNetwork) { m.TransitGatewayID = testTGW },
			[]want{{mp + ".transitGatewayId", MsgCloudBlock + " aws"}}},
		{"a cen on azure", Azure, func(m *ManagementNetwork) { m.CENID = testCEN },
			[]want{{mp + ".cenId", MsgCloudBlock + " alicloud"}}},
		{"a hub vnet on alicloud", Alicloud, func(m *ManagementNetwork) { m.HubVNetID = testHubVNet },
			[]want{{mp + ".hubVnetId", MsgCloudBlock + " azure"}}},
		{"malformed ids", AWS, func(m *ManagementNetwork) {
			m.TransitGatewayID = ""
			m.PeerVPCID, m.PeerOwnerID, m.PeerRegion = "vpc-XYZ", "12345", "Europe"
		}, []want{{mp + ".peerVpcId", MsgPeerVPCID}, {mp + ".peerOwnerId", MsgAWSAccountID}, {mp + ".peerRegion", MsgAWSRegion}}},
		{"malformed tgw", AWS, func(m *ManagementNetwork) { m.TransitGatewayID = "tgw-1" },
			[]want{{mp + ".transitGatewayId", MsgTransitGatewayID}}},
		{"malformed hub vnet", Azure, func(m *ManagementNetwork) { m.HubVNetID = "hub" },
			[]want{{mp + ".hubVnetId", MsgHubVNetID}}},
		{"malformed cen", Alicloud, func(m *ManagementNetwork) { m.CENID = "vpc-1" },
			[]want{{mp + ".cenId", MsgCENID}}},
		{"peer settings without a peering", AWS, func(m *ManagementNetwork) { m.PeerOwnerID, m.PeerRegion = "444455556666", "eu-west-1" },
			[]want{{mp + ".peerOwnerId", MsgManagementPeerOnly}, {mp + ".peerRegion", MsgManagementPeerOnly}}},
		{"an existing cluster", Existing, nil,
			[]want{{"clusters[0].network", MsgExistingNetwork}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := managedSpec(tc.cloud)
			if s.Network.Management == nil {
				s.Network.Management = &ManagementNetwork{CIDRs: []string{"10.250.0.0/20"}, TransitGatewayID: testTGW}
			}
			if tc.edit != nil {
				tc.edit(s.Network.Management)
			}
			s.ApplyDefaults("test")
			errs := s.Validate(field.NewPath("clusters").Index(0))
			for _, w := range tc.want {
				if !slices.ContainsFunc(errs, func(e *field.Error) bool {
					return e.Field == w.path && strings.Contains(e.Error(), w.msg)
				}) {
					t.Errorf("no error at %s containing %q; got %v", w.path, w.msg, errs)
				}
			}
			if len(errs) != len(tc.want) {
				t.Errorf("got %d errors %v, want %d", len(errs), errs, len(tc.want))
			}
		})
	}
}

func TestPrivateEndpoint(t *testing.T) {
	f, tr := false, true
	cases := []struct {
		name string
		spec Spec
		want bool
	}{
		{"eks dev default", Spec{Cloud: AWS, Environment: "dev"}, false},
		{"eks prod default", Spec{Cloud: AWS, Environment: "prod"}, true},
		{"eks prod public", Spec{Cloud: AWS, Environment: "prod", AWS: &AWSSpec{EndpointAccess: EndpointPublicWithAllowList}}, false},
		{"eks dev private", Spec{Cloud: AWS, Environment: "dev", AWS: &AWSSpec{EndpointAccess: EndpointPrivate}}, true},
		{"aks prod default", Spec{Cloud: Azure, Environment: "prod", Azure: &AzureSpec{}}, true},
		{"aks dev default", Spec{Cloud: Azure, Environment: "dev"}, false},
		{"ack prod default", Spec{Cloud: Alicloud, Environment: "prod"}, true},
		{"ack prod public", Spec{Cloud: Alicloud, Environment: "prod", Alicloud: &AlicloudSpec{PublicAPIServer: &tr}}, false},
		{"ack dev internal", Spec{Cloud: Alicloud, Environment: "dev", Alicloud: &AlicloudSpec{PublicAPIServer: &f}}, true},
		{"existing", Spec{Cloud: Existing, Environment: "prod"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.spec.PrivateEndpoint(); got != tc.want {
				t.Errorf("undefaulted: got %v, want %v", got, tc.want)
			}
			d := tc.spec.Clone()
			d.ApplyDefaults(d.Environment)
			if got := d.PrivateEndpoint(); got != tc.want {
				t.Errorf("defaulted: got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPublicCIDRs(t *testing.T) {
	got := PublicCIDRs([]string{"10.250.0.0/20", "203.0.113.0/24", "100.64.1.0/24", "192.168.0.0/16", "198.51.100.7/32", "bad", "172.31.0.0/16", "8.0.0.0/6", "4.0.0.0/6"})
	want := []string{"203.0.113.0/24", "198.51.100.7/32", "4.0.0.0/6"} // 8.0.0.0/6 holds 10/8
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestManagementCIDRsAndClone(t *testing.T) {
	s := managedSpec(AWS)
	if got := (Spec{}).ManagementCIDRs(); got != nil {
		t.Errorf("no management: got %v, want nil", got)
	}
	c := s.Clone()
	c.Network.Management.CIDRs[0] = "10.9.0.0/16"
	if s.Network.Management.CIDRs[0] != "10.250.0.0/20" {
		t.Errorf("Clone shares the management ranges: got %v", s.Network.Management.CIDRs)
	}
	got := s.ManagementCIDRs()
	got[0] = "changed"
	if s.Network.Management.CIDRs[0] != "10.250.0.0/20" {
		t.Error("ManagementCIDRs hands out the spec's own slice")
	}
}
