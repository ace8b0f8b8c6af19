package helmrelease

import (
	"context"
	"fmt"

	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NewCRDChart installs a chart of CustomResourceDefinitions as a helm/v4.Chart: the
// provider renders it and applies each CRD as a resource of its own, with server-side
// apply. A helm/v3.Release cannot carry such a chart: Helm keeps the whole chart source
// in one release Secret, which the API server caps at 1 MiB, and gateway-crds-helm
// v1.8.3 is about 3.7 MB rendered (envoyproxy/gateway issue #6105, open). Applied
// this way the CRDs are also upgraded with the pin, which Helm's crds/ folder never
// does. The CRDs, and only they, are kept when the chart leaves the stack
// (RetainOnDelete, set by a transform on the chart's children): deleting a CRD
// deletes every object of its kind, so removing or renaming the addon must not.
func NewCRDChart(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*helmv4.Chart, error) {
	if args == nil || args.Pin.Chart == "" {
		return nil, fmt.Errorf("crd chart %q: no chart", name)
	}
	src := Resolve(args.Pin, args.Override)
	cargs := &helmv4.ChartArgs{
		Chart:     pulumi.String(src.Chart),
		Version:   pulumi.String(src.Version),
		Namespace: args.Namespace.ToStringOutput().ToStringPtrOutput(),
		Values:    pulumi.ToMap(Merge(args.Values, args.Override.Values)),
	}
	if src.Repository != "" {
		cargs.RepositoryOpts = helmv4.RepositoryOptsArgs{Repo: pulumi.String(src.Repository)}
	}
	c, err := helmv4.NewChart(ctx, name, cargs, append(opts, pulumi.Transforms([]pulumi.ResourceTransform{retainCRDs}))...)
	if err != nil {
		return nil, fmt.Errorf("crd chart %q: %w", name, err)
	}
	return c, nil
}

// TypeCRD is the type token of a CustomResourceDefinition.
const TypeCRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"

// retainCRDs keeps a CRD in the cluster when its resource leaves the stack.
func retainCRDs(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	if a.Type != TypeCRD {
		return nil
	}
	o := a.Opts
	o.RetainOnDelete = true
	return &pulumi.ResourceTransformResult{Props: a.Props, Opts: o}
}
