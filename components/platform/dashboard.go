package platform

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/addons/monitoring"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/internal/labels"
	"github.com/fleetform/fleetform/internal/secret"
)

// The Rollouts dashboard on the edge. It has no login of its own (anyone who reaches
// it can promote and abort), so the edge asks for basic auth before it: a
// SecurityPolicy on envoy-gateway, Kong's basic-auth and acl plugins on kong, nginx's
// auth annotations on ingress-nginx. Istio's gateway has no basic auth, so there it
// stays in-cluster.
const (
	// DashboardService and DashboardPort are the argo-rollouts chart's dashboard Service
	// (<fullname>-dashboard, dashboard.service.port).
	DashboardService = "argo-rollouts-dashboard"
	DashboardPort    = 3100
	// DashboardRoute names its HTTPRoute (or Ingress) and SecurityPolicy.
	DashboardRoute = "rollouts-dashboard"
	// DashboardHtpasswd is the Secret with its users (key "auth" for nginx, ".htpasswd" for Envoy).
	DashboardHtpasswd = "rollouts-dashboard-htpasswd"
	// DefaultDashboardTLSSecret is its certificate in the argo-rollouts namespace.
	DefaultDashboardTLSSecret = "rollouts-dashboard-tls"
	// OwnerDashboard names it among the platform's hostnames.
	OwnerDashboard = "platform.rollouts.dashboardAccess.domain"
	// MsgDashboardIstio: Istio's gateway cannot ask for basic auth.
	MsgDashboardIstio = "the Rollouts dashboard has no login, so the edge asks for basic auth, which istio's gateway does not do; use envoy-gateway or kong, or keep it in-cluster (kubectl port-forward)"
)

// DashboardAccessSpec puts the Rollouts dashboard on the edge at
// rollouts.<cluster>.<domain>, behind basic auth.
type DashboardAccessSpec struct {
	// Domain is the DNS domain under which each cluster's dashboard is served; empty
	// keeps it in-cluster.
	Domain string `yaml:"domain"`
	// Username is the basic-auth user. Defaults to "rollouts".
	Username string `yaml:"username"`
	// Password names the secret config key with the basic-auth password; required with Domain.
	Password secret.Ref `yaml:"password"`
	// TLSSecretName is a certificate the stack brings (in argo-rollouts). Unset:
	// rollouts-dashboard-tls, which cert-manager issues.
	TLSSecretName string `yaml:"tlsSecretName"`
}

// DashboardHost is the host name of a cluster's Rollouts dashboard under domain.
func DashboardHost(cluster, domain string) string { return "rollouts." + cluster + "." + domain }

func (d *DashboardAccessSpec) applyDefaults() {
	if d.Domain == "" {
		return
	}
	if d.Username == "" {
		d.Username = "rollouts"
	}
}

// validate checks the dashboard's access at p (platform.rollouts.dashboardAccess).
func (s *Spec) validateDashboard(p *field.Path) field.ErrorList {
	d := s.Rollouts.DashboardAccess
	if d.Domain == "" {
		return nil
	}
	var errs field.ErrorList
	errs = append(errs, validateHost(p.Child("domain"), d.Domain)...)
	errs = append(errs, requireSecret(p.Child("password"), d.Password)...)
	if d.TLSSecretName != "" {
		errs = append(errs, validateName(p.Child("tlsSecretName"), d.TLSSecretName)...)
	}
	switch {
	case !OnByDefault(s.Rollouts.Enabled) || !s.Rollouts.Dashboard:
		errs = append(errs, field.Invalid(p.Child("domain"), d.Domain, "needs rollouts.enabled and rollouts.dashboard: true"))
	case !OnByDefault(s.Ingress.Enabled):
		errs = append(errs, field.Invalid(p.Child("domain"), d.Domain, "the Rollouts dashboard "+MsgNeedsIngress))
	case s.Edge == edges.Istio:
		errs = append(errs, field.Invalid(p.Child("domain"), d.Domain, MsgDashboardIstio))
	}
	return errs
}

// dashboardHostname is the dashboard's entry among the platform's hostnames.
func (s *Spec) dashboardHostname(clusterName string) (Hostname, bool) {
	d := s.Rollouts.DashboardAccess
	if d.Domain == "" || !OnByDefault(s.Rollouts.Enabled) || !s.Rollouts.Dashboard {
		return Hostname{}, false
	}
	secretName := d.TLSSecretName
	if secretName == "" {
		secretName = DefaultDashboardTLSSecret
	}
	return Hostname{Host: DashboardHost(clusterName, d.Domain), Owner: OwnerDashboard, SecretName: secretName,
		SecretNamespace: NamespaceRollouts, BringYourOwn: d.TLSSecretName != ""}, true
}

// dashboard puts the Rollouts dashboard on the edge, after the chart that serves it.
func (b *builder) dashboard(ns pulumi.StringInput, release pulumi.Resource) error {
	h, ok := b.spec.dashboardHostname(b.args.Cluster)
	if !ok {
		return nil
	}
	d := b.spec.Rollouts.DashboardAccess
	pw, err := b.secret(d.Password)
	if err != nil {
		return fmt.Errorf("secret password: %w", err)
	}
	if b.spec.Edge == edges.Kong {
		return b.dashboardOnKong(ns, release, h, d.Username, pw)
	}
	user, cluster, envoy := d.Username, b.args.Cluster, b.spec.Edge.UsesGateway()
	key := monitoring.HtpasswdKey
	line := pw.ApplyT(func(p string) string { return monitoring.HtpasswdLine(user, p, cluster+"/rollouts-dashboard") + "\n" }).(pulumi.StringOutput)
	if envoy {
		key = gateway.HtpasswdKey
		line = pw.ApplyT(func(p string) string { return monitoring.EnvoyHtpasswdLine(user, p) + "\n" }).(pulumi.StringOutput)
	}
	meta := func(name string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: ns, Labels: pulumi.ToStringMap(labels.Managed())}
	}
	htpasswd, err := corev1.NewSecret(b.ctx, b.name+"-rollouts-dashboard-htpasswd", &corev1.SecretArgs{
		Metadata: meta(DashboardHtpasswd), StringData: pulumi.StringMap{key: pulumi.ToSecret(line).(pulumi.StringOutput)},
	}, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("secret rollouts-dashboard-htpasswd: %w", err)
	}
	deps := []pulumi.Resource{htpasswd, release}
	if !envoy {
		_, err = networkingv1.NewIngress(b.ctx, b.name+"-rollouts-dashboard", &networkingv1.IngressArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(DashboardRoute), Namespace: ns, Annotations: pulumi.StringMap{
				monitoring.AnnotationAuthType: pulumi.String("basic"), monitoring.AnnotationAuthSecret: pulumi.String(DashboardHtpasswd),
				monitoring.AnnotationAuthRealm: pulumi.String("Argo Rollouts"), labels.AnnotationSkipAwait: pulumi.String("true"),
			}},
			Spec: networkingv1.IngressSpecArgs{
				IngressClassName: pulumi.String(IngressClassName),
				Tls:              networkingv1.IngressTLSArray{networkingv1.IngressTLSArgs{Hosts: pulumi.StringArray{pulumi.String(h.Host)}, SecretName: pulumi.String(h.SecretName)}},
				Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{Host: pulumi.String(h.Host),
					Http: networkingv1.HTTPIngressRuleValueArgs{Paths: networkingv1.HTTPIngressPathArray{networkingv1.HTTPIngressPathArgs{
						Path: pulumi.String("/"), PathType: pulumi.String("Prefix"),
						Backend: networkingv1.IngressBackendArgs{Service: networkingv1.IngressServiceBackendArgs{
							Name: pulumi.String(DashboardService), Port: networkingv1.ServiceBackendPortArgs{Number: pulumi.Int(DashboardPort)},
						}},
					}}},
				}},
			},
		}, pulumi.Parent(b.c), pulumi.DependsOn(withEdge(deps, b.ingress)))
		if err != nil {
			return fmt.Errorf("ingress rollouts-dashboard: %w", err)
		}
		return nil
	}
	if err := b.endpointGrant("rollouts-dashboard", ns, h.SecretName); err != nil {
		return fmt.Errorf("endpoint grant: %w", err)
	}
	deps = withEdge(deps, b.gatewayCRDs)
	// The policy before the route: the dashboard is never reachable without auth.
	policy, err := gateway.NewBasicAuth(b.ctx, b.name+"-rollouts-dashboard-auth", DashboardRoute, DashboardHtpasswd, ns,
		pulumi.Parent(b.c), pulumi.DependsOn(deps))
	if err != nil {
		return fmt.Errorf("basic auth rollouts-dashboard-auth: %w", err)
	}
	_, err = gateway.NewRoute(b.ctx, b.name+"-rollouts-dashboard-route", gateway.Route{
		Name: DashboardRoute, Namespace: ns, Host: h.Host, Listener: gateway.ListenerName(h.Host),
		Service: DashboardService, Port: DashboardPort, GatewayNamespace: EdgeNamespace(b.spec.Edge),
	}, pulumi.Parent(b.c), pulumi.DependsOn(append(deps, policy)))
	if err != nil {
		return fmt.Errorf("route rollouts-dashboard-route: %w", err)
	}
	return nil
}

// dashboardOnKong asks for basic auth with Kong's own objects (gateway.KongBasicAuth),
// made before the HTTPRoute that lists them.
func (b *builder) dashboardOnKong(ns pulumi.StringInput, release pulumi.Resource, h Hostname, user string, pw pulumi.StringOutput) error {
	if err := b.endpointGrant("rollouts-dashboard", ns, h.SecretName); err != nil {
		return fmt.Errorf("endpoint grant: %w", err)
	}
	auth := gateway.KongBasicAuth{Route: DashboardRoute, Namespace: ns, Username: user, Password: pw}
	kong, err := gateway.NewKongBasicAuth(b.ctx, b.name+"-rollouts-dashboard-auth", auth,
		pulumi.Parent(b.c), pulumi.DependsOn([]pulumi.Resource{b.kongReady}))
	if err != nil {
		return fmt.Errorf("kong basic auth: %w", err)
	}
	_, err = gateway.NewRoute(b.ctx, b.name+"-rollouts-dashboard-route", gateway.Route{
		Name: DashboardRoute, Namespace: ns, Host: h.Host, Listener: gateway.ListenerName(h.Host),
		Service: DashboardService, Port: DashboardPort, GatewayNamespace: EdgeNamespace(b.spec.Edge),
		Annotations: auth.RouteAnnotations(),
	}, pulumi.Parent(b.c), pulumi.DependsOn(append(kong, release, b.gatewayCRDs)))
	if err != nil {
		return fmt.Errorf("route rollouts-dashboard-route: %w", err)
	}
	return nil
}

// withEdge adds the edge's install to deps when there is one.
func withEdge(deps []pulumi.Resource, edge pulumi.Resource) []pulumi.Resource {
	if edge != nil {
		return append(deps, edge)
	}
	return deps
}
