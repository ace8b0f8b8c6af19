package ack

import (
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
)

// addonNames are the names in a ManagedKubernetes' addons input.
func addonNames(t *testing.T, in map[string]any) []string {
	t.Helper()
	var out []string
	for _, a := range in["addons"].([]any) {
		out = append(out, a.(map[string]any)["name"].(string))
	}
	return out
}

func TestVirtualNodeAddon(t *testing.T) {
	burst := prodSpec()
	burst.VirtualNodes = &cluster.VirtualNodesSpec{Enabled: true}
	plain := devSpec()
	p := runPlan(t, burst, plain)
	cases := []struct {
		name string
		want bool
	}{{"prod-ali", true}, {"dev-ali", false}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			names := addonNames(t, of(p, typeCluster, tc.name)[0].Inputs)
			got := false
			for _, n := range names {
				got = got || n == AddonVirtualNode
			}
			if got != tc.want {
				t.Errorf("addons = %v, %s present %v, want %v", names, AddonVirtualNode, got, tc.want)
			}
		})
	}
}

func TestVirtualNodeFactsACK(t *testing.T) {
	s := prodSpec()
	s.VirtualNodes = &cluster.VirtualNodesSpec{Enabled: true}
	s.ApplyDefaults("test")
	v := s.VirtualNodeFacts()
	if v == nil || v.PodLabels[cluster.LabelECI] != "true" || v.NodeSelector[cluster.LabelVirtualKubeletType] != cluster.ValueVirtualKubelet {
		t.Fatalf("facts = %+v, want the ECI pod label and type: virtual-kubelet", v)
	}
	if len(v.Tolerations) != 1 || v.Tolerations[0].Key != cluster.TaintVirtualKubelet || v.Tolerations[0].Value != "alibabacloud" {
		t.Errorf("tolerations = %+v, want virtual-kubelet.io/provider=alibabacloud:NoSchedule", v.Tolerations)
	}
	if v.Supports(cluster.FeatureHostAccess) || !v.Supports(cluster.FeatureNetworkPolicy) {
		t.Errorf("unsupported = %v, want host access refused and NetworkPolicy not claimed unsupported", v.Unsupported)
	}
}
