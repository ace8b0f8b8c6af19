package eks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// Subnet tag keys that the AWS Load Balancer Controller and the in-tree service controller
// read to place load balancers.
const (
	// TagRoleELB marks public subnets for internet-facing load balancers.
	TagRoleELB = "kubernetes.io/role/elb"
	// TagRoleInternalELB marks private subnets for internal load balancers.
	TagRoleInternalELB = "kubernetes.io/role/internal-elb"
	// TagClusterPrefix + cluster name marks subnets a cluster may use ("shared" with others).
	TagClusterPrefix = "kubernetes.io/cluster/"
)

// network is the VPC and its subnets, in zone order.
type network struct {
	vpc     *ec2.Vpc
	private []*ec2.Subnet
	public  []*ec2.Subnet
	// managementPath are the attachment to the management network and the route tables
	// that send its ranges there; empty without network.management.
	managementPath []pulumi.Resource
}

func (n *network) privateIDs() pulumi.StringArray { return subnetIDs(n.private) }
func (n *network) publicIDs() pulumi.StringArray  { return subnetIDs(n.public) }

func subnetIDs(ss []*ec2.Subnet) pulumi.StringArray {
	out := make(pulumi.StringArray, len(ss))
	for i, s := range ss {
		out[i] = s.ID()
	}
	return out
}

// zones returns the availability zone names: the spec's list, or the region's first zones
// looked up at deploy time.
func (b *builder) zones(prov *aws.Provider) []pulumi.StringInput {
	n := b.spec.Network.Zones
	out := make([]pulumi.StringInput, n)
	if azs := b.spec.AWS.AvailabilityZones; len(azs) > 0 {
		for i := range n {
			out[i] = pulumi.String(azs[i])
		}
		return out
	}
	names := aws.GetAvailabilityZonesOutput(b.ctx, aws.GetAvailabilityZonesOutputArgs{
		State: pulumi.String("available"),
		// Local and Wavelength zones cannot host EKS nodes.
		Filters: aws.GetAvailabilityZonesFilterArray{&aws.GetAvailabilityZonesFilterArgs{
			Name: pulumi.String("zone-type"), Values: pulumi.StringArray{pulumi.String("availability-zone")},
		}},
	}, pulumi.Provider(prov)).Names()
	for i := range n {
		out[i] = names.Index(pulumi.Int(i))
	}
	return out
}

// network creates the VPC, a public and a private subnet per zone, the internet gateway and
// NAT gateways with their routes.
func (b *builder) network(prov *aws.Provider) (*network, error) {
	vpcRange, err := cluster.ParseCIDR(b.spec.Network.VPCCIDR)
	if err != nil {
		return nil, fmt.Errorf("network.vpcCidr: %w", err)
	}
	layout, err := cluster.AWSSubnets(vpcRange, b.spec.Network.Zones)
	if err != nil {
		return nil, fmt.Errorf("network.vpcCidr: %w", err)
	}
	zones := b.zones(prov)
	clusterTag := map[string]string{TagClusterPrefix + b.clusterName: "shared"}
	privateTags := map[string]string{TagRoleInternalELB: "1"}
	if b.spec.HasKarpenter() {
		// Karpenter's EC2NodeClasses launch nodes into the subnets with this tag.
		privateTags[cluster.TagKarpenterDiscovery] = b.clusterName
	}

	vpc, err := ec2.NewVpc(b.ctx, b.name+"-vpc", &ec2.VpcArgs{
		CidrBlock: pulumi.String(vpcRange.String()),
		// Private endpoint access and IRSA need DNS names inside the VPC.
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               b.tags("vpc", clusterTag),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("vpc: %w", err)
	}
	igw, err := ec2.NewInternetGateway(b.ctx, b.name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  b.tags("igw", nil),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("internet gateway: %w", err)
	}
	publicRT, err := ec2.NewRouteTable(b.ctx, b.name+"-public", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{
			CidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID(),
		}},
		Tags: b.tags("public", nil),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("public route table: %w", err)
	}

	net := &network{vpc: vpc}
	for i, pfx := range layout.Public {
		part := fmt.Sprintf("public-%d", i)
		sn, err := ec2.NewSubnet(b.ctx, b.name+"-"+part, &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(pfx.String()),
			AvailabilityZone: zones[i],
			Tags:             b.tags(part, merge(clusterTag, map[string]string{TagRoleELB: "1"})),
		}, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("subnet %s: %w", part, err)
		}
		if _, err := ec2.NewRouteTableAssociation(b.ctx, b.name+"-"+part, &ec2.RouteTableAssociationArgs{
			SubnetId: sn.ID(), RouteTableId: publicRT.ID(),
		}, b.opts()...); err != nil {
			return nil, fmt.Errorf("route table association %s: %w", part, err)
		}
		net.public = append(net.public, sn)
	}

	nats := 1
	if b.spec.AWS.NATGateways == cluster.NATPerZone {
		nats = len(net.public)
	}
	var natGWs []*ec2.NatGateway
	for i := range nats {
		part := fmt.Sprintf("nat-%d", i)
		eip, err := ec2.NewEip(b.ctx, b.name+"-"+part, &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   b.tags(part, nil),
		}, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("elastic ip %s: %w", part, err)
		}
		nat, err := ec2.NewNatGateway(b.ctx, b.name+"-"+part, &ec2.NatGatewayArgs{
			AllocationId: eip.ID(),
			SubnetId:     net.public[i].ID(),
			Tags:         b.tags(part, nil),
		}, b.opts(
			// A public NAT gateway only works once the VPC has its internet gateway; AWS
			// documents this ordering, and no input carries it.
			pulumi.DependsOn([]pulumi.Resource{igw}),
		)...)
		if err != nil {
			return nil, fmt.Errorf("nat gateway %s: %w", part, err)
		}
		natGWs = append(natGWs, nat)
	}

	for i, pfx := range layout.Private {
		part := fmt.Sprintf("private-%d", i)
		sn, err := ec2.NewSubnet(b.ctx, b.name+"-"+part, &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(pfx.String()),
			AvailabilityZone: zones[i],
			Tags:             b.tags(part, merge(clusterTag, privateTags)),
		}, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("subnet %s: %w", part, err)
		}
		net.private = append(net.private, sn)
	}
	toMgmt, err := b.attachManagement(net)
	if err != nil {
		return nil, err
	}
	for i, sn := range net.private {
		part := fmt.Sprintf("private-%d", i)
		routes := ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{
			CidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: natGWs[i%len(natGWs)].ID(),
		}}
		routes = append(routes, toMgmt.routes...)
		// The routes to the management network are inline too: a route table with inline
		// routes removes any route made beside it as a separate resource.
		rt, err := ec2.NewRouteTable(b.ctx, b.name+"-"+part, &ec2.RouteTableArgs{
			VpcId:  vpc.ID(),
			Routes: routes,
			Tags:   b.tags(part, nil),
		}, b.opts(pulumi.DependsOn(toMgmt.attachments))...)
		if err != nil {
			return nil, fmt.Errorf("route table %s: %w", part, err)
		}
		assoc, err := ec2.NewRouteTableAssociation(b.ctx, b.name+"-"+part, &ec2.RouteTableAssociationArgs{
			SubnetId: sn.ID(), RouteTableId: rt.ID(),
		}, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("route table association %s: %w", part, err)
		}
		if len(toMgmt.routes) > 0 {
			net.managementPath = append(net.managementPath, rt, assoc)
		}
	}
	net.managementPath = append(net.managementPath, toMgmt.attachments...)
	return net, nil
}

// merge returns a new map with the entries of both, b winning.
func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
