package ingress

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// ReleaseName is the Helm release name; the controller Service is <ReleaseName>-controller.
const ReleaseName = "ingress-nginx"

// MinAvailable keeps one controller serving while a node drains.
const MinAvailable = 1

// Args configure ingress-nginx on one cluster.
type Args struct {
	// Cloud decides the load-balancer annotations.
	Cloud cluster.Cloud
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// ClassName is the IngressClass the controller serves (and makes the default).
	ClassName string
	// Internal makes the load balancer internal-only.
	Internal bool
	// Replicas is the controller replica count.
	Replicas int
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// Ingress is an ingress-nginx install.
type Ingress struct {
	pulumi.ResourceState

	// Release is the Helm release; objects that need the controller running depend on it.
	Release pulumi.Resource
	// ClassName is the IngressClass the controller serves.
	ClassName pulumi.StringOutput `pulumi:"className"`
}

// New installs ingress-nginx.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Ingress, error) {
	if args == nil || args.ClassName == "" || args.Replicas < 1 {
		return nil, fmt.Errorf("ingress %q: a class name and at least one replica are required", name)
	}
	c := &Ingress{}
	if err := ctx.RegisterComponentResource("platform:addons:Ingress", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.IngressNginx, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: Values(args),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	c.ClassName = pulumi.String(args.ClassName).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"className": c.ClassName}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// Values are the typed chart values for args, before the stack's raw values.
func Values(args *Args) map[string]any {
	es := cluster.EdgeServiceFor(args.Cloud, args.Internal)
	svc := map[string]any{"type": es.Type, "annotations": es.Annotations, "externalTrafficPolicy": es.ExternalTrafficPolicy}
	return map[string]any{
		"controller": map[string]any{
			"replicaCount": args.Replicas,
			"ingressClass": args.ClassName,
			"ingressClassResource": map[string]any{
				"name": args.ClassName, "enabled": true, "default": true,
				"controllerValue": "k8s.io/ingress-nginx",
			},
			"watchIngressWithoutClass": true,
			"service":                  svc,
			"metrics":                  map[string]any{"enabled": true},
			// The chart renders its PodDisruptionBudget when replicaCount > 1 and reads
			// the budget from controller.minAvailable.
			"minAvailable":            MinAvailable,
			"allowSnippetAnnotations": false,
		},
	}
}

// ServiceMonitorName names the ServiceMonitor that has Prometheus scrape the controller.
const ServiceMonitorName = "ingress-nginx-controller"

// NewServiceMonitor has Prometheus scrape the controller's metrics Service, whose
// nginx_ingress_controller_requests series the releases' canary analysis queries. It
// is made here rather than by the chart (controller.metrics.serviceMonitor), so the
// controller's install does not wait for kube-prometheus-stack: only this object
// needs the ServiceMonitor CRD, and it waits for monitoringReady.
func NewServiceMonitor(ctx *pulumi.Context, name string, namespace pulumi.StringInput, monitoringReady pulumi.Resource, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	// Only the metrics Service has a port named metrics.
	return helmrelease.NewServiceMonitor(ctx, name, helmrelease.ServiceMonitor{
		Name: ServiceMonitorName, Namespace: namespace, MonitoringReady: monitoringReady, Port: "metrics",
		Selector: map[string]any{
			"app.kubernetes.io/name":      "ingress-nginx",
			"app.kubernetes.io/instance":  ReleaseName,
			"app.kubernetes.io/component": "controller",
		},
	}, opts...)
}
