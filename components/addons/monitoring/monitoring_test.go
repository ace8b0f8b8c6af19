package monitoring

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"gopkg.in/yaml.v3"

	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/internal/plan"
)

// devPlan stands for the dev stack: it exports one spoke, its password a secret.
func devPlan() *plan.Plan {
	ek, uk, pk := ExportKeys("dev-aws")
	return &plan.Plan{Version: plan.FormatVersion, Project: "fleetform", Stack: "dev", Outputs: map[string]any{
		ek: SpokeEndpoint("dev-aws", "dev.example.com"), uk: "federate", pk: plan.Secret,
		"clusters.dev-aws.cloud": "aws",
	}}
}

// TestHubScrapesInStackAndRemoteSpokes builds the hub's scrape config from one spoke
// of the same stack and one read through a stack reference.
func TestHubScrapesInStackAndRemoteSpokes(t *testing.T) {
	var rendered internals.UnsafeAwaitOutputResult
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		ref, err := pulumi.NewStackReference(ctx, "stackref-dev", &pulumi.StackReferenceArgs{Name: pulumi.String("organization/fleetform/dev")})
		if err != nil {
			return nil, err
		}
		m, err := New(ctx, "prod-aws-monitoring", &Args{
			Cluster: "prod-aws", Namespace: pulumi.String("monitoring"), NamespaceName: "monitoring",
			StorageClass: "gp3", Retention: "30d", StorageSize: "200Gi",
			GrafanaAdminPassword: pulumi.ToSecret(pulumi.String("grafana-pw")).(pulumi.StringOutput),
			Hub: &HubArgs{
				Match: []string{`{job="node-exporter"}`, `{__name__=~"job:.*"}`},
				Targets: []pulumi.Output{
					InStackTarget("prod-azure", SpokeEndpoint("prod-azure", "prod.example.com"), "federate",
						pulumi.ToSecret(pulumi.String("fed-pw")).(pulumi.StringOutput)),
					RemoteTargets(ref),
				},
				Sources: []string{"stack:dev", "prod-azure"},
			},
		})
		if err != nil {
			return nil, err
		}
		rendered, err = internals.UnsafeAwaitOutput(ctx.Context(), m.ScrapeConfigs)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "prod", References: map[string]*plan.Plan{"organization/fleetform/dev": devPlan()}})
	if err != nil {
		t.Fatal(err)
	}
	if !rendered.Known || !rendered.Secret {
		t.Fatalf("scrape config known=%v secret=%v, want a known secret", rendered.Known, rendered.Secret)
	}
	var jobs []scrapeConfig
	if err := yaml.Unmarshal([]byte(rendered.Value.(string)), &jobs); err != nil {
		t.Fatalf("scrape config is not YAML: %v\n%s", err, rendered.Value)
	}
	want := []struct{ cluster, host, password string }{
		{"dev-aws", "federate.dev-aws.dev.example.com", "[redacted placeholder]"},
		{"prod-azure", "federate.prod-azure.prod.example.com", "fed-pw"},
	}
	if len(jobs) != len(want) {
		t.Fatalf("got %d jobs, want %d:\n%s", len(jobs), len(want), rendered.Value)
	}
	for i, w := range want {
		j := jobs[i]
		if j.JobName != JobPrefix+w.cluster || !j.HonorLabels || j.MetricsPath != FederatePath || j.Scheme != "https" {
			t.Errorf("job %d = %+v, want federate-%s with honor_labels over https /federate", i, j, w.cluster)
		}
		if got := j.StaticConfigs[0]; got.Targets[0] != w.host || got.Labels[ClusterLabel] != w.cluster {
			t.Errorf("job %d target = %+v, want %s labelled cluster=%s", i, got, w.host, w.cluster)
		}
		if m := j.Params["match[]"]; len(m) != 2 || m[0] != `{job="node-exporter"}` {
			t.Errorf("job %d match[] = %v, want the configured selectors", i, m)
		}
		if j.BasicAuth.Username != "federate" || j.BasicAuth.Password != w.password {
			t.Errorf("job %d basic_auth = %+v, want federate/%s", i, j.BasicAuth, w.password)
		}
	}

	secrets := p.ByType("kubernetes:core/v1:Secret")
	var scrape *plan.Resource
	for _, s := range secrets {
		if s.Inputs["metadata"].(map[string]any)["name"] == ScrapeConfigSecret {
			scrape = s
		}
	}
	if scrape == nil {
		t.Fatalf("no %s Secret among %d", ScrapeConfigSecret, len(secrets))
	}
	if got := scrape.Inputs["stringData"]; got != plan.Secret {
		t.Errorf("scrape Secret stringData = %v, want %s", got, plan.Secret)
	}
	if got := scrape.Inputs["metadata"].(map[string]any)["annotations"].(map[string]any)[AnnotationFederationSpokes]; got != "prod-azure,stack:dev" {
		t.Errorf("spokes annotation = %v, want prod-azure,stack:dev", got)
	}
	rel := p.ByType("kubernetes:helm.sh/v3:Release")[0]
	values := rel.Inputs["values"].(map[string]any)
	spec := values["prometheus"].(map[string]any)["prometheusSpec"].(map[string]any)
	if got := spec["additionalScrapeConfigsSecret"].(map[string]any)["name"]; got != ScrapeConfigSecret {
		t.Errorf("additionalScrapeConfigsSecret.name = %v, want %s", got, ScrapeConfigSecret)
	}
	ds := values["grafana"].(map[string]any)["additionalDataSources"].([]any)
	if ds[0].(map[string]any)["name"] != FederatedDataSource {
		t.Errorf("grafana data sources = %v, want the federated one", ds)
	}
	if !slices.Contains(rel.Dependencies, scrape.URN) {
		t.Errorf("release dependencies %v miss the scrape Secret", rel.Dependencies)
	}
}

func TestScrapeConfigsRejectsDuplicateSpoke(t *testing.T) {
	ts := []Target{{Cluster: "a", Endpoint: "https://x/federate", Username: "u", Password: "p"}, {Cluster: "a", Endpoint: "https://y/federate", Username: "u", Password: "p"}}
	if _, err := ScrapeConfigs(ts, matchAll); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("ScrapeConfigs with a duplicate spoke: err = %v, want a 'federated twice' error", err)
	}
}

// matchAll is the match[] list the duplicate test uses.
var matchAll = []string{`{job=~".+"}`}

func TestTargetsFromExportsNeedsAllThree(t *testing.T) {
	ek, uk, _ := ExportKeys("c1")
	if _, err := TargetsFromExports(map[string]any{ek: "https://h/federate", uk: "u"}); err == nil {
		t.Error("a spoke export without a password was accepted; want an error")
	}
	ts, err := TargetsFromExports(map[string]any{"clusters.c1.cloud": "aws"})
	if err != nil || len(ts) != 0 {
		t.Errorf("a stack with no spokes gave %v, %v; want none", ts, err)
	}
}

func TestSpokeExposesFederateWithBasicAuthAndTLS(t *testing.T) {
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "dev-aws-monitoring", &Args{
			Cluster: "dev-aws", Namespace: pulumi.String("monitoring"), NamespaceName: "monitoring",
			StorageClass: "gp3", Retention: "7d", StorageSize: "20Gi",
			GrafanaAdminPassword: pulumi.ToSecret(pulumi.String("grafana-pw")).(pulumi.StringOutput),
			Receivers:            []Receiver{{Name: "chat", Webhook: &Webhook{URL: pulumi.ToSecret(pulumi.String("https://hook/t0ken")).(pulumi.StringOutput)}}},
			Spoke: &SpokeArgs{Host: SpokeHost("dev-aws", "dev.example.com"), TLSSecretName: "federate-tls", IngressClass: "nginx",
				Username: "federate", Password: pulumi.ToSecret(pulumi.String("fed-pw")).(pulumi.StringOutput)},
		})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	ings := p.ByType("kubernetes:networking.k8s.io/v1:Ingress")
	if len(ings) != 1 {
		t.Fatalf("got %d Ingresses, want 1", len(ings))
	}
	in := ings[0].Inputs
	ann := in["metadata"].(map[string]any)["annotations"].(map[string]any)
	if ann[AnnotationAuthType] != "basic" || ann[AnnotationAuthSecret] != HtpasswdSecret {
		t.Errorf("ingress annotations = %v, want basic auth from %s", ann, HtpasswdSecret)
	}
	spec := in["spec"].(map[string]any)
	tls := spec["tls"].([]any)[0].(map[string]any)
	if tls["secretName"] != "federate-tls" || tls["hosts"].([]any)[0] != "federate.dev-aws.dev.example.com" {
		t.Errorf("ingress tls = %v, want federate-tls for federate.dev-aws.dev.example.com", tls)
	}
	path := spec["rules"].([]any)[0].(map[string]any)["http"].(map[string]any)["paths"].([]any)[0].(map[string]any)
	if path["path"] != FederatePath || path["backend"].(map[string]any)["service"].(map[string]any)["name"] != PrometheusService {
		t.Errorf("ingress path = %v, want /federate to %s", path, PrometheusService)
	}
	values := p.ByType("kubernetes:helm.sh/v3:Release")[0].Inputs["values"].(map[string]any)
	am := values["alertmanager"].(map[string]any)["alertmanagerSpec"].(map[string]any)
	if am["useExistingSecret"] != true || am["configSecret"] != AlertmanagerSecret {
		t.Errorf("alertmanagerSpec = %v, want the config from Secret %s", am, AlertmanagerSecret)
	}
	admin := values["grafana"].(map[string]any)["admin"].(map[string]any)
	if admin["existingSecret"] != GrafanaAdminSecret {
		t.Errorf("grafana.admin = %v, want existingSecret %s", admin, GrafanaAdminSecret)
	}
}

func TestAlertmanagerConfig(t *testing.T) {
	got, err := renderAlertmanager([]Receiver{
		{Name: "hook", Webhook: &Webhook{}},
		{Name: "mail", Email: &Email{To: "a@x", From: "b@x", Smarthost: "smtp:587", AuthUsername: "b@x"}},
		{Name: "slack", Slack: &Slack{Channel: "#alerts"}},
		{Name: "wecom", WeCom: &WeCom{CorpID: "ww0123", AgentID: "1000002", ToParty: "2|3", MessageType: "markdown"}},
		{Name: "ding", DingTalk: &DingTalk{}},
	}, []any{"https://hook", "smtp-pw", "https://slack", "wecom-secret", ""}, "monitoring")
	if err != nil {
		t.Fatal(err)
	}
	var cfg amConfig
	if err := yaml.Unmarshal([]byte(got), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Receivers) != 6 || cfg.Receivers[0].Name != NullReceiver {
		t.Fatalf("receivers = %+v, want null plus five", cfg.Receivers)
	}
	if cfg.Receivers[1].WebhookConfigs[0].URL != "https://hook" || cfg.Receivers[2].EmailConfigs[0].AuthPassword != "smtp-pw" ||
		cfg.Receivers[3].SlackConfigs[0].APIURL != "https://slack" || cfg.Receivers[3].SlackConfigs[0].Channel != "#alerts" {
		t.Errorf("receivers = %+v, want each secret in its place", cfg.Receivers)
	}
	wantWechat := amWechat{APISecret: "wecom-secret", CorpID: "ww0123", AgentID: "1000002", ToParty: "2|3", MessageType: "markdown", SendResolved: true}
	if w := cfg.Receivers[4].WechatConfigs; len(w) != 1 || w[0] != wantWechat {
		t.Errorf("wechat_configs = %+v, want %+v", w, wantWechat)
	}
	if w := cfg.Receivers[5].WebhookConfigs; len(w) != 1 || w[0].URL != "http://alertmanager-dingtalk.monitoring.svc:8060/dingtalk/ding/send" {
		t.Errorf("dingtalk receiver = %+v, want a webhook to the adapter's ding target", w)
	}
	routes := cfg.Route.Routes
	if len(routes) != 6 || routes[0].Receiver != NullReceiver || routes[0].Matchers[0] != WatchdogMatcher || routes[0].Continue ||
		!routes[1].Continue || routes[5].Receiver != "ding" {
		t.Errorf("routes = %+v, want Watchdog to null then every receiver with continue", routes)
	}
}

// TestAlertmanagerKeepsChartDefaults: our configuration replaces the chart's, so it
// must carry the chart's defaults (kube-prometheus-stack 88.5.3 values.yaml
// alertmanager.config), inhibit rules above all.
func TestAlertmanagerKeepsChartDefaults(t *testing.T) {
	got, err := renderAlertmanager([]Receiver{{Name: "hook", Webhook: &Webhook{}}}, []any{"https://hook"}, "monitoring")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(got), &cfg); err != nil {
		t.Fatal(err)
	}
	var chart map[string]any
	if err := yaml.Unmarshal([]byte(chartAlertmanagerConfig), &chart); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"global", "inhibit_rules", "templates"} {
		if !reflect.DeepEqual(cfg[key], chart[key]) {
			t.Errorf("%s = %v, want the chart's %v", key, cfg[key], chart[key])
		}
	}
	route, chartRoute := cfg["route"].(map[string]any), chart["route"].(map[string]any)
	for _, key := range []string{"group_by", "group_wait", "group_interval", "repeat_interval", "receiver"} {
		if !reflect.DeepEqual(route[key], chartRoute[key]) {
			t.Errorf("route.%s = %v, want the chart's %v", key, route[key], chartRoute[key])
		}
	}
	if first := route["routes"].([]any)[0]; !reflect.DeepEqual(first, chartRoute["routes"].([]any)[0]) {
		t.Errorf("first route = %v, want the chart's Watchdog route", first)
	}
	if !strings.Contains(got, "InfoInhibitor") {
		t.Error("config has no InfoInhibitor rule")
	}
}

// chartAlertmanagerConfig is alertmanager.config of kube-prometheus-stack 88.5.3's
// values.yaml, verbatim.
const chartAlertmanagerConfig = `
global:
  resolve_timeout: 5m
inhibit_rules:
  - source_matchers:
      - 'severity = critical'
    target_matchers:
      - 'severity =~ warning|info'
    equal:
      - 'namespace'
      - 'alertname'
  - source_matchers:
      - 'severity = warning'
    target_matchers:
      - 'severity = info'
    equal:
      - 'namespace'
      - 'alertname'
  - source_matchers:
      - 'alertname = InfoInhibitor'
    target_matchers:
      - 'severity = info'
    equal:
      - 'namespace'
  - target_matchers:
      - 'alertname = InfoInhibitor'
route:
  group_by: ['namespace']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 12h
  receiver: 'null'
  routes:
  - receiver: 'null'
    matchers:
      - alertname = "Watchdog"
receivers:
- name: 'null'
templates:
- '/etc/alertmanager/config/*.tmpl'
`

func TestDingTalkAdapter(t *testing.T) {
	for _, tc := range []struct {
		name, image, wantImage string
	}{{"pinned image", "", DingTalkImage}, {"mirrored image", "harbor.example.com/dockerhub-proxy/timonwong/prometheus-webhook-dingtalk:v2.1.0", "harbor.example.com/dockerhub-proxy/timonwong/prometheus-webhook-dingtalk:v2.1.0"}} {
		t.Run(tc.name, func(t *testing.T) {
			var cfg internals.UnsafeAwaitOutputResult
			p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				receivers := []Receiver{
					{Name: "ops", DingTalk: &DingTalk{URL: secretString("https://oapi.dingtalk.com/robot/send?access_token=plainT0kenValue0000"),
						Secret: secretString("SECplainSigningSecret"), MentionMobiles: []string{"189", "156"}}},
					{Name: "mail", Email: &Email{To: "a@x", From: "b@x", Smarthost: "smtp:25"}},
				}
				_, err := New(ctx, "c1-monitoring", &Args{
					Cluster: "c1", Namespace: pulumi.String("monitoring"), NamespaceName: "monitoring",
					StorageClass: "gp3", Retention: "7d", StorageSize: "20Gi", GrafanaAdminPassword: secretString("grafana-pw"),
					Receivers: receivers, DingTalkImage: tc.image,
				})
				if err != nil {
					return nil, err
				}
				cfg, err = internals.UnsafeAwaitOutput(ctx.Context(), DingTalkConfig(receivers))
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if err != nil {
				t.Fatal(err)
			}
			if !cfg.Secret {
				t.Error("the adapter's config is not a secret")
			}
			var dc dingTalkConfig
			if err := yaml.Unmarshal([]byte(cfg.Value.(string)), &dc); err != nil {
				t.Fatal(err)
			}
			want := dingTalkTarget{URL: "https://oapi.dingtalk.com/robot/send?access_token=plainT0kenValue0000", Secret: "SECplainSigningSecret",
				Mention: &dingTalkMention{Mobiles: []string{"156", "189"}}}
			if len(dc.Targets) != 1 || !reflect.DeepEqual(dc.Targets["ops"], want) {
				t.Errorf("targets = %+v, want only ops = %+v", dc.Targets, want)
			}
			deps := p.ByType("kubernetes:apps/v1:Deployment")
			if len(deps) != 1 {
				t.Fatalf("got %d Deployments, want the adapter", len(deps))
			}
			pod := dig(deps[0].Inputs, "spec", "template", "spec").(map[string]any)
			c := pod["containers"].([]any)[0].(map[string]any)
			if c["image"] != tc.wantImage {
				t.Errorf("adapter image = %v, want %s", c["image"], tc.wantImage)
			}
			if dig(pod, "securityContext", "runAsNonRoot") != true || dig(c, "securityContext", "allowPrivilegeEscalation") != false ||
				dig(c, "securityContext", "readOnlyRootFilesystem") != true || dig(c, "resources", "limits", "memory") == nil {
				t.Errorf("adapter pod = %v, want a restricted pod with limits", pod)
			}
			if vol := pod["volumes"].([]any)[0]; dig(vol, "secret", "secretName") != DingTalkName {
				t.Errorf("adapter config volume = %v, want Secret %s", vol, DingTalkName)
			}
			svcs := p.ByType("kubernetes:core/v1:Service")
			if len(svcs) != 1 || dig(svcs[0].Inputs, "spec", "ports").([]any)[0].(map[string]any)["port"] != float64(DingTalkPort) {
				t.Errorf("services = %v, want the adapter's on port %d", svcs, DingTalkPort)
			}
			b, err := p.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			for _, plain := range []string{"plainT0kenValue0000", "SECplainSigningSecret"} {
				if strings.Contains(string(b), plain) {
					t.Errorf("plan holds the plain DingTalk secret %q", plain)
				}
			}
		})
	}
}

func TestNoAdapterWithoutDingTalk(t *testing.T) {
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "c1-monitoring", &Args{
			Cluster: "c1", Namespace: pulumi.String("monitoring"), NamespaceName: "monitoring",
			StorageClass: "gp3", Retention: "7d", StorageSize: "20Gi", GrafanaAdminPassword: secretString("grafana-pw"),
			Receivers: []Receiver{{Name: "mail", Email: &Email{To: "a@x", From: "b@x", Smarthost: "smtp:25"}}},
		})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.ByType("kubernetes:apps/v1:Deployment")); n != 0 {
		t.Errorf("got %d Deployments without a DingTalk receiver, want none", n)
	}
}

// TestValuesForProduction pins the chart values that the charts' own production
// advice asks for.
func TestValuesForProduction(t *testing.T) {
	v := Values(&Args{Cluster: "c1", NamespaceName: "monitoring", StorageClass: "gp3", Retention: "7d", StorageSize: "20Gi"})
	if got := dig(v, "grafana", "deploymentStrategy", "type"); got != "Recreate" {
		t.Errorf("grafana.deploymentStrategy.type = %v, want Recreate (its PVC is ReadWriteOnce)", got)
	}
	want := []any{map[string]any{"operator": "Exists"}}
	if got := dig(v, "prometheus-node-exporter", "tolerations"); !reflect.DeepEqual(got, want) {
		t.Errorf("node-exporter tolerations = %v, want %v (every taint)", got, want)
	}
}

func secretString(s string) pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(s)).(pulumi.StringOutput)
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

// TestCRDsAreAChartTheReleaseWaitsFor: the monitoring CRDs come from
// prometheus-operator-crds as a helm/v4 Chart (each CRD forced past Helm's field
// manager), kube-prometheus-stack installs without its own (crds.enabled false) and
// waits for the chart, and the chart takes only the repository of the stack's
// kube-prometheus-stack override.
func TestCRDsAreAChartTheReleaseWaitsFor(t *testing.T) {
	for _, tc := range []struct {
		name     string
		override helmrelease.Override
		want     string // the chart input
		repo     string
	}{
		{"pinned", helmrelease.Override{}, helmrelease.PrometheusOperatorCRDs.Chart, helmrelease.RepoPrometheus},
		{"mirror", helmrelease.Override{Repository: "oci://harbor.example.com/charts", Version: "77.14.0",
			Values: map[string]any{"grafana": map[string]any{"enabled": false}}},
			"oci://harbor.example.com/charts/" + helmrelease.PrometheusOperatorCRDs.Chart, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m *Monitoring
			p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				var err error
				m, err = New(ctx, "c1-monitoring", &Args{
					Cluster: "c1", Namespace: pulumi.String("monitoring"), NamespaceName: "monitoring",
					StorageClass: "gp3", Retention: "7d", StorageSize: "20Gi",
					GrafanaAdminPassword: pulumi.ToSecret(pulumi.String("pw")).(pulumi.StringOutput), Chart: tc.override,
				})
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "dev"})
			if err != nil {
				t.Fatal(err)
			}
			charts := p.ByType("kubernetes:helm.sh/v4:Chart")
			if len(charts) != 1 {
				t.Fatalf("got %d helm/v4 Charts, want 1", len(charts))
			}
			c := charts[0]
			if m.CRDs == nil || c.Name != "c1-monitoring-crds" || !c.Remote {
				t.Errorf("CRD chart %s (remote %v, CRDs set %v), want the remote chart c1-monitoring-crds", c.Name, c.Remote, m.CRDs != nil)
			}
			if c.Inputs["chart"] != tc.want || c.Inputs["version"] != helmrelease.PrometheusOperatorCRDsVersion {
				t.Errorf("chart %v %v, want %s %s", c.Inputs["chart"], c.Inputs["version"], tc.want, helmrelease.PrometheusOperatorCRDsVersion)
			}
			if got, _ := dig(c.Inputs, "repositoryOpts", "repo").(string); got != tc.repo {
				t.Errorf("repository %q, want %q", got, tc.repo)
			}
			want := map[string]any{"crds": map[string]any{"annotations": map[string]any{"pulumi.com/patchForce": "true"}}}
			if got := c.Inputs["values"]; !reflect.DeepEqual(got, want) {
				t.Errorf("CRD chart values %v, want %v", got, want)
			}
			rel := p.ByType("kubernetes:helm.sh/v3:Release")[0]
			if !slices.Contains(rel.Dependencies, c.URN) {
				t.Errorf("kube-prometheus-stack waits for %v, not its CRDs' chart %s", rel.Dependencies, c.URN)
			}
			if got := dig(rel.Inputs, "values", "crds", "enabled"); got != false {
				t.Errorf("kube-prometheus-stack crds.enabled = %v, want false", got)
			}
		})
	}
}
