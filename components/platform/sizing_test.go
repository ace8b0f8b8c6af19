package platform_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/certmanager"
	"github.com/fleetform/fleetform/components/addons/chaos"
	"github.com/fleetform/fleetform/components/addons/dnsautoscaler"
	"github.com/fleetform/fleetform/components/addons/externaldns"
	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"github.com/fleetform/fleetform/components/addons/falco"
	"github.com/fleetform/fleetform/components/addons/harbor"
	"github.com/fleetform/fleetform/components/addons/logging"
	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/addons/rollouts"
	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/addons/tracing"
	"github.com/fleetform/fleetform/components/addons/velero"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
)

// sizedCharts are the charts whose containers the platform sizes, with their tables.
var sizedCharts = []struct {
	chart      string
	containers []sizing.Container
}{
	{"cert-manager", certmanager.Containers},
	{"external-dns", externaldns.Containers},
	{"external-secrets", externalsecrets.Containers},
	{"harbor", append(append([]sizing.Container{}, harbor.Containers...), harbor.DatabaseContainers...)},
	{"fluent-bit", logging.FluentBitContainers},
	{"kube-prometheus-stack", monitoring.Containers},
	{"argo-rollouts", rollouts.Containers},
	{"opentelemetry-collector", tracing.CollectorContainers},
	{"tempo", tracing.TempoContainers},
	{"velero", velero.Containers},
	{"falco", falco.Containers},
	{"chaos-mesh", chaos.Containers},
	{"cluster-proportional-autoscaler", dnsautoscaler.Containers},
}

// unsized are the charts the platform does not size, each with why: a new addon's
// chart must be in sizedCharts or here (TestEveryChartSizedOrExplained).
var unsized = map[string]string{
	"gateway-crds-helm":        "CRDs only, no pod",
	"prometheus-operator-crds": "CRDs only, no pod",
	"gateway-helm":             "the chart's own requests for the controller (100m/256Mi, limit 1024Mi; its certgen Job is not sized)",
	"base":                     "CRDs and cluster roles, no pod",
	"istiod":                   "not sized here (the Istio edge; its chart was not read for this)",
	"cni":                      "not sized here (the Istio mesh's node agent; its chart was not read for this)",
	"ingress":                  "not sized here (the Kong edge; kong/ingress sets no requests: size it with ingress.chart.values, gateway.resources and controller.ingressController.resources)",
	"ingress-nginx":            "not sized here (the legacy edge)",
	"loki":                     "not sized yet",
	"alloy":                    "not sized yet",
	"eck-operator":             "the chart's own requests and limits (100m/150Mi, 1 CPU/1Gi)",
	"eck-stack":                "ECK's defaults for Elasticsearch and Kibana (2Gi and 1Gi, requests equal to limits)",
	"vpa":                      "the chart's own requests (recommender 50m/500Mi, admission controller 50m/200Mi, ...)",
	"karpenter":                "karpenter.cpu and karpenter.memory",
}

// TestEveryChartSizedOrExplained: every chart an addon registers is sized here or
// says why not, so an addon added later is not BestEffort by oversight.
func TestEveryChartSizedOrExplained(t *testing.T) {
	sized := map[string]bool{}
	for _, sc := range sizedCharts {
		sized[sc.chart] = true
	}
	for _, c := range catalog.Charts() {
		if sized[c] == (unsized[c] != "") {
			t.Errorf("chart %s: sized %v, explained %q; want exactly one (sizedCharts or unsized in sizing_test.go, and the docs' \"Sizing\")", c, sized[c], unsized[c])
		}
	}
}

// sizedPlatform plans every sized addon on one EKS cluster, production or not.
func sizedPlatform(t *testing.T, prod bool) *plan.Plan {
	t.Helper()
	c1 := cluster.Spec{Name: "c1", Cloud: cluster.AWS, Region: "us-east-1"}
	p, _ := build(t, func(a *platform.Args) {
		s := dnsSpec(c1)
		s.Logging = fullSpec(platform.LoggingELK).Logging
		a.Spec, a.Stack, a.Workloads, a.Production = s, "prod", dnsIdentities(), prod
		a.Backups, a.BackupNamespaces = s3Location(), []string{"qa"}
		on := true
		a.Spec.RuntimeSecurity.Enabled, a.Spec.DNSAutoscaler.Enabled, a.Spec.Chaos.Enabled = &on, &on, &on
	})
	return p
}

// TestSizingByEnvironment: every container of every sized chart gets its
// environment's requests (and memory limit where it has one) in the plan's values.
func TestSizingByEnvironment(t *testing.T) {
	for _, prod := range []bool{false, true} {
		name := map[bool]string{false: "other", true: "prod"}[prod]
		t.Run(name, func(t *testing.T) {
			p := sizedPlatform(t, prod)
			n := 0
			for _, sc := range sizedCharts {
				v := release(t, p, sc.chart).Inputs["values"].(map[string]any)
				for _, c := range sc.containers {
					want := c.For(prod)
					if want.CPU == "" || want.Memory == "" {
						t.Errorf("%s %s: no requests in the table for %s", sc.chart, c.Name, name)
					}
					if got := sizing.Get(v, c.Path+".requests.cpu"); got != want.CPU {
						t.Errorf("%s %s.requests.cpu = %v, want %s", sc.chart, c.Path, got, want.CPU)
					}
					if got := sizing.Get(v, c.Path+".requests.memory"); got != want.Memory {
						t.Errorf("%s %s.requests.memory = %v, want %s", sc.chart, c.Path, got, want.Memory)
					}
					var wantLimit any
					if want.MemoryLimit != "" {
						wantLimit = want.MemoryLimit
					}
					if got := sizing.Get(v, c.Path+".limits.memory"); got != wantLimit {
						t.Errorf("%s %s.limits.memory = %v, want %v", sc.chart, c.Path, got, wantLimit)
					}
					n++
				}
			}
			v := release(t, p, "velero").Inputs["values"].(map[string]any)
			if got := sizing.Get(v["initContainers"].([]any)[0].(map[string]any), "resources.requests.cpu"); got != velero.PluginSize.CPU {
				t.Errorf("velero plugin init container cpu = %v, want %s", got, velero.PluginSize.CPU)
			}
			t.Logf("%d containers sized", n)
		})
	}
}

// TestHighAvailabilityInProd: on a production cluster the webhooks whose
// failurePolicy is Fail run two pods and every multi-replica controller keeps one
// through a drain with its chart's PodDisruptionBudget; elsewhere none is made.
func TestHighAvailabilityInProd(t *testing.T) {
	for _, tc := range []struct {
		chart, replicas, pdb, minAvailable string
		wantReplicas                       any
	}{
		{"cert-manager", "webhook.replicaCount", "webhook.podDisruptionBudget.enabled", "webhook.podDisruptionBudget.minAvailable", sizing.HighAvailability},
		{"external-secrets", "webhook.replicaCount", "webhook.podDisruptionBudget.enabled", "webhook.podDisruptionBudget.minAvailable", sizing.HighAvailability},
		{"argo-rollouts", "controller.replicas", "controller.pdb.enabled", "controller.pdb.minAvailable", rollouts.ControllerReplicas},
		{"opentelemetry-collector", "replicaCount", "podDisruptionBudget.enabled", "podDisruptionBudget.minAvailable", 2},
	} {
		t.Run(tc.chart, func(t *testing.T) {
			for _, prod := range []bool{false, true} {
				v := release(t, sizedPlatform(t, prod), tc.chart).Inputs["values"].(map[string]any)
				if got := sizing.Get(v, tc.pdb); got != prod {
					t.Errorf("prod=%v: %s = %v, want %v", prod, tc.pdb, got, prod)
				}
				if !prod {
					continue
				}
				if got := sizing.Get(v, tc.replicas); got != float64(toInt(tc.wantReplicas)) && got != tc.wantReplicas {
					t.Errorf("%s = %v, want %v", tc.replicas, got, tc.wantReplicas)
				}
				if got := sizing.Get(v, tc.minAvailable); got != float64(1) && got != 1 {
					t.Errorf("%s = %v, want 1", tc.minAvailable, got)
				}
			}
		})
	}
	v := release(t, sizedPlatform(t, true), "opentelemetry-collector").Inputs["values"].(map[string]any)
	if v["useGOMEMLIMIT"] != true || sizing.Get(v, "resources.limits.memory") == nil {
		t.Errorf("collector: useGOMEMLIMIT %v with limit %v, want on with a limit (GOMEMLIMIT = 80%% of it)", v["useGOMEMLIMIT"], sizing.Get(v, "resources.limits.memory"))
	}
	es := release(t, sizedPlatform(t, true), "eck-stack").Inputs["values"].(map[string]any)
	if n := sizing.Get(es, "eck-elasticsearch.nodeSets").([]any)[0].(map[string]any)["count"]; n != float64(logging.ProdElasticsearchNodes) && n != logging.ProdElasticsearchNodes {
		t.Errorf("prod Elasticsearch nodes = %v, want %d", n, logging.ProdElasticsearchNodes)
	}
}

func toInt(v any) int { i, _ := v.(int); return i }

// TestSizingOverridable: a stack's chart.values replace a typed size.
func TestSizingOverridable(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {
		a.Production = true
		a.Spec.Monitoring.Chart.Values = map[string]any{"prometheus": map[string]any{"prometheusSpec": map[string]any{
			"resources": map[string]any{"requests": map[string]any{"memory": "8Gi"}},
		}}}
	})
	v := release(t, p, "kube-prometheus-stack").Inputs["values"].(map[string]any)
	if got := sizing.Get(v, "prometheus.prometheusSpec.resources.requests.memory"); got != "8Gi" {
		t.Errorf("overridden Prometheus memory = %v, want 8Gi", got)
	}
	if got := sizing.Get(v, "prometheus.prometheusSpec.resources.requests.cpu"); got != monitoring.Containers[0].Prod.CPU {
		t.Errorf("Prometheus cpu = %v, want the typed %s kept beside the override", got, monitoring.Containers[0].Prod.CPU)
	}
	if !strings.HasPrefix(monitoring.Containers[0].Path, "prometheus.") {
		t.Fatalf("monitoring.Containers[0] is %s, not Prometheus", monitoring.Containers[0].Path)
	}
}

var updateDocs = flag.Bool("update", false, "rewrite the sizes table of docs/platform.md from the addons' Containers")

// sizesHeading is the docs section whose table (header sizesHeader) lists every
// sized container.
const (
	sizesHeading = "## Sizing"
	sizesHeader  = "| chart | container | value | other | prod |"
)

// sizesRows are the sizes table rows the addons' Containers give.
func sizesRows() []string {
	size := func(s sizing.Size) string {
		out := s.CPU + " / " + s.Memory
		if s.MemoryLimit != "" {
			out += " (limit " + s.MemoryLimit + ")"
		}
		return out
	}
	var rows []string
	for _, sc := range sizedCharts {
		for _, c := range sc.containers {
			rows = append(rows, "| "+strings.Join([]string{sc.chart, c.Name, "`" + c.Path + "`", size(c.Other), size(c.Prod)}, " | ")+" |")
		}
	}
	return rows
}

// TestDocsListEverySize keeps the sizes table of docs/platform.md equal to the
// addons' Containers (`go test ./components/platform -run TestDocsListEverySize -update`
// rewrites it).
func TestDocsListEverySize(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "platform.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	// The table under sizesHeading whose header is sizesHeader; rows run to the
	// first line that is no row.
	in, table, first, last := false, false, -1, -1
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == sizesHeading
		case in && line == sizesHeader:
			table = true
		case table && strings.HasPrefix(line, "| ---"):
		case table && strings.HasPrefix(line, "| "):
			if first < 0 {
				first = i
			}
			last = i
		default:
			table = false
		}
	}
	if first < 0 {
		t.Fatalf("%s: no table under %q", path, sizesHeading)
	}
	want := sizesRows()
	if *updateDocs {
		out := append(append(slices.Clone(lines[:first]), want...), lines[last+1:]...)
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := lines[first : last+1]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docs/platform.md sizes table:\n%s\nwant (from the addons' Containers; -update rewrites it):\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
