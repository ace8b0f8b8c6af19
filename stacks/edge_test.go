package stacks

import (
	"testing"

	"github.com/fleetform/fleetform/components/release"
)

// TestReleaseIngressNeedsTheIngressEdge: on a Gateway API edge (the default) a
// release's ingress is refused at its path, before anything is registered.
func TestReleaseIngressNeedsTheIngressEdge(t *testing.T) {
	for _, edge := range []string{"", "    edge: envoy-gateway\n", "    edge: istio\n"} {
		body := crossBase + "  fleetform:platform:\n" + edge + "    logging: {enabled: false}\n    monitoring: {grafanaAdminPassword: grafana}\n"
		got := problems(t, body, Offline)
		if len(got) != 1 || got[0].Field != "releases[0].environments[prod].ingress" || got[0].Detail != release.MsgNeedsIngressEdge {
			t.Errorf("edge %q: got %v, want one %q at releases[0].environments[prod].ingress", edge, got, release.MsgNeedsIngressEdge)
		}
	}
}
