package aks

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	typePeering     = "azure-native:network:VirtualNetworkPeering"
	typeDNSLink     = "azure-native:network:VirtualNetworkLink"
	testHubVNet     = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/hub-rg/providers/Microsoft.Network/virtualNetworks/hub"
	testPrivateZone = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b.privatelink.westeurope.azmk8s.io"
)

// managed is a spec with the hub VNet attached and these management ranges.
func managed(s cluster.Spec, cidrs ...string) cluster.Spec {
	s.Network.Management = &cluster.ManagementNetwork{CIDRs: cidrs, HubVNetID: testHubVNet}
	return s
}

// planConnection plans one cluster and returns its Connection too.
func planConnection(t *testing.T, s cluster.Spec) (*plan.Plan, *cluster.Connection) {
	t.Helper()
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, s.Name, &Args{Spec: s, Stack: "test", Access: testAccess})
		if err != nil {
			return nil, err
		}
		conn = c.Connection()
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return p, conn
}

// TestManagementPrivateCluster: the hub peering and the DNS zone link, with the values
// Azure needs, and the provider waits for both.
func TestManagementPrivateCluster(t *testing.T) {
	s := managed(prodSpec("prod-azure"), "10.250.0.0/20")
	p, conn := planConnection(t, s)
	peering := one(t, p, typePeering, "prod-azure-mgmt-peering")
	link := one(t, p, typeDNSLink, "prod-azure-mgmt-dns")
	mc := one(t, p, typeManagedCluster, "prod-azure-aks")
	k8s := one(t, p, typeK8sProvider, "prod-azure-k8s")
	for _, r := range []*plan.Resource{peering, link} {
		if !slices.Contains(k8s.Dependencies, r.URN) {
			t.Errorf("kubernetes provider does not depend on %s; got %v", r.Name, k8s.Dependencies)
		}
	}
	if !slices.Contains(link.Dependencies, mc.URN) {
		t.Error("the DNS link does not wait for the cluster, whose zone it links")
	}
	if got := conn.ManagementCIDRs; !slices.Equal(got, []string{"10.250.0.0/20"}) {
		t.Errorf("Connection.ManagementCIDRs: got %v", got)
	}
	if got := at(mc.Inputs, "apiServerAccessProfile", "enablePrivateCluster"); got != true {
		t.Errorf("enablePrivateCluster: got %v, want true", got)
	}

	in, _ := deploy(t, s)
	pi := in[typePeering+"::prod-azure-mgmt-peering"]
	for k, want := range map[string]any{
		"resourceGroupName": "prod-azure-rg", "virtualNetworkName": "prod-azure-vnet", "virtualNetworkPeeringName": ManagementPeeringName,
		"allowVirtualNetworkAccess": true, "allowForwardedTraffic": true, "useRemoteGateways": false,
	} {
		if pi[k] != want {
			t.Errorf("peering %s: got %v, want %v", k, pi[k], want)
		}
	}
	if got := at(pi, "remoteVirtualNetwork", "id"); got != testHubVNet {
		t.Errorf("peering remoteVirtualNetwork.id: got %v, want %s", got, testHubVNet)
	}
	li := in[typeDNSLink+"::prod-azure-mgmt-dns"]
	for k, want := range map[string]any{
		"privateZoneName": testPrivateZone, "resourceGroupName": "MC_prod-azure-rg_prod-azure",
		"location": PrivateDNSLinkLocation, "registrationEnabled": false,
	} {
		if li[k] != want {
			t.Errorf("dns link %s: got %v, want %v", k, li[k], want)
		}
	}
	if got := at(li, "virtualNetwork", "id"); got != testHubVNet {
		t.Errorf("dns link virtualNetwork.id: got %v, want %s", got, testHubVNet)
	}
}

// TestManagementPublicCluster: a public endpoint gets the peering but no DNS link, and
// only the public management ranges join its authorized IP ranges.
func TestManagementPublicCluster(t *testing.T) {
	s := managed(devSpec("dev-azure"), "10.250.0.0/20", "203.0.113.0/24")
	p, _ := planConnection(t, s)
	one(t, p, typePeering, "dev-azure-mgmt-peering")
	if n := len(p.ByType(typeDNSLink)); n != 0 {
		t.Errorf("dns links: got %d, want none for a public endpoint", n)
	}
	mc := one(t, p, typeManagedCluster, "dev-azure-aks")
	got, _ := at(mc.Inputs, "apiServerAccessProfile", "authorizedIPRanges").([]any)
	want := []any{"198.51.100.0/24", "203.0.113.0/24"}
	if !slices.Equal(got, want) {
		t.Errorf("authorizedIPRanges: got %v, want %v (10.250.0.0/20 is private: a peered network never reaches a public endpoint from it)", got, want)
	}
}

func TestNoManagementNoPeering(t *testing.T) {
	p, conn := planConnection(t, prodSpec("prod-azure"))
	for _, typ := range []string{typePeering, typeDNSLink} {
		if n := len(p.ByType(typ)); n != 0 {
			t.Errorf("%s: got %d, want none", typ, n)
		}
	}
	if conn.ManagementCIDRs != nil {
		t.Errorf("Connection.ManagementCIDRs: got %v, want nil", conn.ManagementCIDRs)
	}
}

func TestPrivateDNSZoneOf(t *testing.T) {
	cases := []struct {
		in, want string
		err      bool
	}{
		{"prod-azure-1a2b3c4d." + testPrivateZone, testPrivateZone, false},
		{"", "", false},
		{"nodots", "", true},
	}
	for _, tc := range cases {
		got, err := PrivateDNSZoneOf(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("PrivateDNSZoneOf(%q): got %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestPlanOSSKU: the system pool (inline in the cluster) and the user pools carry their
// pinned OS family, so it shows in the plan.
func TestPlanOSSKU(t *testing.T) {
	s := prodSpec("prod-azure")
	s.NodePools[1].OSSKU = cluster.AzureOSSKUAzureLinux
	p, _ := planConnection(t, s)
	mc := one(t, p, typeManagedCluster, "prod-azure-aks")
	if got := at(mc.Inputs, "agentPoolProfiles", 0, "osSKU"); got != cluster.DefaultAzureOSSKU {
		t.Errorf("system pool osSKU: got %v, want %s", got, cluster.DefaultAzureOSSKU)
	}
	if got := one(t, p, typeAgentPool, "prod-azure-apps").Inputs["osSKU"]; got != cluster.AzureOSSKUAzureLinux {
		t.Errorf("apps pool osSKU: got %v, want %s", got, cluster.AzureOSSKUAzureLinux)
	}
}
