package program

import (
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/stateful"
	"github.com/fleetform/fleetform/stacks"
)

// protectStateful registers, before any resource, a stack transformation that marks
// every stateful or foundational resource (internal/stateful) protected when the stack
// protects (stacks.Settings.Protect): the engine then refuses to delete or replace it.
// It is a transformation the SDK applies itself, so the offline plan (the mock monitor
// ignores engine-side transforms) shows `protect` exactly as `pulumi up` sends it.
// Nothing else is touched: a component stays unprotected, so its children, which
// inherit protect from their parent, are not protected by accident.
func protectStateful(ctx *pulumi.Context, cfg *stacks.StackConfig) error {
	if !cfg.Settings.Protects() {
		return nil
	}
	return ctx.RegisterStackTransformation(func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if _, ok := stateful.Holds(args.Type, chartOf(args.Props)); !ok {
			return nil
		}
		return &pulumi.ResourceTransformationResult{Props: args.Props, Opts: append(args.Opts, pulumi.Protect(true))}
	})
}

// chartOf is the chart of a Helm release's args, when it is a plain value.
func chartOf(props pulumi.Input) string {
	if a, ok := props.(*helmv3.ReleaseArgs); ok && a != nil {
		if c, ok := a.Chart.(pulumi.String); ok {
			return string(c)
		}
	}
	return ""
}

// destroyGuard is a component with no children and no cloud or cluster object.
type destroyGuard struct{ pulumi.ResourceState }

// guard is what a stack's build registers so that a `pulumi destroy` of a protected
// stack deletes nothing. Pulumi's destroy is not all-or-nothing: it deletes every
// unprotected resource and stops only at the protected ones and what they stand on. The
// guard depends on every resource registered before it, so a destroy must delete it
// first; when the stack protects, the guard is protected, the engine refuses that first
// delete, and what waits for it (everything) stays. It is registered in every stack,
// protected or not, so that lifting protection is an update of its flag, never the
// delete of a protected resource.
type guard struct {
	seen []pulumi.Resource
}

// watchResources registers, before any resource, a stack transformation that records
// every resource the program registers, for the guard to depend on. It changes nothing.
func watchResources(ctx *pulumi.Context) (*guard, error) {
	g := &guard{}
	err := ctx.RegisterStackTransformation(func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if args.Resource != nil {
			g.seen = append(g.seen, args.Resource)
		}
		return nil
	})
	return g, err
}

// register registers the guard after the build: protected when the stack protects,
// depending on every resource seen. Resources a component registers later, inside an
// output's callback, are not among them; none of the components does that today
// (TestDestroyGuardDependsOnEverything).
func (g *guard) register(ctx *pulumi.Context, cfg *stacks.StackConfig) error {
	opts := []pulumi.ResourceOption{pulumi.DependsOn(g.seen), pulumi.Protect(cfg.Settings.Protects())}
	// A helm/v4 Chart's children are made by the provider, so the SDK cannot list them
	// among a component's children: the guard depends on them through the chart's
	// `resources` output. Without that, a destroy deletes them first (the engine suite
	// saw the gateway chart's 18 children leave the state while everything else stayed).
	for _, r := range g.seen {
		if c, ok := r.(*helmv4.Chart); ok {
			opts = append(opts, pulumi.DependsOnInputs(chartChildren(c)))
		}
	}
	var r destroyGuard
	return ctx.RegisterComponentResource(stateful.TypeDestroyGuard, stateful.DestroyGuardName, &r, opts...)
}

// chartChildren are the resources a helm/v4 Chart made, from its `resources` output.
func chartChildren(c *helmv4.Chart) pulumi.ResourceArrayOutput {
	return c.Resources.ApplyT(func(xs []interface{}) []pulumi.Resource {
		var out []pulumi.Resource
		for _, x := range xs {
			if r, ok := x.(pulumi.Resource); ok {
				out = append(out, r)
			}
		}
		return out
	}).(pulumi.ResourceArrayOutput)
}
