package rollouts

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// ReleaseName is the Helm release name of the controller.
const ReleaseName = "argo-rollouts"

// ControllerReplicas runs a standby controller; leader election picks the active one.
const ControllerReplicas = 2

// The controller's metrics Service as the chart names and labels it
// (templates/controller/metrics-service.yaml, argo-rollouts 2.40.5).
const (
	// ControllerComponent is the chart's controller.component label value.
	ControllerComponent = "rollouts-controller"
	// MetricsPortName is the chart's controller.metrics.service.portName.
	MetricsPortName = "metrics"
	// ServiceMonitorName names the ServiceMonitor that has Prometheus scrape the controller.
	ServiceMonitorName = "argo-rollouts-controller"
)

// GatewayPluginVersion is the Gateway API traffic-router plugin release
// (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi), which lists Envoy Gateway
// 1.7 among the implementations it is tested with.
const GatewayPluginVersion = "v0.15.0"

// GatewayPluginLocation is the plugin's linux/amd64 binary on its GitHub release,
// which the controller downloads at start. Closed networks and arm64 nodes set
// platform.rollouts.gatewayPlugin.location to a mirror or a file:// path.
const GatewayPluginLocation = "https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/" +
	GatewayPluginVersion + "/gatewayapi-plugin-linux-amd64"

// GatewayPluginName is the name the plugin registers under; Rollouts name it in
// trafficRouting.plugins (release.GatewayAPIPlugin is the same string).
const GatewayPluginName = "argoproj-labs/gatewayAPI"

// Plugin is a traffic-router plugin the controller loads.
type Plugin struct {
	// Location is an https:// or file:// URL of the binary.
	Location string
	// SHA256 is its checksum; empty is not verified.
	SHA256 string
}

// Args configure Argo Rollouts on one cluster.
type Args struct {
	// GatewayPlugin loads the Gateway API traffic-router plugin; nil: none.
	GatewayPlugin *Plugin
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// Dashboard installs the Rollouts dashboard.
	Dashboard bool
	// Production sizes the pods for a production cluster and gives the controller a
	// PodDisruptionBudget (Sizing).
	Production bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// Rollouts is an Argo Rollouts install.
type Rollouts struct {
	pulumi.ResourceState

	// Release registers the Rollout and AnalysisTemplate CRDs; objects of those kinds depend on it.
	Release pulumi.Resource
	// Dashboard reports whether the dashboard is installed.
	Dashboard pulumi.BoolOutput `pulumi:"dashboard"`
}

// New installs Argo Rollouts.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Rollouts, error) {
	if args == nil || args.Namespace == nil {
		return nil, fmt.Errorf("rollouts %q: a namespace is required", name)
	}
	c := &Rollouts{}
	if err := ctx.RegisterComponentResource("platform:addons:Rollouts", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.ArgoRollouts, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: helmrelease.Merge(Sizing(args.Production), Values(args)),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	c.Dashboard = pulumi.Bool(args.Dashboard).ToBoolOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"dashboard": c.Dashboard}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// Values are the typed chart values for args, before the stack's raw values.
func Values(args *Args) map[string]any {
	controller := map[string]any{
		"replicas": ControllerReplicas,
		"metrics":  map[string]any{"enabled": true},
	}
	if p := args.GatewayPlugin; p != nil {
		// The chart writes these into the argo-rollouts-config ConfigMap, and its
		// providerRBAC.providers.gatewayAPI rules (on by default) let the plugin
		// update HTTPRoutes.
		entry := map[string]any{"name": GatewayPluginName, "location": p.Location}
		if p.SHA256 != "" {
			entry["sha256"] = p.SHA256
		}
		controller["trafficRouterPlugins"] = []any{entry}
	}
	return map[string]any{
		// The chart installs the CRDs and keeps them on uninstall, so Rollouts survive a reinstall.
		"installCRDs": true,
		"keepCRDs":    true,
		"controller":  controller,
		"dashboard":   map[string]any{"enabled": args.Dashboard},
	}
}

// Containers are the controller's and dashboard's containers and their sizes
// (argo-rollouts chart 2.40.5's values.yaml: controller.resources and
// dashboard.resources empty, no limit advised). The controller watches every
// Rollout, ReplicaSet and analysis run, and grows with them.
var Containers = []sizing.Container{
	{Name: "controller", Path: "controller.resources", Other: sizing.Size{CPU: "20m", Memory: "128Mi"}, Prod: sizing.Size{CPU: "100m", Memory: "256Mi"}},
	{Name: "dashboard", Path: "dashboard.resources", Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "64Mi"}},
}

// Sizing are the values that size the pods for the cluster's environment and, on a
// production cluster, keep one of the ControllerReplicas through a node's drain
// with the chart's controller.pdb (a PodDisruptionBudget with minAvailable 1).
func Sizing(prod bool) map[string]any {
	v := sizing.Values(Containers, prod)
	sizing.Set(v, "controller.pdb", sizing.PodDisruptionBudget(prod))
	return v
}

// NewServiceMonitor has Prometheus scrape the controller's metrics Service (rollout
// phases, analysis runs, reconcile errors). It is made here rather than by the chart
// (controller.metrics.serviceMonitor.enabled), whose ServiceMonitor would make the
// Rollouts install wait for kube-prometheus-stack's CRD, and every release with it:
// only this object needs the CRD, and it waits for monitoringReady.
func NewServiceMonitor(ctx *pulumi.Context, name string, namespace pulumi.StringInput, monitoringReady pulumi.Resource, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return helmrelease.NewServiceMonitor(ctx, name, helmrelease.ServiceMonitor{
		Name: ServiceMonitorName, Namespace: namespace, MonitoringReady: monitoringReady, Port: MetricsPortName,
		Selector: map[string]any{
			"app.kubernetes.io/name":      "argo-rollouts",
			"app.kubernetes.io/instance":  ReleaseName,
			"app.kubernetes.io/component": ControllerComponent,
		},
	}, opts...)
}
