package ack

import (
	"fmt"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cen"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CENChildVPC is the CEN child instance type of a VPC.
const CENChildVPC = "VPC"

// attachManagement attaches the cluster's VPC to the Cloud Enterprise Network of
// network.management. CEN learns the VPC's vSwitch routes and hands the management VPC's
// routes to it, so no route entry is written here, and the API server's internal CLB is
// reached from every network the CEN connects: the alicloud provider (ProviderVersion)
// has no input for the access control list of the CLB listener that ACK manages
// (docs/clusters.md). Nothing
// without network.management.
func (b *builder) attachManagement() error {
	m := b.spec.Network.Management
	if m == nil {
		return nil
	}
	att, err := cen.NewInstanceAttachment(b.ctx, b.name+"-mgmt-cen", &cen.InstanceAttachmentArgs{
		InstanceId:            pulumi.String(m.CENID),
		ChildInstanceId:       b.vpc.ID(),
		ChildInstanceType:     pulumi.String(CENChildVPC),
		ChildInstanceRegionId: pulumi.String(b.spec.Region),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("cen attachment: %w", err)
	}
	b.pathReady = append(b.pathReady, att)
	return nil
}
