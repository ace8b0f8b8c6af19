package falco

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// Names other layers and the docs rely on (falco chart 9.1.0, templates/service.yaml
// and _helpers.tpl: with release name falco the chart's fullname is falco).
const (
	// Namespace is where Falco and Falcosidekick run.
	Namespace = "falco"
	// ReleaseName is the Helm release name.
	ReleaseName = "falco"
	// MetricsPort names the port of the chart's metrics Service (falco-metrics, 8765).
	MetricsPort = "metrics"
	// MetricsServiceType is the type label the chart puts on its metrics Service only.
	MetricsServiceType = "falco-metrics"
	// DriverModernEBPF is driver.kind for the modern eBPF probe (CO-RE, built into
	// Falco): no kernel module and no driver download on the nodes.
	DriverModernEBPF = "modern_ebpf"
	// AlertmanagerEndpoint is Alertmanager's v2 alerts API. Falcosidekick's default is
	// /api/v1/alerts, which Alertmanager removed in v0.27 (kube-prometheus-stack runs v0.28).
	AlertmanagerEndpoint = "/api/v2/alerts"
)

// Falco's rule priorities, most severe first (the chart's falco.priority).
const (
	PriorityEmergency = "emergency"
	PriorityAlert     = "alert"
	PriorityCritical  = "critical"
	PriorityError     = "error"
	PriorityWarning   = "warning"
	PriorityNotice    = "notice"
	PriorityInfo      = "info"
	PriorityDebug     = "debug"
)

// Priorities lists the priority names Falco accepts, most severe first.
var Priorities = []string{PriorityEmergency, PriorityAlert, PriorityCritical, PriorityError,
	PriorityWarning, PriorityNotice, PriorityInfo, PriorityDebug}

// sidekickPriority is Falcosidekick's name for a Falco priority: it spells info
// "informational" (falcosidekick chart, config.alertmanager.minimumpriority).
func sidekickPriority(p string) string {
	if p == PriorityInfo {
		return "informational"
	}
	return p
}

// Args configure Falco on one cluster.
type Args struct {
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// MinimumPriority is the least severe priority of the rules Falco loads and of the
	// alerts Falcosidekick forwards; one of Priorities.
	MinimumPriority string
	// AlertmanagerURL is the in-cluster Alertmanager (http://host:port) Falcosidekick
	// posts alerts to; empty runs no Falcosidekick (alerts stay in Falco's log).
	AlertmanagerURL string
	// MonitoringReady is the monitoring install the ServiceMonitor waits for; nil makes none.
	MonitoringReady pulumi.Resource
	// Production sizes the pods for a production cluster (Containers).
	Production bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// Falco is a Falco install.
type Falco struct {
	pulumi.ResourceState

	// Release is the chart's install.
	Release pulumi.Resource
	// MinimumPriority is the rules' priority threshold.
	MinimumPriority pulumi.StringOutput `pulumi:"minimumPriority"`
}

// Errors of New's arguments.
var (
	// ErrNamespaceRequired: Args without a namespace.
	ErrNamespaceRequired = errors.New("a namespace is required")
	// ErrPriority: a priority Falco does not know.
	ErrPriority = errors.New("unknown priority")
)

// New installs Falco (and Falcosidekick with an Alertmanager), and its ServiceMonitor
// with monitoring on.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Falco, error) {
	if args == nil || args.Namespace == nil {
		return nil, fmt.Errorf("falco %q: %w", name, ErrNamespaceRequired)
	}
	if !slices.Contains(Priorities, args.MinimumPriority) {
		return nil, fmt.Errorf("falco %q: %w %q, want one of %v", name, ErrPriority, args.MinimumPriority, Priorities)
	}
	c := &Falco{}
	if err := ctx.RegisterComponentResource("platform:addons:Falco", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.Falco, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: helmrelease.Merge(sizing.Values(Containers, args.Production), Values(args)),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	if args.MonitoringReady != nil {
		if _, err := helmrelease.NewServiceMonitor(ctx, name+"-servicemonitor", helmrelease.ServiceMonitor{
			Name: ReleaseName, Namespace: args.Namespace, MonitoringReady: args.MonitoringReady, Port: MetricsPort,
			Selector: map[string]any{"app.kubernetes.io/name": ReleaseName, "app.kubernetes.io/instance": ReleaseName,
				"type": MetricsServiceType},
		}, pulumi.Parent(c)); err != nil {
			return nil, fmt.Errorf("servicemonitor: %w", err)
		}
	}
	c.MinimumPriority = pulumi.String(args.MinimumPriority).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"minimumPriority": c.MinimumPriority}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// Containers are the chart's containers and their sizes (falco 9.1.0's values.yaml:
// `resources` of the falco container, whose chart default is 100m/512Mi with limits of
// 1 CPU and 1024Mi, kept in prod; falcoctl's `artifact.install` and `artifact.follow`
// and Falcosidekick's `resources` are empty in the charts).
var Containers = []sizing.Container{
	{Name: "falco", Path: "resources",
		Other: sizing.Size{CPU: "50m", Memory: "256Mi", MemoryLimit: "1024Mi"},
		Prod:  sizing.Size{CPU: "100m", Memory: "512Mi", MemoryLimit: "1024Mi"}},
	{Name: "falcoctl-artifact-install", Path: "falcoctl.artifact.install.resources",
		Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "32Mi"}},
	{Name: "falcoctl-artifact-follow", Path: "falcoctl.artifact.follow.resources",
		Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "10m", Memory: "64Mi"}},
	{Name: "falcosidekick", Path: "falcosidekick.resources",
		Other: sizing.Size{CPU: "10m", Memory: "32Mi"}, Prod: sizing.Size{CPU: "20m", Memory: "64Mi"}},
}

// Values are the typed chart values for args, before the stack's raw values (keys
// read from the falco chart 9.1.0's values.yaml and the falcosidekick chart 0.12's).
func Values(args *Args) map[string]any {
	v := map[string]any{
		"driver":      map[string]any{"kind": DriverModernEBPF},
		"tolerations": helmrelease.NodeAgentTolerations(),
		// Rules below the threshold are not loaded at all.
		"falco": map[string]any{"priority": args.MinimumPriority},
		// Serves /metrics on the webserver port and makes the falco-metrics Service.
		"metrics":       map[string]any{"enabled": true},
		"falcosidekick": map[string]any{"enabled": false},
	}
	if args.AlertmanagerURL != "" {
		// The chart points Falco's http_output at Falcosidekick and turns on JSON output.
		v["falcosidekick"] = map[string]any{
			"enabled": true,
			"config": map[string]any{"alertmanager": map[string]any{
				"hostport":        args.AlertmanagerURL,
				"endpoint":        AlertmanagerEndpoint,
				"minimumpriority": sidekickPriority(args.MinimumPriority),
			}},
		}
	}
	return v
}
