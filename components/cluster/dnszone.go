package cluster

import (
	"regexp"
	"strings"
)

// AzureDNSZone is an Azure DNS zone named by its resource ID. The addons that write
// records (cert-manager, external-dns) need its parts; the cluster component scopes
// their role assignments to ID.
type AzureDNSZone struct {
	// ID is the zone's ARM resource ID.
	ID string
	// SubscriptionID, ResourceGroup and Name are the ID's parts (Name lower-cased, as
	// DNS names compare).
	SubscriptionID, ResourceGroup, Name string
}

// ResourceGroupID is the ARM ID of the zone's resource group.
func (z AzureDNSZone) ResourceGroupID() string {
	return "/subscriptions/" + z.SubscriptionID + "/resourceGroups/" + z.ResourceGroup
}

// MsgAzureDNSZone is the message for a string that is no Azure DNS zone ID.
const MsgAzureDNSZone = "must be an Azure DNS zone resource ID: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone>"

var azureDNSZoneRE = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.Network/dnszones/([^/]+)$`)

// ParseAzureDNSZone splits an Azure DNS zone's resource ID; false when id names no zone.
func ParseAzureDNSZone(id string) (AzureDNSZone, bool) {
	m := azureDNSZoneRE.FindStringSubmatch(id)
	if m == nil {
		return AzureDNSZone{}, false
	}
	return AzureDNSZone{ID: id, SubscriptionID: m[1], ResourceGroup: m[2], Name: strings.ToLower(strings.TrimSuffix(m[3], "."))}, true
}

// AzureCloudName is the Azure cloud a region belongs to, as cert-manager and
// external-dns name it: the China regions are Azure China (21Vianet), with endpoints
// of their own.
func AzureCloudName(region string) string {
	if strings.HasPrefix(strings.ToLower(region), "china") {
		return "AzureChinaCloud"
	}
	return "AzurePublicCloud"
}
