//go:build !no_azure

package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/aks"
	"github.com/fleetform/fleetform/components/cluster"
)

func init() {
	clusterBuilders[cluster.Azure] = buildAKS
}

// buildAKS creates an AKS cluster with Azure CNI for a stack file entry.
func buildAKS(ctx *pulumi.Context, spec *cluster.Spec, stack string, access cluster.Access, needs platformNeeds) (*cluster.Connection, error) {
	c, err := aks.New(ctx, spec.Name, &aks.Args{Spec: *spec, Stack: stack, Access: access, Workloads: needs.Workloads, Backups: needs.Backups})
	if err != nil {
		return nil, err
	}
	return c.Connection(), nil
}
