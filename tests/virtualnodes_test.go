package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/release"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// TestDevBurstsOntoFargate plans the dev stack as written: dev-aws has virtual nodes
// and qa opts in, so one Fargate profile takes the pods labelled for it; qa's billing
// Rollout's pods carry that label and wait for the profile, storefront's (which opts
// out in qa: its network-delay experiment needs Chaos Mesh's node daemon) and every
// e2e Rollout's do not; and the dev policy gate holds.
func TestDevBurstsOntoFargate(t *testing.T) {
	p := planStack(t, "dev", nil)
	profiles := p.ByType("aws:eks/fargateProfile:FargateProfile")
	if len(profiles) != 1 {
		t.Fatalf("%d Fargate profiles, want 1", len(profiles))
	}
	sel, _ := profiles[0].Inputs["selectors"].([]any)
	if len(sel) != 1 || sel[0].(map[string]any)["labels"].(map[string]any)[cluster.LabelVirtualNodes] != "true" {
		t.Errorf("profile selectors = %v, want the virtual nodes label in any namespace", sel)
	}
	perNS := map[string][]string{}
	for _, r := range p.ByType("kubernetes:argoproj.io/v1alpha1:Rollout") {
		meta, _ := r.Inputs["metadata"].(map[string]any)
		ns, _ := meta["namespace"].(string)
		tpl := dig(r.Inputs, "spec", "template", "metadata", "labels")
		labels, _ := tpl.(map[string]any)
		on := labels[cluster.LabelVirtualNodes] == "true"
		if want := ns == "qa" && meta["name"] == "billing"; on != want {
			t.Errorf("Rollout %s/%v on Fargate = %v, want %v", ns, meta["name"], on, want)
		}
		// A pod created before the profile would be scheduled to the nodes for good.
		if waits := slices.Contains(r.Dependencies, profiles[0].URN); waits != on {
			t.Errorf("Rollout %s/%v waits for the Fargate profile = %v, want %v", ns, meta["name"], waits, on)
		}
		perNS[ns] = append(perNS[ns], r.Name)
	}
	if len(perNS["qa"]) == 0 || len(perNS["e2e"]) == 0 {
		t.Fatalf("Rollouts per namespace = %v, want some in qa and in e2e", perNS)
	}
	checkGate(t, "dev", p)
}

// TestLayeredStacksCarryVirtualNodes: the cluster stack writes its virtual nodes into
// the connection contract, and the in-cluster stack validates against them: prod on
// Fargate is refused (NetworkPolicy), and with the cluster stack's virtual nodes off,
// so is any opt-in; each at its field path in the in-cluster stack file.
func TestLayeredStacksCarryVirtualNodes(t *testing.T) {
	withVirtualNodes := func(on bool) program.Loader {
		return func(stack string) (*stacks.StackConfig, error) {
			cfg, err := loadStack(stack)
			if err != nil {
				return nil, err
			}
			switch stack {
			case "prod-aws-cluster":
				for i := range cfg.Clusters {
					if on {
						cfg.Clusters[i].VirtualNodes = &cluster.VirtualNodesSpec{Enabled: true}
					}
				}
			case "prod-aws":
				for i := range cfg.Releases {
					if cfg.Releases[i].Name == "storefront" {
						v := true
						cfg.Releases[i].VirtualNodes = &v
					}
				}
			}
			return cfg, nil
		}
	}
	for _, tc := range []struct {
		name   string
		on     bool
		want   string
		detail string
	}{
		{"prod on Fargate", true, "releases[0].virtualNodes", release.MsgVirtualNodesNetworkPolicy},
		{"no virtual nodes in the cluster stack", false, "releases[0].virtualNodes", release.MsgNoVirtualNodes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			load := withVirtualNodes(tc.on)
			cfg, err := load("prod-aws")
			if err != nil {
				t.Fatal(err)
			}
			_, err = program.OfflineResolving(cfg, map[string]*plan.Plan{}, load)
			if err == nil {
				t.Fatal("planned, want the opt-in refused")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("error %v, want %s: %s", err, tc.want, tc.detail)
			}
		})
	}
}

// dig follows map keys through plan inputs.
func dig(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
