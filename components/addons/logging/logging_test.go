package logging

import (
	"encoding/json"
	"reflect"
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

// TestCollectorsRunOnEveryNode: node agents tolerate every taint, or tainted nodes'
// logs (prod-aws's CriticalAddonsOnly system pool) are never collected.
func TestCollectorsRunOnEveryNode(t *testing.T) {
	want := []any{map[string]any{"operator": "Exists"}}
	for _, tc := range []struct {
		name   string
		values map[string]any
		path   []string
	}{
		{"alloy", AlloyValues(args(Loki)), []string{"controller", "tolerations"}},
		{"fluent-bit", FluentBitValues(args(ELK)), []string{"tolerations"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got any = tc.values
			for _, k := range tc.path {
				got = got.(map[string]any)[k]
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s tolerations = %v, want %v", tc.name, got, want)
			}
		})
	}
}

// TestFluentBitShipsEveryInput: the chart's inputs tag container logs kube.* and the
// kubelet's journal host.*; each tag has an output, and the cluster label goes on both.
func TestFluentBitShipsEveryInput(t *testing.T) {
	cfg := FluentBitValues(args(ELK))["config"].(map[string]any)
	outputs, filters := cfg["outputs"].(string), cfg["filters"].(string)
	for tag, prefix := range map[string]string{"kube.*": IndexPrefix, "host.*": NodeIndexPrefix} {
		found := false
		for _, block := range strings.Split(outputs, "[OUTPUT]") {
			if strings.Contains(block, "Match "+tag+"\n") && strings.Contains(block, "Logstash_Prefix "+prefix+"\n") {
				found = true
			}
		}
		if !found {
			t.Errorf("no output for %s into %s-* indices:\n%s", tag, prefix, outputs)
		}
	}
	if !strings.Contains(filters, "Name modify\n    Match *\n    Add cluster c1") {
		t.Errorf("the cluster label is not added to every record:\n%s", filters)
	}
	for _, pattern := range []string{`"logs-*"`, `"node-logs-*"`} {
		if !strings.Contains(IndexTemplateJSON(), pattern) {
			t.Errorf("index template %s does not cover %s, so those indices would never expire", IndexTemplateJSON(), pattern)
		}
	}
}

func TestVolumePolicy(t *testing.T) {
	for _, tc := range []struct {
		policy, wantLoki, wantECK string
	}{
		{"", VolumeRetain, "DeleteOnScaledownOnly"},
		{VolumeRetain, VolumeRetain, "DeleteOnScaledownOnly"},
		{VolumeDelete, VolumeDelete, "DeleteOnScaledownAndClusterDeletion"},
	} {
		t.Run("policy "+tc.policy, func(t *testing.T) {
			a := args(Loki)
			a.VolumePolicy = tc.policy
			p := LokiValues(a)["singleBinary"].(map[string]any)["persistence"].(map[string]any)
			if p["enableStatefulSetAutoDeletePVC"] != true || p["whenDeleted"] != tc.wantLoki || p["whenScaled"] != tc.wantLoki {
				t.Errorf("loki persistence = %v, want whenDeleted/whenScaled %s", p, tc.wantLoki)
			}
			es := ECKStackValues(a)["eck-elasticsearch"].(map[string]any)
			if es["volumeClaimDeletePolicy"] != tc.wantECK {
				t.Errorf("eck volumeClaimDeletePolicy = %v, want %s", es["volumeClaimDeletePolicy"], tc.wantECK)
			}
		})
	}
	a := args(Loki)
	a.VolumePolicy = "Keep"
	_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "c1-logging", a)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || !strings.Contains(err.Error(), MsgVolumePolicy) {
		t.Errorf("volume policy Keep: got %v, want %q", err, MsgVolumePolicy)
	}
}
