package logging

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
)

func args(backend string) *Args {
	return &Args{Backend: backend, Cluster: "c1", Namespace: pulumi.String("logging"), NamespaceName: "logging",
		StorageClass: "gp3", Retention: 3 * 24 * time.Hour, StorageSize: "20Gi"}
}

func TestLokiValues(t *testing.T) {
	v := LokiValues(args(Loki))
	if got := v["loki"].(map[string]any)["limits_config"].(map[string]any)["retention_period"]; got != "72h" {
		t.Errorf("retention_period = %v, want 72h", got)
	}
	p := v["singleBinary"].(map[string]any)["persistence"].(map[string]any)
	if p["storageClass"] != "gp3" || p["size"] != "20Gi" {
		t.Errorf("persistence = %v, want 20Gi on gp3", p)
	}
	cfg := AlloyConfig("c1", LokiURL("logging"))
	if !strings.Contains(cfg, `"http://loki-gateway.logging.svc/loki/api/v1/push"`) || !strings.Contains(cfg, `cluster = "c1"`) {
		t.Errorf("alloy config does not push to Loki with the cluster label:\n%s", cfg)
	}
}

func TestELK(t *testing.T) {
	if err := json.Unmarshal([]byte(LifecyclePolicyJSON(72*time.Hour)), &map[string]any{}); err != nil {
		t.Errorf("ILM policy is not JSON: %v", err)
	}
	if !strings.Contains(LifecyclePolicyJSON(72*time.Hour), `"min_age":"72h"`) {
		t.Errorf("ILM policy %s does not delete at 72h", LifecyclePolicyJSON(72*time.Hour))
	}
	a := args(ELK)
	a.RetentionJobImage = "harbor.example.com/mirror/curl:8.16.0"
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "c1-logging", a)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	charts := map[string]*plan.Resource{}
	for _, r := range p.ByType("kubernetes:helm.sh/v3:Release") {
		charts[r.Inputs["chart"].(string)] = r
	}
	if len(charts) != 3 || charts["eck-operator"] == nil || charts["eck-stack"] == nil || charts["fluent-bit"] == nil {
		t.Fatalf("charts = %v, want eck-operator, eck-stack, fluent-bit", charts)
	}
	if deps := charts["eck-stack"].Dependencies; !strings.Contains(strings.Join(deps, " "), "eck-operator") {
		t.Errorf("eck-stack dependencies = %v, want the operator (CRDs)", deps)
	}
	if deps := strings.Join(charts["fluent-bit"].Dependencies, " "); strings.Contains(deps, "eck") {
		t.Errorf("fluent-bit depends on %s; it needs only service names", deps)
	}
	jobs := p.ByType("kubernetes:batch/v1:Job")
	if len(jobs) != 1 {
		t.Fatalf("got %d Jobs, want the ILM Job", len(jobs))
	}
	b, _ := json.Marshal(jobs[0].Inputs)
	if !strings.Contains(string(b), a.RetentionJobImage) || !strings.Contains(string(b), "_ilm/policy/"+LifecyclePolicy) {
		t.Errorf("ILM Job = %s, want the mirrored image putting the policy", b)
	}
}
