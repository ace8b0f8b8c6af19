package aks

import (
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
)

// burstSpec is the prod cluster with virtual nodes on and the ACI subnet defaulted.
func burstSpec(name string) cluster.Spec {
	s := prodSpec(name)
	s.VirtualNodes = &cluster.VirtualNodesSpec{Enabled: true}
	return s
}

func TestVirtualNodes(t *testing.T) {
	p := planOf(t, burstSpec("burst"), prodSpec("plain"))

	vnet := one(t, p, typeVNet, "burst-vnet")
	var aci map[string]any
	for _, s := range at(vnet.Inputs, "subnets").([]any) {
		if at(s, "name") == VirtualNodeSubnetName {
			aci = s.(map[string]any)
		}
	}
	if aci == nil {
		t.Fatalf("VNet subnets = %v, want a %q subnet", at(vnet.Inputs, "subnets"), VirtualNodeSubnetName)
	}
	// The node subnet defaults to 10.110.0.0/22 and the pods to 10.110.64.0/18: the first free /24 follows the nodes.
	if got := at(aci, "addressPrefix"); got != "10.110.4.0/24" {
		t.Errorf("ACI subnet = %v, want 10.110.4.0/24", got)
	}
	if got := at(aci, "delegations", 0, "serviceName"); got != cluster.AzureVirtualNodeSubnetDelegation {
		t.Errorf("ACI subnet delegation = %v, want %s", got, cluster.AzureVirtualNodeSubnetDelegation)
	}

	mc := one(t, p, typeManagedCluster, "burst-aks")
	if got := at(mc.Inputs, "addonProfiles", AddonACIConnector, "enabled"); got != true {
		t.Errorf("addonProfiles.%s.enabled = %v, want true", AddonACIConnector, got)
	}
	if got := at(mc.Inputs, "addonProfiles", AddonACIConnector, "config", AddonACISubnetName); got != VirtualNodeSubnetName {
		t.Errorf("addonProfiles.%s.config.%s = %v, want %s", AddonACIConnector, AddonACISubnetName, got, VirtualNodeSubnetName)
	}
	role := one(t, p, typeRoleAssignment, "burst-aci-network-contributor")
	vnetURN, mcURN := vnet.URN, mc.URN
	if role.Inputs["principalType"] != "ServicePrincipal" || !sameSet(role.Dependencies, []string{one(t, p, typeResourceGroup, "burst-rg").URN, vnetURN, mcURN}) {
		t.Errorf("ACI connector role inputs=%v deps=%v, want the connector's identity (from the cluster) on the VNet", role.Inputs, role.Dependencies)
	}

	plain := one(t, p, typeManagedCluster, "plain-aks")
	if got := at(plain.Inputs, "addonProfiles"); got != nil {
		t.Errorf("cluster without virtual nodes has addonProfiles %v, want none (its inputs unchanged)", got)
	}
	for _, r := range p.ByType(typeRoleAssignment) {
		if r.Name == "plain-aci-network-contributor" {
			t.Error("cluster without virtual nodes got an ACI connector role")
		}
	}
}

func TestVirtualNodeFactsAKS(t *testing.T) {
	s := burstSpec("burst")
	s.ApplyDefaults("test")
	v := s.VirtualNodeFacts()
	if v == nil {
		t.Fatal("no virtual node facts")
	}
	if v.NodeSelector[cluster.LabelVirtualKubeletType] != cluster.ValueVirtualKubelet || len(v.Tolerations) != 2 {
		t.Errorf("facts = %+v, want type: virtual-kubelet and the two ACI tolerations", v)
	}
	for _, f := range []cluster.PodFeature{cluster.FeatureNetworkPolicy, cluster.FeatureInitContainers, cluster.FeatureHostAccess} {
		if v.Supports(f) {
			t.Errorf("facts support %s, want it refused on ACI", f)
		}
	}
}
