package release

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/secret"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const testPrometheus = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090"

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

// canarySpec is a defaulted canary release with every feature on.
func canarySpec(name string) Spec {
	s := Spec{
		Name:      name,
		Image:     "harbor.example.com/shop/" + name + ":1.8.0",
		Replicas:  intp(3),
		Ports:     []Port{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}},
		Env:       map[string]string{"LOG_LEVEL": "info"},
		SecretEnv: map[string]SecretEnvVar{"DB_PASSWORD": {Config: "shopDbPassword"}},
		Resources: Resources{RequestsCPU: "250m", RequestsMemory: "256Mi", LimitsCPU: "1", LimitsMemory: "512Mi"},
		Probes: Probes{
			Liveness:  &Probe{Path: "/healthz", Port: "http", PeriodSeconds: 10},
			Readiness: &Probe{Path: "/ready", Port: "http", InitialDelaySeconds: 5},
		},
		Strategy: Strategy{Canary: &Canary{
			MaxSurge: "25%", MaxUnavailable: "0",
			Steps: []Step{{SetWeight: intp(10)}, {Pause: &Pause{Duration: "5m"}}, {Analysis: true}, {SetWeight: intp(50)}, {Pause: &Pause{}}},
		}},
		Analysis:    Analysis{SuccessRate: 0.995},
		Ingress:     &Ingress{Host: name + ".example.com", TLSSecretName: name + "-tls"},
		Autoscaling: &Autoscaling{MinReplicas: 3, MaxReplicas: 10},
		Metrics:     Metrics{Port: "metrics"},
	}
	s.ApplyDefaults()
	return s
}

// blueGreenSpec is a defaulted blue-green release with both analyses and a preview host.
func blueGreenSpec(name string) Spec {
	s := Spec{
		Name:      name,
		Image:     "harbor.example.com/finance/" + name + "@sha256:" + strings.Repeat("ab", 32),
		Replicas:  intp(2),
		Ports:     []Port{{Name: "http", ContainerPort: 8080}},
		Resources: Resources{RequestsCPU: "500m", LimitsMemory: "1Gi"},
		Probes:    Probes{Readiness: &Probe{Path: "/health", Port: "http"}},
		Strategy: Strategy{BlueGreen: &BlueGreen{
			AutoPromotionEnabled: boolp(false), PrePromotionAnalysis: true, PostPromotionAnalysis: true,
			ScaleDownDelaySeconds: 300, PreviewHost: name + "-preview.example.com",
		}},
		Ingress: &Ingress{Host: name + ".example.com", Paths: []string{"/api", "/"}},
	}
	s.ApplyDefaults()
	return s
}

func testArgs(s Spec, ns string) *Args {
	a := &Args{Spec: s, Namespace: ns, Tier: "prod", PrometheusURL: testPrometheus, IngressClass: "nginx", ServiceMonitor: true}
	if refs := s.ConfigSecretEnv(); len(refs) > 0 {
		a.SecretEnv = map[string]pulumi.StringInput{}
		for k := range refs {
			a.SecretEnv[k] = pulumi.String("s3cr3t-" + k)
		}
	}
	return a
}

// runRelease plans the releases under the mock monitor, each on its own provider
// named after the cluster, and fails the test on error.
func runRelease(t *testing.T, args ...*Args) *plan.Plan {
	t.Helper()
	p, err := runReleaseE(args...)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

func runReleaseE(args ...*Args) (*plan.Plan, error) {
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return nil, err
		}
		for _, a := range args {
			if _, err := New(ctx, a.Spec.Name+"-"+a.Namespace, a, pulumi.Provider(prov)); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	return p, err
}

// releaseResources returns the plan's resources that belong to releases (not the
// stack, the provider or the readiness markers), as the golden files hold them.
func releaseResources(p *plan.Plan) []plan.Resource {
	var out []plan.Resource
	for _, r := range p.Resources {
		if r.Type == TypeToken || strings.Contains(r.URN, TypeToken+"$") {
			out = append(out, r)
		}
	}
	return out
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args *Args
	}{
		{"canary", testArgs(canarySpec("storefront"), "prod")},
		{"bluegreen", testArgs(blueGreenSpec("billing"), "stage")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := runRelease(t, tc.args)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(releaseResources(p)); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.name+".json")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `go test ./components/release -run TestGolden -update`)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from the plan; run with -update and review the diff.\ngot:\n%s", golden, buf.String())
			}
		})
	}
}

// get walks nested plan inputs by keys (strings) and indexes (ints).
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, k := range path {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: not an object: %v", k, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at [%d]: not an array of that length: %v", k, v)
			}
			v = a[k]
		}
	}
	return v
}

func one(t *testing.T, p *plan.Plan, typ string) *plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("%s: got %d resources, want 1", typ, len(rs))
	}
	return rs[0]
}

const (
	typeRollout  = "kubernetes:argoproj.io/v1alpha1:Rollout"
	typeTemplate = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate"
	typeService  = "kubernetes:core/v1:Service"
	typeIngress  = "kubernetes:networking.k8s.io/v1:Ingress"
	typeHPA      = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
	typePDB      = "kubernetes:policy/v1:PodDisruptionBudget"
	typeSecret   = "kubernetes:core/v1:Secret"
	typeMonitor  = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"
)

func TestSelectorsMatchPodLabels(t *testing.T) {
	for _, args := range []*Args{testArgs(canarySpec("storefront"), "prod"), testArgs(blueGreenSpec("billing"), "prod")} {
		t.Run(args.Spec.Name, func(t *testing.T) {
			p := runRelease(t, args)
			ro := one(t, p, typeRollout)
			podLabels := get(t, ro.Inputs, "spec", "template", "metadata", "labels").(map[string]any)
			check := func(what string, sel any) {
				m, ok := sel.(map[string]any)
				if !ok || len(m) == 0 {
					t.Fatalf("%s: empty selector %v", what, sel)
				}
				for k, v := range m {
					if podLabels[k] != v {
						t.Errorf("%s selects %s=%v, pod labels have %v", what, k, v, podLabels[k])
					}
				}
			}
			check("rollout", get(t, ro.Inputs, "spec", "selector", "matchLabels"))
			check("pdb", get(t, one(t, p, typePDB).Inputs, "spec", "selector", "matchLabels"))
			svcs := p.ByType(typeService)
			if len(svcs) != 3 {
				t.Fatalf("got %d services, want 3 (two strategy services and metrics)", len(svcs))
			}
			for _, s := range svcs {
				check(s.Name, get(t, s.Inputs, "spec", "selector"))
			}
		})
	}
}

func TestStrategyReferencesItsObjects(t *testing.T) {
	t.Run("canary", func(t *testing.T) {
		p := runRelease(t, testArgs(canarySpec("storefront"), "prod"))
		c := get(t, one(t, p, typeRollout).Inputs, "spec", "strategy", "canary")
		for key, want := range map[string]string{"stableService": "storefront-stable", "canaryService": "storefront-canary"} {
			if got := get(t, c, key); got != want {
				t.Errorf("%s = %v, want %s", key, got, want)
			}
		}
		ing := one(t, p, typeIngress)
		if got, want := get(t, c, "trafficRouting", "nginx", "stableIngress"), get(t, ing.Inputs, "metadata", "name"); got != want {
			t.Errorf("stableIngress = %v, want the Ingress %v", got, want)
		}
		if got := get(t, ing.Inputs, "spec", "rules", 0, "http", "paths", 0, "backend", "service", "name"); got != "storefront-stable" {
			t.Errorf("ingress backend = %v, want storefront-stable", got)
		}
		if got := get(t, ing.Inputs, "spec", "ingressClassName"); got != "nginx" {
			t.Errorf("ingressClassName = %v, want nginx", got)
		}
		if got := get(t, ing.Inputs, "spec", "tls", 0, "secretName"); got != "storefront-tls" {
			t.Errorf("tls secret = %v, want storefront-tls", got)
		}
		if got := get(t, c, "maxUnavailable"); got != float64(0) {
			t.Errorf("maxUnavailable = %#v, want the integer 0", got)
		}
		analysis := get(t, c, "steps", 2, "analysis")
		if got := get(t, analysis, "templates", 0, "templateName"); got != get(t, one(t, p, typeTemplate).Inputs, "metadata", "name") {
			t.Errorf("analysis step template = %v, want the AnalysisTemplate's name", got)
		}
		if got := get(t, analysis, "args", 0, "value"); got != "storefront-storefront-canary" {
			t.Errorf("analysis ingress arg = %v, want the canary Ingress Argo makes (storefront-storefront-canary)", got)
		}
		if got := get(t, one(t, p, typeRollout).Inputs, "spec", "replicas"); got != nil {
			t.Errorf("spec.replicas = %v, want unset: the HPA owns the count", got)
		}
	})
	t.Run("blueGreen", func(t *testing.T) {
		p := runRelease(t, testArgs(blueGreenSpec("billing"), "prod"))
		bg := get(t, one(t, p, typeRollout).Inputs, "spec", "strategy", "blueGreen")
		want := map[string]any{"activeService": "billing-active", "previewService": "billing-preview", "autoPromotionEnabled": false, "scaleDownDelaySeconds": float64(300)}
		for k, v := range want {
			if got := get(t, bg, k); got != v {
				t.Errorf("%s = %#v, want %#v", k, got, v)
			}
		}
		if got := get(t, bg, "prePromotionAnalysis", "args", 1, "value"); got != "billing-preview.example.com" {
			t.Errorf("pre-promotion host = %v, want the preview host", got)
		}
		if got := get(t, bg, "postPromotionAnalysis", "args", 0, "value"); got != "billing" {
			t.Errorf("post-promotion ingress = %v, want billing", got)
		}
		backends := map[string]string{}
		for _, ing := range p.ByType(typeIngress) {
			backends[get(t, ing.Inputs, "spec", "rules", 0, "host").(string)] = get(t, ing.Inputs, "spec", "rules", 0, "http", "paths", 0, "backend", "service", "name").(string)
		}
		wantBackends := map[string]string{"billing.example.com": "billing-active", "billing-preview.example.com": "billing-preview"}
		if !reflect.DeepEqual(backends, wantBackends) {
			t.Errorf("ingress host → service = %v, want %v", backends, wantBackends)
		}
		if got := get(t, one(t, p, typeRollout).Inputs, "spec", "replicas"); got != float64(2) {
			t.Errorf("spec.replicas = %v, want 2", got)
		}
		if n := len(p.ByType(typeHPA)); n != 0 {
			t.Errorf("got %d HPAs without autoscaling, want 0", n)
		}
	})
}

func TestHPATargetsRollout(t *testing.T) {
	p := runRelease(t, testArgs(canarySpec("storefront"), "prod"))
	hpa, ro := one(t, p, typeHPA), one(t, p, typeRollout)
	ref := get(t, hpa.Inputs, "spec", "scaleTargetRef")
	want := map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": get(t, ro.Inputs, "metadata", "name")}
	if !reflect.DeepEqual(ref, want) {
		t.Errorf("scaleTargetRef = %v, want %v", ref, want)
	}
	// The target is named, not waited for: an HPA may exist before its Rollout.
	if slices.Contains(hpa.Dependencies, ro.URN) {
		t.Errorf("HPA dependencies %v hold the Rollout; it should target it by name only", hpa.Dependencies)
	}
	if got := get(t, hpa.Inputs, "spec", "minReplicas"); got != float64(3) {
		t.Errorf("minReplicas = %v, want 3", got)
	}
}

func TestAnalysisUsesClusterPrometheus(t *testing.T) {
	for _, url := range []string{testPrometheus, "http://prometheus-operated.monitoring.svc:9090"} {
		args := testArgs(canarySpec("storefront"), "prod")
		args.PrometheusURL = url
		p := runRelease(t, args)
		metric := get(t, one(t, p, typeTemplate).Inputs, "spec", "metrics", 0)
		if got := get(t, metric, "provider", "prometheus", "address"); got != url {
			t.Errorf("address = %v, want %s", got, url)
		}
		if got := get(t, metric, "successCondition"); got != "result[0] >= 0.995" {
			t.Errorf("successCondition = %v, want result[0] >= 0.995", got)
		}
		if got := get(t, metric, "provider", "prometheus", "query"); got != SuccessRateQuery("1m") {
			t.Errorf("query = %v", got)
		}
	}
	if q := SuccessRateQuery("2m"); !strings.Contains(q, `status!~"5.."}[2m]`) || !strings.Contains(q, SuccessRateMetric) {
		t.Errorf("query %q does not count non-5xx requests over the window", q)
	}
}

func TestTwoReleasesInOneNamespace(t *testing.T) {
	a, b := canarySpec("storefront"), canarySpec("checkout")
	p := runRelease(t, testArgs(a, "prod"), testArgs(b, "prod"), testArgs(blueGreenSpec("billing"), "prod"))
	seen := map[string]string{}
	for _, r := range releaseResources(p) {
		if !r.Custom {
			continue
		}
		key := r.Type + " " + get(t, r.Inputs, "metadata", "namespace").(string) + "/" + get(t, r.Inputs, "metadata", "name").(string)
		if prev, dup := seen[key]; dup {
			t.Errorf("%s is made by both %s and %s", key, prev, r.Name)
		}
		seen[key] = r.Name
	}
	if n := len(p.ByType(typeRollout)); n != 3 {
		t.Errorf("got %d Rollouts, want 3", n)
	}
	if n := len(p.ByType(TypeToken)); n != 3 {
		t.Errorf("got %d Release components, want 3", n)
	}
}

func TestSecretEnvStaysSecret(t *testing.T) {
	args := testArgs(canarySpec("storefront"), "prod")
	args.SecretEnv = map[string]pulumi.StringInput{"DB_PASSWORD": pulumi.String("hunter2-plain-input")}
	p := runRelease(t, args)
	if got := one(t, p, typeSecret).Inputs["stringData"]; got != plan.Secret {
		t.Errorf("stringData = %v, want %s", got, plan.Secret)
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("hunter2")) {
		t.Error("the secret value appears in the plan")
	}
	env := get(t, one(t, p, typeRollout).Inputs, "spec", "template", "spec", "containers", 0, "envFrom")
	if got := get(t, env, 1, "secretRef", "name"); got != "storefront-secret-env" {
		t.Errorf("envFrom secretRef = %v, want storefront-secret-env", got)
	}
}

func TestResolveSecretEnv(t *testing.T) {
	s := canarySpec("storefront")
	store := secret.NewStore(map[secret.Ref]secret.Value{"shopDbPassword": {Set: true, Secure: true, Plain: "pw"}}, false)
	vals, err := ResolveSecretEnv(&s, store)
	if err != nil || len(vals) != 1 || vals["DB_PASSWORD"] == nil {
		t.Fatalf("ResolveSecretEnv = %v, %v; want one value", vals, err)
	}
	if _, err := ResolveSecretEnv(&s, secret.NewStore(nil, false)); err == nil {
		t.Error("a missing secret when deploying: got no error")
	}
	if vals, err := ResolveSecretEnv(&s, secret.NewStore(nil, true)); err != nil || len(vals) != 1 {
		t.Errorf("offline: got %v, %v; want a placeholder", vals, err)
	}
}

// TestDependenciesAndProvider checks that every object goes to the cluster's provider
// and waits for exactly what it needs. The readiness markers are custom resources:
// depending on a component means depending on its children, and a marker has none.
func TestDependenciesAndProvider(t *testing.T) {
	p := runWithMarkers(t, "cluster-a", "storefront-prod", func(mk func(string) pulumi.Resource) *Args {
		args := testArgs(canarySpec("storefront"), "prod")
		args.NamespaceReady, args.RolloutsReady, args.MonitoringReady = mk("ns"), mk("rollouts"), mk("monitoring")
		return args
	})
	urns := map[string]string{}
	for _, r := range p.ByType("kubernetes:core/v1:ConfigMap") {
		urns[strings.TrimPrefix(r.Name, "marker-")] = r.URN
	}
	for _, r := range releaseResources(p) {
		if !r.Custom {
			continue
		}
		if !strings.HasSuffix(r.Provider, "::cluster-a") {
			t.Errorf("%s goes to provider %q, want cluster-a", r.Name, r.Provider)
		}
		if !slices.Contains(r.Dependencies, urns["ns"]) {
			t.Errorf("%s does not wait for the namespace: %v", r.Name, r.Dependencies)
		}
		needsRollouts := r.Type == typeRollout || r.Type == typeTemplate
		if got := slices.Contains(r.Dependencies, urns["rollouts"]); got != needsRollouts {
			t.Errorf("%s waits for rollouts = %v, want %v", r.Name, got, needsRollouts)
		}
		if got := slices.Contains(r.Dependencies, urns["monitoring"]); got != (r.Type == typeMonitor) {
			t.Errorf("%s waits for monitoring = %v, want %v", r.Name, got, r.Type == typeMonitor)
		}
	}
}

func TestMonitoringSwitch(t *testing.T) {
	tests := []struct {
		name           string
		monitoring     bool
		serviceMonitor bool
		want           int
	}{
		{"on with the operator", true, true, 1},
		{"on without the operator", true, false, 0},
		{"off", false, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := canarySpec("storefront")
			s.Monitoring = boolp(tc.monitoring)
			args := testArgs(s, "prod")
			args.ServiceMonitor = tc.serviceMonitor
			p := runRelease(t, args)
			if got := len(p.ByType(typeMonitor)); got != tc.want {
				t.Errorf("got %d ServiceMonitors, want %d", got, tc.want)
			}
			if got := len(p.ByType(typeService)); got != 2+tc.want {
				t.Errorf("got %d Services, want %d", got, 2+tc.want)
			}
			if tc.want == 1 {
				sm := get(t, one(t, p, typeMonitor).Inputs, "spec")
				if got := get(t, sm, "selector", "matchLabels", LabelRole); got != RoleMetrics {
					t.Errorf("ServiceMonitor selects role %v, want %s", got, RoleMetrics)
				}
				if got := get(t, sm, "endpoints", 0, "port"); got != "metrics" {
					t.Errorf("endpoint port = %v, want metrics", got)
				}
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	noProm := testArgs(canarySpec("storefront"), "prod")
	noProm.PrometheusURL = ""
	missingSecret := testArgs(canarySpec("storefront"), "prod")
	missingSecret.SecretEnv = nil
	latest := testArgs(canarySpec("storefront"), "prod")
	latest.Spec.Image = "harbor.example.com/shop/storefront:latest"
	tests := []struct {
		name string
		args *Args
		want error
		msg  string
	}{
		{"analysis without prometheus", noProm, ErrNoPrometheus, ""},
		{"secret env without values", missingSecret, ErrSecretEnv, ""},
		{"latest in prod", latest, nil, MsgImageLatest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := New(ctx, "r", tc.args)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if err == nil {
				t.Fatalf("got a plan of %d resources, want an error", len(p.Resources))
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want %q", err, tc.msg)
			}
			if n := mon.Registrations(); n != 0 {
				t.Errorf("%d resources registered before the error, want 0", n)
			}
		})
	}
}

func TestWorkerWithoutPorts(t *testing.T) {
	s := canarySpec("worker")
	s.Ports, s.Probes, s.Metrics.Port, s.Ingress = nil, Probes{}, "", nil
	s.Strategy.Canary.Steps = []Step{{SetWeight: intp(50)}, {Pause: &Pause{Duration: "1m"}}}
	p := runRelease(t, testArgs(s, "qa"))
	if n := len(p.ByType(typeService)) + len(p.ByType(typeIngress)) + len(p.ByType(typeMonitor)); n != 0 {
		t.Errorf("got %d Services, Ingresses and ServiceMonitors, want none", n)
	}
	c := get(t, one(t, p, typeRollout).Inputs, "spec", "strategy", "canary").(map[string]any)
	if _, ok := c["stableService"]; ok {
		t.Errorf("canary names a stable Service that does not exist: %v", c)
	}
}

// Every Ingress of a release skips the provider's wait for a load-balancer
// address: a NodePort or internal edge never publishes one, and the provider's
// Ingress await would fail the deploy after ten minutes.
func TestIngressesSkipAwait(t *testing.T) {
	p := runRelease(t, testArgs(blueGreenSpec("billing"), "prod"))
	n := 0
	for _, r := range releaseResources(p) {
		if r.Type != "kubernetes:networking.k8s.io/v1:Ingress" {
			continue
		}
		n++
		if got := get(t, r.Inputs, "metadata", "annotations", AnnotationSkipAwait); got != "true" {
			t.Errorf("%s: %s = %v, want \"true\"", r.URN, AnnotationSkipAwait, got)
		}
	}
	if n != 2 {
		t.Fatalf("%d Ingresses, want 2 (the active one and the preview)", n)
	}
}

// The Rollout names its Services and does not wait for them: the provider's
// Service await waits for endpoints, which only the Rollout's pods give, so a
// dependency would deadlock a first deploy on the real engine.
func TestRolloutDoesNotWaitForServices(t *testing.T) {
	for _, s := range []Spec{canarySpec("storefront"), blueGreenSpec("billing")} {
		p := runRelease(t, testArgs(s, "prod"))
		ro := one(t, p, typeRollout)
		for _, d := range ro.Dependencies {
			if strings.Contains(d, ":core/v1:Service::") {
				t.Errorf("%s: the Rollout depends on %s", s.Name, d)
			}
		}
	}
}

// The Rollout's apply wins field conflicts with the Rollouts controller, which
// writes its spec back: without it a promotion fails on the real engine.
func TestRolloutForcesItsFields(t *testing.T) {
	for _, s := range []Spec{canarySpec("storefront"), blueGreenSpec("billing")} {
		ro := one(t, runRelease(t, testArgs(s, "prod")), typeRollout)
		if got := get(t, ro.Inputs, "metadata", "annotations", AnnotationPatchForce); got != "true" {
			t.Errorf("%s: %s = %v, want \"true\"", s.Name, AnnotationPatchForce, got)
		}
	}
}

// TestMeshedMetrics: in a meshed namespace Prometheus (outside the mesh) scrapes the
// sidecar agent's merged endpoint, told where the app's own metrics are by the pod's
// prometheus.io annotations; outside the mesh, the app's port directly.
func TestMeshedMetrics(t *testing.T) {
	for _, mesh := range []bool{false, true} {
		t.Run(fmt.Sprint("mesh=", mesh), func(t *testing.T) {
			args := testArgs(canarySpec("storefront"), "prod")
			args.Mesh = mesh
			p := runRelease(t, args)
			sm := get(t, one(t, p, typeMonitor).Inputs, "spec", "endpoints", 0).(map[string]any)
			annotations, _ := get(t, one(t, p, typeRollout).Inputs, "spec", "template", "metadata", "annotations").(map[string]any)
			var metricsSvc *plan.Resource
			for _, r := range p.ByType(typeService) {
				if get(t, r.Inputs, "metadata", "labels", LabelRole) == RoleMetrics {
					metricsSvc = r
				}
			}
			ports := get(t, metricsSvc.Inputs, "spec", "ports").([]any)
			if !mesh {
				if sm["port"] != "metrics" || sm["path"] != DefaultMetricsPath || annotations["prometheus.io/port"] != nil || len(ports) != 2 {
					t.Errorf("outside the mesh: endpoint %v, annotations %v, %d metrics ports", sm, annotations, len(ports))
				}
				return
			}
			if sm["port"] != MeshMetricsPortName || sm["path"] != "/stats/prometheus" {
				t.Errorf("endpoint %v, want port %s path /stats/prometheus", sm, MeshMetricsPortName)
			}
			want := map[string]any{"prometheus.io/scrape": "true", "prometheus.io/port": "9090", "prometheus.io/path": DefaultMetricsPath}
			for k, v := range want {
				if annotations[k] != v {
					t.Errorf("pod annotation %s = %v, want %v", k, annotations[k], v)
				}
			}
			if len(ports) != 1 || get(t, ports[0], "name") != MeshMetricsPortName || get(t, ports[0], "port") != float64(15020) || get(t, ports[0], "targetPort") != float64(15020) {
				t.Errorf("metrics Service ports %v, want only %s 15020", ports, MeshMetricsPortName)
			}
		})
	}
}

// New's errors name the field as the stack file has it when the program says where
// the release is (Path), and "spec" otherwise.
func TestNewErrorsNameTheStackPath(t *testing.T) {
	s := canarySpec("storefront")
	s.Image = "storefront:latest" // refused for the prod tier
	for _, tc := range []struct {
		path *field.Path
		want string
	}{{Path(2), "releases[2].image"}, {nil, "spec.image"}} {
		a := testArgs(s, "prod")
		a.Path = tc.path
		_, err := runReleaseE(a)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Path %v: error %v, want it to name %s", tc.path, err, tc.want)
		}
	}
}

// runWithMarkers plans one release on provider prov, with readiness markers: mk(name)
// is a ConfigMap "marker-<name>" on that provider, for args to wait for. Markers are
// custom resources: depending on a component means depending on its children, and a
// marker has none.
func runWithMarkers(t *testing.T, prov, name string, args func(mk func(string) pulumi.Resource) *Args) *plan.Plan {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		pr, err := kubernetes.NewProvider(ctx, prov, &kubernetes.ProviderArgs{})
		if err != nil {
			return nil, err
		}
		mk := func(name string) pulumi.Resource {
			m, err := corev1.NewConfigMap(ctx, "marker-"+name, &corev1.ConfigMapArgs{}, pulumi.Provider(pr))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		_, err = New(ctx, name, args(mk), pulumi.Provider(pr))
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
