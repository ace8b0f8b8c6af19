package tests

import (
	"path"
	"slices"
	"testing"
)

// routeCRDChart is, per route kind, the chart whose install serves that kind: the
// Gateway API CRDs for HTTPRoute, Istio's base chart for VirtualService.
var routeCRDChart = map[string]string{"HTTPRoute": "gateway-crds-helm", "VirtualService": "base"}

// Every HTTPRoute and VirtualService of the dev, local (Istio), prod and Kong plans waits,
// explicitly, for the install that serves its kind on its cluster. A route that does
// not can reach the API server before its CRD: the engine once created a release's
// VirtualServices before Istio's base chart and failed with "no matches for kind".
func TestRoutesWaitForTheirKind(t *testing.T) {
	plans := stackPlans(t)
	plans["local"] = planStack(t, "local", nil)
	plans["kong"] = planKong(t)
	for stack, p := range plans {
		t.Run(stack, func(t *testing.T) {
			installs := map[string]map[string]string{} // chart to provider to URN
			for _, r := range p.Resources {
				chart, _ := r.Inputs["chart"].(string)
				if (r.Type == "kubernetes:helm.sh/v4:Chart" || r.Type == "kubernetes:helm.sh/v3:Release") && chart != "" {
					if installs[path.Base(chart)] == nil {
						installs[path.Base(chart)] = map[string]string{}
					}
					installs[path.Base(chart)][r.Provider] = r.URN // an OCI reference ends in the chart's name
				}
			}
			n := 0
			for _, r := range p.Resources {
				kind, _ := r.Inputs["kind"].(string)
				chart, ok := routeCRDChart[kind]
				if !r.Custom || !ok {
					continue
				}
				n++
				want, ok := installs[chart][r.Provider]
				if !ok {
					t.Errorf("%s %s is on a cluster with no %s install", kind, r.URN, chart)
					continue
				}
				if !slices.Contains(r.Dependencies, want) {
					t.Errorf("%s %s does not wait for %s; it waits for %v", kind, r.URN, want, r.Dependencies)
				}
			}
			if n == 0 {
				t.Fatalf("stack %s plans no route", stack)
			}
			t.Logf("%d routes, each waiting for the install of its kind", n)
		})
	}
}
