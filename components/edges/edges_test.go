package edges

import "testing"

func TestUsesGateway(t *testing.T) {
	for _, tc := range []struct {
		edge Edge
		want bool
	}{{EnvoyGateway, true}, {Istio, true}, {IngressNginx, false}, {"", false}, {"traefik", false}} {
		if got := tc.edge.UsesGateway(); got != tc.want {
			t.Errorf("%q.UsesGateway() = %v, want %v", tc.edge, got, tc.want)
		}
	}
	if len(All) != 3 || Default != EnvoyGateway {
		t.Errorf("All = %v, Default = %q; want the three edges and envoy-gateway", All, Default)
	}
}
