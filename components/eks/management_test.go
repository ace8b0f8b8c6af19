package eks

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	typeTGWAttachment = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
	typePeering       = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
	typeRouteTable    = "aws:ec2/routeTable:RouteTable"
	typeSGRule        = "aws:ec2/securityGroupRule:SecurityGroupRule"
	testTGW           = "tgw-0123456789abcdef0"
	testPeerVPC       = "vpc-0fedcba9876543210"
)

var testMgmtCIDRs = []string{"10.250.0.0/20", "10.251.0.0/24"}

// planConnections builds each spec and keeps its Connection.
func planConnections(t *testing.T, specs ...*cluster.Spec) (*plan.Plan, map[string]*cluster.Connection) {
	t.Helper()
	conns := map[string]*cluster.Connection{}
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		for _, s := range specs {
			c, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: testAccess})
			if err != nil {
				return nil, err
			}
			conns[s.Name] = c.Connection()
		}
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err != nil {
		t.Fatalf("planning: %v", err)
	}
	return p, conns
}

// routesTo returns the routes of a route table whose destination is cidr.
func routesTo(rt *plan.Resource, cidr string) []map[string]any {
	var out []map[string]any
	rs, _ := rt.Inputs["routes"].([]any)
	for _, r := range rs {
		if m, ok := r.(map[string]any); ok && m["cidrBlock"] == cidr {
			out = append(out, m)
		}
	}
	return out
}

func TestManagementTransitGateway(t *testing.T) {
	s := prodSpec("prod-aws", "us-east-1")
	s.Network.Management = &cluster.ManagementNetwork{CIDRs: testMgmtCIDRs, TransitGatewayID: testTGW}
	p, conns := planConnections(t, s)

	att := one(t, p, typeTGWAttachment, "prod-aws-mgmt-tgw")
	if got := att.Inputs["transitGatewayId"]; got != testTGW {
		t.Errorf("transitGatewayId: got %v, want %s", got, testTGW)
	}
	if got, _ := att.Inputs["subnetIds"].([]any); len(got) != 3 {
		t.Errorf("subnetIds: got %v, want the 3 private subnets", got)
	}
	for _, sn := range p.ByType(typeSubnet) {
		if strings.HasPrefix(sn.Name, "prod-aws-private-") && !slices.Contains(att.Dependencies, sn.URN) {
			t.Errorf("attachment does not depend on %s", sn.Name)
		}
	}
	k8s := one(t, p, typeK8sProvider, "prod-aws-k8s")
	if !slices.Contains(k8s.Dependencies, att.URN) {
		t.Errorf("kubernetes provider does not depend on the attachment; got %v", k8s.Dependencies)
	}
	for i := range 3 {
		rt := one(t, p, typeRouteTable, "prod-aws-private-"+strconv.Itoa(i))
		for _, c := range testMgmtCIDRs {
			rs := routesTo(rt, c)
			if len(rs) != 1 || rs[0]["transitGatewayId"] != testTGW {
				t.Errorf("%s: routes to %s: got %v, want one through %s", rt.Name, c, rs, testTGW)
			}
		}
		if !slices.Contains(rt.Dependencies, att.URN) {
			t.Errorf("%s does not wait for the attachment (AWS refuses a route to a transit gateway not attached)", rt.Name)
		}
		if !slices.Contains(k8s.Dependencies, rt.URN) {
			t.Errorf("kubernetes provider does not depend on %s", rt.Name)
		}
	}
	if rs := routesTo(one(t, p, typeRouteTable, "prod-aws-public"), testMgmtCIDRs[0]); len(rs) != 0 {
		t.Errorf("public route table routes the management network: %v", rs)
	}

	rules := p.ByType(typeSGRule)
	if len(rules) != len(testMgmtCIDRs) {
		t.Fatalf("security group rules: got %d, want one per management range (%d)", len(rules), len(testMgmtCIDRs))
	}
	eksCl := one(t, p, typeEKSCluster, "prod-aws-eks")
	for i, c := range testMgmtCIDRs {
		r := one(t, p, typeSGRule, "prod-aws-mgmt-api-"+strconv.Itoa(i))
		want := map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": float64(APIServerPort), "toPort": float64(APIServerPort)}
		for k, v := range want {
			if r.Inputs[k] != v {
				t.Errorf("%s %s: got %v, want %v", r.Name, k, r.Inputs[k], v)
			}
		}
		if got, _ := r.Inputs["cidrBlocks"].([]any); len(got) != 1 || got[0] != c {
			t.Errorf("%s cidrBlocks: got %v, want [%s]", r.Name, got, c)
		}
		if !slices.Contains(r.Dependencies, eksCl.URN) {
			t.Errorf("%s is not on the cluster's security group (no dependency on the cluster)", r.Name)
		}
		if !slices.Contains(k8s.Dependencies, r.URN) {
			t.Errorf("kubernetes provider does not depend on %s", r.Name)
		}
	}
	if got := conns["prod-aws"].ManagementCIDRs; !slices.Equal(got, testMgmtCIDRs) {
		t.Errorf("Connection.ManagementCIDRs: got %v, want %v", got, testMgmtCIDRs)
	}
	if len(p.ByType(typePeering)) != 0 {
		t.Error("a peering was made beside the transit gateway attachment")
	}
}

func TestManagementPeering(t *testing.T) {
	cases := []struct {
		name           string
		owner, region  string
		wantAutoAccept any
	}{
		{"same account and region", "", "", true},
		{"same region named", "", "us-east-1", true},
		{"another account", "444455556666", "", nil},
		{"another region", "", "eu-west-1", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := prodSpec("prod-aws", "us-east-1")
			s.Network.Management = &cluster.ManagementNetwork{CIDRs: testMgmtCIDRs[:1], PeerVPCID: testPeerVPC,
				PeerOwnerID: tc.owner, PeerRegion: tc.region}
			p, _ := planConnections(t, s)
			pcx := one(t, p, typePeering, "prod-aws-mgmt-peering")
			if got := pcx.Inputs["peerVpcId"]; got != testPeerVPC {
				t.Errorf("peerVpcId: got %v, want %s", got, testPeerVPC)
			}
			if got := pcx.Inputs["autoAccept"]; got != tc.wantAutoAccept {
				t.Errorf("autoAccept: got %v, want %v", got, tc.wantAutoAccept)
			}
			for k, want := range map[string]string{"peerOwnerId": tc.owner, "peerRegion": tc.region} {
				got, _ := pcx.Inputs[k].(string)
				if got != want {
					t.Errorf("%s: got %q, want %q", k, got, want)
				}
			}
			rt := one(t, p, typeRouteTable, "prod-aws-private-0")
			if rs := routesTo(rt, testMgmtCIDRs[0]); len(rs) != 1 || rs[0]["vpcPeeringConnectionId"] == nil {
				t.Errorf("route to %s: got %v, want one through the peering", testMgmtCIDRs[0], rs)
			}
			if !slices.Contains(rt.Dependencies, pcx.URN) {
				t.Errorf("route table does not depend on the peering")
			}
			k8s := one(t, p, typeK8sProvider, "prod-aws-k8s")
			if !slices.Contains(k8s.Dependencies, pcx.URN) {
				t.Errorf("kubernetes provider does not depend on the peering")
			}
			if len(p.ByType(typeTGWAttachment)) != 0 {
				t.Error("a transit gateway attachment was made beside the peering")
			}
		})
	}
}

func TestNoManagementNoPath(t *testing.T) {
	p, conns := planConnections(t, prodSpec("prod-aws", "us-east-1"))
	for _, typ := range []string{typeTGWAttachment, typePeering, typeSGRule} {
		if n := len(p.ByType(typ)); n != 0 {
			t.Errorf("%s: got %d, want none without network.management", typ, n)
		}
	}
	if rs, _ := one(t, p, typeRouteTable, "prod-aws-private-0").Inputs["routes"].([]any); len(rs) != 1 {
		t.Errorf("private routes: got %v, want only the default route", rs)
	}
	if got := conns["prod-aws"].ManagementCIDRs; got != nil {
		t.Errorf("Connection.ManagementCIDRs: got %v, want nil", got)
	}
}
