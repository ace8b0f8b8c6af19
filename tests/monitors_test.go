package tests

import (
	"slices"
	"testing"
)

// monitorKinds are the prometheus-operator kinds whose CRDs kube-prometheus-stack installs.
var monitorKinds = []string{"ServiceMonitor", "PodMonitor", "PrometheusRule"}

// Every ServiceMonitor, PodMonitor and PrometheusRule of the dev and prod plans waits
// for its cluster's kube-prometheus-stack install, explicitly: the platform passes
// that install to each addon, and an addon built before it (a reordered step) would
// register its monitor with no dependency and fail on a missing CRD in a real up.
func TestMonitorsWaitForMonitoring(t *testing.T) {
	for stack, p := range stackPlans(t) {
		t.Run(stack, func(t *testing.T) {
			installs := map[string]string{} // provider URN to the kube-prometheus-stack release
			for _, r := range p.Resources {
				if r.Type == "kubernetes:helm.sh/v3:Release" && r.Inputs["chart"] == "kube-prometheus-stack" {
					installs[r.Provider] = r.URN
				}
			}
			if len(installs) == 0 {
				t.Fatalf("stack %s plans no kube-prometheus-stack", stack)
			}
			n := 0
			for _, r := range p.Resources {
				kind, _ := r.Inputs["kind"].(string)
				if !r.Custom || !slices.Contains(monitorKinds, kind) {
					continue
				}
				n++
				install, ok := installs[r.Provider]
				if !ok {
					t.Errorf("%s %s is on a cluster with no kube-prometheus-stack (provider %s)", kind, r.URN, r.Provider)
					continue
				}
				if !slices.Contains(r.Dependencies, install) {
					t.Errorf("%s %s does not wait for %s; it waits for %v", kind, r.URN, install, r.Dependencies)
				}
			}
			if n == 0 {
				t.Fatalf("stack %s plans no monitor", stack)
			}
			t.Logf("%d monitors on %d monitored clusters, each waiting for its install", n, len(installs))
		})
	}
}
