package eks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// APIServerPort is the port the EKS API server listens on, which the control plane's
// security group opens to the management network.
const APIServerPort = 443

// managementRoutes is how the private subnets reach the management network: the routes
// to its ranges and what they route through.
type managementRoutes struct {
	routes      ec2.RouteTableRouteArray
	attachments []pulumi.Resource
}

// attachManagement attaches the VPC to network.management: a transit gateway attachment
// on the private subnets, or a peering connection with the peer VPC. It returns the
// routes the private route tables add; nothing without network.management.
func (b *builder) attachManagement(net *network) (managementRoutes, error) {
	m := b.spec.Network.Management
	if m == nil {
		return managementRoutes{}, nil
	}
	var out managementRoutes
	switch {
	case m.TransitGatewayID != "":
		att, err := ec2transitgateway.NewVpcAttachment(b.ctx, b.name+"-mgmt-tgw", &ec2transitgateway.VpcAttachmentArgs{
			TransitGatewayId: pulumi.String(m.TransitGatewayID),
			VpcId:            net.vpc.ID(),
			// One interface per zone in the private subnets, where the nodes and the
			// control plane's interfaces are.
			SubnetIds:  net.privateIDs(),
			DnsSupport: pulumi.String("enable"),
			Tags:       b.tags("mgmt-tgw", nil),
		}, b.opts()...)
		if err != nil {
			return out, fmt.Errorf("transit gateway attachment: %w", err)
		}
		out.attachments = append(out.attachments, att)
		for _, c := range m.CIDRs {
			out.routes = append(out.routes, &ec2.RouteTableRouteArgs{
				CidrBlock: pulumi.String(c), TransitGatewayId: pulumi.String(m.TransitGatewayID),
			})
		}
	case m.PeerVPCID != "":
		args := &ec2.VpcPeeringConnectionArgs{
			VpcId:     net.vpc.ID(),
			PeerVpcId: pulumi.String(m.PeerVPCID),
			Tags:      b.tags("mgmt-peering", nil),
		}
		if m.PeerOwnerID != "" {
			args.PeerOwnerId = pulumi.String(m.PeerOwnerID)
		}
		if m.PeerRegion != "" {
			args.PeerRegion = pulumi.String(m.PeerRegion)
		}
		// A peering within the account and region is accepted here; another account or
		// region accepts it on its side (AWS refuses autoAccept across either).
		if PeeringAutoAccept(m.PeerOwnerID, m.PeerRegion, b.spec.Region) {
			args.AutoAccept = pulumi.Bool(true)
		}
		pcx, err := ec2.NewVpcPeeringConnection(b.ctx, b.name+"-mgmt-peering", args, b.opts()...)
		if err != nil {
			return out, fmt.Errorf("vpc peering: %w", err)
		}
		out.attachments = append(out.attachments, pcx)
		for _, c := range m.CIDRs {
			out.routes = append(out.routes, &ec2.RouteTableRouteArgs{
				CidrBlock: pulumi.String(c), VpcPeeringConnectionId: pcx.ID(),
			})
		}
	}
	return out, nil
}

// PeeringAutoAccept reports whether the cluster's side may accept its own peering: only
// when the peer VPC is in the same account (no peerOwnerId) and region.
func PeeringAutoAccept(peerOwner, peerRegion, region string) bool {
	return peerOwner == "" && (peerRegion == "" || peerRegion == region)
}

// openAPIServer lets the management network reach the API server's private endpoint: an
// ingress rule on 443 per management range on the cluster security group EKS made for
// the control plane (AWS, "Cluster API server endpoint": a connected network needs it).
func (b *builder) openAPIServer() error {
	m := b.spec.Network.Management
	if m == nil {
		return nil
	}
	sg := b.cl.VpcConfig.ClusterSecurityGroupId().Elem()
	for i, c := range m.CIDRs {
		rule, err := ec2.NewSecurityGroupRule(b.ctx, fmt.Sprintf("%s-mgmt-api-%d", b.name, i), &ec2.SecurityGroupRuleArgs{
			Type:            pulumi.String("ingress"),
			Description:     pulumi.Sprintf("Kubernetes API from the management network %s", c),
			Protocol:        pulumi.String("tcp"),
			FromPort:        pulumi.Int(APIServerPort),
			ToPort:          pulumi.Int(APIServerPort),
			CidrBlocks:      pulumi.StringArray{pulumi.String(c)},
			SecurityGroupId: sg,
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("api server rule %s: %w", c, err)
		}
		b.pathReady = append(b.pathReady, rule)
	}
	return nil
}
