package gateway

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/labels"
)

// The Kong edge: the kong/ingress chart (Kong Ingress Controller in front of a DB-less
// Kong Gateway) serves the shared Gateway in unmanaged mode, where the chart's proxy
// Service is the Gateway's address. Names and keys as KIC 3.5 reads them
// (internal/annotations, internal/labels, the GatewayClass controller).
const (
	// KongReleaseName is the Helm release; its proxy Service is <release>-gateway-proxy.
	KongReleaseName = "kong"
	// KongGatewayClassName is the GatewayClass the shared Gateway names.
	KongGatewayClassName = "kong"
	// KongGatewayController is KIC's Gateway API controller name.
	KongGatewayController = "konghq.com/kic-gateway-controller"
	// AnnotationKongUnmanaged must be on every GatewayClass KIC serves: unmanaged mode,
	// the chart's own proxy, is the only mode KIC has.
	AnnotationKongUnmanaged = "konghq.com/gatewayclass-unmanaged"
	// KongIngressClass is the class KIC watches (the chart's default); its
	// KongConsumers and KongClusterPlugins must carry it in AnnotationIngressClass.
	KongIngressClass = "kong"
	// AnnotationIngressClass is the class annotation KIC matches exactly on consumers
	// and cluster plugins.
	AnnotationIngressClass = "kubernetes.io/ingress.class"
	// AnnotationKongPlugins on an HTTPRoute lists the KongPlugins (in its namespace)
	// that run on its requests.
	AnnotationKongPlugins = "konghq.com/plugins"
	// LabelKongCredential marks a Secret as a consumer credential of a type.
	LabelKongCredential = "konghq.com/credential"
	// LabelKongGlobal set to "true" runs a KongClusterPlugin on every request.
	LabelKongGlobal = "global"
	// KongAPIVersion and the kinds of Kong's own objects this program makes.
	KongAPIVersion        = "configuration.konghq.com/v1"
	KindKongPlugin        = "KongPlugin"
	KindKongClusterPlugin = "KongClusterPlugin"
	KindKongConsumer      = "KongConsumer"
	// KongPrometheusPlugin names the global prometheus KongClusterPlugin.
	KongPrometheusPlugin = "prometheus"
	// KongGatewayPodName is the app.kubernetes.io/name of the proxy pods (the
	// umbrella chart's gateway alias of kong/kong).
	KongGatewayPodName = "gateway"
	// KongMetricsPort and KongMetricsPath are the proxy pods' status listener (8100),
	// where the prometheus plugin's metrics are served.
	KongMetricsPort = "status"
	KongMetricsPath = "/metrics"
)

// KongValues shape the kong/ingress chart: the proxy Service carries the cloud's
// load-balancer settings (the ones the other edges use), the proxy runs replicas pods,
// and Kong Manager, which the chart would publish as a NodePort Service on every
// node, is off (the platform configures Kong through Kubernetes objects alone).
func KongValues(cloud cluster.Cloud, internal bool, replicas int) map[string]any {
	es := cluster.EdgeServiceFor(cloud, internal)
	return map[string]any{"gateway": map[string]any{
		"replicaCount": replicas,
		"proxy": map[string]any{
			"type": es.Type, "externalTrafficPolicy": es.ExternalTrafficPolicy,
			"annotations": es.Annotations,
		},
		"manager": map[string]any{"enabled": false},
	}}
}

// KongPrometheusConfig is the global prometheus plugin's config: Kong 3.x exports no
// request counter unless status_code_metrics is on (kong_http_requests_total, by
// service, route, code, source and workspace); latency and bandwidth for the
// dashboards; per_consumer stays off (a consumer label per caller multiplies series).
func KongPrometheusConfig() map[string]any {
	return map[string]any{
		"status_code_metrics": true, "latency_metrics": true, "bandwidth_metrics": true,
		"upstream_health_metrics": true, "per_consumer": false,
	}
}

// newKongPrometheus makes the global prometheus KongClusterPlugin.
func newKongPrometheus(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(KongAPIVersion),
		Kind:       pulumi.String(KindKongClusterPlugin),
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(KongPrometheusPlugin),
			Labels:      pulumi.ToStringMap(withLabels(map[string]string{LabelKongGlobal: "true"})),
			Annotations: pulumi.StringMap{AnnotationIngressClass: pulumi.String(KongIngressClass)},
		},
		OtherFields: kubernetes.UntypedArgs{"plugin": KongPrometheusPlugin, "config": KongPrometheusConfig()},
	}, opts...)
}

// KongBasicAuth is basic auth before one HTTPRoute on the Kong edge, in Kong's own
// objects: a basic-auth and an acl KongPlugin named after the route, which the route
// lists in AnnotationKongPlugins, and one KongConsumer with a basic-auth and an acl
// credential. The acl plugin lets only that consumer through: Kong's consumers are
// global, so without it any platform endpoint's credentials would open every other.
type KongBasicAuth struct {
	// Route is the HTTPRoute's name; every object is named after it.
	Route string
	// Namespace is the route's namespace; the objects go there.
	Namespace pulumi.StringInput
	// Username is the basic-auth user; unique among the edge's credentials.
	Username string
	// Password is the basic-auth password, a secret.
	Password pulumi.StringInput
}

// Names of a route's Kong objects.
func (a KongBasicAuth) basicAuthPlugin() string { return a.Route + "-basic-auth" }
func (a KongBasicAuth) aclPlugin() string       { return a.Route + "-acl" }

// Group is the acl group of the route's one consumer.
func (a KongBasicAuth) Group() string { return a.Route }

// RouteAnnotations are the annotations the HTTPRoute carries to run the plugins.
func (a KongBasicAuth) RouteAnnotations() map[string]string {
	return map[string]string{AnnotationKongPlugins: strings.Join([]string{a.basicAuthPlugin(), a.aclPlugin()}, ",")}
}

// KongBasicAuthConfig is the basic-auth plugin's config: Kong strips the
// Authorization header before the backend (neither Prometheus nor the dashboard reads it).
func KongBasicAuthConfig() map[string]any { return map[string]any{"hide_credentials": true} }

// KongACLConfig is the acl plugin's config: the route's group alone, and the
// consumer's groups not passed on to the backend.
func KongACLConfig(group string) map[string]any {
	return map[string]any{"allow": []any{group}, "hide_groups_header": true}
}

// NewKongBasicAuth creates the plugins, the credentials and the consumer of a. It
// returns them: make the route after them, so it never serves without auth.
func NewKongBasicAuth(ctx *pulumi.Context, name string, a KongBasicAuth, opts ...pulumi.ResourceOption) ([]pulumi.Resource, error) {
	if a.Route == "" || a.Namespace == nil || a.Username == "" || a.Password == nil {
		return nil, fmt.Errorf("kong basic auth %q: route, namespace, username and password are required", name)
	}
	credMeta := func(secretName, kind string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(secretName), Namespace: a.Namespace,
			Labels: pulumi.ToStringMap(withLabels(map[string]string{LabelKongCredential: kind}))}
	}
	basic, err := corev1.NewSecret(ctx, name+"-basic-auth-credential", &corev1.SecretArgs{
		Metadata: credMeta(a.basicAuthPlugin(), "basic-auth"),
		StringData: pulumi.StringMap{
			"username": pulumi.String(a.Username),
			"password": pulumi.ToSecret(a.Password.ToStringOutput()).(pulumi.StringOutput),
		},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", a.basicAuthPlugin(), err)
	}
	acl, err := corev1.NewSecret(ctx, name+"-acl-credential", &corev1.SecretArgs{
		Metadata:   credMeta(a.aclPlugin(), "acl"),
		StringData: pulumi.StringMap{"group": pulumi.String(a.Group())},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", a.aclPlugin(), err)
	}
	consumer, err := apiextensions.NewCustomResource(ctx, name+"-consumer", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(KongAPIVersion),
		Kind:       pulumi.String(KindKongConsumer),
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(a.Route), Namespace: a.Namespace, Labels: managedBy(),
			Annotations: pulumi.StringMap{AnnotationIngressClass: pulumi.String(KongIngressClass)}},
		OtherFields: kubernetes.UntypedArgs{"username": a.Route, "credentials": []any{a.basicAuthPlugin(), a.aclPlugin()}},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{basic, acl}))...)
	if err != nil {
		return nil, fmt.Errorf("consumer %s: %w", a.Route, err)
	}
	out := []pulumi.Resource{basic, acl, consumer}
	for _, p := range []struct {
		res, name, plugin string
		config            map[string]any
	}{
		{"-basic-auth", a.basicAuthPlugin(), "basic-auth", KongBasicAuthConfig()},
		{"-acl", a.aclPlugin(), "acl", KongACLConfig(a.Group())},
	} {
		r, err := apiextensions.NewCustomResource(ctx, name+p.res, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(KongAPIVersion),
			Kind:        pulumi.String(KindKongPlugin),
			Metadata:    meta(p.name, a.Namespace),
			OtherFields: kubernetes.UntypedArgs{"plugin": p.plugin, "config": p.config},
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("plugin %s: %w", p.name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// withLabels is the managed-by labels plus extra.
func withLabels(extra map[string]string) map[string]string {
	out := labels.Managed()
	for k, v := range extra {
		out[k] = v
	}
	return out
}
