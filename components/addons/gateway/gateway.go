package gateway

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"sigs.k8s.io/yaml"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/internal/labels"
)

// API versions and kinds of the objects this package creates.
const (
	GatewayAPIVersion       = "gateway.networking.k8s.io/v1"
	ReferenceGrantVersion   = "gateway.networking.k8s.io/v1beta1"
	EnvoyProxyAPIVersion    = "gateway.envoyproxy.io/v1alpha1"
	KindGateway             = "Gateway"
	KindGatewayClass        = "GatewayClass"
	KindHTTPRoute           = "HTTPRoute"
	KindReferenceGrant      = "ReferenceGrant"
	KindEnvoyProxy          = "EnvoyProxy"
	GatewayAPIGroup         = "gateway.networking.k8s.io"
	EnvoyProxyGroup         = "gateway.envoyproxy.io"
	EnvoyGatewayController  = "gateway.envoyproxy.io/gatewayclass-controller"
	EnvoyGatewayClassName   = "envoy-gateway"
	IstioGatewayClassName   = "istio"
	EnvoyGatewayReleaseName = "envoy-gateway"
	IstioBaseReleaseName    = "istio-base"
	IstiodReleaseName       = "istiod"
)

// Name is the shared Gateway's name in its namespace; HTTPRoutes name it as their parent.
const Name = "edge"

// Listener ports of the shared Gateway.
const (
	HTTPPort  = 80
	HTTPSPort = 443
)

// HTTPListener is the plain-HTTP listener's section name; it takes every hostname.
const HTTPListener = "http"

// Listener is one HTTPS host the Gateway terminates TLS for.
type Listener struct {
	// Name is the listener's section name (a DNS label, unique on the Gateway).
	Name string
	// Host is the hostname served.
	Host string
	// TLSSecretName is the TLS Secret with the host's certificate.
	TLSSecretName string
	// TLSSecretNamespace is the Secret's namespace; a ReferenceGrant there (NewTLSGrant)
	// lets the Gateway read it.
	TLSSecretNamespace string
}

// Args configure the edge of one cluster.
type Args struct {
	// Implementation is the Gateway API implementation to install.
	Implementation edges.Edge
	// Cloud decides the load-balancer annotations.
	Cloud cluster.Cloud
	// Namespace is the namespace the controller and the Gateway go in (the Namespace's name output).
	Namespace pulumi.StringInput
	// NamespaceName is Namespace as a plain value.
	NamespaceName string
	// Internal makes the load balancer internal-only (a NodePort Service on existing clusters).
	Internal bool
	// Replicas is the gateway proxy replica count.
	Replicas int
	// Chart overrides the implementation's chart (gateway-helm, or istiod).
	Chart helmrelease.Override
	// Listeners are the HTTPS hosts of the platform's own endpoints.
	Listeners []Listener
	// Mesh makes the Istio edge a sidecar mesh as well; nil: the gateway alone. Only
	// with Implementation Istio.
	Mesh *Mesh
}

// Gateway is a Gateway API implementation and the cluster's shared Gateway.
type Gateway struct {
	pulumi.ResourceState

	// Ready is the Gateway object; HTTPRoutes that attach to it wait for it.
	Ready pulumi.Resource
	// CRDs is the install of the Gateway API CRDs (and Envoy Gateway's, with it):
	// what an object of those kinds needs, without waiting for the Gateway itself.
	CRDs pulumi.Resource
	// RoutesReady is what a release's route waits for: the install that serves its
	// kind (the Gateway API CRDs for an HTTPRoute; on Istio, the base chart, whose
	// CRDs include VirtualService). Without it a route can reach the API server first.
	RoutesReady pulumi.Resource
	// Name is the shared Gateway's name.
	Name pulumi.StringOutput `pulumi:"name"`
	// Namespace is the shared Gateway's namespace.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// KongReady is the Kong chart's install, which brings Kong's CRDs (KongPlugin,
	// KongConsumer): Kong's objects wait for it alone. Nil on the other implementations.
	KongReady pulumi.Resource
	// MeshReady is what a meshed pod needs first, with Args.Mesh: istiod (whose webhook
	// injects the sidecar; a pod created before it runs without one) and the CNI agent.
	// It also carries Istio's CRDs (PeerAuthentication). Nil without a mesh.
	MeshReady []pulumi.Resource
}

var sectionNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// validate checks args before anything is registered.
func (a *Args) validate() error {
	switch {
	case !a.Implementation.UsesGateway():
		return fmt.Errorf("implementation %q is not one of %s, %s, %s", a.Implementation, edges.EnvoyGateway, edges.Istio, edges.Kong)
	case a.Replicas < 1:
		return fmt.Errorf("at least one replica is required")
	case a.Namespace == nil || a.NamespaceName == "":
		return fmt.Errorf("a namespace is required")
	case a.Mesh != nil && a.Implementation != edges.Istio:
		return fmt.Errorf("a mesh needs implementation %s, not %s", edges.Istio, a.Implementation)
	}
	seen := map[string]bool{HTTPListener: true}
	for i, l := range a.Listeners {
		if !sectionNameRE.MatchString(l.Name) || seen[l.Name] {
			return fmt.Errorf("listeners[%d]: name %q must be a unique DNS label other than %q", i, l.Name, HTTPListener)
		}
		seen[l.Name] = true
		if l.Host == "" || l.TLSSecretName == "" || l.TLSSecretNamespace == "" {
			return fmt.Errorf("listeners[%d]: host, TLS Secret and its namespace are required", i)
		}
	}
	return nil
}

// New installs the CRDs, the implementation and the shared Gateway.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Gateway, error) {
	if args == nil {
		return nil, fmt.Errorf("gateway %q: args are required", name)
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("gateway %q: %w", name, err)
	}
	c := &Gateway{}
	if err := ctx.RegisterComponentResource("platform:addons:Gateway", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	parent := pulumi.Parent(c)
	// The CRDs as resources of their own (helmrelease.NewCRDChart): the chart is too big
	// for a Helm release, and its CRDs outlive the addon.
	crds, err := helmrelease.NewCRDChart(ctx, name+"-crds", &helmrelease.Args{
		Pin: helmrelease.GatewayCRDs, Override: companion(args.Chart, args.Implementation == edges.EnvoyGateway), Namespace: args.Namespace,
		Values: CRDValues(args.Implementation),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("release crds: %w", err)
	}
	after := func(rs ...pulumi.Resource) pulumi.ResourceOption { return pulumi.DependsOn(rs) }
	var class string
	var infra map[string]any
	var controller pulumi.Resource
	switch args.Implementation {
	case edges.EnvoyGateway:
		rel, err := helmrelease.New(ctx, name+"-envoy-gateway", &helmrelease.Args{
			Pin: helmrelease.EnvoyGateway, Override: args.Chart, ReleaseName: EnvoyGatewayReleaseName,
			Namespace: args.Namespace, Values: EnvoyGatewayValues(),
		}, parent, after(crds))
		if err != nil {
			return nil, fmt.Errorf("release envoy-gateway: %w", err)
		}
		_, err = apiextensions.NewCustomResource(ctx, name+"-envoyproxy", &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(EnvoyProxyAPIVersion),
			Kind:        pulumi.String(KindEnvoyProxy),
			Metadata:    meta(Name, args.Namespace),
			OtherFields: kubernetes.UntypedArgs{"spec": EnvoyProxySpec(args.Cloud, args.Internal, args.Replicas)},
		}, parent, after(crds))
		if err != nil {
			return nil, fmt.Errorf("custom resource envoyproxy: %w", err)
		}
		gc, err := apiextensions.NewCustomResource(ctx, name+"-gatewayclass", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(GatewayAPIVersion),
			Kind:       pulumi.String(KindGatewayClass),
			Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String(EnvoyGatewayClassName), Labels: managedBy()},
			OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
				"controllerName": EnvoyGatewayController,
				"parametersRef": map[string]any{
					"group": EnvoyProxyGroup, "kind": KindEnvoyProxy, "name": Name, "namespace": args.Namespace,
				},
			}},
		}, parent, after(crds)) // the controller accepts the class once the EnvoyProxy exists
		if err != nil {
			return nil, fmt.Errorf("gatewayclass: %w", err)
		}
		class, controller = EnvoyGatewayClassName, rel
		after = func(rs ...pulumi.Resource) pulumi.ResourceOption { return pulumi.DependsOn(append(rs, gc)) }
	case edges.Istio:
		base, err := helmrelease.New(ctx, name+"-istio-base", &helmrelease.Args{
			Pin: helmrelease.IstioBase, Override: companion(args.Chart, true), ReleaseName: IstioBaseReleaseName, Namespace: args.Namespace,
			Values: map[string]any{"defaultRevision": "default"},
		}, parent, after(crds))
		if err != nil {
			return nil, fmt.Errorf("release istio-base: %w", err)
		}
		c.RoutesReady = base // VirtualService is Istio's own CRD
		values := IstiodValues()
		if args.Mesh != nil {
			values = helmrelease.Merge(values, MeshIstiodValues(*args.Mesh))
		}
		rel, err := helmrelease.New(ctx, name+"-istiod", &helmrelease.Args{
			Pin: helmrelease.Istiod, Override: args.Chart, ReleaseName: IstiodReleaseName,
			Namespace: args.Namespace, Values: values,
		}, parent, after(base))
		if err != nil {
			return nil, fmt.Errorf("release istiod: %w", err)
		}
		if args.Mesh != nil {
			cni, err := installMesh(ctx, name, args.Chart, after(base), parent)
			if err != nil {
				return nil, fmt.Errorf("install mesh: %w", err)
			}
			c.MeshReady = []pulumi.Resource{rel, cni}
		}
		svcPatch, err := IstioGatewayOptions(args.Cloud, args.Internal, args.Replicas)
		if err != nil {
			return nil, fmt.Errorf("istio gateway options: %w", err)
		}
		if _, err := corev1.NewConfigMap(ctx, name+"-gateway-options", &corev1.ConfigMapArgs{
			Metadata: meta(Name+"-options", args.Namespace),
			Data:     pulumi.ToStringMap(svcPatch),
		}, parent); err != nil {
			return nil, fmt.Errorf("config map gateway-options: %w", err)
		}
		class, controller = IstioGatewayClassName, rel
		infra = map[string]any{"parametersRef": map[string]any{"group": "", "kind": "ConfigMap", "name": Name + "-options"}}
	case edges.Kong:
		// The chart brings Kong's CRDs (its crds/ folder); Kong's objects wait for it alone.
		rel, err := helmrelease.New(ctx, name+"-kong", &helmrelease.Args{
			Pin: helmrelease.KongIngress, Override: args.Chart, ReleaseName: KongReleaseName,
			Namespace: args.Namespace, Values: KongValues(args.Cloud, args.Internal, args.Replicas),
		}, parent, after(crds))
		if err != nil {
			return nil, fmt.Errorf("release kong: %w", err)
		}
		gc, err := apiextensions.NewCustomResource(ctx, name+"-gatewayclass", &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String(GatewayAPIVersion),
			Kind:       pulumi.String(KindGatewayClass),
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(KongGatewayClassName), Labels: managedBy(),
				Annotations: pulumi.StringMap{AnnotationKongUnmanaged: pulumi.String("true")}},
			OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{"controllerName": KongGatewayController}},
		}, parent, after(crds))
		if err != nil {
			return nil, fmt.Errorf("gatewayclass: %w", err)
		}
		if _, err := newKongPrometheus(ctx, name+"-kong-prometheus", parent, pulumi.DependsOn([]pulumi.Resource{rel})); err != nil {
			return nil, fmt.Errorf("kong prometheus plugin: %w", err)
		}
		class, controller, c.KongReady = KongGatewayClassName, rel, rel
		after = func(rs ...pulumi.Resource) pulumi.ResourceOption { return pulumi.DependsOn(append(rs, gc)) }
	}
	spec := GatewaySpec(class, args.Listeners)
	if infra != nil {
		spec["infrastructure"] = infra
	}
	gw, err := apiextensions.NewCustomResource(ctx, name+"-gateway", &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(GatewayAPIVersion),
		Kind:        pulumi.String(KindGateway),
		Metadata:    meta(Name, args.Namespace),
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, parent, after(crds, controller))
	if err != nil {
		return nil, fmt.Errorf("custom resource gateway: %w", err)
	}
	c.Ready, c.CRDs = gw, crds
	if c.RoutesReady == nil {
		c.RoutesReady = crds
	}
	c.Name = pulumi.String(Name).ToStringOutput()
	c.Namespace = args.Namespace.ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"name": c.Name, "namespace": c.Namespace}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// companion is the override of a chart that ships with the implementation's own
// (gateway-crds-helm beside gateway-helm, base beside istiod): the same repository,
// a mirror in a closed network, and with sameVersion the same version, which the two
// are released under together. The raw values are the implementation chart's alone.
func companion(o helmrelease.Override, sameVersion bool) helmrelease.Override {
	out := helmrelease.Override{Repository: o.Repository}
	if sameVersion {
		out.Version = o.Version
	}
	return out
}

func managedBy() pulumi.StringMap {
	return pulumi.ToStringMap(labels.Managed())
}

func meta(name string, ns pulumi.StringInput) *metav1.ObjectMetaArgs {
	return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: ns, Labels: managedBy()}
}

// CRDValues install the standard-channel Gateway API CRDs (the chart's default is
// experimental), and Envoy Gateway's own CRDs when it is the implementation.
func CRDValues(impl edges.Edge) map[string]any {
	return map[string]any{"crds": map[string]any{
		"gatewayAPI":   map[string]any{"enabled": true, "channel": "standard"},
		"envoyGateway": map[string]any{"enabled": impl == edges.EnvoyGateway},
	}}
}

// EnvoyGatewayValues turn off gateway-helm's crds sub-chart (its condition
// crds.enabled): the gateway-crds-helm chart owns the CRDs whichever implementation
// runs, and keeps them upgraded (helmrelease.NewCRDChart).
func EnvoyGatewayValues() map[string]any {
	return map[string]any{"crds": map[string]any{"enabled": false}}
}

// IstiodValues turn on istiod's Gateway API controller explicitly (it is the
// chart's default; a values override that dropped it would leave the Gateway unserved).
// istio-discovery's values are flat (env, cni, global): the pilot.env of older docs
// is read by no template.
func IstiodValues() map[string]any {
	return map[string]any{"env": map[string]any{"PILOT_ENABLE_GATEWAY_API": "true"}}
}

// EnvoyProxySpec shapes the Envoy proxy of the shared Gateway: its Service carries
// the cloud's load-balancer annotations, and it runs replicas pods.
func EnvoyProxySpec(cloud cluster.Cloud, internal bool, replicas int) map[string]any {
	es := cluster.EdgeServiceFor(cloud, internal)
	return map[string]any{"provider": map[string]any{
		"type": "Kubernetes",
		"kubernetes": map[string]any{
			"envoyService": map[string]any{
				"type": es.Type, "externalTrafficPolicy": es.ExternalTrafficPolicy,
				"annotations": es.Annotations,
			},
			"envoyDeployment": map[string]any{"replicas": replicas},
		},
	}}
}

// IstioGatewayOptions are the data of the ConfigMap the Gateway's
// infrastructure.parametersRef names: patches istiod applies to the gateway
// Deployment and Service it provisions.
func IstioGatewayOptions(cloud cluster.Cloud, internal bool, replicas int) (map[string]string, error) {
	es := cluster.EdgeServiceFor(cloud, internal)
	svc, err := yaml.Marshal(map[string]any{
		"metadata": map[string]any{"annotations": es.Annotations},
		"spec":     map[string]any{"type": es.Type, "externalTrafficPolicy": es.ExternalTrafficPolicy},
	})
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	dep, err := yaml.Marshal(map[string]any{"spec": map[string]any{"replicas": replicas}})
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return map[string]string{"service": string(svc), "deployment": string(dep)}, nil
}

// GatewaySpec is the shared Gateway: plain HTTP for every host, and one HTTPS
// listener per platform host. Routes attach from every namespace: the environments'
// apps live in their own.
func GatewaySpec(class string, listeners []Listener) map[string]any {
	all := map[string]any{"namespaces": map[string]any{"from": "All"}}
	ls := []any{map[string]any{"name": HTTPListener, "port": HTTPPort, "protocol": "HTTP", "allowedRoutes": all}}
	for _, l := range listeners {
		ls = append(ls, map[string]any{
			"name": l.Name, "hostname": l.Host, "port": HTTPSPort, "protocol": "HTTPS",
			"tls": map[string]any{"mode": "Terminate", "certificateRefs": []any{map[string]any{
				"kind": "Secret", "name": l.TLSSecretName, "namespace": l.TLSSecretNamespace,
			}}},
			"allowedRoutes": all,
		})
	}
	return map[string]any{"gatewayClassName": class, "listeners": ls}
}
