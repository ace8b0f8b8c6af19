package tests

import (
	"strings"
	"testing"

	"github.com/fleetform/fleetform/internal/plan"
)

// TestEveryRouteHasItsListenerAndCertificate plans the real dev and prod stacks (on
// Envoy Gateway) and follows every HTTPRoute to what serves it: the Gateway of its
// cluster must have the listener it attaches to, each HTTPS listener's certificate
// must be a Secret cert-manager issues there (a Certificate of that name and
// namespace) unless a release brings it (tlsSecretName), and each Rollout's route must be the one its
// canary reweights. A host with a route but no certificate, or a listener nobody
// attaches to, is the defect this catches.
func TestEveryRouteHasItsListenerAndCertificate(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			p := planStack(t, stack, nil)
			cfg, err := loadStack(stack)
			if err != nil {
				t.Fatal(err)
			}
			byo := map[string]bool{} // the release certificates the stack brings
			for i := range cfg.Releases {
				for _, env := range cfg.Releases[i].EnvironmentNames() {
					if in := cfg.Releases[i].For(env).Ingress; in != nil && in.TLSSecretName != "" {
						byo[in.TLSSecretName] = true
					}
				}
			}
			cluster := func(r *plan.Resource) string { return strings.SplitN(r.Name, "-platform", 2)[0] }
			listeners := map[string]map[string]any{} // cluster → listener name → certificateRef
			for _, g := range p.ByType("kubernetes:gateway.networking.k8s.io/v1:Gateway") {
				ls := map[string]any{}
				for _, l := range g.Inputs["spec"].(map[string]any)["listeners"].([]any) {
					l := l.(map[string]any)
					var ref any
					if tls, ok := l["tls"].(map[string]any); ok {
						ref = tls["certificateRefs"].([]any)[0]
					}
					ls[l["name"].(string)] = ref
				}
				listeners[cluster(g)] = ls
			}
			certs := map[string]bool{}
			for _, c := range p.ByType("kubernetes:cert-manager.io/v1:Certificate") {
				ns := c.Inputs["metadata"].(map[string]any)["namespace"]
				certs[cluster(c)+"/"+ns.(string)+"/"+c.Inputs["spec"].(map[string]any)["secretName"].(string)] = true
			}
			routes := 0
			for _, r := range p.ByType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute") {
				routes++
				c := strings.SplitN(r.Name, "-", 3)[0] + "-" + strings.SplitN(r.Name, "-", 3)[1]
				parent := r.Inputs["spec"].(map[string]any)["parentRefs"].([]any)[0].(map[string]any)
				section := parent["sectionName"].(string)
				ls, ok := listeners[c]
				if !ok {
					t.Errorf("%s: no Gateway on cluster %s", r.Name, c)
					continue
				}
				ref, ok := ls[section]
				if !ok {
					t.Errorf("%s attaches to listener %s, which the Gateway of %s does not have", r.Name, section, c)
					continue
				}
				if ref == nil {
					continue // plain HTTP
				}
				m := ref.(map[string]any)
				key := c + "/" + m["namespace"].(string) + "/" + m["name"].(string)
				if !certs[key] && !byo[m["name"].(string)] {
					t.Errorf("%s: listener %s serves Secret %s, which no Certificate issues", r.Name, section, key)
				}
			}
			if routes == 0 {
				t.Fatal("no HTTPRoutes: the stack is not on a Gateway edge")
			}
			plugins := 0
			for _, ro := range p.ByType("kubernetes:argoproj.io/v1alpha1:Rollout") {
				tr, _ := ro.Inputs["spec"].(map[string]any)["strategy"].(map[string]any)["canary"].(map[string]any)
				if tr == nil || tr["trafficRouting"] == nil {
					continue
				}
				if _, ok := tr["trafficRouting"].(map[string]any)["plugins"]; ok {
					plugins++
				}
			}
			if plugins == 0 {
				t.Error("no canary Rollout routes through the Gateway API plugin")
			}
			t.Logf("%d HTTPRoutes, each on its listener with its certificate; %d canaries through the plugin", routes, plugins)
		})
	}
}
