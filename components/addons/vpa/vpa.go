package vpa

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/helmrelease"
)

// ReleaseName is the Helm release name of the VPA install.
const ReleaseName = "vpa"

// The VerticalPodAutoscaler API releases create objects of.
const (
	// APIVersion is the VerticalPodAutoscaler API group and version (crds/vpa-v1-crd.yaml).
	APIVersion = "autoscaling.k8s.io/v1"
	// Kind is the VerticalPodAutoscaler kind.
	Kind = "VerticalPodAutoscaler"
)

// Update modes of a VerticalPodAutoscaler (spec.updatePolicy.updateMode).
const (
	// ModeOff only records recommendations in the object's status; pods are never touched.
	ModeOff = "Off"
	// ModeInitial sets requests when a pod is created and never evicts.
	ModeInitial = "Initial"
	// ModeAuto sets requests at creation and evicts pods whose requests drift from the recommendation.
	ModeAuto = "Auto"
)

// Modes lists the update modes a release may choose.
var Modes = []string{ModeOff, ModeInitial, ModeAuto}

// WebhookFailurePolicy lets pods be created while the admission controller is down
// (they keep their declared requests) instead of blocking every pod in the cluster.
const WebhookFailurePolicy = "Ignore"

// Args configure the Vertical Pod Autoscaler on one cluster.
type Args struct {
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// Updates runs the updater and admission controller, which apply recommendations to
	// objects in Initial or Auto mode. False runs the recommender alone.
	Updates bool
	// Chart is the stack's chart override.
	Chart helmrelease.Override
}

// VPA is a Vertical Pod Autoscaler install.
type VPA struct {
	pulumi.ResourceState

	// Release registers the VerticalPodAutoscaler CRD; objects of that kind depend on it.
	Release pulumi.Resource
	// Updates reports whether recommendations are applied (updater and admission controller run).
	Updates pulumi.BoolOutput `pulumi:"updates"`
}

// MsgNamespaceRequired is the error for Args without a namespace.
const MsgNamespaceRequired = "a namespace is required"

// New installs the Vertical Pod Autoscaler.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*VPA, error) {
	if args == nil || args.Namespace == nil {
		return nil, fmt.Errorf("vpa %q: %s", name, MsgNamespaceRequired)
	}
	c := &VPA{}
	if err := ctx.RegisterComponentResource("platform:addons:VPA", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering component: %w", err)
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.VPA, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: Values(args),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	c.Release = rel
	c.Updates = pulumi.Bool(args.Updates).ToBoolOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"updates": c.Updates}); err != nil {
		return nil, fmt.Errorf("registering outputs: %w", err)
	}
	return c, nil
}

// Values are the typed chart values for args, before the stack's raw values.
func Values(args *Args) map[string]any {
	admission := map[string]any{"enabled": args.Updates}
	if args.Updates {
		// Read only with the admission controller on (the chart's webhook configuration).
		admission["mutatingWebhookConfiguration"] = map[string]any{"failurePolicy": WebhookFailurePolicy}
	}
	return map[string]any{
		"recommender":         map[string]any{"enabled": true},
		"updater":             map[string]any{"enabled": args.Updates},
		"admissionController": admission,
		// The clusters run their own metrics-server (EKS add-on, AKS and ACK built in).
		"metrics-server": map[string]any{"enabled": false},
	}
}
