package stacks

import (
	"testing"

	"github.com/fleetform/fleetform/components/release"
)

// TestGatewayEdgeRoutesReleases: releases' ingresses and canaries route on every
// edge, except a canary on envoy-gateway with the Rollouts Gateway API plugin turned
// off, which is refused where the strategy is set, before anything is registered.
func TestGatewayEdgeRoutesReleases(t *testing.T) {
	for _, tc := range []struct {
		edge string
		want int
	}{
		{"", 0},
		{"    edge: envoy-gateway\n", 0},
		{"    edge: istio\n", 0},
		{"    edge: ingress-nginx\n", 0},
		{"    edge: envoy-gateway\n    rollouts: {gatewayPlugin: {enabled: false}}\n", 1},
		{"    edge: istio\n    rollouts: {gatewayPlugin: {enabled: false}}\n", 0},
	} {
		body := crossBase + "  fleetform:platform:\n" + tc.edge + "    logging: {enabled: false}\n    monitoring: {grafanaAdminPassword: grafana}\n"
		got := problems(t, body, Offline)
		if len(got) != tc.want {
			t.Errorf("edge %q: got %v, want %d problems", tc.edge, got, tc.want)
			continue
		}
		if tc.want == 1 && (got[0].Field != "releases[0].environments[prod].strategy" || got[0].Detail != release.MsgCanaryNeedsPlugin) {
			t.Errorf("edge %q: got %v, want %q at releases[0].environments[prod].strategy", tc.edge, got, release.MsgCanaryNeedsPlugin)
		}
	}
}
