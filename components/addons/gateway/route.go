package gateway

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

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
	// GatewayNamespace is where the shared Gateway runs.
	GatewayNamespace string
}

// RouteSpec attaches to the shared Gateway (every listener that serves Host, or
// Listener only) and sends all paths to the Service.
func RouteSpec(r Route) map[string]any {
	parent := map[string]any{"group": GatewayAPIGroup, "kind": KindGateway, "name": Name, "namespace": r.GatewayNamespace}
	if r.Listener != "" {
		parent["sectionName"] = r.Listener
	}
	return map[string]any{
		"parentRefs": []any{parent},
		"hostnames":  []any{r.Host},
		"rules": []any{map[string]any{
			"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": "/"}}},
			"backendRefs": []any{map[string]any{"name": r.Service, "port": r.Port}},
		}},
	}
}

// NewRoute creates the HTTPRoute r describes.
func NewRoute(ctx *pulumi.Context, name string, r Route, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(GatewayAPIVersion),
		Kind:        pulumi.String(KindHTTPRoute),
		Metadata:    meta(r.Name, r.Namespace),
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
