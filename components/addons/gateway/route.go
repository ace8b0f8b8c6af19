package gateway

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// Attachment is where an endpoint's HTTPRoute attaches: the shared Gateway in
// Namespace, on its Listener for the endpoint's host.
type Attachment struct {
	Namespace, Listener string
	// Edge is the Gateway's implementation; it decides how basic auth is asked for
	// (a SecurityPolicy on Envoy Gateway, Kong's plugins on Kong).
	Edge edges.Edge
	// KongReady is Kong's chart install (its CRDs), which Kong's objects wait for;
	// required with Edge kong.
	KongReady pulumi.Resource
}

// Route is one HTTPRoute on the shared Gateway that sends a host to one Service port.
type Route struct {
	// Name and Namespace are the HTTPRoute's; the Service is in the same namespace.
	Name      string
	Namespace pulumi.StringInput
	// Host is the hostname routed.
	Host string
	// Listener, when set, attaches the route to that listener (section) only, e.g. the
	// host's HTTPS one; empty attaches it to every listener that serves Host.
	Listener string
	// Service and Port are the backend.
	Service string
	Port    int
	// Path is the one path routed: a prefix, or with Exact that path alone. Empty: "/".
	Path  string
	Exact bool
	// GatewayNamespace is where the shared Gateway runs.
	GatewayNamespace string
	// Annotations go on the HTTPRoute (Kong's plugins, KongBasicAuth.RouteAnnotations).
	Annotations map[string]string
}

// RouteSpec attaches to the shared Gateway (every listener that serves Host, or
// Listener only) and sends Path (all paths by default) to the Service.
func RouteSpec(r Route) map[string]any {
	parent := map[string]any{"group": GatewayAPIGroup, "kind": KindGateway, "name": Name, "namespace": r.GatewayNamespace}
	if r.Listener != "" {
		parent["sectionName"] = r.Listener
	}
	match := map[string]any{"type": "PathPrefix", "value": "/"}
	if r.Path != "" {
		match["value"] = r.Path
	}
	if r.Exact {
		match["type"] = "Exact"
	}
	return map[string]any{
		"parentRefs": []any{parent},
		"hostnames":  []any{r.Host},
		"rules": []any{map[string]any{
			"matches":     []any{map[string]any{"path": match}},
			"backendRefs": []any{map[string]any{"name": r.Service, "port": r.Port}},
		}},
	}
}

// NewRoute creates the HTTPRoute r describes.
func NewRoute(ctx *pulumi.Context, name string, r Route, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	m := meta(r.Name, r.Namespace)
	if len(r.Annotations) > 0 {
		m.Annotations = pulumi.ToStringMap(r.Annotations)
	}
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(GatewayAPIVersion),
		Kind:        pulumi.String(KindHTTPRoute),
		Metadata:    m,
		OtherFields: kubernetes.UntypedArgs{"spec": RouteSpec(r)},
	}, opts...)
}

// TLSGrant lets the shared Gateway read one TLS Secret in another namespace.
type TLSGrant struct {
	// Name and Namespace are the ReferenceGrant's; Namespace is the Secret's.
	Name      string
	Namespace pulumi.StringInput
	// SecretName is the Secret the Gateway may read.
	SecretName string
	// GatewayNamespace is where the shared Gateway runs.
	GatewayNamespace string
}

// TLSGrantSpec allows Gateways of GatewayNamespace to reference the one Secret.
func TLSGrantSpec(g TLSGrant) map[string]any {
	return map[string]any{
		"from": []any{map[string]any{"group": GatewayAPIGroup, "kind": KindGateway, "namespace": g.GatewayNamespace}},
		"to":   []any{map[string]any{"group": "", "kind": "Secret", "name": g.SecretName}},
	}
}

// NewTLSGrant creates the ReferenceGrant g describes.
func NewTLSGrant(ctx *pulumi.Context, name string, g TLSGrant, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(ReferenceGrantVersion),
		Kind:        pulumi.String(KindReferenceGrant),
		Metadata:    meta(g.Name, g.Namespace),
		OtherFields: kubernetes.UntypedArgs{"spec": TLSGrantSpec(g)},
	}, opts...)
}

// ListenerName is the shared Gateway's HTTPS listener (section) for a host: the
// platform names its listeners with it and releases' HTTPRoutes attach by it.
func ListenerName(host string) string {
	return "https-" + strings.ReplaceAll(host, ".", "-")
}

// EdgeSecretName is the TLS Secret, in the edge's namespace, of a host a Gateway edge
// serves when the stack names none: cert-manager issues it there, where the Gateway
// (or Istio's gateway pods, which read only their own namespace) can read it.
func EdgeSecretName(host string) string { return host + "-tls" }

// Istio's classic Gateway for releases on edge istio.
const (
	// IstioAPIVersion and KindIstioGateway are Istio's own Gateway, which
	// VirtualServices bind to (a Gateway API Gateway takes no VirtualService).
	IstioAPIVersion  = "networking.istio.io/v1"
	KindIstioGateway = "Gateway"
	// IstioReleasesGateway is its name in the edge namespace.
	IstioReleasesGateway = "releases"
	// GatewayNameLabel is the label the Gateway API puts on a Gateway's pods (GEP-1762);
	// istiod sets it on the pods it provisions for the shared Gateway.
	GatewayNameLabel = "gateway.networking.k8s.io/gateway-name"
)

// IstioServer is one host of the releases Gateway.
type IstioServer struct {
	// Host is the hostname.
	Host string
	// TLSSecretName is its certificate's Secret in the edge namespace (Istio's gateway
	// reads only its own namespace); empty serves it over plain HTTP.
	TLSSecretName string
}

// IstioReleasesGatewaySpec serves each host on the shared Gateway's pods: HTTPS
// hosts on 443 with their own certificate (and port 80 redirecting to it), plain
// hosts on 80. VirtualServices in any namespace may bind to a host ("*/").
func IstioReleasesGatewaySpec(servers []IstioServer) map[string]any {
	var plain, redirect []any
	out := []any{}
	for _, s := range servers {
		if s.TLSSecretName == "" {
			plain = append(plain, "*/"+s.Host)
			continue
		}
		redirect = append(redirect, "*/"+s.Host)
		out = append(out, map[string]any{
			"port":  map[string]any{"number": HTTPSPort, "name": ListenerName(s.Host), "protocol": "HTTPS"},
			"hosts": []any{"*/" + s.Host},
			"tls":   map[string]any{"mode": "SIMPLE", "credentialName": s.TLSSecretName},
		})
	}
	if len(redirect) > 0 {
		out = append(out, map[string]any{
			"port":  map[string]any{"number": HTTPPort, "name": "http-redirect", "protocol": "HTTP"},
			"hosts": redirect,
			"tls":   map[string]any{"httpsRedirect": true},
		})
	}
	if len(plain) > 0 {
		out = append(out, map[string]any{
			"port":  map[string]any{"number": HTTPPort, "name": HTTPListener, "protocol": "HTTP"},
			"hosts": plain,
		})
	}
	return map[string]any{"selector": map[string]any{GatewayNameLabel: Name}, "servers": out}
}

// NewIstioReleasesGateway creates the releases Gateway in the edge namespace.
func NewIstioReleasesGateway(ctx *pulumi.Context, name string, namespace pulumi.StringInput, servers []IstioServer, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(IstioAPIVersion),
		Kind:        pulumi.String(KindIstioGateway),
		Metadata:    meta(IstioReleasesGateway, namespace),
		OtherFields: kubernetes.UntypedArgs{"spec": IstioReleasesGatewaySpec(servers)},
	}, opts...)
}

// PodMonitor of the shared Gateway's proxies, whose request metrics canary analysis
// reads (envoy_cluster_upstream_rq_xx on Envoy Gateway, istio_requests_total on Istio,
// kong_http_requests_total on Kong).
const (
	MonitoringAPIVersion = "monitoring.coreos.com/v1"
	KindPodMonitor       = "PodMonitor"
	// EnvoyOwningGatewayLabel is the label Envoy Gateway puts on a Gateway's Envoy pods.
	EnvoyOwningGatewayLabel = "gateway.envoyproxy.io/owning-gateway-name"
	// EnvoyMetricsPort is the Envoy pods' stats port name (19001).
	EnvoyMetricsPort = "metrics"
	// IstioMetricsPort is the Istio proxy's stats port name (15090).
	IstioMetricsPort = "http-envoy-prom"
	// ProxyMetricsPath is Envoy's Prometheus stats path on both.
	ProxyMetricsPath = "/stats/prometheus"
)

// PodMonitorSpec scrapes the shared Gateway's proxy pods of an implementation.
func PodMonitorSpec(impl edges.Edge) map[string]any {
	match, port, path := map[string]any{GatewayNameLabel: Name}, IstioMetricsPort, ProxyMetricsPath
	switch impl {
	case edges.EnvoyGateway:
		match, port = map[string]any{EnvoyOwningGatewayLabel: Name}, EnvoyMetricsPort
	case edges.Kong:
		// The chart's proxy pods (app.kubernetes.io/name gateway of release kong).
		match = map[string]any{"app.kubernetes.io/name": KongGatewayPodName, "app.kubernetes.io/instance": KongReleaseName}
		port, path = KongMetricsPort, KongMetricsPath
	}
	return map[string]any{
		"selector": map[string]any{"matchLabels": match},
		"podMetricsEndpoints": []any{map[string]any{
			"port": port, "path": path, "interval": "30s",
		}},
	}
}

// NewPodMonitor has Prometheus scrape the shared Gateway's proxies; it waits for the
// monitoring install (the CRD) only, which is required.
func NewPodMonitor(ctx *pulumi.Context, name string, impl edges.Edge, namespace pulumi.StringInput, monitoringReady pulumi.Resource, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	dep, err := helmrelease.MonitorDependsOn(monitoringReady)
	if err != nil {
		return nil, fmt.Errorf("gateway pod monitor: %w", err)
	}
	opts = append(opts, dep)
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(MonitoringAPIVersion),
		Kind:        pulumi.String(KindPodMonitor),
		Metadata:    meta(Name+"-proxies", namespace),
		OtherFields: kubernetes.UntypedArgs{"spec": PodMonitorSpec(impl)},
	}, opts...)
}

// Envoy Gateway's basic auth, which the platform puts before endpoints with no login
// of their own (a spoke's /federate, the Rollouts dashboard).
const (
	SecurityPolicyAPIVersion = "gateway.envoyproxy.io/v1alpha1"
	KindSecurityPolicy       = "SecurityPolicy"
	// HtpasswdKey is the key of the users Secret that Envoy Gateway's basicAuth reads.
	HtpasswdKey = ".htpasswd"
)

// BasicAuthSpec asks for basic auth, with the users in Secret users, on HTTPRoute route.
func BasicAuthSpec(route, users string) map[string]any {
	return map[string]any{
		"targetRefs": []any{map[string]any{"group": GatewayAPIGroup, "kind": KindHTTPRoute, "name": route}},
		"basicAuth":  map[string]any{"users": map[string]any{"name": users}},
	}
}

// NewBasicAuth creates the SecurityPolicy (named after the route) of BasicAuthSpec.
// Make the route after it, so the route never serves without auth.
func NewBasicAuth(ctx *pulumi.Context, name string, route, users string, namespace pulumi.StringInput, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(SecurityPolicyAPIVersion),
		Kind:        pulumi.String(KindSecurityPolicy),
		Metadata:    meta(route, namespace),
		OtherFields: kubernetes.UntypedArgs{"spec": BasicAuthSpec(route, users)},
	}, opts...)
}
