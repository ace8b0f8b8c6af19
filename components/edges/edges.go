package edges

// Edge is what serves traffic into a cluster (`platform.edge`).
type Edge string

// Edges.
const (
	// EnvoyGateway is Envoy Gateway behind a Gateway API Gateway: releases get
	// HTTPRoutes, canary weights by the Rollouts Gateway API traffic-router plugin.
	EnvoyGateway Edge = "envoy-gateway"
	// Istio is Istio's gateway (istiod) behind a Gateway API Gateway: releases get
	// VirtualServices, canary weights by Argo Rollouts' native Istio router.
	Istio Edge = "istio"
	// Kong is Kong Gateway with the Kong Ingress Controller (the kong/ingress chart)
	// behind a Gateway API Gateway: releases get HTTPRoutes, canary weights by the
	// Rollouts Gateway API traffic-router plugin, basic auth by Kong's own plugins.
	Kong Edge = "kong"
	// IngressNginx is the retired ingress-nginx controller, kept as an explicit legacy
	// choice: releases get Ingress objects, canary weights by Rollouts' nginx router.
	IngressNginx Edge = "ingress-nginx"
)

// Default is Envoy Gateway: a CNCF project with regular releases, routed by Argo
// Rollouts through its Gateway API plugin, one controller plus one Envoy Deployment per
// Gateway, and images on Docker Hub that mirror like any other (docs/platform.md, "Edge").
const Default = EnvoyGateway

// All lists the accepted platform.edge values.
var All = []Edge{EnvoyGateway, Istio, Kong, IngressNginx}

// UsesGateway reports whether the edge is a Gateway API implementation.
func (e Edge) UsesGateway() bool { return e == EnvoyGateway || e == Istio || e == Kong }

// RoutesByPlugin reports whether releases on the edge attach HTTPRoutes to the shared
// Gateway's listeners and have canary weights moved by the Rollouts Gateway API plugin
// (Istio's are VirtualServices, reweighted natively).
func (e Edge) RoutesByPlugin() bool { return e == EnvoyGateway || e == Kong }
