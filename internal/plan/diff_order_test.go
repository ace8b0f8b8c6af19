package plan

import (
	"strings"
	"testing"
)

// TestDiffShowsControlPlaneBeforeNodePools: an AKS AgentPool's URN sorts before its
// ManagedCluster's, but the pool depends on the cluster, so a version upgrade reads in
// the order the engine applies it: control plane first.
func TestDiffShowsControlPlaneBeforeNodePools(t *testing.T) {
	mc := "urn:pulumi:prod::fleetform::platform:cluster:AKS$azure-native:containerservice:ManagedCluster::prod-azure-aks"
	pool := "urn:pulumi:prod::fleetform::platform:cluster:AKS$azure-native:containerservice:AgentPool::prod-azure-apps"
	other := "urn:pulumi:prod::fleetform::kubernetes:core/v1:ConfigMap::a"
	build := func(version string) *Plan {
		p := &Plan{Stack: "prod", Resources: []Resource{
			{URN: pool, Type: "azure-native:containerservice:AgentPool", Name: "prod-azure-apps", Dependencies: []string{mc},
				Inputs: map[string]any{"orchestratorVersion": version}},
			{URN: mc, Type: "azure-native:containerservice:ManagedCluster", Name: "prod-azure-aks", Inputs: map[string]any{"kubernetesVersion": version}},
			{URN: other, Type: "kubernetes:core/v1:ConfigMap", Name: "a", Inputs: map[string]any{"data": version}},
		}}
		p.Sort()
		return p
	}
	d := Compare(build("1.35"), build("1.36"))
	var names []string
	for _, c := range d.Changed {
		names = append(names, c.New.Name)
	}
	got := strings.Join(names, ",")
	if i, j := strings.Index(got, "prod-azure-aks"), strings.Index(got, "prod-azure-apps"); i < 0 || j < 0 || i > j {
		t.Errorf("changed in order %s, want the managed cluster before its pool", got)
	}
	if len(names) != 3 {
		t.Errorf("changed %v, want all three", names)
	}
	var md strings.Builder
	d.WriteMarkdown(&md)
	if i, j := strings.Index(md.String(), "prod-azure-aks"), strings.Index(md.String(), "prod-azure-apps"); i < 0 || j < 0 || i > j {
		t.Errorf("markdown lists the pool before the cluster:\n%s", md.String())
	}
}
