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

// Load-balancer annotations per cloud, as the in-tree cloud providers (and the
// Alibaba Cloud CCM) read them from the controller Service.
const (
	AnnotationAWSLBType    = "service.beta.kubernetes.io/aws-load-balancer-type"
	AnnotationAWSInternal  = "service.beta.kubernetes.io/aws-load-balancer-internal"
	AnnotationAWSCrossZone = "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled"
	// AnnotationAWSScheme and AnnotationAWSAttributes are what EKS Auto Mode's load
	// balancing reads instead of AnnotationAWSInternal and AnnotationAWSCrossZone, which
	// it does not support (AWS EKS user guide, "Use Service Annotations to configure
	// Network Load Balancers"); the in-tree controller reads the other two.
	AnnotationAWSScheme     = "service.beta.kubernetes.io/aws-load-balancer-scheme"
	AnnotationAWSAttributes = "service.beta.kubernetes.io/aws-load-balancer-attributes"
	// AWSCrossZoneAttribute turns on cross-zone load balancing in AnnotationAWSAttributes.
	AWSCrossZoneAttribute        = "load_balancing.cross_zone.enabled=true"
	AnnotationAzureInternal      = "service.beta.kubernetes.io/azure-load-balancer-internal"
	AnnotationAzureProbePath     = "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path"
	AnnotationAlicloudChargeType = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-instance-charge-type"
	AnnotationAlicloudAddrType   = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type"
)

// MinAvailable keeps one controller serving while a node drains.
const MinAvailable = 1

// Load-balancer defaults.
const (
	// AlicloudChargeType bills the CLB by capacity units used (pay-by-CLCU): since 2025-06-01
	// Alibaba Cloud sells no pay-by-specification CLB (slb.s1.small and the like), and the
	// cloud controller refuses a spec annotation on a pay-by-CLCU instance.
	AlicloudChargeType = "PayByCLCU"
	// AzureProbePath is the controller's health endpoint; AKS probes "/" otherwise and marks the LB down.
	AzureProbePath = "/healthz"
)

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
	svc := map[string]any{
		"type":        "LoadBalancer",
		"annotations": Annotations(args.Cloud, args.Internal),
		// Local keeps client source IPs and skips a second hop between nodes.
		"externalTrafficPolicy": "Local",
	}
	if args.Cloud == cluster.Existing {
		// An existing cluster (kind, minikube, bare metal) may have no load-balancer
		// implementation; internal mode then means NodePort.
		svc["externalTrafficPolicy"] = "Cluster"
		if args.Internal {
			svc["type"] = "NodePort"
		}
	}
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

// Annotations returns the controller Service annotations for a cloud.
func Annotations(cloud cluster.Cloud, internal bool) map[string]any {
	switch cloud {
	case cluster.AWS:
		a := map[string]any{AnnotationAWSLBType: "nlb", AnnotationAWSCrossZone: "true", AnnotationAWSScheme: "internet-facing",
			AnnotationAWSAttributes: AWSCrossZoneAttribute}
		if internal {
			a[AnnotationAWSInternal] = "true"
			a[AnnotationAWSScheme] = "internal"
		}
		return a
	case cluster.Azure:
		a := map[string]any{AnnotationAzureProbePath: AzureProbePath}
		if internal {
			a[AnnotationAzureInternal] = "true"
		}
		return a
	case cluster.Alicloud:
		addr := "internet"
		if internal {
			addr = "intranet"
		}
		return map[string]any{AnnotationAlicloudChargeType: AlicloudChargeType, AnnotationAlicloudAddrType: addr}
	default:
		return map[string]any{}
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
