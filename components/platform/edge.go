package platform

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/ingress"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// Namespaces of the Gateway API implementations (their upstream defaults); the
// shared Gateway and its proxies run there too.
const (
	NamespaceEnvoyGateway = "envoy-gateway-system"
	NamespaceIstio        = "istio-system"
	NamespaceKong         = "kong"
)

// Messages about the edge, exported so tests can assert on them.
const (
	// MsgEdgeLegacy is the warning a stack on ingress-nginx gets on every run.
	MsgEdgeLegacy = "platform.edge is ingress-nginx, which the Kubernetes project retired in March 2026 (no releases or security fixes since); move to envoy-gateway, istio or kong (docs/platform.md, \"Moving off ingress-nginx\")"
	// MsgEdgeFederation: a federation spoke's /federate endpoint needs basic auth at the edge.
	MsgEdgeFederation = "a federation spoke asks for basic auth on /federate at the edge, which envoy-gateway (SecurityPolicy), kong (its basic-auth plugin) and ingress-nginx do and istio's gateway does not; use edge envoy-gateway or kong"
	// MsgKongUsernames: Kong's basic-auth credentials are global to the edge, so two
	// endpoints cannot share a username.
	MsgKongUsernames = "on edge kong every basic-auth username is a credential of the whole edge and must be unique; the federation and the Rollouts dashboard need different usernames"
)

// HarborServiceName and HarborServicePort are the Harbor chart's Service with
// expose.type clusterIP (expose.clusterIP.name and ports.httpPort), which the
// Harbor HTTPRoute sends traffic to.
const (
	HarborServiceName = "harbor"
	HarborServicePort = 80
)

// EdgeNamespace is the namespace an edge runs in ("" is edges.Default); environments
// let it in through their NetworkPolicies.
func EdgeNamespace(e edges.Edge) string {
	if e == "" {
		e = edges.Default
	}
	switch e {
	case edges.EnvoyGateway:
		return NamespaceEnvoyGateway
	case edges.Istio:
		return NamespaceIstio
	case edges.Kong:
		return NamespaceKong
	default:
		return NamespaceIngress
	}
}

// edge installs the stack's edge: a Gateway API implementation with the shared
// Gateway, or the legacy ingress-nginx.
func (b *builder) edge() error {
	s, a := b.spec, b.args
	ns, err := b.namespaceAs(AddonIngress, EdgeNamespace(s.Edge))
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	b.ingressNS = ns
	b.c.Outputs.Edge = s.Edge
	if !s.Edge.UsesGateway() {
		if err := b.ctx.Log.Warn(MsgEdgeLegacy, &pulumi.LogArgs{Resource: b.c}); err != nil {
			return fmt.Errorf("warning: %w", err)
		}
		ing, err := ingress.New(b.ctx, b.name+"-ingress", &ingress.Args{
			Cloud: a.Cloud, Namespace: ns, ClassName: IngressClassName,
			Internal: s.Ingress.Internal, Replicas: s.Ingress.Replicas, Chart: s.Ingress.Chart.Override(),
		}, pulumi.Parent(b.c))
		if err != nil {
			return fmt.Errorf("install: %w", err)
		}
		b.ingress = ing.Release
		b.c.Outputs.IngressClass = IngressClassName
		return nil
	}
	// The platform's own endpoints (Harbor, a spoke's /federate, the tracing hub):
	// one HTTPS listener each, with the certificate in the endpoint's namespace.
	var listeners []gateway.Listener
	for _, h := range s.Hostnames(cluster.Spec{Name: a.Cluster, Cloud: a.Cloud, Region: a.Region, Federation: a.Federation}) {
		listeners = append(listeners, gateway.Listener{
			Name: gateway.ListenerName(h.Host), Host: h.Host,
			TLSSecretName: h.SecretName, TLSSecretNamespace: h.SecretNamespace,
		})
	}
	if s.Edge.RoutesByPlugin() {
		// Releases' HTTPS hosts: one listener each, their HTTPRoutes attach by name.
		for _, h := range a.Hostnames {
			if !h.Plain {
				listeners = append(listeners, gateway.Listener{
					Name: gateway.ListenerName(h.Host), Host: h.Host,
					TLSSecretName: h.SecretName, TLSSecretNamespace: h.SecretNamespace,
				})
			}
		}
	}
	gw, err := gateway.New(b.ctx, b.name+"-gateway", &gateway.Args{
		Implementation: s.Edge, Cloud: a.Cloud,
		Namespace: ns, NamespaceName: EdgeNamespace(s.Edge),
		Internal: s.Ingress.Internal, Replicas: s.Ingress.Replicas, Chart: s.Ingress.Chart.Override(),
		Listeners: listeners, Mesh: s.gatewayMesh(),
	}, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	b.gateway, b.gatewayCRDs, b.kongReady = gw.Ready, gw.CRDs, gw.KongReady
	b.c.Outputs.MeshReady = gw.MeshReady
	b.c.Outputs.RoutesReady = gw.RoutesReady
	b.c.Outputs.GatewayName = gateway.Name
	b.c.Outputs.GatewayNamespace = EdgeNamespace(s.Edge)
	b.c.Outputs.ReleaseGatewayName, b.c.Outputs.ReleaseGatewayNamespace = gateway.Name, EdgeNamespace(s.Edge)
	if s.Edge == edges.Istio {
		// Releases bind VirtualServices (which Argo Rollouts reweights natively) to an
		// Istio Gateway on the shared Gateway's own pods.
		b.c.Outputs.ReleaseGatewayName = gateway.IstioReleasesGateway
		if len(a.Hostnames) > 0 {
			if _, err := gateway.NewIstioReleasesGateway(b.ctx, b.name+"-istio-releases", ns, istioServers(a.Hostnames),
				pulumi.Parent(b.c), pulumi.DependsOn([]pulumi.Resource{gw.Ready})); err != nil {
				return fmt.Errorf("istio releases gateway istio-releases: %w", err)
			}
		}
	}
	return nil
}

// istioServers are the hosts of the Istio releases Gateway, by TLS.
func istioServers(hs []Hostname) []gateway.IstioServer {
	out := make([]gateway.IstioServer, 0, len(hs))
	for _, h := range hs {
		srv := gateway.IstioServer{Host: h.Host}
		if !h.Plain {
			srv.TLSSecretName = h.SecretName
		}
		out = append(out, srv)
	}
	return out
}

// HarborGatewayValues expose Harbor through a ClusterIP Service behind the shared
// Gateway, which terminates TLS (the chart's own Ingress and TLS are off). The
// nulls drop the typed Ingress and TLS keys (expose.ingress, expose.tls.certSource,
// expose.tls.secret), which harbor 1.18.4 reads only with expose.type ingress or
// TLS on, so the plan shows only what the chart reads.
func HarborGatewayValues() map[string]any {
	return map[string]any{"expose": map[string]any{
		"type":      "clusterIP",
		"tls":       map[string]any{"enabled": false, "certSource": nil, "secret": nil},
		"ingress":   nil,
		"clusterIP": map[string]any{"name": HarborServiceName, "ports": map[string]any{"httpPort": HarborServicePort}},
	}}
}

// harborChart is Harbor's chart override on a Gateway edge: HarborGatewayValues,
// with the stack's raw values still merged last.
func (b *builder) harborChart(o helmrelease.Override) helmrelease.Override {
	if b.spec.Edge.UsesGateway() {
		o.Values = helmrelease.Merge(HarborGatewayValues(), o.Values)
	}
	return o
}

// harborRoute sends Harbor's host, on the Gateway's HTTPS listener for it, to the
// Harbor Service, and lets the Gateway read the TLS Secret in Harbor's namespace.
func (b *builder) harborRoute(ns pulumi.StringInput, harborReady pulumi.Resource) error {
	if !b.spec.Edge.UsesGateway() {
		return nil
	}
	if b.gateway == nil {
		return fmt.Errorf("harbor needs the edge enabled")
	}
	deps := pulumi.DependsOn([]pulumi.Resource{b.gatewayCRDs, harborReady})
	if err := b.endpointGrant("harbor", ns, b.spec.Harbor.TLSSecretName, deps); err != nil {
		return fmt.Errorf("endpoint grant: %w", err)
	}
	_, err := gateway.NewRoute(b.ctx, b.name+"-harbor-route", gateway.Route{
		Name: HarborServiceName, Namespace: ns, Host: b.spec.Harbor.Host, Listener: gateway.ListenerName(b.spec.Harbor.Host),
		Service: HarborServiceName, Port: HarborServicePort, GatewayNamespace: EdgeNamespace(b.spec.Edge),
	}, pulumi.Parent(b.c), deps)
	if err != nil {
		return fmt.Errorf("route harbor-route: %w", err)
	}
	return nil
}

// endpointGrant lets the shared Gateway read a platform endpoint's TLS Secret in the
// endpoint's namespace ns (a ReferenceGrant there, named for the endpoint).
func (b *builder) endpointGrant(endpoint string, ns pulumi.StringInput, secretName string, opts ...pulumi.ResourceOption) error {
	_, err := gateway.NewTLSGrant(b.ctx, b.name+"-"+endpoint+"-tls-grant", gateway.TLSGrant{
		Name: gateway.Name + "-" + endpoint + "-tls", Namespace: ns,
		SecretName: secretName, GatewayNamespace: EdgeNamespace(b.spec.Edge),
	}, append([]pulumi.ResourceOption{pulumi.Parent(b.c)}, opts...)...)
	if err != nil {
		return fmt.Errorf("tlsgrant: %w", err)
	}
	return nil
}
