//go:build !no_aws

package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/eks"
)

// init registers the EKS builders; the AWS SDK is linked only through this file.
func init() {
	clusterBuilders[cluster.AWS] = cloudBuilder{
		build: func(ctx *pulumi.Context, spec *cluster.Spec, index int, stack string, access cluster.Access, needs platformNeeds, clusterOnly bool) (*cluster.Connection, error) {
			c, err := eks.New(ctx, spec.Name, &eks.Args{Spec: *spec, Index: index, Stack: stack, Access: access, Workloads: needs.Workloads, Backups: needs.Backups, ClusterOnly: clusterOnly})
			if err != nil {
				return nil, err
			}
			return c.Connection(), nil
		},
		attach: func(ctx *pulumi.Context, r cluster.Remote, needs platformNeeds) (*cluster.Connection, error) {
			c, err := eks.Attach(ctx, r.Contract.Name, &eks.AttachArgs{Remote: r, Workloads: needs.Workloads, Backups: needs.Backups})
			if err != nil {
				return nil, err
			}
			return c.Connection(), nil
		},
	}
}
