//go:build !no_alicloud

package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/ack"
	"github.com/fleetform/fleetform/components/cluster"
)

// init registers the ACK builder, keeping the Alibaba Cloud SDK in this file's imports only.
func init() {
	clusterBuilders[cluster.Alicloud] = func(ctx *pulumi.Context, spec *cluster.Spec, stack string, access cluster.Access, needs platformNeeds) (*cluster.Connection, error) {
		c, err := ack.New(ctx, spec.Name, &ack.Args{Spec: *spec, Stack: stack, Access: access, Workloads: needs.Workloads, Backups: needs.Backups})
		if err != nil {
			return nil, err
		}
		return c.Connection(), nil
	}
}
