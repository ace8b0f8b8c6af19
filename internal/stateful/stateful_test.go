package stateful

import "testing"

func TestHolds(t *testing.T) {
	tests := []struct {
		typ, chart string
		want       bool
	}{
		{"aws:eks/cluster:Cluster", "", true},
		{"azure-native:containerservice:ManagedCluster", "", true},
		{"alicloud:cs/managedKubernetes:ManagedKubernetes", "", true},
		{"aws:eks/nodeGroup:NodeGroup", "", false},
		{TypeHelmRelease, "kube-prometheus-stack", true},
		{TypeHelmRelease, "oci://harbor.example.com/mirror/loki", true},
		{TypeHelmRelease, "ingress-nginx", false},
		{"kubernetes:apps/v1:Deployment", "harbor", false},
	}
	for _, tc := range tests {
		t.Run(tc.typ+"/"+tc.chart, func(t *testing.T) {
			h, got := Holds(tc.typ, tc.chart)
			if got != tc.want || (got && h == "") {
				t.Errorf("Holds(%q, %q) = %q, %v; want stateful %v with a description", tc.typ, tc.chart, h, got, tc.want)
			}
		})
	}
}
