package chaos

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/helmrelease"
)

const (
	// Namespace is where Chaos Mesh runs.
	Namespace = "chaos-mesh"
	// ReleaseName is the Helm release name; the chart names its objects after it.
	ReleaseName = "chaos-mesh"
	// InjectAnnotation is the namespace annotation Chaos Mesh's namespace filter reads
	// (controllerManager.enableFilterNamespace): only a namespace carrying it with
	// InjectEnabled can be the target of an experiment.
	InjectAnnotation = "chaos-mesh.org/inject"
	// InjectEnabled is InjectAnnotation's value that admits experiments.
	InjectEnabled = "enabled"
	// MetricsPort is the controller manager Service's metrics port name (METRICS_PORT,
	// 10080, templates/controller-manager-service.yaml at v2.8.3).
	MetricsPort = "http"
	// ControllerComponent is the controller manager's app.kubernetes.io/component label.
	ControllerComponent = "controller-manager"
	// DefaultRuntime is the container runtime the chaos daemon talks to: containerd on
	// EKS, AKS and ACK node images alike (the chart's default is docker).
	DefaultRuntime = "containerd"
	// DefaultSocketPath is containerd's socket on those node images.
	DefaultSocketPath = "/run/containerd/containerd.sock"
)

// Runtimes are the container runtimes the chart's chaosDaemon.runtime takes.
var Runtimes = []string{"containerd", "crio", "docker"}

// Args configure the install.
type Args struct {
	// Namespace is the namespace to install into (made by the platform).
	Namespace pulumi.StringInput
	// Runtime and SocketPath are the node's container runtime and its socket.
	Runtime, SocketPath string
	// MonitoringReady is the monitoring install; with it the controller manager gets a
	// ServiceMonitor that waits for it. Nil: no monitor.
	MonitoringReady pulumi.Resource
	// Production sizes the pods for prod and runs three controller replicas (leader elected).
	Production bool
	// Chart overrides the chart source.
	Chart helmrelease.Override
}

// Chaos is a Chaos Mesh install.
type Chaos struct {
	pulumi.ResourceState

	// Release is the Helm release; Schedule objects wait for it (its crds/ serve them).
	Release pulumi.Resource
	// Namespace is the namespace Chaos Mesh runs in.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
}

// Errors New returns.
var (
	// ErrNamespaceRequired: Args.Namespace is nil.
	ErrNamespaceRequired = errors.New("a namespace is required")
	// ErrRuntime: Args.Runtime is none of Runtimes.
	ErrRuntime = errors.New("unknown container runtime")
)

// New installs Chaos Mesh.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Chaos, error) {
	if args == nil || args.Namespace == nil {
		return nil, fmt.Errorf("chaos %q: %w", name, ErrNamespaceRequired)
	}
	a := *args
	if a.Runtime == "" {
		a.Runtime, a.SocketPath = DefaultRuntime, DefaultSocketPath
	}
	if !slices.Contains(Runtimes, a.Runtime) {
		return nil, fmt.Errorf("chaos %q: %w %q, want one of %v", name, ErrRuntime, a.Runtime, Runtimes)
	}
	c := &Chaos{}
	if err := ctx.RegisterComponentResource("platform:addons:Chaos", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.ChaosMesh, Override: a.Chart, ReleaseName: ReleaseName,
		Namespace: a.Namespace, Values: helmrelease.Merge(sizing.Values(Containers, a.Production), Values(&a)),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	if a.MonitoringReady != nil {
		if _, err := helmrelease.NewServiceMonitor(ctx, name+"-servicemonitor", helmrelease.ServiceMonitor{
			Name: ReleaseName, Namespace: a.Namespace, MonitoringReady: a.MonitoringReady, Port: MetricsPort,
			Selector: map[string]any{"app.kubernetes.io/name": ReleaseName, "app.kubernetes.io/instance": ReleaseName,
				"app.kubernetes.io/component": ControllerComponent},
		}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{rel})); err != nil {
			return nil, fmt.Errorf("servicemonitor: %w", err)
		}
	}
	c.Namespace = a.Namespace.ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"namespace": c.Namespace}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// Containers are the chart's containers and their requests (the chart sets none for
// the daemon, and 25m/256Mi for the controller in every environment).
var Containers = []sizing.Container{
	{Name: "chaos-controller-manager", Path: "controllerManager.resources",
		Other: sizing.Size{CPU: "25m", Memory: "256Mi", MemoryLimit: "512Mi"},
		Prod:  sizing.Size{CPU: "50m", Memory: "256Mi", MemoryLimit: "512Mi"}},
	{Name: "chaos-daemon", Path: "chaosDaemon.resources",
		Other: sizing.Size{CPU: "25m", Memory: "64Mi", MemoryLimit: "256Mi"},
		Prod:  sizing.Size{CPU: "50m", Memory: "128Mi", MemoryLimit: "256Mi"}},
}

// Values are the chart values the stack decides. Namespace filtering is always on:
// an experiment reaches only namespaces annotated InjectAnnotation, which the program
// sets on the environments a release runs experiments in. The dashboard (no login of
// its own beyond service-account tokens) and the DNS server (DNSChaos, not offered)
// are off; experiments are declared in the stack, not clicked.
func Values(args *Args) map[string]any {
	replicas := 1
	if args.Production {
		replicas = 3
	}
	return map[string]any{
		"controllerManager": map[string]any{
			"enableFilterNamespace": true,
			"replicaCount":          replicas,
		},
		"chaosDaemon": map[string]any{
			"runtime":     args.Runtime,
			"socketPath":  args.SocketPath,
			"tolerations": helmrelease.NodeAgentTolerations(),
		},
		"dashboard":       map[string]any{"create": false},
		"dnsServer":       map[string]any{"create": false},
		"enableProfiling": false,
	}
}
