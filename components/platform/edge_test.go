package platform_test

import (
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	gatewayType    = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
	routeType      = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
	grantType      = "kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant"
	envoyProxyType = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy"
	configMapType  = "kubernetes:core/v1:ConfigMap"
)

func one(t *testing.T, p *plan.Plan, typ string) *plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("got %d %s, want 1", len(rs), typ)
	}
	return rs[0]
}

// TestGatewayEdgePerCloud: the shared Gateway's proxy Service keeps each cloud's
// load-balancer settings, for Envoy Gateway (EnvoyProxy), Istio (the options
// ConfigMap the Gateway's infrastructure names) and Kong (the chart's gateway.proxy).
func TestGatewayEdgePerCloud(t *testing.T) {
	for _, edge := range []edges.Edge{edges.EnvoyGateway, edges.Istio, edges.Kong} {
		for _, tc := range []struct {
			name     string
			cloud    cluster.Cloud
			internal bool
			svcType  string
			policy   string
		}{
			{"aws internal NLB", cluster.AWS, true, "LoadBalancer", "Local"},
			{"azure public LB", cluster.Azure, false, "LoadBalancer", "Local"},
			{"alicloud intranet CLB", cluster.Alicloud, true, "LoadBalancer", "Local"},
			{"existing internal", cluster.Existing, true, "NodePort", "Cluster"},
		} {
			t.Run(string(edge)+"/"+tc.name, func(t *testing.T) {
				p, out := build(t, func(a *platform.Args) {
					a.Cloud = tc.cloud
					a.Spec.Edge = edge
					a.Spec.Ingress.Internal = tc.internal
				})
				want := cluster.EdgeServiceFor(tc.cloud, tc.internal).Annotations
				var svc map[string]any
				switch edge {
				case edges.EnvoyGateway:
					svc, _ = dig(one(t, p, envoyProxyType).Inputs, "spec", "provider", "kubernetes", "envoyService").(map[string]any)
					if r := dig(one(t, p, envoyProxyType).Inputs, "spec", "provider", "kubernetes", "envoyDeployment", "replicas"); r != float64(platform.DefaultIngressReplicas) {
						t.Errorf("envoy replicas = %v, want %d", r, platform.DefaultIngressReplicas)
					}
				case edges.Istio:
					cm := one(t, p, configMapType)
					s, _ := dig(cm.Inputs, "data", "service").(string)
					if err := yaml.Unmarshal([]byte(s), &svc); err != nil {
						t.Fatal(err)
					}
					svc["annotations"] = dig(svc, "metadata", "annotations")
					svc["type"], svc["externalTrafficPolicy"] = dig(svc, "spec", "type"), dig(svc, "spec", "externalTrafficPolicy")
				case edges.Kong:
					v := release(t, p, helmrelease.KongIngress.Chart).Inputs["values"]
					svc, _ = dig(v, "gateway", "proxy").(map[string]any)
					if r := dig(v, "gateway", "replicaCount"); r != float64(platform.DefaultIngressReplicas) {
						t.Errorf("kong gateway.replicaCount = %v, want %d", r, platform.DefaultIngressReplicas)
					}
				}
				got, _ := svc["annotations"].(map[string]any)
				if len(want) == 0 && len(got) == 0 {
					got = want
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("proxy Service annotations = %v, want %v", got, want)
				}
				if svc["type"] != tc.svcType || svc["externalTrafficPolicy"] != tc.policy {
					t.Errorf("proxy Service type %v policy %v, want %s %s", svc["type"], svc["externalTrafficPolicy"], tc.svcType, tc.policy)
				}
				gw := one(t, p, gatewayType)
				if ns := dig(gw.Inputs, "metadata", "namespace"); ns != platform.EdgeNamespace(edge) {
					t.Errorf("Gateway namespace %v, want %s", ns, platform.EdgeNamespace(edge))
				}
				if out.Outputs.IngressClass != "" || out.Outputs.GatewayName != gateway.Name || out.Outputs.GatewayNamespace != platform.EdgeNamespace(edge) || out.Outputs.Edge != edge {
					t.Errorf("outputs = %+v, want the Gateway and no IngressClass", out.Outputs)
				}
				for _, r := range p.ByType(releaseType) {
					if c, _ := r.Inputs["chart"].(string); c == "ingress-nginx" {
						t.Errorf("edge %s installs ingress-nginx", edge)
					}
				}
			})
		}
	}
}

// TestHarborOnTheGateway: Harbor's chart serves a ClusterIP Service, the Gateway
// terminates TLS on a listener for Harbor's host with the Secret in Harbor's
// namespace (granted by a ReferenceGrant), and an HTTPRoute sends the host there.
func TestHarborOnTheGateway(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) { a.Spec.Edge = edges.EnvoyGateway })
	h := release(t, p, "harbor")
	if typ := dig(h.Inputs["values"], "expose", "type"); typ != "clusterIP" {
		t.Errorf("harbor expose.type = %v, want clusterIP", typ)
	}
	if tls := dig(h.Inputs["values"], "expose", "tls", "enabled"); tls != false {
		t.Errorf("harbor expose.tls.enabled = %v, want false (the Gateway terminates TLS)", tls)
	}
	// Dead keys on a Gateway edge: the chart reads them only with expose.type
	// ingress or TLS on (harbor 1.18.4 templates/ingress, _helpers.tpl).
	for _, dead := range [][]string{{"expose", "ingress"}, {"expose", "tls", "certSource"}, {"expose", "tls", "secret"}} {
		if v := dig(h.Inputs["values"], dead...); v != nil {
			t.Errorf("harbor %s = %v on a Gateway edge, which the chart never reads", strings.Join(dead, "."), v)
		}
	}
	ls, _ := dig(one(t, p, gatewayType).Inputs, "spec", "listeners").([]any)
	var names []string
	var harborL map[string]any
	for _, l := range ls {
		m := l.(map[string]any)
		names = append(names, m["name"].(string))
		if m["name"] == gateway.ListenerName("harbor.example.com") {
			harborL = m
		}
	}
	if harborL == nil || harborL["hostname"] != "harbor.example.com" || harborL["protocol"] != "HTTPS" {
		t.Fatalf("listeners %v: want an HTTPS listener %s for harbor.example.com", names, gateway.ListenerName("harbor.example.com"))
	}
	ref := dig(harborL, "tls", "certificateRefs").([]any)[0].(map[string]any)
	if ref["name"] != "harbor-tls" || ref["namespace"] != platform.NamespaceHarbor {
		t.Errorf("harbor certificateRef = %v, want harbor-tls in %s", ref, platform.NamespaceHarbor)
	}
	grant := one(t, p, grantType)
	if dig(grant.Inputs, "metadata", "namespace") != platform.NamespaceHarbor ||
		dig(grant.Inputs, "spec", "to").([]any)[0].(map[string]any)["name"] != "harbor-tls" {
		t.Errorf("ReferenceGrant = %v, want harbor-tls readable from the Gateway", grant.Inputs)
	}
	route := one(t, p, routeType)
	parent := dig(route.Inputs, "spec", "parentRefs").([]any)[0].(map[string]any)
	backend := dig(route.Inputs, "spec", "rules").([]any)[0].(map[string]any)["backendRefs"].([]any)[0].(map[string]any)
	if parent["sectionName"] != gateway.ListenerName("harbor.example.com") || parent["namespace"] != platform.NamespaceEnvoyGateway ||
		backend["name"] != platform.HarborServiceName || backend["port"] != float64(platform.HarborServicePort) {
		t.Errorf("harbor route parent %v backend %v", parent, backend)
	}
}

func TestEdgeValidation(t *testing.T) {
	spoke := []cluster.Spec{{Name: "c1", Federation: cluster.FederationSpoke}}
	for _, tc := range []struct {
		name     string
		edge     edges.Edge
		clusters []cluster.Spec
		want     string // field path of the one error; "" for none
		msg      string
	}{
		{"default is envoy-gateway", "", nil, "", ""},
		{"unknown edge", "traefik", nil, "platform.edge", "Unsupported value"},
		{"spoke on envoy-gateway", edges.EnvoyGateway, spoke, "", ""},
		{"spoke on istio", edges.Istio, spoke, "platform.edge", platform.MsgEdgeFederation},
		{"spoke on ingress-nginx", edges.IngressNginx, spoke, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSpec(platform.LoggingLoki)
			s.Edge = tc.edge
			s.ApplyDefaults()
			if tc.edge == "" && s.Edge != edges.Default {
				t.Errorf("default edge %q, want %q", s.Edge, edges.Default)
			}
			p := field.NewPath("platform")
			errs := append(s.Validate(p), s.ValidateClusters(p, tc.clusters)...)
			if tc.want == "" {
				if len(errs) > 0 {
					t.Errorf("errors %v, want none", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tc.want || !strings.Contains(errs[0].Error(), tc.msg) {
				t.Errorf("errors %v, want one at %s saying %q", errs, tc.want, tc.msg)
			}
		})
	}
}

// TestGatewayCRDsAreAChart: the Gateway API CRDs (and Envoy Gateway's, on
// that edge) come from gateway-crds-helm as a helm/v4 Chart, each CRD a resource of its
// own, never a Helm release (its release Secret would pass the API server's 1 MiB cap:
// envoyproxy/gateway #6105). That a delete leaves the CRDs in the cluster is the
// engine suite's (tests/engine, DestroyLeavesNothing): the mocks make no chart children.
func TestGatewayCRDsAreAChart(t *testing.T) {
	for _, edge := range []edges.Edge{edges.EnvoyGateway, edges.Istio} {
		t.Run(string(edge), func(t *testing.T) {
			p, _ := build(t, func(a *platform.Args) { a.Spec.Edge = edge })
			chart := crdChart(t, p, helmrelease.GatewayCRDs.Chart)
			if !chart.Remote || !strings.HasSuffix(chart.Name, "-gateway-crds") {
				t.Errorf("%s: remote=%v, want the remote chart <cluster>-gateway-crds", chart.Name, chart.Remote)
			}
			if got, want := chart.Inputs["chart"], helmrelease.Resolve(helmrelease.GatewayCRDs, helmrelease.Override{}).Chart; got != want {
				t.Errorf("chart %v, want %s", got, want)
			}
			want := map[string]any{"crds": map[string]any{
				"gatewayAPI":   map[string]any{"enabled": true, "channel": "standard"},
				"envoyGateway": map[string]any{"enabled": edge == edges.EnvoyGateway},
			}}
			if got := chart.Inputs["values"]; !reflect.DeepEqual(got, want) {
				t.Errorf("values %v, want %v", got, want)
			}
			for _, r := range p.ByType(releaseType) {
				if c, _ := r.Inputs["chart"].(string); strings.HasSuffix(c, helmrelease.GatewayCRDs.Chart) {
					t.Errorf("%s: gateway-crds-helm as a Helm release", r.Name)
				}
			}
		})
	}
}
