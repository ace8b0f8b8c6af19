package existing

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// AttachArgs configure the in-cluster side of an existing cluster that a cluster stack
// registered (New with ClusterOnly).
type AttachArgs struct {
	// Remote is what the in-cluster stack read of the cluster stack (cloud existing).
	Remote cluster.Remote
}

// Attach registers, in an in-cluster stack, the component of an existing cluster that
// a cluster stack registered, with the same type and name, and its kubernetes provider
// built from the cluster stack's kubeconfig output with the same clusterIdentifier: a
// kubeconfig rotated in the cluster stack updates the provider and replaces nothing.
func Attach(ctx *pulumi.Context, name string, args *AttachArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("existing cluster %q: %w", name, cluster.ErrNoArgs)
	}
	r := args.Remote
	if err := r.Check(cluster.Existing, nil, nil); err != nil {
		return nil, fmt.Errorf("existing cluster %q: %w", name, err)
	}
	spec := r.Spec()
	spec.Kubeconfig = &cluster.KubeconfigSpec{Context: r.Contract.Facts[FactContext], StorageClass: r.Contract.StorageClass}
	c := &Cluster{spec: spec, subjects: r.Contract.Subjects, context: spec.Kubeconfig.Context}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("existing cluster %q: registering component: %w", name, err)
	}
	c.ClusterName = r.Output(cluster.OutputClusterName)
	c.Kubeconfig = r.Kubeconfig
	c.Context = pulumi.String(c.context).ToStringOutput()
	c.StorageClass = pulumi.String(r.Contract.StorageClass).ToStringOutput()
	c.KubernetesVersion = pulumi.String("").ToStringOutput()
	c.clusterIdentifier = r.Output(cluster.OutputClusterIdentifier)
	b := &builder{ctx: ctx, name: name, c: c, kubeconfig: r.Kubeconfig, attached: true}
	if err := b.kubernetes(); err != nil {
		return nil, fmt.Errorf("existing cluster %q: kubernetes: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, c.outputs()); err != nil {
		return nil, fmt.Errorf("existing cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}
