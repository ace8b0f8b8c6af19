package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/addons/chaos"
	"github.com/fleetform/fleetform/internal/graph"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/policies/rules"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

const typeChaosSchedule = "kubernetes:chaos-mesh.org/v1alpha1:Schedule"

// Dev's storefront runs its experiments in qa and e2e only: the Schedules exist
// there and nowhere else, each waits for its cluster's Chaos Mesh install, and only
// those two namespaces admit Chaos Mesh (its namespace filter).
func TestChaosInDev(t *testing.T) {
	p := planStack(t, "dev", nil)
	installs := map[string]string{} // provider to the chaos-mesh release
	for _, r := range p.Resources {
		if r.Type == "kubernetes:helm.sh/v3:Release" && r.Inputs["chart"] == "chaos-mesh" {
			installs[r.Provider] = r.URN
		}
	}
	if len(installs) == 0 {
		t.Fatal("dev plans no chaos-mesh release")
	}
	perNamespace := map[string][]string{}
	for _, r := range p.ByType(typeChaosSchedule) {
		md := r.Inputs["metadata"].(map[string]any)
		ns, name := md["namespace"].(string), md["name"].(string)
		perNamespace[ns] = append(perNamespace[ns], name)
		if c, ok := installs[r.Provider]; !ok || !slices.Contains(r.Dependencies, c) {
			t.Errorf("Schedule %s/%s does not wait for its cluster's Chaos Mesh (%q): %v", ns, name, c, r.Dependencies)
		}
	}
	want := map[string][]string{
		"qa":  {"storefront-chaos-kill-one", "storefront-chaos-slow-network"},
		"e2e": {"storefront-chaos-slow-network"},
	}
	for ns, names := range perNamespace {
		slices.Sort(names)
		if !slices.Equal(names, want[ns]) {
			t.Errorf("namespace %s has Schedules %v, want %v", ns, names, want[ns])
		}
	}
	if len(perNamespace) != len(want) {
		t.Errorf("Schedules in namespaces %v, want qa and e2e only", perNamespace)
	}
	for _, r := range p.ByType("kubernetes:core/v1:Namespace") {
		md := r.Inputs["metadata"].(map[string]any)
		name := md["name"].(string)
		ann, _ := md["annotations"].(map[string]any)
		_, targeted := want[name]
		if got := ann[chaos.InjectAnnotation] == chaos.InjectEnabled; got != targeted {
			t.Errorf("namespace %s admits Chaos Mesh = %v, want %v", name, got, targeted)
		}
	}
}

// An experiment in prod fails policy CHA001, mandatory, until the stack file allows
// chaos in prod; then the same plan passes it.
func TestChaosInProdNeedsTheStacksConsent(t *testing.T) {
	data, err := os.ReadFile(stacks.StackFile(repoRoot, "prod"))
	if err != nil {
		t.Fatal(err)
	}
	const platformKey, releasesKey = "  fleetform:platform:\n", "  fleetform:releases:\n    - name: storefront\n"
	if !bytes.Contains(data, []byte(platformKey)) || !bytes.Contains(data, []byte(releasesKey)) {
		t.Fatal("Pulumi.prod.yaml changed shape: no platform section or no storefront release first")
	}
	withChaos := bytes.Replace(data, []byte(platformKey), []byte(platformKey+"    chaos: {enabled: true}\n"), 1)
	withChaos = bytes.Replace(withChaos, []byte(releasesKey), []byte(releasesKey+
		"      chaos:\n        - {name: kill-one, action: pod-kill, schedule: \"0 3 * * 1\", environments: [prod]}\n"), 1)
	allowed := bytes.Replace(withChaos, []byte("  fleetform:stack:\n"), []byte("  fleetform:stack:\n    chaosInProduction: true\n"), 1)
	dev := planStack(t, "dev", nil)
	for _, tc := range []struct {
		name string
		file []byte
		want int
	}{{"refused", withChaos, 3}, {"allowed by the stack", allowed, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "Pulumi.prod.yaml")
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := stacks.LoadFile(path, "prod")
			if err != nil {
				t.Fatal(err)
			}
			p, err := program.Offline(cfg, map[string]*plan.Plan{"organization/fleetform/dev": dev})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(p.ByType(typeChaosSchedule)); n != 3 {
				t.Fatalf("prod plans %d Schedules, want one per prod cluster (3)", n)
			}
			got := 0
			for _, f := range checkPlan(t, p, tc.file).Findings {
				if f.Rule.ID == rules.IDChaosInProduction {
					got++
					if f.Level != rules.Mandatory {
						t.Errorf("CHA001 is %s in prod, want mandatory", f.Level)
					}
				}
			}
			if got != tc.want {
				t.Errorf("CHA001 findings: %d, want %d", got, tc.want)
			}
		})
	}
}

// Chaos Mesh installs beside the other addons and each Schedule waits for it and its
// namespace alone: in dev, where it runs, neither lies on the critical path, and the
// path is no longer with it than without it.
func TestChaosStaysOffTheCriticalPath(t *testing.T) {
	p := planStack(t, "dev", nil)
	cp, err := graph.New(p).CriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range cp {
		if strings.Contains(n.Resource.URN, "platform:addons:Chaos") || n.Resource.Type == typeChaosSchedule {
			t.Errorf("dev's critical path holds %s %s", n.Resource.Type, n.Resource.Name)
		}
	}
	without := *p
	without.Resources = nil
	for _, r := range p.Resources {
		if !strings.Contains(r.URN, "platform:addons:Chaos") && !strings.Contains(r.Name, "-ns-chaos") && r.Type != typeChaosSchedule {
			without.Resources = append(without.Resources, r)
		}
	}
	if len(without.Resources) == len(p.Resources) {
		t.Fatal("dev has no Chaos Mesh resources to take out")
	}
	base, err := graph.New(&without).CriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	if len(cp) > len(base) {
		t.Errorf("Chaos Mesh lengthens dev's critical path from %d to %d steps", len(base), len(cp))
	}
	t.Logf("dev's critical path: %d steps with Chaos Mesh, %d without", len(cp), len(base))
}
