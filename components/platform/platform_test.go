package platform_test

import (
	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/ingress"
	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/addons/rollouts"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/components/platform"
	fflabels "github.com/fleetform/fleetform/internal/labels"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/secret"
)

const releaseType = "kubernetes:helm.sh/v3:Release"

// Plain secret values the plans below must never show.
var secretValues = map[secret.Ref]string{
	"grafanaAdminPassword": "gr4fana-Plain-Value",
	"federationPassword":   "fed3ration-Plain-Value",
	"alertWebhookUrl":      "https://hooks.example.com/plain-t0ken-value",
	"smtpPassword":         "smtp-Plain-Value",
	"slackUrl":             "https://hooks.slack.com/services/plain-sl4ck",
	"harborAdminPassword":  "h4rbor-admin-Plain-Value",
	"harborPullToken":      "h4rbor-pull-Plain-Value",
	"harborSecretKey":      "h4rborKey-Plain1",
	"harborDbPassword":     "h4rbor-db-Plain-Value",
	"wecomSecret":          "w3com-Plain-Value",
	"dingtalkUrl":          "https://oapi.dingtalk.com/robot/send?access_token=plainD1ngtalkT0ken",
	"dingtalkSecret":       "SECd1ngtalk-Plain-Value",
	"tracingToken":         "tr4cing-Plain-Value",
	"logWriterPassword":    "l0gWriter-Plain-Value",
}

func store() *secret.Store { return storeWithout("") }

// storeWithout is store with the secret missing unset.
func storeWithout(missing secret.Ref) *secret.Store {
	vals := map[secret.Ref]secret.Value{}
	for k, v := range secretValues {
		if k != missing {
			vals[k] = secret.Value{Set: true, Secure: true, Plain: v}
		}
	}
	return secret.NewStore(vals, false)
}

// fullSpec turns every feature on, on the legacy ingress-nginx edge these tests
// were written for (edge_test.go covers the Gateway edges).
func fullSpec(backend string) platform.Spec {
	s := platform.Spec{
		Edge:     edges.IngressNginx,
		Rollouts: platform.RolloutsSpec{Dashboard: true},
		Tracing:  platform.TracingSpec{Token: "tracingToken", Hub: platform.TracingHubSpec{Host: "otlp.hub.example.com", TLSSecretName: "otlp-tls"}},
		Monitoring: platform.MonitoringSpec{
			GrafanaAdminPassword: "grafanaAdminPassword",
			Receivers: []platform.Receiver{
				{Name: "wecom", Webhook: &platform.WebhookReceiver{URL: "alertWebhookUrl"}},
				{Name: "mail", Email: &platform.EmailReceiver{To: "oncall@example.com", From: "am@example.com", Smarthost: "smtp.example.com:587", AuthUsername: "am@example.com", AuthPassword: "smtpPassword"}},
				{Name: "slack", Slack: &platform.SlackReceiver{APIURL: "slackUrl", Channel: "#alerts"}},
				{Name: "wecom-app", WeCom: &platform.WeComReceiver{CorpID: "ww0123456789", AgentID: "1000002", APISecret: "wecomSecret", ToParty: "2"}},
				{Name: "dingtalk", DingTalk: &platform.DingTalkReceiver{URL: "dingtalkUrl", Secret: "dingtalkSecret", MentionAll: true}},
			},
			Federation: platform.FederationSpec{Domain: "example.com", Password: "federationPassword", TLSSecretName: "federate-tls"},
		},
		Logging: platform.LoggingSpec{Backend: backend, WriterPassword: "logWriterPassword"},
		Harbor: platform.HarborSpec{Cluster: "c1", Host: "harbor.example.com", TLSSecretName: "harbor-tls",
			AdminPassword: "harborAdminPassword", PullUsername: "robot$pull", PullPassword: "harborPullToken",
			SecretKey: "harborSecretKey", Database: platform.HarborDatabaseSpec{Password: "harborDbPassword"}},
	}
	s.ApplyDefaults()
	return s
}

// irsa is the external-secrets identity an EKS cluster component hands the platform.
func irsa() map[string]cluster.WorkloadIdentity {
	return map[string]cluster.WorkloadIdentity{externalsecrets.WorkloadName: {
		Annotations: pulumi.StringMap{cluster.AnnotationIRSARole: pulumi.String("arn:aws:iam::123456789012:role/c1-wl-external-secrets")}.ToStringMapOutput(),
	}}
}

// build plans one platform component with args filled in by mutate.
func build(t *testing.T, mutate func(*platform.Args)) (*plan.Plan, *platform.Platform) {
	t.Helper()
	p, out, err := runPlatform(mutate)
	if err != nil {
		t.Fatal(err)
	}
	return p, out
}

// runPlatform is build that returns New's error.
func runPlatform(mutate func(*platform.Args)) (*plan.Plan, *platform.Platform, error) {
	var out *platform.Platform
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		args := &platform.Args{Cluster: "c1", Cloud: cluster.AWS, Region: "us-east-1", StorageClass: "gp3", Federation: cluster.FederationNone,
			Spec: fullSpec(platform.LoggingLoki), Secrets: store(), RunsHarbor: true, Workloads: irsa()}
		mutate(args)
		var err error
		out, err = platform.New(ctx, "c1-platform", args)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	return p, out, err
}

// release returns the inputs of the Helm release of a chart.
func release(t *testing.T, p *plan.Plan, chart string) *plan.Resource {
	t.Helper()
	for _, r := range p.ByType(releaseType) {
		if c, _ := r.Inputs["chart"].(string); c == chart || strings.HasSuffix(c, "/"+chart) {
			return r
		}
	}
	t.Fatalf("no release of chart %s", chart)
	return nil
}

// crdChart returns the helm/v4 Chart of a CRD chart (helmrelease.NewCRDChart); there
// must be exactly one.
func crdChart(t *testing.T, p *plan.Plan, chart string) *plan.Resource {
	t.Helper()
	var found []*plan.Resource
	for _, r := range p.ByType("kubernetes:helm.sh/v4:Chart") {
		if c, _ := r.Inputs["chart"].(string); c == chart || strings.HasSuffix(c, "/"+chart) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("got %d charts %s, want 1", len(found), chart)
	}
	return found[0]
}

func dig(m any, path ...string) any {
	for _, k := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

func TestIngressValuesPerCloud(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cloud    cluster.Cloud
		internal bool
		want     map[string]any
		svcType  string
	}{
		{"aws public NLB", cluster.AWS, false, map[string]any{cluster.AnnotationAWSLBType: "nlb", cluster.AnnotationAWSCrossZone: "true", cluster.AnnotationAWSScheme: "internet-facing", cluster.AnnotationAWSAttributes: cluster.AWSCrossZoneAttribute}, "LoadBalancer"},
		{"aws internal NLB", cluster.AWS, true, map[string]any{cluster.AnnotationAWSLBType: "nlb", cluster.AnnotationAWSCrossZone: "true", cluster.AnnotationAWSInternal: "true", cluster.AnnotationAWSScheme: "internal", cluster.AnnotationAWSAttributes: cluster.AWSCrossZoneAttribute}, "LoadBalancer"},
		{"azure public LB", cluster.Azure, false, map[string]any{cluster.AnnotationAzureProbePath: "/healthz"}, "LoadBalancer"},
		{"azure internal LB", cluster.Azure, true, map[string]any{cluster.AnnotationAzureProbePath: "/healthz", cluster.AnnotationAzureInternal: "true"}, "LoadBalancer"},
		{"alicloud internet SLB", cluster.Alicloud, false, map[string]any{cluster.AnnotationAlicloudChargeType: "PayByCLCU", cluster.AnnotationAlicloudAddrType: "internet"}, "LoadBalancer"},
		{"alicloud intranet SLB", cluster.Alicloud, true, map[string]any{cluster.AnnotationAlicloudChargeType: "PayByCLCU", cluster.AnnotationAlicloudAddrType: "intranet"}, "LoadBalancer"},
		{"existing internal", cluster.Existing, true, map[string]any{}, "NodePort"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := build(t, func(a *platform.Args) {
				a.Cloud = tc.cloud
				a.Spec.Ingress.Internal = tc.internal
			})
			svc := dig(release(t, p, "ingress-nginx").Inputs["values"], "controller", "service").(map[string]any)
			got := svc["annotations"].(map[string]any)
			if len(got) != len(tc.want) {
				t.Errorf("annotations = %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("annotation %s = %v, want %v", k, got[k], v)
				}
			}
			if svc["type"] != tc.svcType {
				t.Errorf("service type = %v, want %s", svc["type"], tc.svcType)
			}
		})
	}
}

func TestSecretsNeverInPlainText(t *testing.T) {
	for _, tc := range []struct {
		name    string
		role    cluster.FederationRole
		backend string
	}{{"spoke with loki", cluster.FederationSpoke, platform.LoggingLoki}, {"hub with elk", cluster.FederationHub, platform.LoggingELK}} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := build(t, func(a *platform.Args) {
				a.Federation = tc.role
				a.Spec = fullSpec(tc.backend)
				if tc.role == cluster.FederationHub {
					pw, _ := store().Output("federationPassword")
					a.FederationTargets = []pulumi.Output{monitoring.InStackTarget("c2", monitoring.SpokeEndpoint("c2", "example.com"), "federate", pw)}
					a.FederationSources = []string{"c2"}
				}
			})
			b, err := p.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			for ref, v := range secretValues {
				if strings.Contains(string(b), v) {
					t.Errorf("plan JSON holds the plain value of %s", ref)
				}
			}
			if strings.Contains(string(b), "$6$") {
				t.Error("plan JSON holds an htpasswd hash")
			}
			for _, s := range p.ByType("kubernetes:core/v1:Secret") {
				if s.Inputs["stringData"] != plan.Secret {
					t.Errorf("Secret %s stringData = %v, want %s", s.Name, s.Inputs["stringData"], plan.Secret)
				}
			}
			for _, r := range p.ByType(releaseType) {
				if r.Inputs["values"] == plan.Secret {
					t.Errorf("release %s values are wholly secret; want readable values with secrets in Secrets", r.Name)
				}
			}
		})
	}
}

func TestChartRepositoryOverride(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {
		a.Spec.Monitoring.Chart = platform.Chart{Repository: "oci://harbor.example.com/charts", Version: "77.0.0"}
		a.Spec.Ingress.Chart = platform.Chart{Repository: "https://mirror.example.cn/ingress-nginx"}
	})
	kps := release(t, p, "kube-prometheus-stack").Inputs
	if kps["chart"] != "oci://harbor.example.com/charts/kube-prometheus-stack" || kps["version"] != "77.0.0" || kps["repositoryOpts"] != nil {
		t.Errorf("kube-prometheus-stack = chart %v version %v repo %v, want the oci mirror at 77.0.0", kps["chart"], kps["version"], kps["repositoryOpts"])
	}
	ing := release(t, p, "ingress-nginx").Inputs
	if dig(ing["repositoryOpts"], "repo") != "https://mirror.example.cn/ingress-nginx" || ing["version"] != helmrelease.IngressNginxVersion {
		t.Errorf("ingress-nginx = repo %v version %v, want the https mirror at the pin", ing["repositoryOpts"], ing["version"])
	}
	ro := release(t, p, "argo-rollouts").Inputs
	if dig(ro["repositoryOpts"], "repo") != helmrelease.RepoArgo {
		t.Errorf("argo-rollouts repo = %v, want the upstream %s", ro["repositoryOpts"], helmrelease.RepoArgo)
	}
}

func TestRawValuesMergeLast(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {
		a.Spec.Ingress.Chart.Values = map[string]any{"controller": map[string]any{
			"replicaCount": 5,
			"service":      map[string]any{"annotations": map[string]any{cluster.AnnotationAWSLBType: "external", "extra": "yes"}},
		}}
	})
	v := release(t, p, "ingress-nginx").Inputs["values"]
	if got := dig(v, "controller", "replicaCount"); got != float64(5) {
		t.Errorf("replicaCount = %v, want the raw 5 over the typed %d", got, platform.DefaultIngressReplicas)
	}
	ann := dig(v, "controller", "service", "annotations").(map[string]any)
	if ann[cluster.AnnotationAWSLBType] != "external" || ann["extra"] != "yes" || ann[cluster.AnnotationAWSCrossZone] != "true" {
		t.Errorf("annotations = %v, want raw values merged over (not replacing) the typed ones", ann)
	}
	if dig(v, "controller", "ingressClass") != platform.IngressClassName {
		t.Errorf("typed values lost in the merge: %v", v)
	}
}

func TestNamespacesAndOutputs(t *testing.T) {
	p, out := build(t, func(a *platform.Args) {})
	nss := p.ByType("kubernetes:core/v1:Namespace")
	want := map[string]string{
		platform.NamespaceIngress: "baseline", platform.NamespaceRollouts: "baseline", platform.NamespaceMonitoring: "privileged",
		platform.NamespaceLogging: "privileged", platform.NamespaceHarbor: "baseline", platform.NamespaceVPA: "baseline",
		externalsecrets.Namespace: "baseline", platform.NamespaceTracing: "baseline",
	}
	if len(nss) != len(want) {
		t.Fatalf("got %d namespaces, want %d", len(nss), len(want))
	}
	for _, ns := range nss {
		md := ns.Inputs["metadata"].(map[string]any)
		labels := md["labels"].(map[string]any)
		name := md["name"].(string)
		if labels[platform.LabelPodSecurityEnforce] != want[name] || labels[platform.LabelPodSecurityWarn] != "restricted" ||
			labels[platform.LabelCluster] != "c1" || labels[fflabels.ManagedBy] != fflabels.ManagedByFleetform {
			t.Errorf("namespace %s labels = %v, want enforce=%s, warn=restricted, cluster c1", name, labels, want[name])
		}
	}
	o := out.Outputs
	if o.IngressClass != "nginx" || o.PrometheusURL != "http://kube-prometheus-stack-prometheus.monitoring.svc:9090" ||
		o.RolloutsReady == nil || o.MonitoringReady == nil || o.Registry == nil {
		t.Errorf("outputs = %+v, want every field set", o)
	}
	kps := release(t, p, "kube-prometheus-stack")
	if dig(kps.Inputs["values"], "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "storageClassName") != "gp3" {
		t.Error("Prometheus volume is not on the cluster's storage class gp3")
	}
	if ds := dig(kps.Inputs["values"], "grafana", "additionalDataSources").([]any); dig(ds[0], "url") != "http://loki-gateway.logging.svc" {
		t.Errorf("grafana data sources = %v, want Loki by service name", ds)
	}
}

// TestOnlyRealDependencies: addons wait for their namespace (and their own Secrets),
// never for each other; Grafana finds Loki by service name.
func TestOnlyRealDependencies(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {})
	rels := p.ByType(releaseType)
	if len(rels) == 0 {
		t.Fatal("no Helm releases: nothing to check")
	}
	releases, namespaces := map[string]bool{}, map[string]bool{}
	for _, r := range rels {
		releases[r.URN] = true
	}
	for _, ns := range p.ByType("kubernetes:core/v1:Namespace") {
		namespaces[ns.URN] = true
	}
	for _, r := range rels {
		waitsForNamespace := false
		for _, d := range r.Dependencies {
			if releases[d] {
				t.Errorf("release %s depends on release %s", r.Name, d)
			}
			waitsForNamespace = waitsForNamespace || namespaces[d]
		}
		if !waitsForNamespace {
			t.Errorf("release %s waits for no Namespace; dependencies %v", r.Name, r.Dependencies)
		}
	}
}

func TestDisabledAddonsRegisterNothing(t *testing.T) {
	off := false
	p, out := build(t, func(a *platform.Args) {
		a.Spec.Rollouts.Enabled, a.Spec.Logging.Enabled, a.Spec.Monitoring.Enabled, a.Spec.VPA.Enabled = &off, &off, &off, &off
		a.Spec.ExternalSecrets.Enabled, a.Spec.Tracing.Enabled = &off, &off
		a.RunsHarbor = false
	})
	if n := len(p.ByType(releaseType)); n != 1 {
		t.Errorf("got %d releases, want only ingress-nginx", n)
	}
	if out.Outputs.RolloutsReady != nil || out.Outputs.MonitoringReady != nil || out.Outputs.PrometheusURL != "" || out.Outputs.Registry != nil {
		t.Errorf("outputs of disabled addons = %+v, want empty", out.Outputs)
	}
}

func TestTwoPlatformsCoexist(t *testing.T) {
	_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		for _, name := range []string{"a", "b"} {
			if _, err := platform.New(ctx, name+"-platform", &platform.Args{Cluster: name, Cloud: cluster.Azure, StorageClass: "managed-csi",
				Spec: fullSpec(platform.LoggingELK), Secrets: store(), RunsHarbor: name == "a"}); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatalf("two platforms in one stack: %v", err)
	}
}

func TestIngressMetricsAreScraped(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {})
	monitors := p.ByType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor")
	var sm *plan.Resource
	for _, r := range monitors {
		if dig(r.Inputs, "metadata", "name") == ingress.ServiceMonitorName {
			sm = r
		}
	}
	if sm == nil {
		t.Fatalf("no ServiceMonitor %s among %d: canary analysis would have no request metrics", ingress.ServiceMonitorName, len(monitors))
	}
	if ns := dig(sm.Inputs, "metadata", "namespace"); ns != platform.NamespaceIngress {
		t.Errorf("ServiceMonitor namespace %v, want %s", ns, platform.NamespaceIngress)
	}
	if port := dig(sm.Inputs, "spec", "endpoints").([]any)[0].(map[string]any)["port"]; port != "metrics" {
		t.Errorf("endpoint port %v, want metrics", port)
	}
	prom := release(t, p, "kube-prometheus-stack")
	ing := release(t, p, "ingress-nginx")
	deps := strings.Join(sm.Dependencies, " ")
	if crds := crdChart(t, p, helmrelease.PrometheusOperatorCRDs.Chart); !strings.Contains(deps, crds.URN) {
		t.Errorf("ServiceMonitor does not wait for prometheus-operator-crds (its CRD): %v", sm.Dependencies)
	}
	for _, d := range ing.Dependencies {
		if d == prom.URN {
			t.Error("ingress-nginx waits for kube-prometheus-stack")
		}
	}
	off := false
	p, _ = build(t, func(a *platform.Args) { a.Spec.Monitoring.Enabled = &off })
	for _, r := range p.ByType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor") {
		t.Errorf("monitoring off, yet a ServiceMonitor %s exists", r.Name)
	}
}

// TestChartProductionValues pins the values each chart's own production advice asks
// for, as the platform hands them to the charts (chart keys read from the pinned
// versions; see docs/platform.md).
func TestChartProductionValues(t *testing.T) {
	exists := []any{map[string]any{"operator": "Exists"}}
	for _, tc := range []struct {
		name    string
		backend string
		chart   string
		path    string
		want    any // nil: the key must be absent
	}{
		{"ingress budget key", platform.LoggingLoki, "ingress-nginx", "controller.minAvailable", float64(ingress.MinAvailable)},
		{"ingress no invented key", platform.LoggingLoki, "ingress-nginx", "controller.podDisruptionBudget", nil},
		{"grafana recreate", platform.LoggingLoki, "kube-prometheus-stack", "grafana.deploymentStrategy.type", "Recreate"},
		{"node-exporter every taint", platform.LoggingLoki, "kube-prometheus-stack", "prometheus-node-exporter.tolerations", exists},
		{"alertmanager config from Secret", platform.LoggingLoki, "kube-prometheus-stack", "alertmanager.alertmanagerSpec.configSecret", monitoring.AlertmanagerSecret},
		{"alloy every taint", platform.LoggingLoki, "alloy", "controller.tolerations", exists},
		{"loki keeps volumes", platform.LoggingLoki, "loki", "singleBinary.persistence.whenDeleted", "Retain"},
		{"fluent-bit every taint", platform.LoggingELK, "fluent-bit", "tolerations", exists},
		{"eck keeps volumes", platform.LoggingELK, "eck-stack", "eck-elasticsearch.volumeClaimDeletePolicy", "DeleteOnScaledownOnly"},
		{"harbor recreate", platform.LoggingLoki, "harbor", "updateStrategy.type", "Recreate"},
		{"harbor secret key by reference", platform.LoggingLoki, "harbor", "existingSecretSecretKey", "harbor-secret-key"},
		{"harbor no inline secret key", platform.LoggingLoki, "harbor", "secretKey", nil},
		{"harbor database password by reference", platform.LoggingLoki, "harbor", "database.external.existingSecret", "harbor-database-password"},
		{"harbor no default database password", platform.LoggingLoki, "harbor", "database.internal.password", ""},
		{"harbor trivy on", platform.LoggingLoki, "harbor", "trivy.enabled", true},
		{"harbor chart's ingress annotations", platform.LoggingLoki, "harbor", "expose.ingress.annotations", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := build(t, func(a *platform.Args) { a.Spec = fullSpec(tc.backend) })
			got := dig(release(t, p, tc.chart).Inputs["values"], strings.Split(tc.path, ".")...)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s %s = %#v, want %#v", tc.chart, tc.path, got, tc.want)
			}
		})
	}
}

// TestRolloutsMetricsAreScraped: the controller's ServiceMonitor exists with
// monitoring on, waits only for kube-prometheus-stack, and Rollouts never waits for it.
func TestRolloutsMetricsAreScraped(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {})
	var sm *plan.Resource
	for _, r := range p.ByType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor") {
		if dig(r.Inputs, "metadata", "name") == rollouts.ServiceMonitorName {
			sm = r
		}
	}
	if sm == nil {
		t.Fatalf("no ServiceMonitor %s", rollouts.ServiceMonitorName)
	}
	if ns := dig(sm.Inputs, "metadata", "namespace"); ns != platform.NamespaceRollouts {
		t.Errorf("ServiceMonitor namespace %v, want %s", ns, platform.NamespaceRollouts)
	}
	sel := dig(sm.Inputs, "spec", "selector", "matchLabels").(map[string]any)
	if sel["app.kubernetes.io/component"] != rollouts.ControllerComponent || sel["app.kubernetes.io/instance"] != rollouts.ReleaseName {
		t.Errorf("selector = %v, want the controller's metrics Service", sel)
	}
	prom := release(t, p, "kube-prometheus-stack")
	if crds := crdChart(t, p, helmrelease.PrometheusOperatorCRDs.Chart); !strings.Contains(strings.Join(sm.Dependencies, " "), crds.URN) {
		t.Errorf("ServiceMonitor does not wait for prometheus-operator-crds: %v", sm.Dependencies)
	}
	for _, d := range release(t, p, "argo-rollouts").Dependencies {
		if d == prom.URN || d == sm.URN {
			t.Errorf("argo-rollouts waits for %s", d)
		}
	}
}

func TestDingTalkAdapterRunsWithDingTalkReceiver(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {})
	deps := p.ByType("kubernetes:apps/v1:Deployment")
	if len(deps) != 1 || dig(deps[0].Inputs, "metadata", "namespace") != platform.NamespaceMonitoring {
		t.Fatalf("deployments = %v, want the DingTalk adapter in %s", deps, platform.NamespaceMonitoring)
	}
	p, _ = build(t, func(a *platform.Args) {
		a.Spec.Monitoring.Receivers = a.Spec.Monitoring.Receivers[:1]
	})
	if n := len(p.ByType("kubernetes:apps/v1:Deployment")); n != 0 {
		t.Errorf("got %d Deployments without a DingTalk receiver, want none", n)
	}
}

// TestControlPlaneMonitors: a managed control plane gets no scheduler,
// controller-manager or etcd monitors (their absent() alerts would page forever); a
// visible one keeps them; monitoring.controlPlane overrides either way.
func TestControlPlaneMonitors(t *testing.T) {
	on, off := true, false
	for _, tc := range []struct {
		name    string
		managed bool
		set     *bool
		want    bool
	}{
		{"managed, unset", true, nil, false},
		{"visible, unset", false, nil, true},
		{"managed, set on", true, &on, true},
		{"visible, set off", false, &off, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := build(t, func(a *platform.Args) {
				a.ManagedControlPlane = tc.managed
				a.Spec.Monitoring.ControlPlane = tc.set
			})
			values := release(t, p, "kube-prometheus-stack").Inputs["values"]
			for _, key := range []string{"kubeControllerManager", "kubeScheduler", "kubeEtcd"} {
				if got := dig(values, key, "enabled"); got != tc.want {
					t.Errorf("%s.enabled = %v, want %v", key, got, tc.want)
				}
			}
		})
	}
}

// TestServingNamespacesAdmitOnlyTheirSources: each platform namespace that serves
// something has one ingress NetworkPolicy admitting its own pods and its listed
// sources; controller-only namespaces get none.
func TestServingNamespacesAdmitOnlyTheirSources(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {})
	got := map[string]any{}
	for _, r := range p.ByType("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		if dig(r.Inputs, "metadata", "name") == platform.PolicyPlatformIngress {
			got[dig(r.Inputs, "metadata", "namespace").(string)] = r.Inputs["spec"]
		}
	}
	edge := platform.EdgeNamespace(fullSpec(platform.LoggingLoki).Edge)
	for ns, want := range map[string][]any{
		platform.NamespaceHarbor:     {edge, platform.NamespaceMonitoring},
		platform.NamespaceMonitoring: {edge, platform.NamespaceRollouts},
		platform.NamespaceLogging:    {edge, platform.NamespaceMonitoring},
	} {
		spec := got[ns]
		if spec == nil {
			t.Errorf("namespace %s has no %s", ns, platform.PolicyPlatformIngress)
			continue
		}
		if types := dig(spec, "policyTypes"); !reflect.DeepEqual(types, []any{"Ingress"}) {
			t.Errorf("%s policyTypes = %v, want [Ingress]", ns, types)
		}
		from := dig(spec, "ingress").([]any)[0].(map[string]any)["from"].([]any)
		if pods := dig(from[0], "podSelector"); !reflect.DeepEqual(pods, map[string]any{}) {
			t.Errorf("%s: first peer = %v, want the namespace's own pods", ns, from[0])
		}
		values := dig(from[1], "namespaceSelector", "matchExpressions").([]any)[0].(map[string]any)["values"]
		if !reflect.DeepEqual(values, want) {
			t.Errorf("%s admits namespaces %v, want %v", ns, values, want)
		}
	}
	for _, ns := range []string{"cert-manager", "external-secrets", platform.NamespaceVPA} {
		if got[ns] != nil {
			t.Errorf("controller-only namespace %s has a %s", ns, platform.PolicyPlatformIngress)
		}
	}
}

// TestIngressesSkipTheAwait: every Ingress the platform makes on ingress-nginx (a
// spoke's /federate, the Rollouts dashboard, the hub's OTLP receiver) carries
// pulumi.com/skipAwait: on a NodePort or internal edge no load-balancer address is
// ever published, and the provider's await would fail the deploy after ten minutes
// (the engine suite's ingress-nginx spoke did).
func TestIngressesSkipTheAwait(t *testing.T) {
	for _, role := range []cluster.FederationRole{cluster.FederationSpoke, cluster.FederationHub} {
		p, _ := build(t, func(a *platform.Args) { a.Federation = role })
		ings := p.ByType("kubernetes:networking.k8s.io/v1:Ingress")
		if len(ings) == 0 {
			t.Fatalf("%s: no Ingress, want the platform's", role)
		}
		for _, r := range ings {
			md, _ := r.Inputs["metadata"].(map[string]any)
			ann, _ := md["annotations"].(map[string]any)
			if ann[fflabels.AnnotationSkipAwait] != "true" {
				t.Errorf("%s: Ingress %s: annotations %v, want %s: \"true\"", role, r.Name, ann, fflabels.AnnotationSkipAwait)
			}
		}
	}
}
