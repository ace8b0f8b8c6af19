package aks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// Names of what the component makes on its side of the management network.
const (
	// ManagementPeeringName is the cluster VNet's peering to the hub VNet.
	ManagementPeeringName = "management"
	// PrivateDNSLinkLocation is where private DNS zone links live: they are global resources.
	PrivateDNSLinkLocation = "global"
)

// attachManagement peers the cluster's VNet with the hub VNet of network.management and,
// for a private cluster, links the cluster's private DNS zone (made by AKS in the node
// resource group) to the hub VNet, so that runners there resolve the API server's name
// to its private endpoint. The hub's own peering back to the cluster's VNet is the hub
// owner's (docs/clusters.md). Nothing without network.management.
func (b *builder) attachManagement() error {
	m := b.spec.Network.Management
	if m == nil {
		return nil
	}
	peering, err := network.NewVirtualNetworkPeering(b.ctx, b.name+"-mgmt-peering", &network.VirtualNetworkPeeringArgs{
		ResourceGroupName:         b.rg.Name,
		VirtualNetworkName:        b.vnet.Name,
		VirtualNetworkPeeringName: pulumi.String(ManagementPeeringName),
		RemoteVirtualNetwork:      &network.SubResourceArgs{Id: pulumi.String(m.HubVNetID)},
		AllowVirtualNetworkAccess: pulumi.Bool(true),
		// Runners behind the hub's firewall or gateway reach the cluster through it.
		AllowForwardedTraffic: pulumi.Bool(true),
		// The cluster's egress stays its own (outboundType); the hub's gateways are not used.
		UseRemoteGateways: pulumi.Bool(false),
	}, b.child...)
	if err != nil {
		return fmt.Errorf("hub peering: %w", err)
	}
	b.pathReady = append(b.pathReady, peering)
	if b.spec.Azure.EndpointAccess != cluster.EndpointPrivate {
		return nil
	}
	zone := b.mc.PrivateFQDN.ApplyT(PrivateDNSZoneOf).(pulumi.StringOutput)
	link, err := network.NewVirtualNetworkLink(b.ctx, b.name+"-mgmt-dns", &network.VirtualNetworkLinkArgs{
		ResourceGroupName:      b.mc.NodeResourceGroup.Elem(),
		PrivateZoneName:        zone,
		VirtualNetworkLinkName: pulumi.String(b.name + "-mgmt"),
		Location:               pulumi.String(PrivateDNSLinkLocation),
		VirtualNetwork:         &network.SubResourceArgs{Id: pulumi.String(m.HubVNetID)},
		// The hub's VMs register nothing in the cluster's zone.
		RegistrationEnabled: pulumi.Bool(false),
		Tags:                b.tags,
	}, b.child...)
	if err != nil {
		return fmt.Errorf("private dns link: %w", err)
	}
	b.pathReady = append(b.pathReady, link)
	return nil
}

// PrivateDNSZoneOf is the private DNS zone of a private cluster's API server name: the
// name without its first label (<prefix>-<hash>.<guid>.privatelink.<region>.azmk8s.io
// is in <guid>.privatelink.<region>.azmk8s.io). It is empty while the name is unknown.
func PrivateDNSZoneOf(fqdn string) (string, error) {
	if fqdn == "" {
		return "", nil
	}
	_, zone, ok := strings.Cut(fqdn, ".")
	if !ok || zone == "" {
		return "", fmt.Errorf("private FQDN %q has no zone", fqdn)
	}
	return zone, nil
}

// authorizedRanges are the public endpoint's authorized IP ranges: the allow-list plus
// the management ranges that are public addresses. A peered network reaches a public
// endpoint from its public egress address, never from a private range, so private
// management ranges would open nothing and are left out.
func authorizedRanges(a *cluster.AzureSpec, m *cluster.ManagementNetwork) []string {
	out := slices.Clone(a.PublicAccessCIDRs)
	if m == nil {
		return out
	}
	for _, c := range cluster.PublicCIDRs(m.CIDRs) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
