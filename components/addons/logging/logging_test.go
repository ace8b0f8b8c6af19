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

// writerPassword is the plain writer password no plan may show.
const writerPassword = "wr1ter-Plain-Value"

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
	a.WriterPassword = pulumi.String(writerPassword)
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

// TestELKWriterAndNodes plans ELK on a production cluster and another: Fluent Bit
// writes as the file-realm user with its one role (never elastic), whose password is
// a secret in a basic-auth Secret both eck-stack and Fluent Bit wait for;
// Elasticsearch runs three nodes in prod and one elsewhere, and Fluent Bit gets its
// environment's requests.
func TestELKWriterAndNodes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		prod      bool
		nodes     int
		cpu, mem  string
		noPasswrd bool
	}{
		{"prod", true, ProdElasticsearchNodes, "100m", "128Mi", false},
		{"dev", false, 1, "20m", "64Mi", false},
		{"no password", false, 0, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := args(ELK)
			a.Production = tc.prod
			if !tc.noPasswrd {
				a.WriterPassword = pulumi.ToSecret(pulumi.String(writerPassword)).(pulumi.StringOutput)
			}
			p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := New(ctx, "c1-logging", a)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if tc.noPasswrd {
				if err == nil || !strings.Contains(err.Error(), MsgWriterPassword) {
					t.Fatalf("err = %v, want %q", err, MsgWriterPassword)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			all, _ := json.Marshal(p)
			if strings.Contains(string(all), writerPassword) {
				t.Errorf("the plan shows the writer's password")
			}
			var user, role *plan.Resource
			for _, r := range p.ByType("kubernetes:core/v1:Secret") {
				switch r.Inputs["metadata"].(map[string]any)["name"] {
				case WriterSecret:
					user = r
				case WriterRoleSecret:
					role = r
				}
			}
			if user == nil || role == nil {
				t.Fatalf("secrets %s and %s: got %v and %v", WriterSecret, WriterRoleSecret, user, role)
			}
			// The password makes the whole stringData a secret in the plan.
			if user.Inputs["type"] != "kubernetes.io/basic-auth" || user.Inputs["stringData"] != plan.Secret {
				t.Errorf("writer Secret = %v, want basic-auth with secret data", user.Inputs)
			}
			// Plans show every Secret's data as [secret]: the role is read from its source.
			roles := WriterRoleYAML()
			for _, want := range []string{WriterRole + ":", `"create_index", "create_doc"`, `"logs-*", "node-logs-*"`, "cluster: []"} {
				if !strings.Contains(roles, want) {
					t.Errorf("roles.yml lacks %q:\n%s", want, roles)
				}
			}
			for _, bad := range []string{"all", "write", "delete", "manage"} {
				if strings.Contains(roles, `"`+bad) {
					t.Errorf("roles.yml grants %q:\n%s", bad, roles)
				}
			}
			charts := map[string]*plan.Resource{}
			for _, r := range p.ByType("kubernetes:helm.sh/v3:Release") {
				charts[r.Inputs["chart"].(string)] = r
			}
			es := charts["eck-stack"].Inputs["values"].(map[string]any)["eck-elasticsearch"].(map[string]any)
			if n := es["nodeSets"].([]any)[0].(map[string]any)["count"]; n != float64(tc.nodes) && n != tc.nodes {
				t.Errorf("nodeSets[0].count = %v, want %d", n, tc.nodes)
			}
			auth, _ := json.Marshal(es["auth"])
			if string(auth) != `{"fileRealm":[{"secretName":"log-writer"}],"roles":[{"secretName":"log-writer-role"}]}` {
				t.Errorf("eck-elasticsearch.auth = %s, want the writer's file realm and role Secrets", auth)
			}
			fb := charts["fluent-bit"]
			fv, _ := json.Marshal(fb.Inputs["values"])
			if strings.Contains(string(fv), "es-elastic-user") || strings.Contains(string(fv), "HTTP_User elastic") {
				t.Errorf("fluent-bit still writes as elastic: %s", fv)
			}
			outputs := fb.Inputs["values"].(map[string]any)["config"].(map[string]any)["outputs"].(string)
			if strings.Count(outputs, "HTTP_User "+WriterUser+"\n") != 2 || strings.Count(outputs, "Write_Operation create\n") != 2 {
				t.Errorf("fluent-bit outputs do not both write as %s with create:\n%s", WriterUser, outputs)
			}
			req := fb.Inputs["values"].(map[string]any)["resources"].(map[string]any)["requests"].(map[string]any)
			if req["cpu"] != tc.cpu || req["memory"] != tc.mem {
				t.Errorf("fluent-bit requests = %v, want %s/%s", req, tc.cpu, tc.mem)
			}
			for _, rel := range []string{"eck-stack", "fluent-bit"} {
				if deps := strings.Join(charts[rel].Dependencies, " "); !strings.Contains(deps, "c1-logging-writer") || !strings.Contains(deps, "c1-logging-writer-role") {
					t.Errorf("%s dependencies = %s, want both writer Secrets", rel, deps)
				}
			}
		})
	}
}
