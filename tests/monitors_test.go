package tests

import (
	"slices"
	"testing"
)

// monitorKinds are the prometheus-operator kinds whose CRDs prometheus-operator-crds installs.
var monitorKinds = []string{"ServiceMonitor", "PodMonitor", "PrometheusRule"}

// Every ServiceMonitor, PodMonitor and PrometheusRule of the dev and prod plans waits
// for its cluster's prometheus-operator-crds chart, explicitly: the platform passes
// that chart to each addon, and an addon built before it (a reordered step) would
// register its monitor with no dependency and fail on a missing CRD in a real up.
// kube-prometheus-stack, installed without its own CRDs, waits for the chart too.
func TestMonitorsWaitForMonitoring(t *testing.T) {
	for stack, p := range stackPlans(t) {
		t.Run(stack, func(t *testing.T) {
			crds := map[string]string{} // provider URN to the prometheus-operator-crds chart
			for _, r := range p.Resources {
				if r.Type == "kubernetes:helm.sh/v4:Chart" && r.Inputs["chart"] == "prometheus-operator-crds" {
					crds[r.Provider] = r.URN
				}
			}
			installs := 0
			for _, r := range p.Resources {
				if r.Type != "kubernetes:helm.sh/v3:Release" || r.Inputs["chart"] != "kube-prometheus-stack" {
					continue
				}
				installs++
				if c, ok := crds[r.Provider]; !ok || !slices.Contains(r.Dependencies, c) {
					t.Errorf("kube-prometheus-stack %s does not wait for its cluster's prometheus-operator-crds (%q): %v", r.URN, c, r.Dependencies)
				}
			}
			if installs == 0 || installs != len(crds) {
				t.Fatalf("stack %s plans %d kube-prometheus-stack installs and %d prometheus-operator-crds charts, want as many, at least one", stack, installs, len(crds))
			}
			n := 0
			for _, r := range p.Resources {
				kind, _ := r.Inputs["kind"].(string)
				if !r.Custom || !slices.Contains(monitorKinds, kind) {
					continue
				}
				n++
				c, ok := crds[r.Provider]
				if !ok {
					t.Errorf("%s %s is on a cluster with no prometheus-operator-crds (provider %s)", kind, r.URN, r.Provider)
					continue
				}
				if !slices.Contains(r.Dependencies, c) {
					t.Errorf("%s %s does not wait for %s; it waits for %v", kind, r.URN, c, r.Dependencies)
				}
			}
			if n == 0 {
				t.Fatalf("stack %s plans no monitor", stack)
			}
			t.Logf("%d monitors on %d monitored clusters, each waiting for its CRD chart", n, len(crds))
		})
	}
}
