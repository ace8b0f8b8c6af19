package cluster

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// awsSpec is a valid dev EKS cluster; tests change one thing at a time.
func awsSpec() *Spec {
	return &Spec{
		Name:              "dev-aws",
		Cloud:             AWS,
		Region:            "us-east-1",
		KubernetesVersion: "1.35",
		Network:           Network{VPCCIDR: "10.20.0.0/16", Zones: 2},
		NodePools: []NodePool{{
			Name: "general", InstanceTypes: []string{"t3.large"}, MinSize: 1, DesiredSize: 2, MaxSize: 4,
		}},
		AWS: &AWSSpec{PublicAccessCIDRs: []string{"203.0.113.0/24"}},
	}
}

func validateAWSSpec(s *Spec, stack string) field.ErrorList {
	s.ApplyDefaults(stack)
	return s.Validate(field.NewPath("clusters").Index(0))
}

func TestAWSValidSpec(t *testing.T) {
	if errs := validateAWSSpec(awsSpec(), "dev"); len(errs) > 0 {
		t.Fatalf("got %v, want no problems", errs)
	}
}

func TestAWSDefaults(t *testing.T) {
	cases := []struct {
		name         string
		env          string
		mutate       func(*Spec)
		wantEndpoint string
		wantLogs     []string
		wantMaxPods  int
		wantWarmPfx  int
	}{
		{"dev", "dev", nil, EndpointPublicWithAllowList, []string{LogAPI, LogAudit}, DefaultMaxPodsPrefixDelegation, DefaultWarmPrefixTarget},
		{"prod", "prod", func(s *Spec) { s.AWS.PublicAccessCIDRs = nil }, EndpointPrivate, EKSLogTypes, DefaultMaxPodsPrefixDelegation, DefaultWarmPrefixTarget},
		{"no prefix delegation", "dev", func(s *Spec) { s.AWS.VPCCNI.PrefixDelegation = awsPtr(false) },
			EndpointPublicWithAllowList, []string{LogAPI, LogAudit}, DefaultMaxPodsSecondaryIP, 0},
		{"warm IP target leaves prefix target unset", "dev", func(s *Spec) { s.AWS.VPCCNI.WarmIPTarget = 8 },
			EndpointPublicWithAllowList, []string{LogAPI, LogAudit}, DefaultMaxPodsPrefixDelegation, 0},
		{"explicit values kept", "prod", func(s *Spec) {
			s.AWS.EndpointAccess = EndpointPublicWithAllowList
			s.AWS.LogTypes = []string{LogAudit}
			s.NodePools[0].MaxPods = 50
		}, EndpointPublicWithAllowList, []string{LogAudit}, 50, DefaultWarmPrefixTarget},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := awsSpec()
			s.Environment = tc.env
			if tc.mutate != nil {
				tc.mutate(s)
			}
			if errs := validateAWSSpec(s, "stack"); len(errs) > 0 {
				t.Fatalf("got problems %v, want none", errs)
			}
			a := s.AWS
			if a.EndpointAccess != tc.wantEndpoint {
				t.Errorf("endpointAccess: got %q, want %q", a.EndpointAccess, tc.wantEndpoint)
			}
			if !slices.Equal(a.LogTypes, tc.wantLogs) {
				t.Errorf("logTypes: got %v, want %v", a.LogTypes, tc.wantLogs)
			}
			if got := s.NodePools[0].MaxPods; got != tc.wantMaxPods {
				t.Errorf("maxPods: got %d, want %d", got, tc.wantMaxPods)
			}
			if a.VPCCNI.WarmPrefixTarget != tc.wantWarmPfx {
				t.Errorf("warmPrefixTarget: got %d, want %d", a.VPCCNI.WarmPrefixTarget, tc.wantWarmPfx)
			}
			if a.NATGateways != NATPerZone || !*a.SecretsEncryption || !*a.VPCCNI.EnableNetworkPolicy {
				t.Errorf("got natGateways %q secretsEncryption %v enableNetworkPolicy %v, want perZone true true",
					a.NATGateways, *a.SecretsEncryption, *a.VPCCNI.EnableNetworkPolicy)
			}
		})
	}
}

func TestAWSValidation(t *testing.T) {
	cases := []struct {
		name     string
		mutate   func(*Spec)
		wantPath string
		wantMsg  string
	}{
		{"patch version", func(s *Spec) { s.KubernetesVersion = "1.33.2" }, "clusters[0].kubernetesVersion", MsgEKSVersionForm},
		{"v prefix", func(s *Spec) { s.KubernetesVersion = "v1.33" }, "clusters[0].kubernetesVersion", MsgEKSVersionForm},
		{"version EKS does not offer", func(s *Spec) { s.KubernetesVersion = "1.21" }, "clusters[0].kubernetesVersion", MsgVersionUnknown},
		{"allow-list of the world", func(s *Spec) { s.AWS.PublicAccessCIDRs = []string{"0.0.0.0/0"} }, "clusters[0].aws.publicAccessCidrs[0]", MsgAllowListWorld},
		{"Azure region", func(s *Spec) { s.Region = "westeurope" }, "clusters[0].region", MsgAWSRegion},
		{"too few zones", func(s *Spec) { s.Network.Zones = 1 }, "clusters[0].network.zones", MsgTooFewZones},
		{"fewer listed zones than network.zones", func(s *Spec) { s.AWS.AvailabilityZones = []string{"us-east-1a"} },
			"clusters[0].aws.availabilityZones", MsgTooFewZones},
		{"zone of another region", func(s *Spec) { s.AWS.AvailabilityZones = []string{"us-east-1a", "eu-west-1b"} },
			"clusters[0].aws.availabilityZones[1]", MsgAZNotInRegion},
		{"duplicate zone", func(s *Spec) { s.AWS.AvailabilityZones = []string{"us-east-1a", "us-east-1a"} },
			"clusters[0].aws.availabilityZones[1]", "Duplicate value"},
		{"pod range too small", func(s *Spec) {
			s.Network.VPCCIDR = "10.20.0.0/22"
			s.NodePools[0].MaxSize = 20
		}, "clusters[0].network.vpcCidr", MsgEKSPodRangeTooSmall + ": the node pools at maxSize need 2220 IPs (2200 pods + 20 nodes), the 2 private subnets (/24 each) offer 502"},
		{"pod range set on AWS", func(s *Spec) { s.Network.PodCIDR = "100.64.0.0/16" }, "clusters[0].network.podCidr", MsgAWSPodCIDR},
		{"invalid range", func(s *Spec) { s.Network.VPCCIDR = "10.20.0.0/33" }, "clusters[0].network.vpcCidr", MsgBadCIDR},
		{"overlapping ranges", func(s *Spec) { s.Network.ServiceCIDR = "10.20.128.0/20" }, "clusters[0].network.serviceCidr", MsgOverlap},
		{"VPC larger than AWS allows", func(s *Spec) { s.Network.VPCCIDR = "10.0.0.0/8" }, "clusters[0].network.vpcCidr", MsgAWSVPCSize},
		{"VPC too small to split", func(s *Spec) {
			s.Network.VPCCIDR = "10.20.0.0/27"
			s.Network.Zones = 3
		}, "clusters[0].network.vpcCidr", MsgAWSSubnetLayout},
		{"service range outside private blocks", func(s *Spec) { s.Network.ServiceCIDR = "100.64.0.0/16" }, "clusters[0].network.serviceCidr", MsgEKSServiceCIDR},
		{"service range too large", func(s *Spec) { s.Network.ServiceCIDR = "10.128.0.0/11" }, "clusters[0].network.serviceCidr", MsgEKSServiceCIDR},
		{"service range too small", func(s *Spec) { s.Network.ServiceCIDR = "172.20.0.0/25" }, "clusters[0].network.serviceCidr", MsgEKSServiceCIDR},
		{"min above max", func(s *Spec) { s.NodePools[0].MinSize = 5 }, "clusters[0].nodePools[0]", MsgPoolBounds},
		{"unknown NAT layout", func(s *Spec) { s.AWS.NATGateways = "none" }, "clusters[0].aws.natGateways", "supported values"},
		{"unknown endpoint access", func(s *Spec) { s.AWS.EndpointAccess = "internal" }, "clusters[0].aws.endpointAccess", "supported values"},
		{"allow-list without publicWithAllowList", func(s *Spec) { s.AWS.EndpointAccess = EndpointPrivate },
			"clusters[0].aws.publicAccessCidrs", MsgAllowListOnly},
		{"publicWithAllowList without CIDRs", func(s *Spec) { s.AWS.PublicAccessCIDRs = nil }, "clusters[0].aws.publicAccessCidrs", MsgAllowListEmpty},
		{"bad allow-list CIDR", func(s *Spec) { s.AWS.PublicAccessCIDRs = []string{"203.0.113.7/24"} },
			"clusters[0].aws.publicAccessCidrs[0]", MsgBadCIDR},
		{"unknown log type", func(s *Spec) { s.AWS.LogTypes = []string{"api", "kubelet"} }, "clusters[0].aws.logTypes[1]", "supported values"},
		{"duplicate log type", func(s *Spec) { s.AWS.LogTypes = []string{"api", "api"} }, "clusters[0].aws.logTypes[1]", "Duplicate value"},
		{"warm prefix without prefix delegation", func(s *Spec) {
			s.AWS.VPCCNI.PrefixDelegation = awsPtr(false)
			s.AWS.VPCCNI.WarmPrefixTarget = 2
		}, "clusters[0].aws.vpcCni.warmPrefixTarget", MsgWarmPrefixNeedsPD},
		{"both warm targets", func(s *Spec) {
			s.AWS.VPCCNI.WarmPrefixTarget = 1
			s.AWS.VPCCNI.WarmIPTarget = 5
		}, "clusters[0].aws.vpcCni.warmIpTarget", MsgWarmTargetsExclusive},
		{"negative warm IP target", func(s *Spec) { s.AWS.VPCCNI.WarmIPTarget = -1 }, "clusters[0].aws.vpcCni.warmIpTarget", MsgNotNegative},
		{"max pods above EKS limit", func(s *Spec) { s.NodePools[0].MaxPods = 300 }, "clusters[0].nodePools[0].maxPods", MsgEKSMaxPods},
		{"disk below AMI size", func(s *Spec) { s.NodePools[0].DiskSizeGB = 8 }, "clusters[0].nodePools[0].diskSizeGb", MsgEKSDiskSize},
		{"mixed architectures", func(s *Spec) { s.NodePools[0].InstanceTypes = []string{"m6i.large", "m7g.large"} },
			"clusters[0].nodePools[0].instanceTypes", MsgMixedArch},
		{"prefix delegation on a Xen type", func(s *Spec) { s.NodePools[0].InstanceTypes = []string{"m5.large", "t2.large"} },
			"clusters[0].nodePools[0].instanceTypes[1]", MsgPrefixDelegationNitro},
		{"azure block on aws", func(s *Spec) { s.Azure = &AzureSpec{} }, "clusters[0].azure", MsgCloudBlock},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := awsSpec()
			tc.mutate(s)
			errs := validateAWSSpec(s, "dev")
			for _, e := range errs {
				if e.Field == tc.wantPath && strings.Contains(e.Error(), tc.wantMsg) {
					return
				}
			}
			t.Errorf("got %v, want a problem at %q containing %q", errs, tc.wantPath, tc.wantMsg)
		})
	}
}

func TestAWSBlockOnOtherCloud(t *testing.T) {
	s := &Spec{Name: "x", Cloud: Existing, AWS: &AWSSpec{}}
	s.ApplyDefaults("dev")
	errs := s.Validate(field.NewPath("clusters").Index(0))
	if len(errs) != 1 || errs[0].Field != "clusters[0].aws" || !strings.Contains(errs[0].Error(), MsgCloudBlock) {
		t.Errorf("got %v, want one problem at clusters[0].aws containing %q", errs, MsgCloudBlock)
	}
}

func TestAWSSubnets(t *testing.T) {
	cases := []struct {
		vpc         string
		zones       int
		wantPrivate []string
		wantPublic  []string
		wantIPs     int
	}{
		{"10.0.0.0/16", 3, []string{"10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"},
			[]string{"10.0.192.0/20", "10.0.208.0/20", "10.0.224.0/20"}, 3 * (16384 - 5)},
		{"10.20.0.0/16", 2, []string{"10.20.0.0/18", "10.20.64.0/18"},
			[]string{"10.20.192.0/19", "10.20.224.0/19"}, 2 * (16384 - 5)},
		{"192.168.0.0/20", 4, []string{"192.168.0.0/23", "192.168.2.0/23", "192.168.4.0/23", "192.168.6.0/23"},
			[]string{"192.168.14.0/25", "192.168.14.128/25", "192.168.15.0/25", "192.168.15.128/25"}, 4 * (512 - 5)},
	}
	for _, tc := range cases {
		t.Run(tc.vpc, func(t *testing.T) {
			l, err := AWSSubnets(netip.MustParsePrefix(tc.vpc), tc.zones)
			if err != nil {
				t.Fatal(err)
			}
			str := func(ps []netip.Prefix) []string {
				var out []string
				for _, p := range ps {
					out = append(out, p.String())
				}
				return out
			}
			if got := str(l.Private); !slices.Equal(got, tc.wantPrivate) {
				t.Errorf("private: got %v, want %v", got, tc.wantPrivate)
			}
			if got := str(l.Public); !slices.Equal(got, tc.wantPublic) {
				t.Errorf("public: got %v, want %v", got, tc.wantPublic)
			}
			if got := l.PrivateIPs(); got != tc.wantIPs {
				t.Errorf("private IPs: got %d, want %d", got, tc.wantIPs)
			}
		})
	}
	if _, err := AWSSubnets(netip.MustParsePrefix("10.0.0.0/27"), 3); err == nil {
		t.Error("a /27 over three zones: got no error, want one")
	}
}

func TestAWSInstanceNitro(t *testing.T) {
	for in, want := range map[string]bool{"t3.large": true, "m6i.large": true, "i3en.large": true, "p3dn.24xlarge": true,
		"i3.metal": true, "t2.large": false, "m4.xlarge": false, "i3.large": false, "c4.large": false,
		"h1.2xlarge": false, "f1.2xlarge": false} {
		if got := AWSInstanceNitro(in); got != want {
			t.Errorf("AWSInstanceNitro(%q): got %v, want %v", in, got, want)
		}
	}
}

func TestAWSInstanceArch(t *testing.T) {
	for in, want := range map[string]string{
		"m6i.large": "x86_64", "t3.large": "x86_64", "g5.xlarge": "x86_64", "g4dn.xlarge": "x86_64", "inf2.xlarge": "x86_64",
		"a1.large": "arm64", "a1.metal": "arm64", "m7g.large": "arm64", "c7gn.large": "arm64", "t4g.small": "arm64", "r8gd.large": "arm64", "im4gn.large": "arm64", "g5g.xlarge": "arm64",
	} {
		if got := AWSInstanceArch(in); got != want {
			t.Errorf("AWSInstanceArch(%q): got %q, want %q", in, got, want)
		}
	}
}
