package edges

import "testing"

func TestUsesGateway(t *testing.T) {
	for _, tc := range []struct {
		edge Edge
		want bool
	}{{EnvoyGateway, true}, {Istio, true}, {Kong, true}, {IngressNginx, false}, {"", false}, {"traefik", false}} {
		if got := tc.edge.UsesGateway(); got != tc.want {
			t.Errorf("%q.UsesGateway() = %v, want %v", tc.edge, got, tc.want)
		}
	}
	if len(All) != 4 || Default != EnvoyGateway {
		t.Errorf("All = %v, Default = %q; want the four edges and envoy-gateway", All, Default)
	}
}

func TestRoutesByPlugin(t *testing.T) {
	for _, tc := range []struct {
		edge Edge
		want bool
	}{{EnvoyGateway, true}, {Kong, true}, {Istio, false}, {IngressNginx, false}, {"", false}} {
		if got := tc.edge.RoutesByPlugin(); got != tc.want {
			t.Errorf("%q.RoutesByPlugin() = %v, want %v", tc.edge, got, tc.want)
		}
	}
}
