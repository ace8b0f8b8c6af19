//go:build e2e

package e2e

import (
	"encoding/json"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/release"
)

// virtualNodeClusters are one cluster per kind of virtual nodes, as the cluster
// package describes them (cluster.VirtualNodes).
var virtualNodeClusters = []cluster.Spec{
	{Name: "eks", Cloud: cluster.AWS, VirtualNodes: &cluster.VirtualNodesSpec{Enabled: true}},
	{Name: "aks", Cloud: cluster.Azure, VirtualNodes: &cluster.VirtualNodesSpec{Enabled: true}},
	{Name: "ack", Cloud: cluster.Alicloud, VirtualNodes: &cluster.VirtualNodesSpec{Enabled: true}},
	{Name: "byo", Cloud: cluster.Existing, VirtualNodes: &cluster.VirtualNodesSpec{Enabled: true,
		NodeSelector: map[string]string{"type": "virtual-kubelet"},
		Tolerations:  []cluster.Toleration{{Key: "virtual-kubelet.io/provider", Operator: "Exists"}}}},
}

// TestVirtualNodePlacementAccepted: the dev stack's qa billing Rollout carries the
// Fargate profile's label (qa opts in on dev-aws; storefront opts out), and what a release adds on each cloud's
// virtual nodes is accepted by the real API server with strict field validation: on a
// Pod in qa (Pod Security baseline, quota, LimitRange) and on a Rollout through the real
// Argo Rollouts CRD.
func TestVirtualNodePlacementAccepted(t *testing.T) {
	rollouts := findRendered(t, "dev", "Rollout", "qa")
	if len(rollouts) == 0 {
		t.Fatal("the dev stack renders no Rollout in qa")
	}
	for _, r := range rollouts {
		// billing takes qa's opt-in; storefront opts out (its network-delay experiment).
		labels, _ := path(r.Body, "spec", "template", "metadata", "labels").(map[string]any)
		if on, want := labels[cluster.LabelVirtualNodes] == "true", r.Name() == "billing"; on != want {
			t.Errorf("qa Rollout %s on Fargate = %v (pod labels %v), want %v", r.Name(), on, labels, want)
		}
	}
	ensureServiceAccount(t, "qa")
	for _, spec := range virtualNodeClusters {
		t.Run(spec.Name, func(t *testing.T) {
			fields, labels := release.VirtualNodePlacement(spec.VirtualNodeFacts())

			p := pod("qa", "virtual-node-"+spec.Name, []map[string]any{{
				"requests": map[string]any{"cpu": "100m", "memory": "64Mi"}, "limits": map[string]any{"cpu": "100m", "memory": "64Mi"}}})
			p["metadata"].(map[string]any)["labels"] = labels
			for k, v := range fields {
				p["spec"].(map[string]any)[k] = v
			}
			got, err := srv.createE(adminToken, p)
			if err != nil {
				t.Fatalf("the server refused a pod placed on %s's virtual nodes: %v", spec.Name, err)
			}
			t.Cleanup(func() { _ = srv.deleteE(p) })
			for k, v := range fields {
				stored := path(got, "spec", k)
				if k == "tolerations" {
					// DefaultTolerationSeconds admission appends the not-ready and unreachable ones.
					if all, _ := stored.([]any); len(all) >= len(v.([]any)) {
						stored = all[:len(v.([]any))]
					}
				}
				if mustJSON(t, stored) != mustJSON(t, v) {
					t.Errorf("stored spec.%s = %v, want %v first", k, path(got, "spec", k), v)
				}
			}

			var ro map[string]any
			if err := json.Unmarshal([]byte(mustJSON(t, rollouts[0].Body)), &ro); err != nil {
				t.Fatal(err)
			}
			meta := ro["metadata"].(map[string]any)
			meta["name"] = "virtual-node-" + spec.Name
			for _, k := range []string{"resourceVersion", "uid", "managedFields", "creationTimestamp", "generation"} {
				delete(meta, k)
			}
			delete(ro, "status")
			podSpec := path(ro, "spec", "template", "spec").(map[string]any)
			for k, v := range fields {
				podSpec[k] = v
			}
			if _, err := srv.createE(adminToken, ro); err != nil {
				t.Fatalf("the Rollouts CRD refused the placement on %s's virtual nodes: %v", spec.Name, err)
			}
			t.Cleanup(func() { _ = srv.deleteE(ro) })
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
