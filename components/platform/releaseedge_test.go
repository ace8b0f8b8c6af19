package platform_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/addons/rollouts"
	"github.com/fleetform/fleetform/components/addons/tracing"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	securityPolicyType = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy"
	ingressType        = "kubernetes:networking.k8s.io/v1:Ingress"
	istioGatewayType   = "kubernetes:networking.istio.io/v1:Gateway"
	podMonitorType     = "kubernetes:monitoring.coreos.com/v1:PodMonitor"
)

var releaseHosts = []platform.Hostname{
	{Host: "shop.example.com", SecretName: "shop.example.com-tls", SecretNamespace: "edge-ns"},
	{Host: "shop-preview.example.com", SecretName: "byo", SecretNamespace: "edge-ns", BringYourOwn: true},
	{Host: "plain.example.com", SecretName: "plain.example.com-tls", SecretNamespace: "edge-ns", Plain: true},
}

// TestReleaseHostsOnEnvoyGateway: every HTTPS release host gets its own listener
// (named for the host, which the release's HTTPRoute attaches to) with its Secret;
// plain hosts use the http listener. The controller loads the Gateway API plugin and
// Prometheus scrapes the Envoy proxies.
func TestReleaseHostsOnEnvoyGateway(t *testing.T) {
	p, out := build(t, func(a *platform.Args) {
		a.Spec.Edge, a.Spec.Rollouts.GatewayPlugin.Enabled = edges.EnvoyGateway, nil
		a.Spec.ApplyDefaults()
		a.Hostnames = releaseHosts
	})
	listeners := map[string]any{}
	for _, l := range dig(one(t, p, gatewayType).Inputs, "spec", "listeners").([]any) {
		l := l.(map[string]any)
		listeners[l["name"].(string)] = dig(l, "tls", "certificateRefs")
	}
	for host, secret := range map[string]string{"shop.example.com": "shop.example.com-tls", "shop-preview.example.com": "byo"} {
		refs, ok := listeners[gateway.ListenerName(host)]
		if !ok {
			t.Errorf("no listener for %s: %v", host, listeners)
			continue
		}
		if want := []any{map[string]any{"kind": "Secret", "name": secret, "namespace": "edge-ns"}}; !reflect.DeepEqual(refs, want) {
			t.Errorf("%s certificateRefs = %v, want %v", host, refs, want)
		}
	}
	if _, ok := listeners[gateway.ListenerName("plain.example.com")]; ok {
		t.Error("a plain host got an HTTPS listener")
	}
	if !out.Outputs.GatewayPlugin || out.Outputs.ReleaseGatewayName != gateway.Name || out.Outputs.ReleaseGatewayNamespace != platform.NamespaceEnvoyGateway {
		t.Errorf("outputs: plugin %v, release gateway %s/%s", out.Outputs.GatewayPlugin, out.Outputs.ReleaseGatewayNamespace, out.Outputs.ReleaseGatewayName)
	}
	plugins := dig(release(t, p, "argo-rollouts").Inputs["values"], "controller", "trafficRouterPlugins")
	if want := []any{map[string]any{"name": rollouts.GatewayPluginName, "location": rollouts.GatewayPluginLocation}}; !reflect.DeepEqual(plugins, want) {
		t.Errorf("trafficRouterPlugins = %v, want %v", plugins, want)
	}
	pm := one(t, p, podMonitorType)
	if got := dig(pm.Inputs, "spec", "selector", "matchLabels", gateway.EnvoyOwningGatewayLabel); got != gateway.Name {
		t.Errorf("PodMonitor selects %v", dig(pm.Inputs, "spec", "selector"))
	}
}

// TestReleaseHostsOnIstio: releases bind to an Istio Gateway on the shared Gateway's
// pods, one HTTPS server per TLS host (and a redirect from port 80), plain hosts on
// port 80; no plugin is loaded (Rollouts routes Istio natively).
func TestReleaseHostsOnIstio(t *testing.T) {
	p, out := build(t, func(a *platform.Args) {
		a.Spec.Edge, a.Spec.Rollouts.GatewayPlugin.Enabled = edges.Istio, nil
		a.Spec.ApplyDefaults()
		a.Hostnames = releaseHosts
	})
	g := one(t, p, istioGatewayType)
	if got := dig(g.Inputs, "spec", "selector", gateway.GatewayNameLabel); got != gateway.Name {
		t.Errorf("selector = %v", dig(g.Inputs, "spec", "selector"))
	}
	servers := dig(g.Inputs, "spec", "servers").([]any)
	creds := map[string]any{}
	var redirect, plain []any
	for _, s := range servers {
		s := s.(map[string]any)
		switch {
		case dig(s, "tls", "credentialName") != nil:
			creds[s["hosts"].([]any)[0].(string)] = dig(s, "tls", "credentialName")
		case dig(s, "tls", "httpsRedirect") == true:
			redirect = s["hosts"].([]any)
		default:
			plain = s["hosts"].([]any)
		}
	}
	if want := map[string]any{"*/shop.example.com": "shop.example.com-tls", "*/shop-preview.example.com": "byo"}; !reflect.DeepEqual(creds, want) {
		t.Errorf("HTTPS servers = %v, want %v", creds, want)
	}
	if !reflect.DeepEqual(redirect, []any{"*/shop.example.com", "*/shop-preview.example.com"}) || !reflect.DeepEqual(plain, []any{"*/plain.example.com"}) {
		t.Errorf("port 80: redirect %v, plain %v", redirect, plain)
	}
	if out.Outputs.GatewayPlugin || out.Outputs.ReleaseGatewayName != gateway.IstioReleasesGateway || out.Outputs.ReleaseGatewayNamespace != platform.NamespaceIstio {
		t.Errorf("outputs: plugin %v, release gateway %s/%s", out.Outputs.GatewayPlugin, out.Outputs.ReleaseGatewayNamespace, out.Outputs.ReleaseGatewayName)
	}
	eps, _ := dig(one(t, p, podMonitorType).Inputs, "spec", "podMetricsEndpoints").([]any)
	if len(eps) != 1 || dig(eps[0], "port") != gateway.IstioMetricsPort {
		t.Errorf("PodMonitor endpoints = %v", eps)
	}
}

// TestGatewayPluginValidation: the plugin's location must be a URL the controller
// can fetch and its checksum a sha256, each reported at its path.
func TestGatewayPluginValidation(t *testing.T) {
	for _, tc := range []struct {
		name, location, sum, field string
	}{
		{"mirror", "https://mirror.example.com/gatewayapi-plugin-linux-arm64", "", ""},
		{"baked in", "file:///plugins/gatewayapi", "", ""},
		{"http", "http://mirror.example.com/plugin", "", "platform.rollouts.gatewayPlugin.location"},
		{"bad sum", "", "ABC", "platform.rollouts.gatewayPlugin.sha256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := platform.Spec{}
			s.Rollouts.GatewayPlugin.Location, s.Rollouts.GatewayPlugin.SHA256 = tc.location, tc.sum
			s.ApplyDefaults()
			var got []string
			for _, e := range s.Validate(field.NewPath("platform")) {
				if len(e.Field) > len("platform.rollouts") && e.Field[:len("platform.rollouts")] == "platform.rollouts" {
					got = append(got, e.Field)
				}
			}
			if (tc.field == "" && len(got) != 0) || (tc.field != "" && (len(got) != 1 || got[0] != tc.field)) {
				t.Errorf("errors at %v, want %q", got, tc.field)
			}
		})
	}
}

// TestEndpointsOnEnvoyGateway: a spoke's /federate and the tracing hub's receiver
// move to the shared Gateway: a listener for each host with the certificate read
// from the endpoint's namespace through a ReferenceGrant, an HTTPRoute for the exact
// path, and on /federate a SecurityPolicy that asks for basic auth ({SHA} htpasswd,
// the password never in plain text).
func TestEndpointsOnEnvoyGateway(t *testing.T) {
	for _, role := range []cluster.FederationRole{cluster.FederationSpoke, cluster.FederationHub} {
		p, _ := build(t, func(a *platform.Args) {
			a.Federation = role
			a.Spec.Edge = edges.EnvoyGateway
			a.Spec.ApplyDefaults()
		})
		var host, routeName string
		switch role {
		case cluster.FederationSpoke:
			host, routeName = monitoring.SpokeHost("c1", "example.com"), monitoring.FederationIngress
			sp := one(t, p, securityPolicyType)
			if got := dig(sp.Inputs, "spec", "basicAuth", "users", "name"); got != monitoring.EnvoyHtpasswdSecret {
				t.Errorf("basicAuth users = %v", got)
			}
		case cluster.FederationHub:
			host, routeName = "otlp.hub.example.com", tracing.HubIngress
		}
		var route *plan.Resource
		for _, r := range p.ByType(routeType) {
			if dig(r.Inputs, "metadata", "name") == routeName {
				route = r
			}
		}
		if route == nil {
			t.Fatalf("%s: no HTTPRoute %s", role, routeName)
		}
		parents, _ := dig(route.Inputs, "spec", "parentRefs").([]any)
		if len(parents) != 1 || dig(parents[0], "sectionName") != gateway.ListenerName(host) {
			t.Errorf("%s: parentRefs %v, want the %s listener", role, parents, host)
		}
		found := false
		for _, l := range dig(one(t, p, gatewayType).Inputs, "spec", "listeners").([]any) {
			found = found || dig(l, "name") == gateway.ListenerName(host)
		}
		if !found {
			t.Errorf("%s: the Gateway has no listener for %s", role, host)
		}
		if n := len(p.ByType(ingressType)); n != 0 {
			t.Errorf("%s: %d Ingresses on a Gateway edge", role, n)
		}
	}
}

// TestGrafanaOnTheEdge: with monitoring.grafana.domain each cluster's Grafana is
// served at grafana.<cluster>.<domain> with its public root_url: on envoy-gateway
// through a listener and an HTTPRoute to the Grafana Service, on ingress-nginx
// through the chart's Ingress; either way with the grafana-tls certificate.
func TestGrafanaOnTheEdge(t *testing.T) {
	host := monitoring.GrafanaHost("c1", "example.com")
	for _, edge := range []edges.Edge{edges.EnvoyGateway, edges.IngressNginx} {
		p, _ := build(t, func(a *platform.Args) {
			a.Spec.Edge = edge
			a.Spec.Monitoring.Grafana.Domain = "example.com"
			a.Spec.Monitoring.Grafana.TLSSecretName = ""
			a.Spec.ApplyDefaults()
		})
		g := dig(release(t, p, "kube-prometheus-stack").Inputs["values"], "grafana").(map[string]any)
		if got := dig(g, "grafana.ini", "server", "root_url"); got != "https://"+host {
			t.Errorf("%s: root_url = %v", edge, got)
		}
		var route *plan.Resource
		for _, r := range p.ByType(routeType) {
			if dig(r.Inputs, "metadata", "name") == monitoring.GrafanaRoute {
				route = r
			}
		}
		switch edge {
		case edges.EnvoyGateway:
			if route == nil {
				t.Fatalf("no HTTPRoute %s", monitoring.GrafanaRoute)
			}
			refs, _ := dig(route.Inputs, "spec", "rules").([]any)
			if len(refs) != 1 || dig(refs[0].(map[string]any)["backendRefs"].([]any)[0], "name") != monitoring.GrafanaService {
				t.Errorf("route rules = %v", refs)
			}
			if g["ingress"] != nil {
				t.Errorf("the chart's Ingress is on with a Gateway edge: %v", g["ingress"])
			}
		case edges.IngressNginx:
			if route != nil {
				t.Error("an HTTPRoute on ingress-nginx")
			}
			if got := dig(g, "ingress", "tls"); !reflect.DeepEqual(got, []any{map[string]any{"secretName": platform.DefaultGrafanaTLSSecret, "hosts": []any{host}}}) {
				t.Errorf("ingress tls = %v", got)
			}
		}
	}
	s := platform.Spec{}
	s.Ingress.Enabled = new(bool)
	s.Monitoring.GrafanaAdminPassword, s.Monitoring.Grafana.Domain = "grafana", "example.com"
	s.ApplyDefaults()
	found := false
	for _, e := range s.Validate(field.NewPath("platform")) {
		found = found || e.Field == "platform.monitoring.grafana.domain"
	}
	if !found {
		t.Error("grafana.domain with the edge off is not refused at platform.monitoring.grafana.domain")
	}
}

// TestDashboardOnTheEdge: rollouts.dashboardAccess serves the dashboard at
// rollouts.<cluster>.<domain> behind basic auth: a SecurityPolicy made before the
// HTTPRoute on envoy-gateway, nginx's auth annotations on ingress-nginx; the password
// never appears in plain text; istio and a dashboard that is off are refused.
func TestDashboardOnTheEdge(t *testing.T) {
	for _, edge := range []edges.Edge{edges.EnvoyGateway, edges.IngressNginx} {
		p, _ := build(t, func(a *platform.Args) {
			a.Spec.Edge = edge
			a.Spec.Rollouts.Dashboard = true
			a.Spec.Rollouts.DashboardAccess = platform.DashboardAccessSpec{Domain: "example.com", Password: "grafanaAdminPassword"}
			a.Spec.ApplyDefaults()
		})
		host := platform.DashboardHost("c1", "example.com")
		switch edge {
		case edges.EnvoyGateway:
			var route, policy *plan.Resource
			for _, r := range p.ByType(routeType) {
				if dig(r.Inputs, "metadata", "name") == platform.DashboardRoute {
					route = r
				}
			}
			for _, r := range p.ByType(securityPolicyType) {
				if dig(r.Inputs, "metadata", "name") == platform.DashboardRoute {
					policy = r
				}
			}
			if route == nil || policy == nil {
				t.Fatalf("route %v, policy %v", route != nil, policy != nil)
			}
			waits := false
			for _, d := range route.Dependencies {
				waits = waits || d == policy.URN
			}
			if !waits {
				t.Error("the dashboard's HTTPRoute does not wait for its SecurityPolicy")
			}
			if got := dig(route.Inputs, "spec", "hostnames"); !reflect.DeepEqual(got, []any{host}) {
				t.Errorf("hostnames = %v", got)
			}
		case edges.IngressNginx:
			var ing *plan.Resource
			for _, r := range p.ByType(ingressType) {
				if dig(r.Inputs, "metadata", "name") == platform.DashboardRoute {
					ing = r
				}
			}
			if ing == nil || dig(ing.Inputs, "metadata", "annotations", "nginx.ingress.kubernetes.io/auth-type") != "basic" {
				t.Fatalf("no basic-auth Ingress for the dashboard: %v", ing)
			}
		}
		for _, r := range p.Resources {
			if strings.Contains(fmt.Sprint(r.Inputs), secretValues["grafanaAdminPassword"]) {
				t.Errorf("%s shows the dashboard password", r.URN)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*platform.Spec)
	}{
		{"istio", func(s *platform.Spec) { s.Edge = edges.Istio }},
		{"dashboard off", func(s *platform.Spec) { s.Rollouts.Dashboard = false }},
		{"no password", func(s *platform.Spec) { s.Rollouts.DashboardAccess.Password = "" }},
	} {
		s := fullSpec(platform.LoggingLoki)
		s.Rollouts.Dashboard = true
		s.Rollouts.DashboardAccess = platform.DashboardAccessSpec{Domain: "example.com", Password: "grafanaAdminPassword"}
		tc.mutate(&s)
		s.ApplyDefaults()
		n := 0
		for _, e := range s.Validate(field.NewPath("platform")) {
			if strings.HasPrefix(e.Field, "platform.rollouts.dashboardAccess") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d errors at platform.rollouts.dashboardAccess, want 1", tc.name, n)
		}
	}
}
