package program

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/components/release"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/secret"
	"github.com/fleetform/fleetform/stacks"
)

func intp(n int) *int { return &n }

// releaseFleet is a prod-like fleet: stage on one cluster, prod on three, one canary
// app with a stage override. platforms says which clusters get platform Outputs.
func releaseFleet(ctx *pulumi.Context, t *testing.T, prometheus bool) *Fleet {
	t.Helper()
	spec := release.Spec{
		Name:      "storefront",
		Image:     "harbor.example.com/shop/storefront:1.7.4",
		Ports:     []release.Port{{Name: "http", ContainerPort: 8080}},
		SecretEnv: map[string]release.SecretEnvVar{"DB_PASSWORD": {Config: "shopDbPassword"}},
		Resources: release.Resources{RequestsCPU: "100m"},
		Strategy: release.Strategy{Canary: &release.Canary{Steps: []release.Step{
			{SetWeight: intp(10)}, {Analysis: true},
		}}},
		Ingress: &release.Ingress{Host: "shop.example.com"},
		Environments: map[string]release.Override{
			"stage": {Image: "harbor.example.com/shop/storefront:1.8.0", Ingress: &release.Ingress{Host: "shop.stage.example.com"}},
			"prod":  {},
		},
	}
	spec.ApplyDefaults()
	f := &Fleet{
		Config:     &stacks.StackConfig{Stack: "prod", Releases: []release.Spec{spec}},
		Secrets:    secret.NewStore(nil, true),
		Clusters:   map[string]*cluster.Connection{},
		Platforms:  map[string]*platform.Outputs{},
		Namespaces: map[string]*Namespace{},
		Exports:    map[string]pulumi.Output{},
	}
	marker := func(name string, prov *kubernetes.Provider) pulumi.Resource {
		m, err := corev1.NewConfigMap(ctx, name, &corev1.ConfigMapArgs{}, pulumi.Provider(prov))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, c := range []string{"prod-aws", "prod-azure", "prod-ali"} {
		prov, err := kubernetes.NewProvider(ctx, c, &kubernetes.ProviderArgs{})
		if err != nil {
			t.Fatal(err)
		}
		f.Clusters[c] = &cluster.Connection{Name: c, Provider: prov}
		out := &platform.Outputs{Cluster: c, IngressClass: platform.IngressClassName, RolloutsReady: marker(c+"-rollouts", prov)}
		if prometheus {
			out.PrometheusURL = "http://prometheus." + c + ".svc:9090"
			out.MonitoringReady = marker(c+"-monitoring", prov)
		}
		f.Platforms[c] = out
		envs := []string{"prod"}
		if c == "prod-aws" {
			envs = append(envs, "stage")
		}
		for _, e := range envs {
			f.Namespaces[NamespaceKey(c, e)] = &Namespace{Cluster: c, Name: e, Tier: e, Resource: marker(c+"-"+e+"-ns", prov)}
		}
	}
	return f
}

func TestBuildReleasesOnEveryCluster(t *testing.T) {
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		f := releaseFleet(ctx, t, true)
		return f.Exports, f.buildReleases(ctx)
	}, plan.Options{Project: "fleetform", Stack: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	rollouts := p.ByType("kubernetes:argoproj.io/v1alpha1:Rollout")
	if len(rollouts) != 4 {
		t.Fatalf("got %d Rollouts, want 4 (stage on prod-aws, prod on three clusters)", len(rollouts))
	}
	byName := map[string]*plan.Resource{}
	for _, r := range rollouts {
		byName[r.Name] = r
	}
	for _, tc := range []struct{ cluster, ns, image string }{
		{"prod-aws", "stage", "harbor.example.com/shop/storefront:1.8.0"},
		{"prod-aws", "prod", "harbor.example.com/shop/storefront:1.7.4"},
		{"prod-azure", "prod", "harbor.example.com/shop/storefront:1.7.4"},
		{"prod-ali", "prod", "harbor.example.com/shop/storefront:1.7.4"},
	} {
		name := tc.cluster + "-" + tc.ns + "-storefront-rollout"
		r := byName[name]
		if r == nil {
			t.Errorf("no Rollout %s", name)
			continue
		}
		if !strings.HasSuffix(r.Provider, "::"+tc.cluster) {
			t.Errorf("%s: provider %s, want %s", name, r.Provider, tc.cluster)
		}
		spec := r.Inputs["spec"].(map[string]any)
		image := spec["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["image"]
		if image != tc.image {
			t.Errorf("%s: image %v, want %s", name, image, tc.image)
		}
		if ns := r.Inputs["metadata"].(map[string]any)["namespace"]; ns != tc.ns {
			t.Errorf("%s: namespace %v, want %s", name, ns, tc.ns)
		}
		deps := strings.Join(r.Dependencies, " ")
		for _, want := range []string{"::" + tc.cluster + "-rollouts", "::" + tc.cluster + "-" + tc.ns + "-ns"} {
			if !strings.Contains(deps, want) {
				t.Errorf("%s: dependencies %v lack %s", name, r.Dependencies, want)
			}
		}
	}
	for _, at := range p.ByType("kubernetes:argoproj.io/v1alpha1:AnalysisTemplate") {
		c := strings.SplitN(at.Name, "-", 3)[0] + "-" + strings.SplitN(at.Name, "-", 3)[1]
		addr := at.Inputs["spec"].(map[string]any)["metrics"].([]any)[0].(map[string]any)["provider"].(map[string]any)["prometheus"].(map[string]any)["address"]
		if addr != "http://prometheus."+c+".svc:9090" {
			t.Errorf("%s queries %v, want its own cluster's Prometheus", at.Name, addr)
		}
	}
	if got := p.Outputs["releases.storefront.prod-aws.stage.image"]; got != "harbor.example.com/shop/storefront:1.8.0" {
		t.Errorf("stage image output = %v", got)
	}
	if got := p.Outputs["releases.storefront.prod-ali.prod.url"]; got != "http://shop.example.com/" {
		t.Errorf("prod-ali url output = %v", got)
	}
}

func TestBuildReleasesErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *Fleet)
		prom   bool
		want   error
		msg    string
	}{
		{"no prometheus for analysis", func(f *Fleet) {}, false, release.ErrNoPrometheus, ""},
		{"no rollouts", func(f *Fleet) { f.Platforms["prod-azure"].RolloutsReady = nil }, true, nil, release.MsgNeedsRollouts},
		{"no ingress controller", func(f *Fleet) { f.Platforms["prod-ali"].IngressClass = "" }, true, nil, release.MsgNeedsIngressController},
		{"environment not built", func(f *Fleet) { delete(f.Namespaces, NamespaceKey("prod-aws", "stage")) }, true, nil, `environment "stage" was not built`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				f := releaseFleet(ctx, t, tc.prom)
				tc.mutate(f)
				return nil, f.buildReleases(ctx)
			}, plan.Options{Project: "fleetform", Stack: "prod"})
			if err == nil {
				t.Fatal("got no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want %q", err, tc.msg)
			}
		})
	}
}
