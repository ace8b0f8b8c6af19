package platform_test

import (
	"bytes"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/tracing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
)

func TestTracingFollowsTheFederationRole(t *testing.T) {
	cases := []struct {
		role       cluster.FederationRole
		tempo, hub bool
		exporter   string
	}{
		{cluster.FederationNone, true, false, "otlp/tempo"},
		{cluster.FederationHub, true, true, "otlp/tempo"},
		{cluster.FederationSpoke, false, false, "otlphttp/hub"},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			p, out := build(t, func(a *platform.Args) { a.Federation = tc.role })
			hasTempo := false
			for _, r := range p.ByType(releaseType) {
				hasTempo = hasTempo || r.Inputs["chart"] == "tempo"
			}
			if hasTempo != tc.tempo {
				t.Errorf("Tempo installed = %v, want %v", hasTempo, tc.tempo)
			}
			coll := release(t, p, "opentelemetry-collector")
			v := coll.Inputs["values"]
			if dig(v, "image", "repository") != tracing.CollectorImage || dig(v, "mode") != "deployment" {
				t.Errorf("collector image/mode = %v / %v", dig(v, "image", "repository"), dig(v, "mode"))
			}
			pipe := dig(v, "alternateConfig", "service", "pipelines", "traces", "exporters").([]any)
			if len(pipe) != 1 || pipe[0] != tc.exporter {
				t.Errorf("traces exporters = %v, want [%s]", pipe, tc.exporter)
			}
			recv := dig(v, "alternateConfig", "service", "pipelines", "traces", "receivers").([]any)
			if got := len(recv) == 2; got != tc.hub {
				t.Errorf("receivers = %v; the fleet receiver is the hub's only", recv)
			}
			ingresses := 0
			for _, r := range p.ByType("kubernetes:networking.k8s.io/v1:Ingress") {
				if dig(r.Inputs, "metadata", "name") == tracing.HubIngress {
					ingresses++
					if dig(r.Inputs, "spec", "rules").([]any)[0].(map[string]any)["host"] != "otlp.hub.example.com" {
						t.Errorf("hub ingress = %v", r.Inputs)
					}
				}
			}
			if (ingresses == 1) != tc.hub {
				t.Errorf("%d hub ingresses, want hub=%v", ingresses, tc.hub)
			}
			if tc.role == cluster.FederationSpoke {
				if ep := dig(v, "alternateConfig", "exporters", "otlphttp/hub", "endpoint"); ep != "https://otlp.hub.example.com" {
					t.Errorf("spoke exports to %v", ep)
				}
			}
			if tc.role != cluster.FederationNone {
				if tok := dig(v, "alternateConfig", "extensions", "bearertokenauth/fleet", "token"); tok != "${env:"+tracing.TokenEnv+"}" {
					t.Errorf("the token reaches the config as %v, want only an env reference", tok)
				}
			}
			b, err := p.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(secretValues["tracingToken"])) {
				t.Error("the fleet token appears in the plan")
			}
			grafana := dig(release(t, p, "kube-prometheus-stack").Inputs["values"], "grafana", "additionalDataSources")
			hasSource := strings.Contains(strings.Join(namesOf(grafana), ","), "Tempo")
			if hasSource != tc.tempo {
				t.Errorf("Grafana Tempo data source = %v, want %v", hasSource, tc.tempo)
			}
			if out.Outputs.OTLPEndpoint != "http://otel-collector.tracing.svc:4318" {
				t.Errorf("OTLP endpoint = %q", out.Outputs.OTLPEndpoint)
			}
		})
	}
}

func namesOf(sources any) []string {
	var out []string
	list, _ := sources.([]any)
	for _, s := range list {
		if n, ok := s.(map[string]any)["name"].(string); ok {
			out = append(out, n)
		}
	}
	return out
}

func TestTracingFanInValidation(t *testing.T) {
	hub := []cluster.Spec{{Name: "hub", Federation: cluster.FederationHub}}
	spoke := []cluster.Spec{{Name: "edge-1", Federation: cluster.FederationSpoke}}
	cases := []struct {
		name     string
		clusters []cluster.Spec
		mutate   func(*platform.Spec)
		want     string
	}{
		{"hub without token", hub, func(s *platform.Spec) { s.Tracing.Token = "" }, "platform.tracing.token"},
		{"hub with a bad TLS Secret name", hub, func(s *platform.Spec) { s.Tracing.Hub.TLSSecretName = "otlp_tls" }, "platform.tracing.hub.tlsSecretName"},
		{"spoke without a hub host", spoke, func(s *platform.Spec) { s.Tracing.Hub.Host = "" }, "platform.tracing.hub.host"},
		{"bad retention", nil, func(s *platform.Spec) { s.Tracing.Retention = "a week" }, "platform.tracing.retention"},
		{"bad host", nil, func(s *platform.Spec) { s.Tracing.Hub.Host = "otlp hub" }, "platform.tracing.hub.host"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSpec(platform.LoggingLoki)
			tc.mutate(&s)
			p := field.NewPath("platform")
			errs := append(s.Validate(p), s.ValidateClusters(p, tc.clusters)...)
			found := false
			for _, e := range errs {
				found = found || e.Field == tc.want
			}
			if !found {
				t.Errorf("errors %v, want one at %s", errs, tc.want)
			}
		})
	}
	s := fullSpec(platform.LoggingLoki)
	s.Tracing.Hub.Host = ""
	s.Monitoring.Federation.Domain = "example.com"
	s.ApplyClusterDefaults(hub)
	if s.Tracing.Hub.Host != "otlp.hub.example.com" {
		t.Errorf("default hub host = %q, want otlp.hub.example.com", s.Tracing.Hub.Host)
	}
}

// TestCollectorSelfMetrics: the collector serves its own metrics on the pod address
// (not the default localhost) through the chart's metrics port, and a ServiceMonitor
// of its own, waiting for the monitoring install alone, scrapes them.
func TestCollectorSelfMetrics(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {})
	v := release(t, p, "opentelemetry-collector").Inputs["values"]
	if got := dig(v, "ports", "metrics", "enabled"); got != true {
		t.Errorf("ports.metrics.enabled = %v", got)
	}
	readers, _ := dig(v, "alternateConfig", "service", "telemetry", "metrics", "readers").([]any)
	if len(readers) != 1 || dig(readers[0], "pull", "exporter", "prometheus", "host") != "${env:MY_POD_IP}" ||
		dig(readers[0], "pull", "exporter", "prometheus", "port") != float64(tracing.MetricsPort) {
		t.Errorf("telemetry readers = %v", readers)
	}
	var sm map[string]any
	var deps []string
	for _, r := range p.ByType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor") {
		if dig(r.Inputs, "metadata", "name") == tracing.ServiceMonitorName {
			sm, deps = r.Inputs, r.Dependencies
		}
	}
	if sm == nil {
		t.Fatal("no ServiceMonitor for the collector")
	}
	if got := dig(sm, "spec", "selector", "matchLabels", "app.kubernetes.io/instance"); got != tracing.CollectorName {
		t.Errorf("selector = %v", dig(sm, "spec", "selector"))
	}
	for _, d := range deps {
		if strings.Contains(d, "opentelemetry") || strings.Contains(d, "-collector") {
			t.Errorf("the ServiceMonitor waits for the collector install: %v", deps)
		}
	}
}
