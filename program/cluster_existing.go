package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/existing"
)

// init registers the builders of existing clusters, reached through a kubeconfig.
func init() {
	clusterBuilders[cluster.Existing] = cloudBuilder{
		build: func(ctx *pulumi.Context, spec *cluster.Spec, index int, stack string, access cluster.Access, needs platformNeeds, clusterOnly bool) (*cluster.Connection, error) {
			c, err := existing.New(ctx, spec.Name, &existing.Args{Spec: *spec, Index: index, Stack: stack, Access: access, Workloads: needs.Workloads, ClusterOnly: clusterOnly})
			if err != nil {
				return nil, err
			}
			return c.Connection(), nil
		},
		attach: func(ctx *pulumi.Context, r cluster.Remote, _ platformNeeds) (*cluster.Connection, error) {
			c, err := existing.Attach(ctx, r.Contract.Name, &existing.AttachArgs{Remote: r})
			if err != nil {
				return nil, err
			}
			return c.Connection(), nil
		},
	}
}
