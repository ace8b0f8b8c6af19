package release

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/chaos"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// aciFacts are AKS's virtual nodes as the cluster package describes them.
func aciFacts() *cluster.VirtualNodes {
	s := cluster.Spec{Name: "c", Cloud: cluster.Azure, VirtualNodes: &cluster.VirtualNodesSpec{Enabled: true}}
	return s.VirtualNodeFacts()
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func fargateFacts() *cluster.VirtualNodes {
	s := cluster.Spec{Name: "c", Cloud: cluster.AWS, VirtualNodes: &cluster.VirtualNodesSpec{Enabled: true}}
	return s.VirtualNodeFacts()
}

func TestPodTemplateOnVirtualNodes(t *testing.T) {
	on := testArgs(canarySpec("storefront"), "prod")
	on.VirtualNodes = aciFacts()
	fargate := testArgs(canarySpec("checkout"), "prod")
	fargate.VirtualNodes = fargateFacts()
	off := testArgs(canarySpec("catalog"), "prod")
	p := runRelease(t, on, fargate, off)
	rollouts := map[string]*plan.Resource{}
	for _, r := range p.ByType(typeRollout) {
		rollouts[get(t, r.Inputs, "metadata", "name").(string)] = r
	}

	tpl := rollouts["storefront"].Inputs
	if got := get(t, tpl, "spec", "template", "spec", "nodeSelector"); mustJSON(got) != mustJSON(map[string]any{"kubernetes.io/os": "linux", "kubernetes.io/role": "agent", "type": "virtual-kubelet"}) {
		t.Errorf("nodeSelector = %v, want ACI's", got)
	}
	tols := get(t, tpl, "spec", "template", "spec", "tolerations").([]any)
	if len(tols) != 2 || get(t, tols, 0, "key") != cluster.TaintVirtualKubelet || get(t, tols, 1, "effect") != "NoSchedule" {
		t.Errorf("tolerations = %v, want ACI's two", tols)
	}
	if v := get(t, rollouts["checkout"].Inputs, "spec", "template", "metadata", "labels").(map[string]any)[cluster.LabelVirtualNodes]; v != "true" {
		t.Errorf("Fargate pod label = %v, want true (the profile's selector)", v)
	}
	if v := get(t, rollouts["checkout"].Inputs, "spec", "template", "spec").(map[string]any)["nodeSelector"]; v != nil {
		t.Errorf("Fargate pods got nodeSelector %v, want none: the profile's label sends them", v)
	}
	spec := get(t, rollouts["catalog"].Inputs, "spec", "template", "spec").(map[string]any)
	if spec["nodeSelector"] != nil || spec["tolerations"] != nil {
		t.Errorf("a release off virtual nodes got nodeSelector %v tolerations %v", spec["nodeSelector"], spec["tolerations"])
	}
	// The release's selector labels are untouched, so the Rollout still selects its pods.
	if got := get(t, tpl, "spec", "selector", "matchLabels"); mustJSON(got) != mustJSON(map[string]any{LabelName: "storefront"}) {
		t.Errorf("selector = %v", got)
	}
}

func TestNewRefusesAPodTooBigForVirtualNodes(t *testing.T) {
	a := testArgs(canarySpec("storefront"), "prod")
	a.Spec.Resources.LimitsCPU = "32"
	a.VirtualNodes = fargateFacts()
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "r", a)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || !strings.Contains(err.Error(), "spec.resources.limitsCpu") || !strings.Contains(err.Error(), MsgVirtualNodesTooBig) {
		t.Fatalf("error %v, want spec.resources.limitsCpu: %s", err, MsgVirtualNodesTooBig)
	}
	if n := mon.Registrations(); n != 0 {
		t.Errorf("%d resources registered before the error, want 0", n)
	}
}

func TestValidateVirtualNodes(t *testing.T) {
	base := func(edit func(*Spec)) Spec {
		s := canarySpec("storefront")
		s.Environments = map[string]Override{"qa": {}, "prod": {}}
		if edit != nil {
			edit(&s)
		}
		return s
	}
	p := field.NewPath("releases").Index(0)
	tests := []struct {
		name  string
		spec  Spec
		check VirtualNodeCheck
		want  map[string]string
	}{
		{"off: nothing checked", base(nil), VirtualNodeCheck{Env: "qa"}, nil},
		{"from the environment", base(nil), VirtualNodeCheck{Env: "qa", EnvOptIn: true, VirtualNodes: aciFacts()}, nil},
		{"opted in, no virtual nodes", base(func(s *Spec) { s.VirtualNodes = boolp(true) }), VirtualNodeCheck{Env: "qa"},
			map[string]string{"releases[0].virtualNodes": MsgNoVirtualNodes}},
		{"opted in on the override, no virtual nodes", base(func(s *Spec) { s.Environments["qa"] = Override{VirtualNodes: boolp(true)} }), VirtualNodeCheck{Env: "qa"},
			map[string]string{"releases[0].environments[qa].virtualNodes": MsgNoVirtualNodes}},
		{"opted out on the override", base(func(s *Spec) { s.Environments["qa"] = Override{VirtualNodes: boolp(false)} }), VirtualNodeCheck{Env: "qa", EnvOptIn: true}, nil},
		{"prod on Fargate: no NetworkPolicy", base(func(s *Spec) { s.VirtualNodes = boolp(true) }), VirtualNodeCheck{Env: "prod", Hardened: true, VirtualNodes: fargateFacts()},
			map[string]string{"releases[0].virtualNodes": MsgVirtualNodesNetworkPolicy}},
		{"meshed on ACI: no init containers", base(func(s *Spec) { s.VirtualNodes = boolp(true) }), VirtualNodeCheck{Env: "qa", Meshed: true, VirtualNodes: aciFacts()},
			map[string]string{"releases[0].virtualNodes": MsgVirtualNodesMesh}},
		{"network delay on Fargate pods", base(func(s *Spec) {
			s.Chaos = []chaos.Experiment{{Name: "kill", Action: chaos.ActionPodKill, Environments: []string{"qa"}},
				{Name: "slow", Action: chaos.ActionNetworkDelay, Environments: []string{"prod", "qa"}}}
		}), VirtualNodeCheck{Env: "qa", EnvOptIn: true, VirtualNodes: fargateFacts()},
			map[string]string{"releases[0].chaos[1].environments[1]": MsgVirtualNodesChaos}},
		{"bigger than a Fargate pod", base(func(s *Spec) { s.Resources.LimitsMemory = "128Gi" }), VirtualNodeCheck{Env: "qa", EnvOptIn: true, VirtualNodes: fargateFacts()},
			map[string]string{"releases[0].resources.limitsMemory": MsgVirtualNodesTooBig}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.spec.ValidateVirtualNodes(p, tc.check)
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] += e.Detail
			}
			for path, msg := range tc.want {
				if !strings.Contains(got[path], msg) {
					t.Errorf("%s: got %q, want %q (all: %v)", path, got[path], msg, errs)
				}
			}
			if len(errs) != len(tc.want) {
				t.Errorf("got %d problems %v, want %d", len(errs), errs, len(tc.want))
			}
		})
	}
}
