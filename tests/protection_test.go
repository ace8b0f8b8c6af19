package tests

import (
	"bytes"
	"os"
	"testing"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/stateful"
	"github.com/fleetform/fleetform/policies/rules"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// chartOf is a planned Helm release's chart.
func chartOf(r plan.Resource) string {
	c, _ := r.Inputs["chart"].(string)
	return c
}

// protection splits a plan's stateful resources into protected and not, and lists
// every other resource that is protected (none should be).
func protection(p *plan.Plan) (protected, unprotected map[string][]string, stray []string) {
	protected, unprotected = map[string][]string{}, map[string][]string{}
	for _, r := range p.Resources {
		_, ok := stateful.Holds(r.Type, chartOf(r))
		switch {
		case ok && r.Protect:
			protected[r.Type] = append(protected[r.Type], r.Name)
		case ok:
			unprotected[r.Type] = append(unprotected[r.Type], r.Name)
		case r.Protect && r.Type != stateful.TypeDestroyGuard:
			stray = append(stray, r.URN)
		}
	}
	return protected, unprotected, stray
}

// prodAs plans Pulumi.prod.yaml with every cluster's environment set to env and
// protection left to its default.
func prodAs(t *testing.T, env string, dev *plan.Plan) *plan.Plan {
	t.Helper()
	cfg, err := loadStack("prod")
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Clusters {
		cfg.Clusters[i].Environment = env
	}
	p, err := program.Offline(cfg, map[string]*plan.Plan{"organization/fleetform/dev": dev})
	if err != nil {
		t.Fatalf("planning prod as %s: %v", env, err)
	}
	return p
}

// TestProdProtectsStatefulResourcesOnEveryCloud plans prod (EKS, AKS and ACK) and
// the same clusters as a dev environment: in prod every stateful or foundational
// resource of every cloud is protected and nothing else is; as dev, nothing is.
func TestProdProtectsStatefulResourcesOnEveryCloud(t *testing.T) {
	dev := planStack(t, "dev", nil)
	prod := planStack(t, "prod", map[string]*plan.Plan{"organization/fleetform/dev": dev})
	protected, unprotected, stray := protection(prod)
	if len(unprotected) > 0 {
		t.Errorf("prod: stateful resources not protected: %v", unprotected)
	}
	if len(stray) > 0 {
		t.Errorf("prod: resources protected that hold no state: %v", stray)
	}
	for _, typ := range []string{
		"aws:eks/cluster:Cluster", "aws:ec2/vpc:Vpc", "aws:kms/key:Key", "aws:s3/bucketV2:BucketV2",
		"azure-native:containerservice:ManagedCluster", "azure-native:network:VirtualNetwork", "azure-native:resources:ResourceGroup",
		"alicloud:cs/managedKubernetes:ManagedKubernetes", "alicloud:vpc/network:Network", "alicloud:vpc/switch:Switch",
		stateful.TypeHelmRelease,
	} {
		if len(protected[typ]) == 0 {
			t.Errorf("prod: no protected %s", typ)
		}
	}
	n := 0
	for _, names := range protected {
		n += len(names)
	}
	t.Logf("prod: %d of %d resources protected", n, len(prod.Resources))
	for _, r := range prod.ByType(stateful.TypeHelmRelease) {
		_, holds := stateful.VolumeCharts[stateful.ChartName(chartOf(*r))]
		if r.Protect != holds {
			t.Errorf("prod: Helm release %s (chart %s) protect = %v, want %v", r.Name, chartOf(*r), r.Protect, holds)
		}
	}

	for name, p := range map[string]*plan.Plan{"dev stack": dev, "prod's clusters as dev": prodAs(t, "dev", dev)} {
		protected, _, stray := protection(p)
		if len(protected) > 0 || len(stray) > 0 {
			t.Errorf("%s: protected %v %v, want nothing protected", name, protected, stray)
		}
	}
}

// TestProtectionPolicy: STA001 finds every stateful prod resource that is not
// protected, and none once the stack lifts protection explicitly or when it is on.
func TestProtectionPolicy(t *testing.T) {
	data, err := os.ReadFile(stacks.StackFile(repoRoot, "prod"))
	if err != nil {
		t.Fatal(err)
	}
	dev := planStack(t, "dev", nil)
	prod := planStack(t, "prod", map[string]*plan.Plan{"organization/fleetform/dev": dev})
	count := func(p *plan.Plan, file []byte) int {
		n := 0
		for _, f := range checkPlan(t, p, file).Findings {
			if f.Rule.ID == rules.IDProtected {
				if f.Level != rules.Mandatory {
					t.Errorf("%s is %s, want mandatory", rules.IDProtected, f.Level)
				}
				n++
			}
		}
		return n
	}
	if n := count(prod, data); n != 0 {
		t.Errorf("protected prod: %d %s findings, want 0", n, rules.IDProtected)
	}

	// The same stack with protection stripped from the plan, as a program that
	// forgot it would register it.
	stripped := *prod
	stripped.Resources = append([]plan.Resource(nil), prod.Resources...)
	want := 0
	for i := range stripped.Resources {
		if stripped.Resources[i].Protect {
			stripped.Resources[i].Protect = false
			want++
		}
	}
	if n := count(&stripped, data); n != want || want == 0 {
		t.Errorf("unprotected prod: %d %s findings, want %d (one per stateful resource)", n, rules.IDProtected, want)
	}

	// The first pull request of a deliberate removal lifts protection in the stack file.
	lifted := bytes.Replace(data, []byte("  fleetform:stack:\n"), []byte("  fleetform:stack:\n    protect: false\n"), 1)
	if bytes.Equal(lifted, data) {
		t.Fatal("Pulumi.prod.yaml has no fleetform:stack section to seed from")
	}
	cfg, err := stacks.Parse(lifted, "Pulumi.prod.yaml", "prod")
	if err != nil {
		t.Fatal(err)
	}
	p, err := program.Offline(cfg, map[string]*plan.Plan{"organization/fleetform/dev": dev})
	if err != nil {
		t.Fatal(err)
	}
	if protected, _, _ := protection(p); len(protected) > 0 {
		t.Errorf("protect: false still protects %v", protected)
	}
	if n := count(p, lifted); n != 0 {
		t.Errorf("lifted prod: %d %s findings, want 0", n, rules.IDProtected)
	}
}

// TestDestroyGuardDependsOnEverything plans every stack file: each has one destroy guard,
// protected exactly when the stack's stateful resources are, that depends on every
// resource the stack creates. A resource registered after it (inside an output's
// callback) would be missing here, and a destroy could delete it before the guard
// refuses.
func TestDestroyGuardDependsOnEverything(t *testing.T) {
	dev := planStack(t, "dev", nil)
	for _, s := range append([]string{"dev", "local", "prod"}, layeredProd...) {
		var p *plan.Plan
		if s == "dev" {
			p = dev
		} else {
			p = planStack(t, s, map[string]*plan.Plan{"organization/fleetform/dev": dev})
		}
		guards := p.ByType(stateful.TypeDestroyGuard)
		if len(guards) != 1 {
			t.Errorf("%s: %d destroy guards, want 1", s, len(guards))
			continue
		}
		g := guards[0]
		statefulProtected := false
		for _, r := range p.Resources {
			if _, ok := stateful.Holds(r.Type, chartOf(r)); ok && r.Protect {
				statefulProtected = true
			}
		}
		if g.Protect != statefulProtected {
			t.Errorf("%s: destroy guard protect=%v, stateful resources protected=%v", s, g.Protect, statefulProtected)
		}
		deps := map[string]bool{}
		for _, d := range g.Dependencies {
			deps[d] = true
		}
		missing := 0
		for _, r := range p.Resources {
			if (r.Custom || r.Remote) && !r.Read && !deps[r.URN] {
				missing++
				t.Errorf("%s: the destroy guard does not depend on %s", s, r.URN)
			}
		}
		t.Logf("%s: the destroy guard (protect=%v) depends on %d resources", s, g.Protect, len(deps))
		if len(deps) == 0 || missing > 0 {
			t.Errorf("%s: the destroy guard depends on %d resources, %d missing", s, len(deps), missing)
		}
	}
}
