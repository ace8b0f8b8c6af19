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
	// Service and Port are the backend.
	Service string
	Port    int
	// GatewayNamespace is where the shared Gateway runs.
	GatewayNamespace string
}

// RouteSpec attaches to every listener of the shared Gateway that serves Host (the
// HTTP one and the host's HTTPS one) and sends all paths to the Service.
func RouteSpec(r Route) map[string]any {
	return map[string]any{
		"parentRefs": []any{map[string]any{"group": GatewayAPIGroup, "kind": KindGateway, "name": Name, "namespace": r.GatewayNamespace}},
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
