package render

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/fleetform/fleetform/internal/plan"
)

// testCluster is a component standing in for a cluster component.
type testCluster struct{ pulumi.ResourceState }

// fixture plans a small two-cluster stack with the pulumi-kubernetes SDK, so the
// renderer sees inputs exactly as the real layers register them.
func fixture(t *testing.T) *plan.Plan {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		exports := map[string]pulumi.Output{}
		for _, name := range []string{"east", "west"} {
			c := &testCluster{}
			if err := ctx.RegisterComponentResource("platform:cluster:Test", name, c); err != nil {
				return nil, err
			}
			exports["clusters."+name+".cloud"] = pulumi.String("aws").ToStringOutput()
			// A nested component between cluster and provider, as a cloud component may have.
			inner := &testCluster{}
			if err := ctx.RegisterComponentResource("platform:cluster:Access", name+"-access", inner, pulumi.Parent(c)); err != nil {
				return nil, err
			}
			prov, err := kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")}, pulumi.Parent(inner))
			if err != nil {
				return nil, err
			}
			on := pulumi.Provider(prov)
			if _, err := corev1.NewNamespace(ctx, name+"-qa", &corev1.NamespaceArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("qa"), Labels: pulumi.StringMap{"tier": pulumi.String("qa")}},
			}, on); err != nil {
				return nil, err
			}
			if _, err := rbacv1.NewClusterRole(ctx, name+"-viewer", &rbacv1.ClusterRoleArgs{
				Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("fleet:viewer")},
				Rules:    rbacv1.PolicyRuleArray{rbacv1.PolicyRuleArgs{ApiGroups: pulumi.StringArray{pulumi.String("")}, Resources: pulumi.StringArray{pulumi.String("pods")}, Verbs: pulumi.StringArray{pulumi.String("get")}}},
			}, on); err != nil {
				return nil, err
			}
		}
		return exports, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

// stackPlan plans body on one cluster "east" and returns the plan.
func stackPlan(t *testing.T, body func(ctx *pulumi.Context, on pulumi.ResourceOption) error) *plan.Plan {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c := &testCluster{}
		if err := ctx.RegisterComponentResource("platform:cluster:Test", "east", c); err != nil {
			return nil, err
		}
		prov, err := kubernetes.NewProvider(ctx, "east-k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("{}")}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		if err := body(ctx, pulumi.Provider(prov)); err != nil {
			return nil, err
		}
		return map[string]pulumi.Output{"clusters.east.cloud": pulumi.String("aws").ToStringOutput()}, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

func mustRender(t *testing.T, p *plan.Plan) *Result {
	t.Helper()
	res, err := Render(p)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return res
}

func paths(res *Result) []string {
	var out []string
	for _, o := range res.Objects {
		out = append(out, o.Path())
	}
	return out
}

func notesOf(res *Result, reason Reason) []Note {
	var out []Note
	for _, n := range res.Notes {
		if n.Reason == reason {
			out = append(out, n)
		}
	}
	return out
}

func TestLayoutAndClusterMapping(t *testing.T) {
	res := mustRender(t, fixture(t))
	want := []string{
		"east/_cluster/clusterrole-fleet_viewer.yaml",
		"east/_cluster/namespace-qa.yaml",
		"west/_cluster/clusterrole-fleet_viewer.yaml",
		"west/_cluster/namespace-qa.yaml",
	}
	if got := paths(res); !reflect.DeepEqual(got, want) {
		t.Errorf("paths:\n got %q\nwant %q", got, want)
	}
	if len(res.Notes) != 0 {
		t.Errorf("notes: got %+v, want none", res.Notes)
	}
}

func TestObjectYAML(t *testing.T) {
	p := stackPlan(t, func(ctx *pulumi.Context, on pulumi.ResourceOption) error {
		_, err := networkingv1.NewNetworkPolicy(ctx, "np", &networkingv1.NetworkPolicyArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("allow-web"), Namespace: pulumi.String("qa")},
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: &metav1.LabelSelectorArgs{},
				Ingress: networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
					Ports: networkingv1.NetworkPolicyPortArray{networkingv1.NetworkPolicyPortArgs{Port: pulumi.Int(8080), Protocol: pulumi.String("TCP")}},
				}},
				PolicyTypes: pulumi.StringArray{pulumi.String("Ingress")},
			},
		}, on)
		return err
	})
	res := mustRender(t, p)
	if got := paths(res); !reflect.DeepEqual(got, []string{"east/qa/networkpolicy-allow-web.yaml"}) {
		t.Fatalf("paths: got %q", got)
	}
	b, err := res.Objects[0].Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `# Source: urn:pulumi:test::fleetform::kubernetes:networking.k8s.io/v1:NetworkPolicy::np
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: qa
spec:
  ingress:
    - ports:
        - port: 8080
          protocol: TCP
  podSelector: {}
  policyTypes:
    - Ingress
`
	if string(b) != want {
		t.Errorf("YAML:\n got:\n%s\nwant:\n%s", b, want)
	}
}

func TestSecretsAndUnknowns(t *testing.T) {
	p := stackPlan(t, func(ctx *pulumi.Context, on pulumi.ResourceOption) error {
		unknown := pulumi.UnsafeUnknownOutput(nil).ApplyT(func(v any) string { return "" }).(pulumi.StringOutput)
		if _, err := corev1.NewSecret(ctx, "pull", &corev1.SecretArgs{
			Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String("regcred"), Namespace: pulumi.String("qa")},
			StringData: pulumi.StringMap{"password": pulumi.String("plain-but-still-a-secret-object")},
		}, on); err != nil {
			return err
		}
		if _, err := corev1.NewConfigMap(ctx, "leaky", &corev1.ConfigMapArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("leaky"), Namespace: pulumi.String("qa")},
			Data:     pulumi.StringMap{"token": pulumi.ToSecret(pulumi.String("s3cr3t")).(pulumi.StringOutput)},
		}, on); err != nil {
			return err
		}
		if _, err := corev1.NewServiceAccount(ctx, "irsa", &corev1.ServiceAccountArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("app"), Namespace: pulumi.String("qa"),
				Annotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": unknown}},
		}, on); err != nil {
			return err
		}
		if _, err := networkingv1.NewNetworkPolicy(ctx, "db", &networkingv1.NetworkPolicyArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("to-db"), Namespace: pulumi.String("qa")},
			Spec: &networkingv1.NetworkPolicySpecArgs{
				PodSelector: &metav1.LabelSelectorArgs{},
				Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
					To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{IpBlock: &networkingv1.IPBlockArgs{Cidr: unknown}}},
				}},
			},
		}, on); err != nil {
			return err
		}
		_, err := corev1.NewConfigMap(ctx, "settings", &corev1.ConfigMapArgs{Data: pulumi.StringMap{"a": pulumi.String("1")}}, on)
		return err
	})
	res := mustRender(t, p)
	want := []string{"east/default/configmap-settings.yaml", "east/qa/serviceaccount-app.yaml"}
	if got := paths(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("paths:\n got %q\nwant %q", got, want)
	}
	files, err := res.Files()
	if err != nil {
		t.Fatal(err)
	}
	for path, b := range files {
		for _, leak := range []string{"plain-but-still-a-secret-object", "s3cr3t", plan.Secret, plan.Unknown} {
			if path != NotesFile && strings.Contains(string(b), leak) {
				t.Errorf("%s holds %q", path, leak)
			}
		}
	}
	sa := res.Objects[1].Body["metadata"].(map[string]any)
	if _, ok := sa["annotations"]; ok {
		t.Errorf("service account annotations: got %v, want the unknown one dropped", sa["annotations"])
	}
	cases := []struct {
		reason Reason
		names  []string
		detail string
	}{
		{ReasonSecret, []string{"leaky", "regcred"}, ""},
		{ReasonUnknown, []string{"to-db"}, "spec.egress[0].to[0].ipBlock.cidr"},
		{ReasonUnknownField, []string{"app"}, "metadata.annotations.eks.amazonaws.com/role-arn"},
		{ReasonAutoNamed, []string{"settings"}, "resource name settings"},
		{ReasonDefaultNamespace, []string{"settings"}, ""},
	}
	for _, tc := range cases {
		t.Run(string(tc.reason), func(t *testing.T) {
			ns := notesOf(res, tc.reason)
			var names []string
			for _, n := range ns {
				names = append(names, n.Name)
				if !strings.Contains(n.Detail, tc.detail) {
					t.Errorf("%s detail: got %q, want it to mention %q", n.Name, n.Detail, tc.detail)
				}
			}
			if !reflect.DeepEqual(names, tc.names) {
				t.Errorf("notes: got %q, want %q", names, tc.names)
			}
		})
	}
	notes := string(files[NotesFile])
	for _, want := range []string{"## Left out: secrets", "| east | qa | Secret regcred |", "spec.egress[0].to[0].ipBlock.cidr"} {
		if !strings.Contains(notes, want) {
			t.Errorf("NOTES.md lacks %q:\n%s", want, notes)
		}
	}
}

func TestPatch(t *testing.T) {
	p := stackPlan(t, func(ctx *pulumi.Context, on pulumi.ResourceOption) error {
		_, err := corev1.NewServiceAccountPatch(ctx, "default-pull", &corev1.ServiceAccountPatchArgs{
			Metadata:         &metav1.ObjectMetaPatchArgs{Name: pulumi.String("default"), Namespace: pulumi.String("qa")},
			ImagePullSecrets: corev1.LocalObjectReferencePatchArray{corev1.LocalObjectReferencePatchArgs{Name: pulumi.String("regcred")}},
		}, on)
		return err
	})
	res := mustRender(t, p)
	if got := paths(res); !reflect.DeepEqual(got, []string{"east/qa/serviceaccount-default.patch.yaml"}) {
		t.Fatalf("paths: got %q", got)
	}
	if n := notesOf(res, ReasonPatch); len(n) != 1 || n[0].Name != "default" {
		t.Errorf("patch notes: got %+v", n)
	}
}

func TestHelmReleaseAsFlux(t *testing.T) {
	p := stackPlan(t, func(ctx *pulumi.Context, on pulumi.ResourceOption) error {
		unknown := pulumi.UnsafeUnknownOutput(nil).ApplyT(func(v any) string { return "" }).(pulumi.StringOutput)
		if _, err := helmv3.NewRelease(ctx, "monitoring", &helmv3.ReleaseArgs{
			Name:            pulumi.String("kube-prometheus-stack"),
			Chart:           pulumi.String("kube-prometheus-stack"),
			Version:         pulumi.String("77.0.0"),
			Namespace:       pulumi.String("monitoring"),
			CreateNamespace: pulumi.Bool(true),
			Timeout:         pulumi.Int(600),
			RepositoryOpts:  &helmv3.RepositoryOptsArgs{Repo: pulumi.String("https://prometheus-community.github.io/helm-charts/")},
			Values: pulumi.Map{
				"grafana": pulumi.Map{"adminPassword": pulumi.ToSecret(pulumi.String("hunter2")), "replicas": pulumi.Int(1)},
				"prometheus": pulumi.Map{"prometheusSpec": pulumi.Map{
					"retention": pulumi.String("7d"),
					"additionalScrapeConfigs": pulumi.Array{pulumi.Map{
						"basic_auth": pulumi.Map{"password": pulumi.ToSecret(pulumi.String("fed"))}}},
				}},
				"serviceAccount": pulumi.Map{"annotations": pulumi.Map{"eks.amazonaws.com/role-arn": unknown}},
			},
		}, on); err != nil {
			return err
		}
		_, err := helmv3.NewRelease(ctx, "harbor", &helmv3.ReleaseArgs{
			Chart:     pulumi.String("oci://harbor.example.com/charts/harbor"),
			Version:   pulumi.String("1.17.0"),
			Namespace: pulumi.String("harbor"),
			Lint:      pulumi.Bool(true),
		}, on)
		return err
	})
	res := mustRender(t, p)
	want := []string{
		"east/_cluster/namespace-harbor.yaml",
		"east/_cluster/namespace-monitoring.yaml",
		"east/harbor/helmrelease-harbor.yaml",
		"east/harbor/helmrepository-harbor.yaml",
		"east/monitoring/helmrelease-kube-prometheus-stack.yaml",
		"east/monitoring/helmrepository-kube-prometheus-stack.yaml",
	}
	if got := paths(res); !reflect.DeepEqual(got, want) {
		t.Fatalf("paths:\n got %q\nwant %q", got, want)
	}
	files, err := res.Files()
	if err != nil {
		t.Fatal(err)
	}
	var hr map[string]any
	if err := yaml.Unmarshal(files["east/monitoring/helmrelease-kube-prometheus-stack.yaml"], &hr); err != nil {
		t.Fatal(err)
	}
	wantSpec := map[string]any{
		"interval":    FluxInterval,
		"releaseName": "kube-prometheus-stack",
		"timeout":     "600s",
		"install":     map[string]any{"createNamespace": true},
		"chart": map[string]any{"spec": map[string]any{
			"chart": "kube-prometheus-stack", "version": "77.0.0",
			"sourceRef": map[string]any{"kind": "HelmRepository", "name": "kube-prometheus-stack"},
		}},
		"values": map[string]any{
			"grafana":        map[string]any{"replicas": 1},
			"prometheus":     map[string]any{"prometheusSpec": map[string]any{"retention": "7d"}},
			"serviceAccount": map[string]any{"annotations": map[string]any{}},
		},
		"valuesFrom": []any{
			map[string]any{"kind": "Secret", "name": "kube-prometheus-stack-secret-values", "valuesKey": "grafana.adminPassword", "targetPath": "grafana.adminPassword"},
			map[string]any{"kind": "Secret", "name": "kube-prometheus-stack-secret-values", "valuesKey": "prometheus.prometheusSpec.additionalScrapeConfigs", "targetPath": "prometheus.prometheusSpec.additionalScrapeConfigs"},
			map[string]any{"kind": "ConfigMap", "name": "kube-prometheus-stack-deploy-values", "valuesKey": "serviceAccount.annotations.eks_amazonaws_com_role-arn", "targetPath": `serviceAccount.annotations.eks\.amazonaws\.com/role-arn`},
		},
	}
	if !reflect.DeepEqual(hr["spec"], wantSpec) {
		gotY, _ := yaml.Marshal(hr["spec"])
		wantY, _ := yaml.Marshal(wantSpec)
		t.Errorf("HelmRelease spec:\n got:\n%s\nwant:\n%s", gotY, wantY)
	}
	var repo map[string]any
	if err := yaml.Unmarshal(files["east/monitoring/helmrepository-kube-prometheus-stack.yaml"], &repo); err != nil {
		t.Fatal(err)
	}
	if got := repo["spec"].(map[string]any)["url"]; got != "https://prometheus-community.github.io/helm-charts" {
		t.Errorf("repository url: got %v", got)
	}
	var oci map[string]any
	if err := yaml.Unmarshal(files["east/harbor/helmrepository-harbor.yaml"], &oci); err != nil {
		t.Fatal(err)
	}
	if got, want := oci["spec"], map[string]any{"url": "oci://harbor.example.com/charts", "type": "oci", "interval": FluxInterval}; !reflect.DeepEqual(got, want) {
		t.Errorf("OCI repository spec: got %v, want %v", got, want)
	}
	for _, leak := range []string{"hunter2", "fed\n", plan.Secret} {
		for path, b := range files {
			if path != NotesFile && strings.Contains(string(b), leak) {
				t.Errorf("%s holds %q", path, leak)
			}
		}
	}
	if n := notesOf(res, ReasonHelmIgnored); len(n) != 1 || !strings.Contains(n[0].Detail, "lint") {
		t.Errorf("ignored-input notes: got %+v, want one naming lint", n)
	}
	if n := notesOf(res, ReasonAutoNamed); len(n) != 1 || n[0].Name != "harbor" {
		t.Errorf("auto-named notes: got %+v, want the harbor release", n)
	}
	if n := notesOf(res, ReasonHelmValues); len(n) != 2 {
		t.Errorf("helm value notes: got %+v, want a Secret and a ConfigMap note", n)
	}
}

func TestChartSource(t *testing.T) {
	cases := []struct {
		name      string
		chart     string
		repo      string
		wantURL   string
		wantChart string
		wantErr   string
	}{
		{"repo", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx", "https://kubernetes.github.io/ingress-nginx", "ingress-nginx", ""},
		{"oci chart", "oci://ghcr.io/grafana/helm-charts/loki", "", "oci://ghcr.io/grafana/helm-charts", "loki", ""},
		{"oci repo", "harbor", "oci://harbor.example.com/mirror", "oci://harbor.example.com/mirror", "harbor", ""},
		{"alias", "bitnami/redis", "", "", "", "local repository alias"},
		{"path", "./charts/app", "", "", "", "local path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := map[string]any{}
			if tc.repo != "" {
				in["repositoryOpts"] = map[string]any{"repo": tc.repo}
			}
			url, chart, err := chartSource(in, tc.chart)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error: got %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || url != tc.wantURL || chart != tc.wantChart {
				t.Errorf("got (%q, %q, %v), want (%q, %q)", url, chart, err, tc.wantURL, tc.wantChart)
			}
		})
	}
}

func TestDeterministicAndWriteDir(t *testing.T) {
	p := fixture(t)
	a, b := mustRender(t, p), mustRender(t, p)
	fa, _ := a.Files()
	fb, _ := b.Files()
	if !reflect.DeepEqual(fa, fb) {
		t.Fatal("two renders of one plan differ")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := a.WriteDir(out); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, "east", "qa", "stale.yaml")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := a.WriteDir(out); err != nil {
		t.Fatalf("re-render: %v", err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale file survived a re-render: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(out, "west", "_cluster", "namespace-qa.yaml"))
	if err != nil || string(got) != string(fa["west/_cluster/namespace-qa.yaml"]) {
		t.Errorf("written file: got %q, %v", got, err)
	}
	foreign := filepath.Join(dir, "foreign")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := a.WriteDir(foreign); !errors.Is(err, ErrNotRenderFolder) {
		t.Errorf("writing into a foreign folder: got %v, want ErrNotRenderFolder", err)
	}
}

// TestSecretAdvice: NOTES.md sends each left-out Secret where the platform can make
// it rather than asking for a hand-made one: a release's secret env to External
// Secrets, a TLS certificate to cert-manager.
func TestSecretAdvice(t *testing.T) {
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"storefront-secret-env", map[string]any{"type": "Opaque"}, "{external: {key: ...}}"},
		{"shop-tls", map[string]any{"type": "kubernetes.io/tls"}, "cert-manager issues the certificate"},
		{"regcred", map[string]any{"type": "kubernetes.io/dockerconfigjson"}, "ClusterSecretStore fleetform"},
	} {
		got := secretAdvice(tc.name, tc.body)
		if !strings.HasPrefix(got, "Secret objects are never written; ") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want it to mention %q", tc.name, got, tc.want)
		}
	}
}
