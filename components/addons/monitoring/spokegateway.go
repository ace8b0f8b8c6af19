package monitoring

import (
	"crypto/sha1" //nolint:gosec // Envoy's basic_auth filter verifies {SHA} (SHA-1) htpasswd entries only.
	"encoding/base64"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The spoke's /federate endpoint on an Envoy Gateway edge: an HTTPRoute on the
// shared Gateway's HTTPS listener for the host, and a SecurityPolicy that asks for
// basic auth before Envoy sends anything to Prometheus.
const (
	// EnvoyHtpasswdSecret holds the htpasswd file Envoy Gateway reads (key EnvoyHtpasswdKey).
	EnvoyHtpasswdSecret = "federation-htpasswd-envoy"
	// EnvoyHtpasswdKey is the key Envoy Gateway's basicAuth reads the users from.
	EnvoyHtpasswdKey = ".htpasswd"
	// SecurityPolicyAPIVersion and KindSecurityPolicy are Envoy Gateway's auth policy.
	SecurityPolicyAPIVersion = "gateway.envoyproxy.io/v1alpha1"
	KindSecurityPolicy       = "SecurityPolicy"
)

// SpokeGateway is the shared Gateway a spoke's endpoint attaches to.
type SpokeGateway struct {
	// Name and Namespace are the Gateway's.
	Name, Namespace string
	// Listener is its HTTPS listener for the spoke's host.
	Listener string
}

// EnvoyHtpasswdLine is user's htpasswd entry in the one form Envoy's basic_auth
// filter verifies: {SHA}, an unsalted SHA-1 of the password. The endpoint is HTTPS
// only and the Secret is readable by the edge alone; docs/platform.md says what this
// costs against the SHA-512 crypt ingress-nginx gets.
func EnvoyHtpasswdLine(user, password string) string {
	sum := sha1.Sum([]byte(password)) //nolint:gosec // see above
	return user + ":{SHA}" + base64.StdEncoding.EncodeToString(sum[:])
}

// FederateRouteSpec sends exactly /federate on the spoke's host to Prometheus.
func FederateRouteSpec(host string, gw SpokeGateway) map[string]any {
	return map[string]any{
		"parentRefs": []any{map[string]any{
			"group": "gateway.networking.k8s.io", "kind": "Gateway",
			"name": gw.Name, "namespace": gw.Namespace, "sectionName": gw.Listener,
		}},
		"hostnames": []any{host},
		"rules": []any{map[string]any{
			"matches":     []any{map[string]any{"path": map[string]any{"type": "Exact", "value": FederatePath}}},
			"backendRefs": []any{map[string]any{"kind": "Service", "name": PrometheusService, "port": PrometheusPort}},
		}},
	}
}

// FederateSecurityPolicySpec asks for basic auth on the federate route.
func FederateSecurityPolicySpec() map[string]any {
	return map[string]any{
		"targetRefs": []any{map[string]any{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": FederationIngress}},
		"basicAuth":  map[string]any{"users": map[string]any{"name": EnvoyHtpasswdSecret}},
	}
}

// spokeOnGateway creates the htpasswd Secret, the HTTPRoute and the SecurityPolicy.
func (c *Monitoring) spokeOnGateway(ctx *pulumi.Context, name string, args *Args, meta func(string, map[string]string) metav1.ObjectMetaArgs) error {
	s := args.Spoke
	user := s.Username
	htpasswd, err := corev1.NewSecret(ctx, name+"-federation-htpasswd-envoy", &corev1.SecretArgs{
		Metadata: meta(EnvoyHtpasswdSecret, nil),
		StringData: pulumi.StringMap{EnvoyHtpasswdKey: s.Password.ToStringOutput().ApplyT(func(pw string) string {
			return EnvoyHtpasswdLine(user, pw) + "\n"
		}).(pulumi.StringOutput)},
	}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	deps := []pulumi.Resource{htpasswd}
	if s.IngressReady != nil {
		deps = append(deps, s.IngressReady)
	}
	// The policy first: the route never serves /federate without auth.
	policy, err := apiextensions.NewCustomResource(ctx, name+"-federate-auth", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(SecurityPolicyAPIVersion),
		Kind:        pulumi.String(KindSecurityPolicy),
		Metadata:    meta(FederationIngress, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": FederateSecurityPolicySpec()},
	}, pulumi.Parent(c), pulumi.DependsOn(deps))
	if err != nil {
		return err
	}
	_, err = apiextensions.NewCustomResource(ctx, name+"-federate", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("gateway.networking.k8s.io/v1"),
		Kind:        pulumi.String("HTTPRoute"),
		Metadata:    meta(FederationIngress, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": FederateRouteSpec(s.Host, *s.Gateway)},
	}, pulumi.Parent(c), pulumi.DependsOn(append(deps, policy)))
	return err
}

// Grafana on the edge.
const (
	// GrafanaService and GrafanaPort are the chart's Grafana Service (fullnameOverride
	// <ReleaseName>, the grafana subchart's service.port).
	GrafanaService = ReleaseName + "-grafana"
	GrafanaPort    = 80
	// GrafanaRoute names the HTTPRoute (or the chart's Ingress) that serves it.
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
	// Gateway is the shared Gateway of a Gateway API edge; with it an HTTPRoute is made.
	Gateway *SpokeGateway
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

// GrafanaRouteSpec sends the Grafana host to its Service.
func GrafanaRouteSpec(host string, gw SpokeGateway) map[string]any {
	return map[string]any{
		"parentRefs": []any{map[string]any{
			"group": "gateway.networking.k8s.io", "kind": "Gateway",
			"name": gw.Name, "namespace": gw.Namespace, "sectionName": gw.Listener,
		}},
		"hostnames": []any{host},
		"rules": []any{map[string]any{
			"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": "/"}}},
			"backendRefs": []any{map[string]any{"kind": "Service", "name": GrafanaService, "port": GrafanaPort}},
		}},
	}
}

// grafanaRoute makes the HTTPRoute of Grafana on a Gateway edge.
func (c *Monitoring) grafanaRoute(ctx *pulumi.Context, name string, g *GrafanaArgs, release pulumi.Resource, meta func(string, map[string]string) metav1.ObjectMetaArgs) error {
	deps := []pulumi.Resource{release}
	if g.GatewayReady != nil {
		deps = append(deps, g.GatewayReady)
	}
	_, err := apiextensions.NewCustomResource(ctx, name+"-grafana-route", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("gateway.networking.k8s.io/v1"),
		Kind:        pulumi.String("HTTPRoute"),
		Metadata:    meta(GrafanaRoute, nil),
		OtherFields: kubernetes.UntypedArgs{"spec": GrafanaRouteSpec(g.Host, *g.Gateway)},
	}, pulumi.Parent(c), pulumi.DependsOn(deps))
	return err
}
