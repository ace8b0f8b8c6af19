package release

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	typeHTTPRoute      = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
	typeVirtualService = "kubernetes:networking.istio.io/v1:VirtualService"
)

var (
	gatewayRouting = Routing{Edge: edges.EnvoyGateway, GatewayName: "edge", GatewayNamespace: "envoy-gateway-system", Plugin: true, Issuer: "fleetform"}
	istioRouting   = Routing{Edge: edges.Istio, GatewayName: "releases", GatewayNamespace: "istio-system", Issuer: "fleetform"}
	kongRouting    = Routing{Edge: edges.Kong, GatewayName: "edge", GatewayNamespace: "kong", Plugin: true, Issuer: "fleetform"}
)

func routed(s Spec, ns string, r Routing) *Args {
	a := testArgs(s, ns)
	a.IngressClass, a.Routing = "", r
	return a
}

// TestCanaryOnGatewayAPI: on Envoy Gateway the canary's host is one HTTPRoute on the
// host's HTTPS listener of the shared Gateway, stable at 100 and canary at 0; the
// Rollout shifts it through the plugin, the analysis reads the route's Envoy
// cluster, and the weights are left to the controller on later applies.
func TestCanaryOnGatewayAPI(t *testing.T) {
	s := canarySpec("storefront")
	p := runRelease(t, routed(s, "prod", gatewayRouting))
	if n := len(p.ByType(typeIngress)); n != 0 {
		t.Errorf("got %d Ingresses on a Gateway API edge, want 0", n)
	}
	route := one(t, p, typeHTTPRoute)
	spec := route.Inputs["spec"]
	parent := get(t, spec, "parentRefs", 0).(map[string]any)
	if parent["name"] != "edge" || parent["namespace"] != "envoy-gateway-system" || parent["sectionName"] != "https-storefront-example-com" {
		t.Errorf("parentRef = %v", parent)
	}
	refs := get(t, spec, "rules", 0, "backendRefs").([]any)
	want := []any{
		map[string]any{"kind": "Service", "name": "storefront-stable", "port": 8080.0, "weight": 100.0},
		map[string]any{"kind": "Service", "name": "storefront-canary", "port": 8080.0, "weight": 0.0},
	}
	if !reflect.DeepEqual(refs, want) {
		t.Errorf("backendRefs = %v, want %v", refs, want)
	}
	if got := route.IgnoreChanges; !reflect.DeepEqual(got, []string{"spec.rules[0].backendRefs[0].weight", "spec.rules[0].backendRefs[1].weight"}) {
		t.Errorf("ignoreChanges = %v", got)
	}
	ro := one(t, p, typeRollout)
	tr := get(t, ro.Inputs["spec"], "strategy", "canary", "trafficRouting")
	if !reflect.DeepEqual(tr, map[string]any{"plugins": map[string]any{GatewayAPIPlugin: map[string]any{"httpRoute": "storefront", "namespace": "prod"}}}) {
		t.Errorf("trafficRouting = %v", tr)
	}
	analysis := canaryAnalysis(t, ro)
	if got := get(t, analysis, "args", 0, "value"); got != "httproute/prod/storefront/rule/0" {
		t.Errorf("analysis cluster arg = %v", got)
	}
	q := get(t, one(t, p, typeTemplate).Inputs["spec"], "metrics", 0, "provider", "prometheus", "query").(string)
	if !strings.Contains(q, EnvoyRequestsMetric+`{envoy_cluster_name="{{args.cluster}}",envoy_response_code_class!="5"}`) {
		t.Errorf("query = %s", q)
	}
}

// canaryAnalysis is the analysis of the Rollout's canary steps.
func canaryAnalysis(t *testing.T, ro *plan.Resource) map[string]any {
	t.Helper()
	var analysis map[string]any
	for _, st := range get(t, ro.Inputs["spec"], "strategy", "canary", "steps").([]any) {
		if a, ok := st.(map[string]any)["analysis"]; ok {
			analysis = a.(map[string]any)
		}
	}
	return analysis
}

// TestCanaryOnKong: on Kong the canary's host is the same HTTPRoute on the shared
// Gateway, shifted by the Rollouts plugin, and the analysis reads Kong's
// kong_http_requests_total of the Kong routes KIC makes from the HTTPRoute
// (httproute.<namespace>.<name>.…), not of its Kong service, whose name carries the
// weights the canary moves.
func TestCanaryOnKong(t *testing.T) {
	p := runRelease(t, routed(canarySpec("storefront"), "prod", kongRouting))
	route := one(t, p, typeHTTPRoute)
	parent := get(t, route.Inputs["spec"], "parentRefs", 0).(map[string]any)
	if parent["namespace"] != "kong" || parent["sectionName"] != "https-storefront-example-com" {
		t.Errorf("parentRef = %v", parent)
	}
	ro := one(t, p, typeRollout)
	tr := get(t, ro.Inputs["spec"], "strategy", "canary", "trafficRouting")
	if !reflect.DeepEqual(tr, map[string]any{"plugins": map[string]any{GatewayAPIPlugin: map[string]any{"httpRoute": "storefront", "namespace": "prod"}}}) {
		t.Errorf("trafficRouting = %v", tr)
	}
	analysis := canaryAnalysis(t, ro)
	want := []any{map[string]any{"name": ArgRoute, "value": "storefront"}, map[string]any{"name": ArgNamespace, "value": "prod"}}
	if got := analysis["args"]; !reflect.DeepEqual(got, want) {
		t.Errorf("analysis args = %v, want %v", got, want)
	}
	q := get(t, one(t, p, typeTemplate).Inputs["spec"], "metrics", 0, "provider", "prometheus", "query").(string)
	if !strings.Contains(q, KongRequestsMetric+`{route=~"httproute[.]{{args.namespace}}[.]{{args.route}}[.].+",code!~"5.."}`) {
		t.Errorf("query = %s", q)
	}
	r := kongRouting
	r.Plugin = false
	if _, err := runReleaseE(routed(canarySpec("storefront"), "prod", r)); !errors.Is(err, ErrCannotRoute) {
		t.Errorf("canary on kong without the plugin: err = %v, want ErrCannotRoute", err)
	}
}

// TestCanaryOnIstio: on Istio the host is a VirtualService bound to the Istio
// Gateway, with one route the Rollout's native Istio router reweights, and the
// analysis reads the canary Service's istio_requests_total.
func TestCanaryOnIstio(t *testing.T) {
	p := runRelease(t, routed(canarySpec("storefront"), "prod", istioRouting))
	vs := one(t, p, typeVirtualService)
	spec := vs.Inputs["spec"]
	if got := get(t, spec, "gateways"); !reflect.DeepEqual(got, []any{"istio-system/releases"}) {
		t.Errorf("gateways = %v", got)
	}
	if got := get(t, spec, "http", 0, "name"); got != PrimaryRoute {
		t.Errorf("route name = %v", got)
	}
	dests := get(t, spec, "http", 0, "route").([]any)
	if len(dests) != 2 || get(t, dests[0], "destination", "host") != "storefront-stable" || get(t, dests[1], "destination", "host") != "storefront-canary" ||
		get(t, dests[0], "weight") != 100.0 || get(t, dests[1], "weight") != 0.0 {
		t.Errorf("route = %v", dests)
	}
	ro := one(t, p, typeRollout)
	tr := get(t, ro.Inputs["spec"], "strategy", "canary", "trafficRouting")
	if !reflect.DeepEqual(tr, map[string]any{"istio": map[string]any{"virtualService": map[string]any{"name": "storefront", "routes": []any{PrimaryRoute}}}}) {
		t.Errorf("trafficRouting = %v", tr)
	}
	q := get(t, one(t, p, typeTemplate).Inputs["spec"], "metrics", 0, "provider", "prometheus", "query").(string)
	if !strings.Contains(q, `istio_requests_total{reporter="source",destination_service_name="{{args.service}}",destination_service_namespace="{{args.namespace}}",response_code!~"5.."}`) {
		t.Errorf("query = %s", q)
	}
}

// TestBlueGreenOnGatewayEdges: the active host goes to the active Service alone
// (no weights to leave to a controller) and the preview host keeps working, on its
// own route to the preview Service, on both Gateway edges.
func TestBlueGreenOnGatewayEdges(t *testing.T) {
	for _, r := range []Routing{gatewayRouting, istioRouting, kongRouting} {
		p := runRelease(t, routed(blueGreenSpec("billing"), "stage", r))
		typ := typeHTTPRoute
		if r.Edge == edges.Istio {
			typ = typeVirtualService
		}
		got := map[string]string{}
		for _, res := range p.ByType(typ) {
			spec := res.Inputs["spec"]
			var svc any
			if r.Edge == edges.Istio {
				svc = get(t, spec, "http", 0, "route", 0, "destination", "host")
				if n := len(get(t, spec, "http", 0, "route").([]any)); n != 1 {
					t.Errorf("%s: %d destinations, want 1", r.Edge, n)
				}
			} else {
				svc = get(t, spec, "rules", 0, "backendRefs", 0, "name")
				if _, weighted := get(t, spec, "rules", 0, "backendRefs", 0).(map[string]any)["weight"]; weighted {
					t.Errorf("%s: a single backend carries a weight", r.Edge)
				}
			}
			if len(res.IgnoreChanges) != 0 {
				t.Errorf("%s: ignoreChanges %v on a single-backend route", r.Edge, res.IgnoreChanges)
			}
			hosts := "hostnames"
			if r.Edge == edges.Istio {
				hosts = "hosts"
			}
			got[get(t, spec, hosts, 0).(string)] = svc.(string)
		}
		want := map[string]string{"billing.example.com": "billing-active", "billing-preview.example.com": "billing-preview"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: host → service = %v, want %v", r.Edge, got, want)
		}
	}
}

// TestGatewayCanaryWithoutPlugin: New refuses a canary with an ingress that the
// Gateway API edge cannot shift, before registering anything of it.
func TestGatewayCanaryWithoutPlugin(t *testing.T) {
	r := gatewayRouting
	r.Plugin = false
	_, err := runReleaseE(routed(canarySpec("storefront"), "prod", r))
	if !errors.Is(err, ErrCannotRoute) {
		t.Fatalf("err = %v, want ErrCannotRoute", err)
	}
}

// TestManagedCertificates: a host without tlsSecretName is HTTPS when the cluster
// has an issuer: ingress-nginx gets the cert-manager annotation and a Secret of its
// own, a Gateway edge attaches to the host's HTTPS listener; without an issuer it
// stays plain HTTP on the http listener.
func TestManagedCertificates(t *testing.T) {
	s := canarySpec("storefront")
	s.Ingress.TLSSecretName = ""
	a := testArgs(s, "prod")
	a.Routing.Issuer = "fleetform"
	p := runRelease(t, a)
	ing := one(t, p, typeIngress)
	if got := get(t, ing.Inputs["metadata"], "annotations", AnnotationIssuer); got != "fleetform" {
		t.Errorf("issuer annotation = %v", got)
	}
	if got := get(t, ing.Inputs["spec"], "tls", 0, "secretName"); got != "storefront-storefront-example-com-tls" {
		t.Errorf("tls secret = %v", got)
	}
	plain := gatewayRouting
	plain.Issuer = ""
	p = runRelease(t, routed(s, "prod", plain))
	if got := get(t, one(t, p, typeHTTPRoute).Inputs["spec"], "parentRefs", 0, "sectionName"); got != HTTPListener {
		t.Errorf("sectionName without TLS = %v, want %s", got, HTTPListener)
	}
}
