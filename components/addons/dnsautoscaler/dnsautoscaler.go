package dnsautoscaler

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/sizing"
	"github.com/fleetform/fleetform/components/helmrelease"
)

// Names other layers and the docs rely on.
const (
	// Namespace is where the autoscaler's Deployment and ServiceAccount run.
	Namespace = "dns-autoscaler"
	// ReleaseName is the Helm release name, and the chart's fullname (fullnameOverride):
	// the Deployment, and its ConfigMap and Role in TargetNamespace, are named after it.
	ReleaseName = "dns-autoscaler"
	// TargetNamespace is where CoreDNS runs; the chart puts the ConfigMap, the Role and
	// the RoleBinding there (options.namespace) and binds the Role to the ServiceAccount
	// in the release's namespace (chart 1.1.0, templates/rolebinding.yaml).
	TargetNamespace = "kube-system"
	// Target is the CoreDNS Deployment (kubeadm, k3s and ACK all name it coredns).
	Target = "deployment/coredns"
)

// Linear is the autoscaler's linear mode: replicas = max(ceil(cores/CoresPerReplica),
// ceil(nodes/NodesPerReplica)), clamped to [Min, Max].
type Linear struct {
	// CoresPerReplica is one replica per this many cores.
	CoresPerReplica int
	// NodesPerReplica is one replica per this many nodes.
	NodesPerReplica int
	// Min is the fewest replicas.
	Min int
	// Max is the most replicas; 0 sets no bound.
	Max int
}

// Containers are the chart's one container and its size (`resources`, empty in the
// chart at 1.1.0): the requests of Kubernetes' own dns-horizontal-autoscaler manifest.
var Containers = []sizing.Container{
	{Name: "autoscaler", Path: "resources",
		Other: sizing.Size{CPU: "20m", Memory: "10Mi"}, Prod: sizing.Size{CPU: "20m", Memory: "10Mi"}},
}

// Args configure the autoscaler on one cluster.
type Args struct {
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// Linear are the scaling parameters.
	Linear Linear
	// Production sizes the pod for a production cluster (Containers).
	Production bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// DNSAutoscaler is a cluster-proportional-autoscaler install for CoreDNS.
type DNSAutoscaler struct {
	pulumi.ResourceState

	// Release is the chart's install.
	Release pulumi.Resource
	// Target is what it scales, in TargetNamespace.
	Target pulumi.StringOutput `pulumi:"target"`
}

// Errors of New's arguments.
var (
	// ErrNamespaceRequired: Args without a namespace.
	ErrNamespaceRequired = errors.New("a namespace is required")
	// ErrLinear: parameters the autoscaler cannot use.
	ErrLinear = errors.New("coresPerReplica, nodesPerReplica and min must be at least 1, and max 0 or at least min")
)

// New installs the autoscaler.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*DNSAutoscaler, error) {
	if args == nil || args.Namespace == nil {
		return nil, fmt.Errorf("dns autoscaler %q: %w", name, ErrNamespaceRequired)
	}
	if l := args.Linear; l.CoresPerReplica < 1 || l.NodesPerReplica < 1 || l.Min < 1 || (l.Max != 0 && l.Max < l.Min) {
		return nil, fmt.Errorf("dns autoscaler %q: %w", name, ErrLinear)
	}
	c := &DNSAutoscaler{}
	if err := ctx.RegisterComponentResource("platform:addons:DNSAutoscaler", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.DNSAutoscaler, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: helmrelease.Merge(sizing.Values(Containers, args.Production), Values(args)),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	c.Target = pulumi.String(Target).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"target": c.Target}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// Values are the typed chart values for args, before the stack's raw values (keys read
// from the chart's values.yaml at 1.1.0; the chart fails without options.target and a
// config of exactly one mode).
func Values(args *Args) map[string]any {
	l := args.Linear
	linear := map[string]any{
		"coresPerReplica": l.CoresPerReplica,
		"nodesPerReplica": l.NodesPerReplica,
		"min":             l.Min,
		// Two replicas at least once the cluster has two nodes, so one node's loss
		// never takes DNS down.
		"preventSinglePointFailure": true,
		// Nodes being drained or added still count: DNS demand does not fall with cordons.
		"includeUnschedulableNodes": true,
	}
	if l.Max > 0 {
		linear["max"] = l.Max
	}
	return map[string]any{
		"fullnameOverride": ReleaseName,
		"options":          map[string]any{"namespace": TargetNamespace, "target": Target},
		"config":           map[string]any{"linear": linear},
	}
}
