package tests

import (
	"testing"

	"github.com/fleetform/fleetform/components/addons/certmanager"
	"github.com/fleetform/fleetform/components/addons/logging"
	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/internal/plan"
)

// TestSizesFollowTheClusterEnvironment: the program hands each platform its
// cluster's environment, so prod's clusters (environment prod) plan the prod sizes,
// two cert-manager webhooks with a budget and three Elasticsearch nodes, and dev's
// cluster (environment dev) the other sizes and one webhook, with no budget.
func TestSizesFollowTheClusterEnvironment(t *testing.T) {
	for stack, p := range stackPlans(t) {
		prod := stack == "prod"
		t.Run(stack, func(t *testing.T) {
			n := 0
			for _, r := range p.ByType("kubernetes:helm.sh/v3:Release") {
				v, _ := r.Inputs["values"].(map[string]any)
				switch chartName(r) {
				case "cert-manager":
					n++
					want := certmanager.Containers[1].For(prod).Memory
					if got := sizing.Get(v, "webhook.resources.requests.memory"); got != want {
						t.Errorf("%s: webhook memory %v, want %s", r.Name, got, want)
					}
					if got := sizing.Get(v, "webhook.podDisruptionBudget.enabled"); got != prod {
						t.Errorf("%s: webhook PodDisruptionBudget %v, want %v", r.Name, got, prod)
					}
					if got := sizing.Get(v, "webhook.replicaCount"); got != float64(sizing.Replicas(prod)) {
						t.Errorf("%s: webhook replicas %v, want %d", r.Name, got, sizing.Replicas(prod))
					}
				case "eck-stack":
					n++
					sets, _ := sizing.Get(v, "eck-elasticsearch.nodeSets").([]any)
					if len(sets) != 1 || sets[0].(map[string]any)["count"] != float64(logging.ElasticsearchNodes(prod)) {
						t.Errorf("%s: nodeSets %v, want one of %d nodes", r.Name, sets, logging.ElasticsearchNodes(prod))
					}
				}
			}
			if n == 0 {
				t.Fatalf("stack %s plans no cert-manager or eck-stack release", stack)
			}
			t.Logf("%d releases checked", n)
		})
	}
}

// chartName is a release's chart without an oci:// prefix.
func chartName(r *plan.Resource) string {
	c, _ := r.Inputs["chart"].(string)
	for i := len(c) - 1; i >= 0; i-- {
		if c[i] == '/' {
			return c[i+1:]
		}
	}
	return c
}
