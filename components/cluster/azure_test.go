package cluster

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// azureSpec is a valid prod AKS cluster in podSubnet mode, before defaults.
func azureSpec() Spec {
	return Spec{
		Name:              "prod-azure",
		Cloud:             Azure,
		Region:            "westeurope",
		KubernetesVersion: "1.36",
		Environment:       "prod",
		Network:           Network{VPCCIDR: "10.110.0.0/16", PodCIDR: "10.110.64.0/18", ServiceCIDR: "172.21.0.0/16", Zones: 3},
		NodePools: []NodePool{
			{Name: "system", System: true, InstanceTypes: []string{"Standard_D4s_v5"}, MinSize: 2, DesiredSize: 3, MaxSize: 4},
			{Name: "apps", InstanceTypes: []string{"Standard_D8s_v5"}, MinSize: 3, DesiredSize: 3, MaxSize: 15},
		},
		Azure: &AzureSpec{AdminGroupObjectIDs: []string{"00000000-0000-0000-0000-00000000a11c"}},
	}
}

func TestAzureDefaults(t *testing.T) {
	tests := []struct {
		name  string
		stack string
		edit  func(*Spec)
		check func(t *testing.T, s *Spec)
	}{
		{
			name: "prod podSubnet",
			check: func(t *testing.T, s *Spec) {
				a := s.Azure
				want := map[string][2]string{
					"resourceGroup":  {a.ResourceGroup, "prod-azure-rg"},
					"networkMode":    {a.NetworkMode, AzureModePodSubnet},
					"networkPolicy":  {a.NetworkPolicy, "azure"},
					"outboundType":   {a.OutboundType, "loadBalancer"},
					"dnsServiceIp":   {a.DNSServiceIP, "172.21.0.10"},
					"nodeSubnetCidr": {a.NodeSubnetCIDR, "10.110.0.0/22"},
					"endpointAccess": {a.EndpointAccess, EndpointPrivate},
					"kubeloginMode":  {a.KubeloginMode, KubeloginAzureCLI},
					"tier":           {a.Tier, "Standard"},
					"deployer":       {a.DeployerPrincipalType, "ServicePrincipal"},
				}
				for k, v := range want {
					if v[0] != v[1] {
						t.Errorf("%s = %q, want %q", k, v[0], v[1])
					}
				}
				if !*a.AADRBAC || !*a.DisableLocalAccounts {
					t.Errorf("aadRbac=%v disableLocalAccounts=%v, want both true in prod", *a.AADRBAC, *a.DisableLocalAccounts)
				}
				for _, np := range s.NodePools {
					if np.MaxPods != DefaultAzureMaxPods {
						t.Errorf("pool %s maxPods = %d, want %d", np.Name, np.MaxPods, DefaultAzureMaxPods)
					}
				}
			},
		},
		{
			name:  "dev: no aad, free tier, pod range is the VNet's upper half, first pool is system",
			stack: "dev",
			edit: func(s *Spec) {
				s.Environment = ""
				s.Network = Network{VPCCIDR: "10.30.0.0/16"}
				s.NodePools[0].System = false
				s.Azure = &AzureSpec{PublicAccessCIDRs: []string{"198.51.100.0/24"}}
			},
			check: func(t *testing.T, s *Spec) {
				a := s.Azure
				if *a.AADRBAC || *a.DisableLocalAccounts || a.Tier != "Free" {
					t.Errorf("aadRbac=%v disableLocalAccounts=%v tier=%s, want false false Free", *a.AADRBAC, *a.DisableLocalAccounts, a.Tier)
				}
				if a.EndpointAccess != EndpointPublicWithAllowList || a.KubeloginMode != KubeloginAzureCLI {
					t.Errorf("endpointAccess=%s kubeloginMode=%s, want %s %s", a.EndpointAccess, a.KubeloginMode, EndpointPublicWithAllowList, KubeloginAzureCLI)
				}
				if s.Network.PodCIDR != "10.30.128.0/17" || a.NodeSubnetCIDR != "10.30.0.0/22" || a.DNSServiceIP != "172.20.0.10" {
					t.Errorf("podCidr=%s nodeSubnetCidr=%s dnsServiceIp=%s, want 10.30.128.0/17 10.30.0.0/22 172.20.0.10", s.Network.PodCIDR, a.NodeSubnetCIDR, a.DNSServiceIP)
				}
				if !s.NodePools[0].System || s.NodePools[1].System {
					t.Errorf("system pools = %v %v, want true false", s.NodePools[0].System, s.NodePools[1].System)
				}
			},
		},
		{
			name: "overlay takes the AKS overlay range and the node subnet may start at the VNet",
			edit: func(s *Spec) {
				s.Network.PodCIDR = ""
				s.Azure.NetworkMode = AzureModeOverlay
			},
			check: func(t *testing.T, s *Spec) {
				if s.Network.PodCIDR != DefaultAzureOverlayPodCIDR || s.Azure.NodeSubnetCIDR != "10.110.0.0/22" {
					t.Errorf("podCidr=%s nodeSubnetCidr=%s, want %s 10.110.0.0/22", s.Network.PodCIDR, s.Azure.NodeSubnetCIDR, DefaultAzureOverlayPodCIDR)
				}
			},
		},
		{
			name: "node subnet skips a pod range at the start of the VNet",
			edit: func(s *Spec) { s.Network.PodCIDR = "10.110.0.0/18" },
			check: func(t *testing.T, s *Spec) {
				if s.Azure.NodeSubnetCIDR != "10.110.64.0/22" {
					t.Errorf("nodeSubnetCidr = %s, want 10.110.64.0/22", s.Azure.NodeSubnetCIDR)
				}
			},
		},
		{
			name: "explicit settings are kept",
			edit: func(s *Spec) {
				f := false
				s.Azure.DisableLocalAccounts = &f
				s.Azure.DNSServiceIP = "172.21.0.53"
				s.NodePools[1].MaxPods = 60
			},
			check: func(t *testing.T, s *Spec) {
				if *s.Azure.DisableLocalAccounts || s.Azure.DNSServiceIP != "172.21.0.53" || s.NodePools[1].MaxPods != 60 {
					t.Errorf("disableLocalAccounts=%v dnsServiceIp=%s maxPods=%d, want false 172.21.0.53 60", *s.Azure.DisableLocalAccounts, s.Azure.DNSServiceIP, s.NodePools[1].MaxPods)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := azureSpec()
			if tc.edit != nil {
				tc.edit(&s)
			}
			stack := tc.stack
			if stack == "" {
				stack = "prod"
			}
			s.ApplyDefaults(stack)
			tc.check(t, &s)
			if errs := s.Validate(field.NewPath("clusters").Index(0)); len(errs) > 0 {
				t.Errorf("defaulted spec is invalid: %v", errs.ToAggregate())
			}
		})
	}
}

func TestAzureValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Spec)
		// want maps each expected field path to a substring of its message.
		want map[string]string
	}{
		{name: "valid", edit: func(*Spec) {}},
		{name: "valid overlay", edit: func(s *Spec) {
			s.Azure.NetworkMode = AzureModeOverlay
			s.Network.PodCIDR = "192.168.0.0/16"
			s.Azure.NetworkPolicy = "cilium"
		}},
		{name: "valid patch version", edit: func(s *Spec) { s.KubernetesVersion = "1.35.4" }},
		{name: "valid udr", edit: func(s *Spec) {
			s.Azure.OutboundType = "userDefinedRouting"
			s.Azure.RouteTableID = "/subscriptions/x/resourceGroups/hub/providers/Microsoft.Network/routeTables/to-firewall"
		}},
		{
			name: "version in another cloud's form",
			edit: func(s *Spec) { s.KubernetesVersion = "1.33.3-aliyun.1" },
			want: map[string]string{"clusters[0].kubernetesVersion": MsgAKSVersionForm},
		},
		{
			name: "version with a v",
			edit: func(s *Spec) { s.KubernetesVersion = "v1.33" },
			want: map[string]string{"clusters[0].kubernetesVersion": MsgAKSVersionForm},
		},
		{
			name: "version AKS no longer offers",
			edit: func(s *Spec) { s.KubernetesVersion = "1.27.9" },
			want: map[string]string{"clusters[0].kubernetesVersion": MsgVersionUnknown},
		},
		{
			name: "version past community support without LTS",
			edit: func(s *Spec) { s.KubernetesVersion = "1.34" },
			want: map[string]string{"clusters[0].kubernetesVersion": "left standard support on 2026-11-30"},
		},
		{
			name: "version past community support with LTS on Premium",
			edit: func(s *Spec) {
				lts := true
				s.KubernetesVersion, s.Azure.Tier, s.Azure.LongTermSupport = "1.34", AzureTierPremium, &lts
			},
		},
		{
			name: "LTS without Premium",
			edit: func(s *Spec) { lts := true; s.Azure.LongTermSupport = &lts },
			want: map[string]string{"clusters[0].azure.longTermSupport": MsgAzureLTSNeedsPremium},
		},
		{
			name: "interactive kubelogin",
			edit: func(s *Spec) { s.Azure.KubeloginMode = "devicecode" },
			want: map[string]string{"clusters[0].azure.kubeloginMode": "supported values"},
		},
		{
			name: "allow-list without CIDRs, and CIDRs with a private cluster",
			edit: func(s *Spec) { s.Azure.EndpointAccess = EndpointPublicWithAllowList },
			want: map[string]string{"clusters[0].azure.publicAccessCidrs": MsgAllowListEmpty},
		},
		{
			name: "authorized ranges on a private cluster",
			edit: func(s *Spec) { s.Azure.PublicAccessCIDRs = []string{"198.51.100.0/24"} },
			want: map[string]string{"clusters[0].azure.publicAccessCidrs": MsgAllowListOnly},
		},
		{
			name: "too few zones",
			edit: func(s *Spec) { s.Network.Zones = 1 },
			want: map[string]string{"clusters[0].network.zones": MsgTooFewZones},
		},
		{
			name: "more zones than a region has",
			edit: func(s *Spec) { s.Network.Zones = 4 },
			want: map[string]string{"clusters[0].network.zones": MsgAzureTooManyZones},
		},
		{
			name: "pod subnet too small for the maximum nodes",
			edit: func(s *Spec) { s.Network.PodCIDR = "10.110.64.0/21" },
			// (4 + 15) × 110 + 5 = 2095 needed; a /21 has 2048.
			want: map[string]string{"clusters[0].network.podCidr": MsgAzurePodRangeTooSmall + ": 2095 IPs needed (sum of maxSize × maxPods over node pools, plus 5 Azure reserves), 2048 available"},
		},
		{
			name: "overlay range too small for the maximum nodes",
			edit: func(s *Spec) {
				s.Azure.NetworkMode = AzureModeOverlay
				s.Network.PodCIDR = "192.168.0.0/20"
			},
			// 19 nodes × 256 = 4864 needed; a /20 has 4096.
			want: map[string]string{"clusters[0].network.podCidr": MsgAzurePodRangeTooSmall + ": 4864 IPs needed"},
		},
		{
			name: "per-pool pod subnet too small for its pool",
			edit: func(s *Spec) {
				s.Azure.PodSubnetPerPool = true
				s.Network.PodCIDR = "10.110.64.0/20"
				s.NodePools[1].MaxPods = 250
			},
			// Each pool gets a /21 (2048); apps needs 15 × 250 + 5 = 3755, system 4 × 110 + 5 fits.
			want: map[string]string{"clusters[0].nodePools[1]": MsgAzurePodRangeTooSmall + ": pod subnet 10.110.72.0/21 needs 3755 IPs"},
		},
		{
			name: "pod range outside the VNet in podSubnet mode",
			edit: func(s *Spec) { s.Network.PodCIDR = "10.111.0.0/16" },
			want: map[string]string{"clusters[0].network.podCidr": MsgAzurePodCIDROutside},
		},
		{
			name: "overlay range inside the VNet",
			edit: func(s *Spec) { s.Azure.NetworkMode = AzureModeOverlay },
			want: map[string]string{"clusters[0].network.podCidr": MsgAzureOverlayInVNet},
		},
		{
			name: "overlay together with a pod subnet per pool",
			edit: func(s *Spec) {
				s.Azure.NetworkMode = AzureModeOverlay
				s.Network.PodCIDR = "192.168.0.0/16"
				s.Azure.PodSubnetPerPool = true
			},
			want: map[string]string{"clusters[0].azure.podSubnetPerPool": MsgAzureOverlayPodSubnet},
		},
		{
			name: "pod range overlaps services",
			edit: func(s *Spec) {
				s.Azure.NetworkMode = AzureModeOverlay
				s.Network.PodCIDR = "172.21.0.0/16"
			},
			want: map[string]string{"clusters[0].network.serviceCidr": MsgOverlap},
		},
		{
			name: "node subnet overlaps the pod subnet",
			edit: func(s *Spec) { s.Azure.NodeSubnetCIDR = "10.110.64.0/24" },
			want: map[string]string{"clusters[0].azure.nodeSubnetCidr": MsgAzureNodeSubnet},
		},
		{
			name: "node subnet too small",
			edit: func(s *Spec) { s.Azure.NodeSubnetCIDR = "10.110.0.0/28" },
			// 4+1 + 15+1 + 5 = 26 needed; a /28 has 16.
			want: map[string]string{"clusters[0].azure.nodeSubnetCidr": MsgAzureNodeSubnetSmall + ": 26 addresses needed"},
		},
		{
			name: "dns ip outside the service range",
			edit: func(s *Spec) { s.Azure.DNSServiceIP = "10.110.0.10" },
			want: map[string]string{"clusters[0].azure.dnsServiceIp": MsgAzureDNSOutside},
		},
		{
			name: "dns ip is the service range's first address",
			edit: func(s *Spec) { s.Azure.DNSServiceIP = "172.21.0.0" },
			want: map[string]string{"clusters[0].azure.dnsServiceIp": MsgAzureDNSOutside},
		},
		{
			name: "unknown enums",
			edit: func(s *Spec) {
				s.Azure.NetworkMode = "kubenet"
				s.Azure.NetworkPolicy = "weave"
				s.Azure.OutboundType = "none"
				s.Azure.Tier = "Gold"
				s.Azure.DeployerPrincipalType = "Group"
			},
			want: map[string]string{
				"clusters[0].azure.deployerPrincipalType": "supported values",
				"clusters[0].azure.networkMode":           "supported values",
				"clusters[0].azure.networkPolicy":         "supported values",
				"clusters[0].azure.outboundType":          "supported values",
				"clusters[0].azure.tier":                  "supported values",
			},
		},
		{
			name: "admin group that is no GUID",
			edit: func(s *Spec) { s.Azure.AdminGroupObjectIDs = []string{"platform-admins"} },
			want: map[string]string{"clusters[0].azure.adminGroupObjectIds[0]": MsgAzureNotGUID},
		},
		{
			name: "local accounts disabled without aad",
			edit: func(s *Spec) {
				f, tr := false, true
				s.Azure.AADRBAC = &f
				s.Azure.DisableLocalAccounts = &tr
			},
			want: map[string]string{"clusters[0].azure.disableLocalAccounts": MsgAzureLocalAccounts},
		},
		{
			name: "udr without a route table",
			edit: func(s *Spec) { s.Azure.OutboundType = "userDefinedRouting" },
			want: map[string]string{"clusters[0].azure.routeTableId": MsgAzureRouteTable},
		},
		{
			name: "route table without udr",
			edit: func(s *Spec) { s.Azure.RouteTableID = "/subscriptions/x/rt" },
			want: map[string]string{"clusters[0].azure.routeTableId": MsgAzureRouteTable},
		},
		{
			name: "pool settings AKS refuses",
			edit: func(s *Spec) {
				s.NodePools[0].MinSize = 0
				s.NodePools[1].Name = "applications-x"
				s.NodePools[1].InstanceTypes = []string{"Standard_D8s_v5", "Standard_D8as_v5"}
				s.NodePools[1].MaxPods = 300
			},
			want: map[string]string{
				"clusters[0].nodePools[0].minSize":       MsgAKSSystemPoolMin,
				"clusters[0].nodePools[1].name":          MsgAKSPoolName,
				"clusters[0].nodePools[1].instanceTypes": MsgAKSOneVMSize,
				"clusters[0].nodePools[1].maxPods":       MsgAKSMaxPods,
			},
		},
		{
			name: "min above max",
			edit: func(s *Spec) { s.NodePools[1].MinSize = 20 },
			want: map[string]string{"clusters[0].nodePools[1]": MsgPoolBounds},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := azureSpec()
			tc.edit(&s)
			s.ApplyDefaults("prod")
			errs := s.Validate(field.NewPath("clusters").Index(0))
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] += e.Error() + "\n"
			}
			want := tc.want
			for path, msg := range want {
				if !strings.Contains(got[path], msg) {
					t.Errorf("%s: got %q, want a message containing %q", path, got[path], msg)
				}
			}
			for path, msg := range got {
				if _, ok := want[path]; !ok {
					t.Errorf("unexpected error at %s: %s", path, msg)
				}
			}
		})
	}
}
