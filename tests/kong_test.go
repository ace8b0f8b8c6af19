package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/components/release"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/policies/rules"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// kongStack is the test stack on edge kong (an existing cluster, a federation spoke
// with the Rollouts dashboard on the edge and a canary with analysis).
var kongStack = filepath.Join("testdata", "stacks", "Pulumi.kong.yaml")

// planKong plans the Kong test stack offline.
func planKong(t testing.TB) *plan.Plan {
	t.Helper()
	cfg, err := stacks.LoadFile(kongStack, "kong")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Platform.Edge != edges.Kong {
		t.Fatalf("edge %q, want kong", cfg.Platform.Edge)
	}
	p, err := program.OfflineResolving(cfg, nil, loadStack)
	if err != nil {
		t.Fatalf("planning the kong stack: %v", err)
	}
	return p
}

// TestKongStack plans the Kong stack whole and follows what the edge serves: every
// HTTPRoute attaches to a listener the Gateway of class kong has; the basic-auth
// routes list Kong plugins that exist in their namespace, with a consumer there; the
// canary shifts through the Rollouts plugin and its analysis reads Kong's request
// counter; the environment lets the kong namespace in; the mandatory policies pass.
func TestKongStack(t *testing.T) {
	p := planKong(t)
	gw := onlyOne(t, p, "kubernetes:gateway.networking.k8s.io/v1:Gateway")
	if got := dig(gw.Inputs, "spec", "gatewayClassName"); got != gateway.KongGatewayClassName {
		t.Errorf("Gateway class %v, want kong", got)
	}
	listeners := map[string]bool{}
	for _, l := range dig(gw.Inputs, "spec", "listeners").([]any) {
		listeners[dig(l, "name").(string)] = true
	}
	plugins := map[string]bool{} // namespace/name
	for _, kp := range p.ByType("kubernetes:configuration.konghq.com/v1:KongPlugin") {
		plugins[dig(kp.Inputs, "metadata", "namespace").(string)+"/"+dig(kp.Inputs, "metadata", "name").(string)] = true
	}
	consumers := map[string]bool{}
	for _, c := range p.ByType("kubernetes:configuration.konghq.com/v1:KongConsumer") {
		consumers[dig(c.Inputs, "metadata", "namespace").(string)] = true
	}
	authed := 0
	for _, r := range p.ByType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute") {
		section, _ := dig(r.Inputs, "spec", "parentRefs").([]any)[0].(map[string]any)["sectionName"].(string)
		if !listeners[section] {
			t.Errorf("%s attaches to listener %q, which the Gateway lacks", r.Name, section)
		}
		list, _ := dig(r.Inputs, "metadata", "annotations", gateway.AnnotationKongPlugins).(string)
		if list == "" {
			continue
		}
		authed++
		ns := dig(r.Inputs, "metadata", "namespace").(string)
		for _, name := range strings.Split(list, ",") {
			if !plugins[ns+"/"+name] {
				t.Errorf("%s lists KongPlugin %s, which %s does not have", r.Name, name, ns)
			}
		}
		if !consumers[ns] {
			t.Errorf("%s asks for basic auth, and %s has no KongConsumer", r.Name, ns)
		}
	}
	if authed != 2 {
		t.Errorf("%d routes behind Kong's basic auth, want 2 (/federate and the Rollouts dashboard)", authed)
	}
	ro := onlyOne(t, p, "kubernetes:argoproj.io/v1alpha1:Rollout")
	if tr := dig(ro.Inputs, "spec", "strategy", "canary", "trafficRouting", "plugins", release.GatewayAPIPlugin); tr == nil {
		t.Errorf("the canary does not route through the Gateway API plugin: %v", dig(ro.Inputs, "spec", "strategy", "canary", "trafficRouting"))
	}
	at := onlyOne(t, p, "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate")
	q, _ := dig(at.Inputs, "spec", "metrics").([]any)[0].(map[string]any)["provider"].(map[string]any)["prometheus"].(map[string]any)["query"].(string)
	if !strings.Contains(q, release.KongRequestsMetric) {
		t.Errorf("analysis query %q, want Kong's %s", q, release.KongRequestsMetric)
	}
	let := false
	for _, np := range p.ByType("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		let = let || strings.Contains(string(mustJSON(t, np.Inputs)), `"`+platform.NamespaceKong+`"`)
	}
	if !let {
		t.Error("no NetworkPolicy names the kong namespace: the environment would refuse the edge")
	}
	data, err := os.ReadFile(kongStack)
	if err != nil {
		t.Fatal(err)
	}
	rep := checkPlan(t, p, data)
	var buf bytes.Buffer
	rep.WriteText(&buf)
	for _, f := range rep.Findings {
		if f.Level == rules.Mandatory {
			t.Errorf("mandatory %s finding on the Kong stack:\n%s", f.Rule.ID, buf.String())
			break
		}
	}
	kinds := map[string]int{}
	for _, r := range p.Resources {
		if strings.Contains(r.Type, "konghq.com") || strings.HasSuffix(r.Type, "GatewayClass") {
			kinds[r.Type[strings.LastIndex(r.Type, ":")+1:]]++
		}
	}
	t.Logf("%d resources; Kong's: %v; %d authed routes", len(p.Resources), kinds, authed)
}

func onlyOne(t *testing.T, p *plan.Plan, typ string) *plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("got %d %s, want 1", len(rs), typ)
	}
	return rs[0]
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
