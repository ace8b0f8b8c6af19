package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/existing"
)

func init() {
	clusterBuilders[cluster.Existing] = buildExisting
}

// buildExisting reaches a cluster through the kubeconfig of its stack file entry.
func buildExisting(ctx *pulumi.Context, spec *cluster.Spec, stack string, access cluster.Access, needs platformNeeds) (*cluster.Connection, error) {
	c, err := existing.New(ctx, spec.Name, &existing.Args{Spec: *spec, Stack: stack, Access: access, Workloads: needs.Workloads})
	if err != nil {
		return nil, err
	}
	return c.Connection(), nil
}
