package program

import (
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
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
