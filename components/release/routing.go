package release

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/edges"
)

// API versions and kinds of the routing objects.
const (
	GatewayAPIVersion     = "gateway.networking.k8s.io/v1"
	GatewayAPIGroup       = "gateway.networking.k8s.io"
	KindHTTPRoute         = "HTTPRoute"
	KindGateway           = "Gateway"
	IstioAPIVersion       = "networking.istio.io/v1"
	KindVirtualService    = "VirtualService"
	PrimaryRoute          = "primary"
	AnnotationIssuer      = "cert-manager.io/cluster-issuer"
	HTTPListener          = "http"
	DefaultHTTPSPortLabel = "https"
)

// GatewayAPIPlugin is the name the Rollouts controller knows the Gateway API
// traffic-router plugin by; Rollouts name it in trafficRouting.plugins.
const GatewayAPIPlugin = "argoproj-labs/gatewayAPI"

// Routing is how the cluster's edge serves a release, as the platform layer reports it.
type Routing struct {
	// Edge is the cluster's edge (edges.EnvoyGateway, edges.Istio, edges.Kong or edges.IngressNginx).
	// Empty routes through Ingress objects, as edges.IngressNginx does: without a
	// gateway that is the one way a release can be served.
	Edge edges.Edge
	// GatewayName and GatewayNamespace are the shared Gateway API Gateway HTTPRoutes
	// attach to (edges.EnvoyGateway, edges.Kong), or the Istio Gateway VirtualServices bind to (edges.Istio).
	GatewayName, GatewayNamespace string
	// Plugin says the Rollouts controller loads the Gateway API plugin; without it an
	// edges.EnvoyGateway or edges.Kong canary cannot shift traffic, and New refuses one
	// with an ingress.
	Plugin bool
	// Issuer is the cert-manager ClusterIssuer of the cluster. With it a host without a
	// tlsSecretName is served over HTTPS with a certificate cert-manager issues; without
	// it such a host is plain HTTP.
	Issuer string
	// Ready is what the routes wait for: the install that serves the HTTPRoute or
	// VirtualService kind (platform Outputs.RoutesReady). Nil on ingress-nginx.
	Ready pulumi.Resource
}

func (r Routing) edge() edges.Edge {
	if r.Edge == "" {
		return edges.IngressNginx
	}
	return r.Edge
}

// hostTLS is the TLS of one host: whether it is served over HTTPS and from which
// Secret. On ingress-nginx the Secret is in the release's namespace (an Ingress reads
// no other); on a Gateway edge it is in the edge's namespace.
func (b *builder) hostTLS(host, secretName string) (on bool, secret string) {
	switch {
	case secretName != "":
		return true, secretName
	case b.a.Routing.Issuer == "":
		return false, ""
	case b.a.Routing.edge() == edges.IngressNginx:
		return true, b.n.app + "-" + strings.ReplaceAll(host, ".", "-") + "-tls"
	default:
		return true, gateway.EdgeSecretName(host)
	}
}

// portNumber is the number of the named release port (Services expose the same number).
func (s *Spec) portNumber(name string) int {
	for _, p := range s.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	return s.Ports[0].ContainerPort
}

// backends are the Services one host's traffic goes to, with their starting weights:
// the canary's weight is the Rollouts controller's to move from 0.
type backend struct {
	service string
	weight  int
}

// HTTPRouteSpec sends a host's paths to backends on port, attached to the shared
// Gateway's HTTPS listener for the host (or its plain-HTTP listener).
func HTTPRouteSpec(gatewayName, gatewayNamespace, host string, tls bool, paths []string, port int, backends ...backend) map[string]any {
	section := HTTPListener
	if tls {
		section = gateway.ListenerName(host)
	}
	matches := make([]any, 0, len(paths))
	for _, p := range paths {
		matches = append(matches, map[string]any{"path": map[string]any{"type": "PathPrefix", "value": p}})
	}
	refs := make([]any, 0, len(backends))
	for _, be := range backends {
		ref := map[string]any{"kind": "Service", "name": be.service, "port": port}
		if len(backends) > 1 {
			ref["weight"] = be.weight
		}
		refs = append(refs, ref)
	}
	return map[string]any{
		"parentRefs": []any{map[string]any{
			"group": GatewayAPIGroup, "kind": KindGateway,
			"name": gatewayName, "namespace": gatewayNamespace, "sectionName": section,
		}},
		"hostnames": []any{host},
		"rules":     []any{map[string]any{"matches": matches, "backendRefs": refs}},
	}
}

// VirtualServiceSpec binds a host to the Istio Gateway and sends its paths to
// backends on port, in one route named PrimaryRoute (the route Rollouts reweights).
func VirtualServiceSpec(gatewayName, gatewayNamespace, host string, paths []string, port int, backends ...backend) map[string]any {
	matches := make([]any, 0, len(paths))
	for _, p := range paths {
		matches = append(matches, map[string]any{"uri": map[string]any{"prefix": p}})
	}
	route := make([]any, 0, len(backends))
	for _, be := range backends {
		route = append(route, map[string]any{
			"destination": map[string]any{"host": be.service, "port": map[string]any{"number": port}},
			"weight":      be.weight,
		})
	}
	return map[string]any{
		"hosts":    []any{host},
		"gateways": []any{gatewayNamespace + "/" + gatewayName},
		"http":     []any{map[string]any{"name": PrimaryRoute, "match": matches, "route": route}},
	}
}

// buildRoutes makes the objects that carry the release's hosts on its edge: the
// main host (stable and canary, or active) and the blue-green preview host.
func (b *builder) buildRoutes() error {
	if b.a.Routing.edge() == edges.IngressNginx {
		return b.buildIngresses()
	}
	in := b.s.Ingress
	if in != nil {
		var bes []backend
		if b.s.Strategy.BlueGreen != nil {
			bes = []backend{{b.n.service(RoleActive), 100}}
		} else {
			bes = []backend{{b.n.service(RoleStable), 100}, {b.n.service(RoleCanary), 0}}
		}
		if err := b.newRoute(b.name+"-route", b.n.app, in.Host, in.TLSSecretName, in.Paths, in.Port, bes); err != nil {
			return fmt.Errorf("route: %w", err)
		}
	}
	if bg := b.s.Strategy.BlueGreen; bg != nil && bg.PreviewHost != "" {
		paths, tls, port := []string{DefaultIngressPath}, "", b.s.Ports[0].Name
		if in != nil {
			paths, tls, port = in.Paths, in.TLSSecretName, in.Port
		}
		if err := b.newRoute(b.name+"-preview-route", b.n.previewIngress, bg.PreviewHost, tls, paths, port, []backend{{b.n.service(RolePreview), 100}}); err != nil {
			return fmt.Errorf("preview route: %w", err)
		}
	}
	return nil
}

// newRoute makes one HTTPRoute or VirtualService. The Services are named, not
// depended on, for the reason strategy gives. The weights of a two-backend route are
// the Rollouts controller's after creation: the stack's next apply leaves them
// (ignoreChanges), or it would reset a canary in progress to 0.
func (b *builder) newRoute(resName, name, host, secretName string, paths []string, portName string, bes []backend) error {
	r, port := b.a.Routing, b.s.portNumber(portName)
	tls, _ := b.hostTLS(host, secretName)
	apiVersion, kind, spec := GatewayAPIVersion, KindHTTPRoute, map[string]any(nil)
	var ignore []string
	if r.edge() == edges.Istio {
		apiVersion, kind = IstioAPIVersion, KindVirtualService
		spec = VirtualServiceSpec(r.GatewayName, r.GatewayNamespace, host, paths, port, bes...)
		for i := range bes {
			ignore = append(ignore, fmt.Sprintf("spec.http[0].route[%d].weight", i))
		}
	} else {
		spec = HTTPRouteSpec(r.GatewayName, r.GatewayNamespace, host, tls, paths, port, bes...)
		if len(bes) > 1 {
			for i := range bes {
				ignore = append(ignore, fmt.Sprintf("spec.rules[0].backendRefs[%d].weight", i))
			}
		}
	}
	opts := b.opts(r.Ready)
	if len(bes) > 1 {
		opts = append(opts, pulumi.IgnoreChanges(ignore))
	}
	obj, err := apiextensions.NewCustomResource(b.ctx, resName, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(apiVersion),
		Kind:        pulumi.String(kind),
		Metadata:    b.meta(name, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, opts...)
	if err != nil {
		return err
	}
	if name == b.n.app {
		b.route = obj
	}
	return nil
}

// validate checks that the edge can serve the release as configured.
func (r Routing) validate(s *Spec) error {
	if s.Ingress == nil && (s.Strategy.BlueGreen == nil || s.Strategy.BlueGreen.PreviewHost == "") {
		return nil
	}
	switch r.edge() {
	case edges.IngressNginx:
		return nil
	case edges.EnvoyGateway, edges.Istio, edges.Kong:
		if r.GatewayName == "" || r.GatewayNamespace == "" {
			return fmt.Errorf("routing: edge %s needs the gateway's name and namespace", r.Edge)
		}
	default:
		return fmt.Errorf("routing: edge %q is not one of %s, %s, %s, %s", r.Edge, edges.IngressNginx, edges.EnvoyGateway, edges.Istio, edges.Kong)
	}
	if r.edge().RoutesByPlugin() && !r.Plugin && s.Strategy.Canary != nil && s.Ingress != nil {
		return ErrCannotRoute
	}
	return nil
}
