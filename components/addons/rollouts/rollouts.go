package rollouts

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/helmrelease"
)

// ReleaseName is the Helm release name of the controller.
const ReleaseName = "argo-rollouts"

// ControllerReplicas runs a standby controller; leader election picks the active one.
const ControllerReplicas = 2

// Args configure Argo Rollouts on one cluster.
type Args struct {
	// Namespace is the namespace to install into.
	Namespace pulumi.StringInput
	// Dashboard installs the Rollouts dashboard.
	Dashboard bool
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
		return nil, err
	}
	rel, err := helmrelease.New(ctx, name+"-release", &helmrelease.Args{
		Pin: helmrelease.ArgoRollouts, Override: args.Chart, ReleaseName: ReleaseName,
		Namespace: args.Namespace, Values: Values(args),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	c.Release = rel
	c.Dashboard = pulumi.Bool(args.Dashboard).ToBoolOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"dashboard": c.Dashboard}); err != nil {
		return nil, err
	}
	return c, nil
}

// Values are the typed chart values for args, before the stack's raw values.
func Values(args *Args) map[string]any {
	return map[string]any{
		// The chart installs the CRDs and keeps them on uninstall, so Rollouts survive a reinstall.
		"installCRDs": true,
		"keepCRDs":    true,
		"controller": map[string]any{
			"replicas": ControllerReplicas,
			"metrics":  map[string]any{"enabled": true},
		},
		"dashboard": map[string]any{"enabled": args.Dashboard},
	}
}
