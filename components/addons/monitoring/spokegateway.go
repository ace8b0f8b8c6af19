package monitoring

import (
	"fmt"

	"crypto/sha1" //nolint:gosec // Envoy's basic_auth filter verifies {SHA} (SHA-1) htpasswd entries only.
	"encoding/base64"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/edges"
)

// The spoke's /federate endpoint on an Envoy Gateway edge: an HTTPRoute on the
// shared Gateway's HTTPS listener for the host, and a SecurityPolicy that asks for
// basic auth before Envoy sends anything to Prometheus.
const (
	// EnvoyHtpasswdSecret holds the htpasswd file Envoy Gateway reads (key gateway.HtpasswdKey).
	EnvoyHtpasswdSecret = "federation-htpasswd-envoy"
)

// EnvoyHtpasswdLine is user's htpasswd entry in the one form Envoy's basic_auth
// filter verifies: {SHA}, an unsalted SHA-1 of the password (Envoy Gateway's
// BasicAuth API: "only SHA hash algorithm is supported"). The endpoint is HTTPS only
// and the Secret is readable by the edge alone; docs/platform.md says what this
// costs against the SHA-512 crypt ingress-nginx gets.
func EnvoyHtpasswdLine(user, password string) string {
	sum := sha1.Sum([]byte(password)) //nolint:gosec // see above
	return user + ":{SHA}" + base64.StdEncoding.EncodeToString(sum[:])
}

// spokeOnGateway creates the htpasswd Secret, the SecurityPolicy and the HTTPRoute
// (on Kong: Kong's basic-auth objects and the HTTPRoute, spokeOnKong).
func (c *Monitoring) spokeOnGateway(ctx *pulumi.Context, name string, args *Args, meta func(string, map[string]string) metav1.ObjectMetaArgs) error {
	s := args.Spoke
	if s.Gateway.Edge == edges.Kong {
		return c.spokeOnKong(ctx, name, args)
	}
	user := s.Username
	htpasswd, err := corev1.NewSecret(ctx, name+"-federation-htpasswd-envoy", &corev1.SecretArgs{
		Metadata: meta(EnvoyHtpasswdSecret, nil),
		StringData: pulumi.StringMap{gateway.HtpasswdKey: pulumi.ToSecret(s.Password.ToStringOutput().ApplyT(func(pw string) string {
			return EnvoyHtpasswdLine(user, pw) + "\n"
		})).(pulumi.StringOutput)},
	}, pulumi.Parent(c))
	if err != nil {
		return fmt.Errorf("secret federation-htpasswd-envoy: %w", err)
	}
	deps := []pulumi.Resource{htpasswd}
	if s.IngressReady != nil {
		deps = append(deps, s.IngressReady)
	}
	policy, err := gateway.NewBasicAuth(ctx, name+"-federate-auth", FederationIngress, EnvoyHtpasswdSecret, args.Namespace,
		pulumi.Parent(c), pulumi.DependsOn(deps))
	if err != nil {
		return fmt.Errorf("basic auth federate-auth: %w", err)
	}
	_, err = gateway.NewRoute(ctx, name+"-federate", gateway.Route{
		Name: FederationIngress, Namespace: args.Namespace, Host: s.Host, Listener: s.Gateway.Listener,
		Service: PrometheusService, Port: PrometheusPort, Path: FederatePath, Exact: true,
		GatewayNamespace: s.Gateway.Namespace,
	}, pulumi.Parent(c), pulumi.DependsOn(append(deps, policy)))
	if err != nil {
		return fmt.Errorf("route federate: %w", err)
	}
	return nil
}

// spokeOnKong asks for basic auth on /federate with Kong's own objects
// (gateway.KongBasicAuth; they wait for Kong's chart, whose CRDs they are), made
// before the HTTPRoute that lists them.
func (c *Monitoring) spokeOnKong(ctx *pulumi.Context, name string, args *Args) error {
	s := args.Spoke
	if s.Gateway.KongReady == nil {
		return fmt.Errorf("a spoke on kong needs Kong's install")
	}
	auth := gateway.KongBasicAuth{Route: FederationIngress, Namespace: args.Namespace, Username: s.Username, Password: s.Password}
	deps, err := gateway.NewKongBasicAuth(ctx, name+"-federate-auth", auth, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{s.Gateway.KongReady}))
	if err != nil {
		return fmt.Errorf("kong basic auth: %w", err)
	}
	if s.IngressReady != nil {
		deps = append(deps, s.IngressReady)
	}
	_, err = gateway.NewRoute(ctx, name+"-federate", gateway.Route{
		Name: FederationIngress, Namespace: args.Namespace, Host: s.Host, Listener: s.Gateway.Listener,
		Service: PrometheusService, Port: PrometheusPort, Path: FederatePath, Exact: true,
		GatewayNamespace: s.Gateway.Namespace, Annotations: auth.RouteAnnotations(),
	}, pulumi.Parent(c), pulumi.DependsOn(deps))
	if err != nil {
		return fmt.Errorf("route federate: %w", err)
	}
	return nil
}

// Grafana on the edge.
const (
	// GrafanaService and GrafanaPort are the chart's Grafana Service (fullnameOverride
	// <ReleaseName>, the grafana subchart's service.port).
	GrafanaService = ReleaseName + "-grafana"
	GrafanaPort    = 80
	// GrafanaRoute names the HTTPRoute that serves it.
	GrafanaRoute = "grafana"
)

// GrafanaHost is the host name of a cluster's Grafana under domain.
func GrafanaHost(cluster, domain string) string { return "grafana." + cluster + "." + domain }

// GrafanaArgs put Grafana on the edge.
type GrafanaArgs struct {
	// Host is its host name; TLSSecretName its certificate in the monitoring namespace.
	Host, TLSSecretName string
	// IngressClass is ingress-nginx's class; with it the chart makes Grafana's Ingress.
	IngressClass string
	// Gateway is where its HTTPRoute attaches on a Gateway API edge.
	Gateway *gateway.Attachment
	// GatewayReady is what the HTTPRoute waits for (the Gateway API CRDs).
	GatewayReady pulumi.Resource
}

// grafanaValues make Grafana know its public URL (links, redirects after login), and
// on ingress-nginx have the chart make its Ingress.
func grafanaValues(g *GrafanaArgs) map[string]any {
	out := map[string]any{"grafana.ini": map[string]any{"server": map[string]any{"root_url": "https://" + g.Host}}}
	if g.IngressClass != "" {
		out["ingress"] = map[string]any{
			"enabled": true, "ingressClassName": g.IngressClass, "hosts": []any{g.Host},
			"tls": []any{map[string]any{"secretName": g.TLSSecretName, "hosts": []any{g.Host}}},
		}
	}
	return out
}

// grafanaRoute makes the HTTPRoute of Grafana on a Gateway edge, after the chart.
func (c *Monitoring) grafanaRoute(ctx *pulumi.Context, name string, args *Args, release pulumi.Resource) error {
	g := args.Grafana
	deps := []pulumi.Resource{release}
	if g.GatewayReady != nil {
		deps = append(deps, g.GatewayReady)
	}
	_, err := gateway.NewRoute(ctx, name+"-grafana-route", gateway.Route{
		Name: GrafanaRoute, Namespace: args.Namespace, Host: g.Host, Listener: g.Gateway.Listener,
		Service: GrafanaService, Port: GrafanaPort, GatewayNamespace: g.Gateway.Namespace,
	}, pulumi.Parent(c), pulumi.DependsOn(deps))
	if err != nil {
		return fmt.Errorf("route grafana-route: %w", err)
	}
	return nil
}
