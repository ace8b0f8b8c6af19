package plan

import (
	"strings"
	"testing"
)

const (
	aksComponent = "urn:pulumi:prod::fleetform::platform:cluster:AKS::prod-azure"
	aksCluster   = "urn:pulumi:prod::fleetform::platform:cluster:AKS$azure-native:containerservice:ManagedCluster::prod-azure-aks"
	aksPool      = "urn:pulumi:prod::fleetform::platform:cluster:AKS$azure-native:containerservice:AgentPool::prod-azure-apps"
)

// azurePlan is a small prod plan: the AKS component, its cluster (protected when
// protect) and a node pool.
func azurePlan(dnsPrefix string, protect bool) *Plan {
	p := &Plan{Stack: "prod", Resources: []Resource{
		{URN: aksComponent, Type: "platform:cluster:AKS", Name: "prod-azure"},
		{URN: aksCluster, Type: "azure-native:containerservice:ManagedCluster", Name: "prod-azure-aks", Parent: aksComponent, Custom: true, Protect: protect,
			Inputs: map[string]any{"dnsPrefix": dnsPrefix}},
		{URN: aksPool, Type: "azure-native:containerservice:AgentPool", Name: "prod-azure-apps", Parent: aksComponent, Custom: true},
	}}
	p.Sort()
	return p
}

func TestDestroys(t *testing.T) {
	// The cluster is gone; the component and its pool stay.
	removed := azurePlan("prod-azure", true)
	var kept []Resource
	for _, r := range removed.Resources {
		if r.URN != aksCluster {
			kept = append(kept, r)
		}
	}
	removed.Resources = kept
	tests := []struct {
		name          string
		old, new      *Plan
		wantDestroys  int
		wantProtected bool
		wantInMD      []string
	}{
		{"no change", azurePlan("prod-azure", true), azurePlan("prod-azure", true), 0, false, nil},
		{"cluster removed", azurePlan("prod-azure", true), removed, 1, true,
			[]string{MarkerDestroysProtected, "#### Destroys", "| prod-azure | `azure-native:containerservice:ManagedCluster`", "| yes |"}},
		{"cluster removed, unprotected", azurePlan("prod-azure", false), removed, 1, false, []string{"#### Destroys", "| no |"}},
		{"dns prefix changed", azurePlan("prod-azure", true), azurePlan("prod-azure-2", true), 1, true,
			[]string{"`dnsPrefix` " + EffectRefused, "source: AKS API"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Compare(tc.old, tc.new)
			if len(d.Destroys) != tc.wantDestroys || d.DestroysProtected() != tc.wantProtected {
				t.Fatalf("destroys %d (protected %v), want %d (protected %v)", len(d.Destroys), d.DestroysProtected(), tc.wantDestroys, tc.wantProtected)
			}
			var md strings.Builder
			d.WriteMarkdown(&md)
			for _, w := range tc.wantInMD {
				if !strings.Contains(md.String(), w) {
					t.Errorf("markdown lacks %q:\n%s", w, md.String())
				}
			}
			if !tc.wantProtected && strings.Contains(md.String(), MarkerDestroysProtected) {
				t.Errorf("markdown has the protected marker:\n%s", md.String())
			}
			if i, j := strings.Index(md.String(), "#### Destroys"), strings.Index(md.String(), " to add, "); tc.wantDestroys > 0 && (i < 0 || j < 0 || i > j) {
				t.Errorf("the Destroys section is not before the tables:\n%s", md.String())
			}
		})
	}
}

// TestRenameThroughAliases: a component renamed with an alias, and its child whose
// name starts with the component's, are renamed, not removed and added.
func TestRenameThroughAliases(t *testing.T) {
	comp := func(name string, aliases ...string) Resource {
		return Resource{URN: "urn:pulumi:dev::fleetform::platform:env:Environment::" + name, Type: "platform:env:Environment", Name: name, Aliases: aliases}
	}
	child := func(parent, name string) Resource {
		return Resource{URN: "urn:pulumi:dev::fleetform::platform:env:Environment$kubernetes:core/v1:Namespace::" + name, Type: "kubernetes:core/v1:Namespace", Name: name,
			Parent: "urn:pulumi:dev::fleetform::platform:env:Environment::" + parent, Custom: true, Inputs: map[string]any{"metadata": map[string]any{"name": "qa"}}}
	}
	old := &Plan{Stack: "dev", Resources: []Resource{comp("dev-aws-qa"), child("dev-aws-qa", "dev-aws-qa-namespace")}}
	renamed := &Plan{Stack: "dev", Resources: []Resource{comp("dev-east-qa", "urn:pulumi:dev::fleetform::platform:env:Environment::dev-aws-qa"), child("dev-east-qa", "dev-east-qa-namespace")}}
	d := Compare(old, renamed)
	if len(d.Added) != 0 || len(d.Removed) != 0 || len(d.Renamed) != 2 || len(d.Changed) != 0 {
		t.Fatalf("added %d, removed %d, renamed %d, changed %d; want 0, 0, 2, 0", len(d.Added), len(d.Removed), len(d.Renamed), len(d.Changed))
	}
	for _, c := range d.Renamed {
		if len(c.Properties) != 0 {
			t.Errorf("%s: changes %v, want none (the parent URN is the renamed one)", c.New.Name, c.Properties)
		}
	}
	// Without the alias, both are removed and added.
	renamed.Resources[0].Aliases = nil
	if d := Compare(old, renamed); len(d.Added) != 2 || len(d.Removed) != 2 {
		t.Errorf("without an alias: added %d, removed %d; want 2 and 2", len(d.Added), len(d.Removed))
	}
}
