//go:build !no_azure

package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/aks"
	"github.com/fleetform/fleetform/components/cluster"
)

// init registers the AKS builders; the Azure SDK is linked only through this file.
func init() {
	clusterBuilders[cluster.Azure] = cloudBuilder{
		build: func(ctx *pulumi.Context, spec *cluster.Spec, index int, stack string, access cluster.Access, needs platformNeeds, clusterOnly bool) (*cluster.Connection, error) {
			c, err := aks.New(ctx, spec.Name, &aks.Args{Spec: *spec, Index: index, Stack: stack, Access: access, Workloads: needs.Workloads, Backups: needs.Backups, ClusterOnly: clusterOnly})
			if err != nil {
				return nil, err
			}
			return c.Connection(), nil
		},
		attach: func(ctx *pulumi.Context, r cluster.Remote, needs platformNeeds) (*cluster.Connection, error) {
			c, err := aks.Attach(ctx, r.Contract.Name, &aks.AttachArgs{Remote: r, Workloads: needs.Workloads, Backups: needs.Backups})
			if err != nil {
				return nil, err
			}
			return c.Connection(), nil
		},
	}
}
