package platform_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	gatewayClassType  = "kubernetes:gateway.networking.k8s.io/v1:GatewayClass"
	kongPluginType    = "kubernetes:configuration.konghq.com/v1:KongPlugin"
	kongClusterPlugin = "kubernetes:configuration.konghq.com/v1:KongClusterPlugin"
	kongConsumerType  = "kubernetes:configuration.konghq.com/v1:KongConsumer"
	secretType        = "kubernetes:core/v1:Secret"
)

// named is the one resource of typ whose metadata.name is name.
func named(t *testing.T, p *plan.Plan, typ, name string) *plan.Resource {
	t.Helper()
	var out []*plan.Resource
	for _, r := range p.ByType(typ) {
		if dig(r.Inputs, "metadata", "name") == name {
			out = append(out, r)
		}
	}
	if len(out) != 1 {
		t.Fatalf("got %d %s named %s, want 1", len(out), typ, name)
	}
	return out[0]
}

func waitsFor(r *plan.Resource, urns ...string) bool {
	for _, u := range urns {
		if !slices.Contains(r.Dependencies, u) {
			return false
		}
	}
	return true
}

// TestKongEdge: on edge kong (the proxy Service per cloud is TestGatewayEdgePerCloud's)
// Kong Manager is not published, the GatewayClass is KIC's (unmanaged), the shared
// Gateway is of that class in the kong namespace and waits for the chart and the
// class, a global prometheus KongClusterPlugin turns on the request counter and waits
// for the chart alone, the PodMonitor scrapes the proxy pods' status port, and the
// Rollouts plugin is on.
func TestKongEdge(t *testing.T) {
	p, out := build(t, func(a *platform.Args) {
		a.Cloud = cluster.Alicloud
		a.Spec.Edge = edges.Kong
		a.Spec.Rollouts.GatewayPlugin.Enabled = nil // kong's default: on
		a.Spec.ApplyDefaults()
	})
	rel := release(t, p, helmrelease.KongIngress.Chart)
	if rel.Inputs["version"] != helmrelease.KongIngressVersion || dig(rel.Inputs, "namespace") != platform.NamespaceKong {
		t.Errorf("kong release version %v namespace %v", rel.Inputs["version"], rel.Inputs["namespace"])
	}
	if m := dig(rel.Inputs, "values", "gateway", "manager", "enabled"); m != false {
		t.Errorf("gateway.manager.enabled %v, want false (no NodePort admin GUI)", m)
	}
	gc := one(t, p, gatewayClassType)
	if dig(gc.Inputs, "spec", "controllerName") != gateway.KongGatewayController ||
		dig(gc.Inputs, "metadata", "annotations", gateway.AnnotationKongUnmanaged) != "true" {
		t.Errorf("GatewayClass %v, want KIC's controller, unmanaged", gc.Inputs)
	}
	gw := one(t, p, gatewayType)
	if dig(gw.Inputs, "spec", "gatewayClassName") != gateway.KongGatewayClassName || dig(gw.Inputs, "metadata", "namespace") != platform.NamespaceKong {
		t.Errorf("Gateway %v, want class kong in namespace kong", gw.Inputs)
	}
	if !waitsFor(gw, rel.URN, gc.URN) {
		t.Errorf("Gateway waits for %v, want the chart and the GatewayClass", gw.Dependencies)
	}
	prom := one(t, p, kongClusterPlugin)
	if dig(prom.Inputs, "plugin") != "prometheus" || dig(prom.Inputs, "config", "status_code_metrics") != true ||
		dig(prom.Inputs, "metadata", "labels", gateway.LabelKongGlobal) != "true" ||
		dig(prom.Inputs, "metadata", "annotations", gateway.AnnotationIngressClass) != gateway.KongIngressClass {
		t.Errorf("prometheus plugin %v, want a global plugin of class kong with status code metrics", prom.Inputs)
	}
	if !reflect.DeepEqual(prom.Dependencies, []string{rel.URN}) {
		t.Errorf("prometheus plugin waits for %v, want the chart (its CRD) alone", prom.Dependencies)
	}
	pm := one(t, p, podMonitorType)
	if dig(pm.Inputs, "spec", "selector", "matchLabels", "app.kubernetes.io/name") != gateway.KongGatewayPodName ||
		dig(pm.Inputs, "spec", "podMetricsEndpoints").([]any)[0].(map[string]any)["port"] != gateway.KongMetricsPort {
		t.Errorf("PodMonitor %v, want the Kong proxy pods' status port", pm.Inputs)
	}
	if out.Outputs.Edge != edges.Kong || out.Outputs.GatewayNamespace != platform.NamespaceKong ||
		out.Outputs.ReleaseGatewayName != gateway.Name || !out.Outputs.GatewayPlugin {
		t.Errorf("outputs %+v, want the kong Gateway and the Rollouts plugin", out.Outputs)
	}
	for _, r := range p.ByType(releaseType) {
		if c, _ := r.Inputs["chart"].(string); c == "gateway-helm" || c == "istiod" || c == "ingress-nginx" {
			t.Errorf("edge kong installs %s", c)
		}
	}
}

// TestKongBasicAuth: a spoke's /federate and the Rollouts dashboard on edge kong ask
// for basic auth with Kong's own objects: per route a basic-auth and an acl
// KongPlugin, a KongConsumer of class kong with a basic-auth and an acl credential
// Secret labelled as KIC expects, and the HTTPRoute listing both plugins, made after
// them. Kong's objects wait for Kong's chart; the passwords never show.
func TestKongBasicAuth(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {
		a.Federation = cluster.FederationSpoke
		a.Spec.Edge = edges.Kong
		a.Spec.Rollouts.Dashboard = true
		a.Spec.Rollouts.DashboardAccess = platform.DashboardAccessSpec{Domain: "example.com", Password: "grafanaAdminPassword"}
		a.Spec.ApplyDefaults()
	})
	rel := release(t, p, helmrelease.KongIngress.Chart)
	for _, tc := range []struct {
		route, namespace, password string
	}{
		{monitoring.FederationIngress, platform.NamespaceMonitoring, secretValues["federationPassword"]},
		{platform.DashboardRoute, platform.NamespaceRollouts, secretValues["grafanaAdminPassword"]},
	} {
		t.Run(tc.route, func(t *testing.T) {
			basic := named(t, p, kongPluginType, tc.route+"-basic-auth")
			acl := named(t, p, kongPluginType, tc.route+"-acl")
			if dig(basic.Inputs, "plugin") != "basic-auth" || dig(basic.Inputs, "config", "hide_credentials") != true {
				t.Errorf("basic-auth plugin %v", basic.Inputs)
			}
			if dig(acl.Inputs, "plugin") != "acl" || !reflect.DeepEqual(dig(acl.Inputs, "config", "allow"), []any{tc.route}) {
				t.Errorf("acl plugin %v, want only group %s", acl.Inputs, tc.route)
			}
			consumer := named(t, p, kongConsumerType, tc.route)
			if dig(consumer.Inputs, "metadata", "annotations", gateway.AnnotationIngressClass) != gateway.KongIngressClass ||
				!reflect.DeepEqual(dig(consumer.Inputs, "credentials"), []any{tc.route + "-basic-auth", tc.route + "-acl"}) ||
				dig(consumer.Inputs, "metadata", "namespace") != tc.namespace {
				t.Errorf("consumer %v", consumer.Inputs)
			}
			cred := named(t, p, secretType, tc.route+"-basic-auth")
			// The plan redacts a Secret's data whole; gateway's tests read the keys.
			if dig(cred.Inputs, "metadata", "labels", gateway.LabelKongCredential) != "basic-auth" ||
				strings.Contains(fmt.Sprint(cred.Inputs), tc.password) {
				t.Errorf("basic-auth credential %v, want the label and no plain password", cred.Inputs)
			}
			aclCred := named(t, p, secretType, tc.route+"-acl")
			if dig(aclCred.Inputs, "metadata", "labels", gateway.LabelKongCredential) != "acl" {
				t.Errorf("acl credential %v", aclCred.Inputs)
			}
			for _, r := range []*plan.Resource{basic, acl, consumer, cred, aclCred} {
				if !waitsFor(r, rel.URN) && r != consumer {
					t.Errorf("%s waits for %v, want Kong's chart (its CRDs)", r.Name, r.Dependencies)
				}
			}
			if !waitsFor(consumer, cred.URN, aclCred.URN) {
				t.Errorf("consumer waits for %v, want its credentials", consumer.Dependencies)
			}
			route := named(t, p, routeType, tc.route)
			if got := dig(route.Inputs, "metadata", "annotations", gateway.AnnotationKongPlugins); got != tc.route+"-basic-auth,"+tc.route+"-acl" {
				t.Errorf("route plugins annotation %v", got)
			}
			if !waitsFor(route, basic.URN, acl.URN, consumer.URN) {
				t.Errorf("route waits for %v, want the plugins and the consumer first", route.Dependencies)
			}
		})
	}
	if n := len(p.ByType(securityPolicyType)); n != 0 {
		t.Errorf("%d SecurityPolicies on edge kong", n)
	}
	for _, r := range p.Resources {
		s := fmt.Sprint(r.Inputs)
		if strings.Contains(s, secretValues["grafanaAdminPassword"]) || strings.Contains(s, secretValues["federationPassword"]) {
			t.Errorf("%s shows a password", r.URN)
		}
	}
}

// TestKongValidation: kong takes a federation spoke and the Rollouts dashboard
// (istio does not), and refuses one basic-auth username for both, but not on a hub
// (it serves no /federate) or on envoy-gateway (htpasswd per route).
func TestKongValidation(t *testing.T) {
	spoke := []cluster.Spec{{Name: "c1", Federation: cluster.FederationSpoke}}
	hub := []cluster.Spec{{Name: "c1", Federation: cluster.FederationHub}}
	sameUser := func(s *platform.Spec) { s.Rollouts.DashboardAccess.Username = platform.DefaultFederationUsername }
	for _, tc := range []struct {
		name     string
		clusters []cluster.Spec
		mutate   func(*platform.Spec)
		want     string // field path of the one error; "" for none
	}{
		{"spoke and dashboard", spoke, func(*platform.Spec) {}, ""},
		{"one username for both", spoke, sameUser, "platform.rollouts.dashboardAccess.username"},
		{"one username on a hub", hub, sameUser, ""},
		{"one username on envoy-gateway", spoke, func(s *platform.Spec) {
			s.Edge = edges.EnvoyGateway
			sameUser(s)
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSpec(platform.LoggingLoki)
			s.Edge = edges.Kong
			s.Rollouts.DashboardAccess = platform.DashboardAccessSpec{Domain: "example.com", Password: "grafanaAdminPassword"}
			s.Rollouts.GatewayPlugin.Enabled = nil
			tc.mutate(&s)
			s.ApplyDefaults()
			p := field.NewPath("platform")
			errs := append(s.Validate(p), s.ValidateClusters(p, tc.clusters)...)
			if tc.want == "" {
				if len(errs) > 0 {
					t.Errorf("errors %v, want none", errs)
				}
				if !*s.Rollouts.GatewayPlugin.Enabled {
					t.Error("the Rollouts Gateway API plugin is off by default, want on")
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tc.want || !strings.Contains(errs[0].Error(), platform.MsgKongUsernames) {
				t.Errorf("errors %v, want one at %s saying %q", errs, tc.want, platform.MsgKongUsernames)
			}
		})
	}
}
