package cluster

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// aliSpec is a valid ACK cluster like the prod stack's.
func aliSpec() Spec {
	return Spec{
		Name:              "prod-ali",
		Cloud:             Alicloud,
		Region:            "cn-hangzhou",
		KubernetesVersion: "1.36.1-aliyun.1",
		Environment:       "prod",
		Network: Network{
			VPCCIDR:     "10.120.0.0/16",
			PodCIDR:     "10.120.128.0/17",
			ServiceCIDR: "172.22.0.0/16",
			Zones:       3,
		},
		NodePools: []NodePool{{Name: "apps", InstanceTypes: []string{"ecs.g7.xlarge"}, MinSize: 3, DesiredSize: 3, MaxSize: 12}},
		Alicloud:  &AlicloudSpec{ZoneIDs: []string{"cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"}},
	}
}

func aliValidate(s *Spec) field.ErrorList {
	s.ApplyDefaults("test")
	return s.Validate(field.NewPath("clusters").Index(0))
}

func TestAlicloudValidSpec(t *testing.T) {
	s := aliSpec()
	if errs := aliValidate(&s); len(errs) > 0 {
		t.Fatalf("valid spec: got errors %v, want none", errs)
	}
}

func TestAlicloudDefaults(t *testing.T) {
	tests := []struct {
		name  string
		env   string
		edit  func(*Spec)
		check func(t *testing.T, s *Spec)
	}{
		{"prod hardening", "prod", nil, func(t *testing.T, s *Spec) {
			a := s.Alicloud
			if a.ClusterSpec != ACKProSmall {
				t.Errorf("clusterSpec: got %q, want %q", a.ClusterSpec, ACKProSmall)
			}
			if !*a.DeletionProtection || !*a.SecretsEncryption {
				t.Errorf("prod: got deletionProtection=%v secretsEncryption=%v, want both true", *a.DeletionProtection, *a.SecretsEncryption)
			}
			if !slices.Equal(a.ControlPlaneLogs, ACKControlPlaneLogs) {
				t.Errorf("controlPlaneLogs: got %v, want %v", a.ControlPlaneLogs, ACKControlPlaneLogs)
			}
			if a.EIPBandwidth != DefaultEIPBandwidth || a.NodeVSwitchPrefixLength != DefaultNodeVSwitchPrefixLength || *a.PublicAPIServer {
				t.Errorf("got eipBandwidth=%d nodeVSwitchPrefixLength=%d publicApiServer=%v, want %d %d false (prod keeps the API server in the VPC)",
					a.EIPBandwidth, a.NodeVSwitchPrefixLength, *a.PublicAPIServer, DefaultEIPBandwidth, DefaultNodeVSwitchPrefixLength)
			}
			if a.NodeImageID != DefaultACKNodeImageID || !strings.HasPrefix(a.NodeImageID, "aliyun_3_") {
				t.Errorf("nodeImageId: got %q, want the Alibaba Cloud Linux 3 default %q", a.NodeImageID, DefaultACKNodeImageID)
			}
			if got := s.NodePools[0].MaxPods; got != DefaultACKMaxPods {
				t.Errorf("maxPods: got %d, want %d", got, DefaultACKMaxPods)
			}
		}},
		{"dev stays light", "dev", nil, func(t *testing.T, s *Spec) {
			a := s.Alicloud
			if *a.DeletionProtection || *a.SecretsEncryption || a.ControlPlaneLogs != nil || !*a.PublicAPIServer {
				t.Errorf("dev: got deletionProtection=%v secretsEncryption=%v controlPlaneLogs=%v publicApiServer=%v, want false false nil true",
					*a.DeletionProtection, *a.SecretsEncryption, a.ControlPlaneLogs, *a.PublicAPIServer)
			}
		}},
		{"explicit values kept", "prod", func(s *Spec) {
			f := false
			s.Alicloud.DeletionProtection = &f
			s.Alicloud.ControlPlaneLogs = []string{}
			s.Alicloud.EIPBandwidth = 20
			s.NodePools[0].MaxPods = 30
		}, func(t *testing.T, s *Spec) {
			a := s.Alicloud
			if *a.DeletionProtection || len(a.ControlPlaneLogs) != 0 || a.EIPBandwidth != 20 || s.NodePools[0].MaxPods != 30 {
				t.Errorf("got deletionProtection=%v controlPlaneLogs=%v eipBandwidth=%d maxPods=%d, want the explicit false [] 20 30",
					*a.DeletionProtection, a.ControlPlaneLogs, a.EIPBandwidth, s.NodePools[0].MaxPods)
			}
		}},
		{"standard edition gets no encryption default", "prod", func(s *Spec) { s.Alicloud.ClusterSpec = ACKStandard }, func(t *testing.T, s *Spec) {
			if *s.Alicloud.SecretsEncryption {
				t.Errorf("secretsEncryption on ack.standard: got true, want false")
			}
		}},
		{"ACK version form by default", "prod", func(s *Spec) { s.KubernetesVersion = "" }, func(t *testing.T, s *Spec) {
			if s.KubernetesVersion != ACKVersionTable.Default {
				t.Errorf("kubernetesVersion: got %q, want %q", s.KubernetesVersion, ACKVersionTable.Default)
			}
		}},
		{"admin certificate kubeconfig by default", "prod", nil, func(t *testing.T, s *Spec) {
			if s.Alicloud.KubeconfigCredential != ACKCredentialAdminCertificate {
				t.Errorf("kubeconfigCredential: got %q, want %q", s.Alicloud.KubeconfigCredential, ACKCredentialAdminCertificate)
			}
		}},
		{"auto mode picks the image", "prod", func(s *Spec) { s.Alicloud.AutoMode = true }, func(t *testing.T, s *Spec) {
			if s.Alicloud.NodeImageID != "" {
				t.Errorf("nodeImageId: got %q, want none in auto mode (ACK picks it)", s.Alicloud.NodeImageID)
			}
		}},
		{"block created when absent", "prod", func(s *Spec) { s.Alicloud = nil }, func(t *testing.T, s *Spec) {
			if s.Alicloud == nil || s.Alicloud.ClusterSpec != ACKProSmall {
				t.Errorf("alicloud block: got %+v, want a defaulted block", s.Alicloud)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := aliSpec()
			s.Environment = tc.env
			if tc.edit != nil {
				tc.edit(&s)
			}
			s.ApplyDefaults("test")
			tc.check(t, &s)
		})
	}
}

// aliWant is an expected validation error: its field path and a part of its message.
type aliWant struct{ path, msg string }

func TestAlicloudValidation(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Spec)
		// want are the field paths with a substring of their error.
		want []aliWant
	}{
		{"minor version refused", func(s *Spec) { s.KubernetesVersion = "1.33" },
			[]aliWant{{"clusters[0].kubernetesVersion", MsgACKVersionForm}}},
		{"unknown full version", func(s *Spec) { s.KubernetesVersion = "1.29.9-aliyun.1" },
			[]aliWant{{"clusters[0].kubernetesVersion", MsgVersionUnknown}}},
		{"a patch ACK does not name", func(s *Spec) { s.KubernetesVersion = "1.36.9-aliyun.1" },
			[]aliWant{{"clusters[0].kubernetesVersion", "supported values: \"1.36.2-aliyun.1\", \"1.36.1-aliyun.1\""}}},
		{"the newest 1.35 patch", func(s *Spec) { s.KubernetesVersion = "1.35.7-aliyun.1" }, nil},
		{"too few zone IDs", func(s *Spec) { s.Alicloud.ZoneIDs = s.Alicloud.ZoneIDs[:2] },
			[]aliWant{{"clusters[0].alicloud.zoneIds", MsgTooFewZones}}},
		{"too few zones", func(s *Spec) { s.Network.Zones = 1 },
			[]aliWant{{"clusters[0].network.zones", MsgTooFewZones}}},
		{"duplicate zone", func(s *Spec) { s.Alicloud.ZoneIDs[2] = "cn-hangzhou-h" },
			[]aliWant{{"clusters[0].alicloud.zoneIds[2]", "Duplicate value"}}},
		{"zone in another region", func(s *Spec) { s.Alicloud.ZoneIDs[1] = "cn-beijing-h" },
			[]aliWant{{"clusters[0].alicloud.zoneIds[1]", MsgZoneNotInRegion}}},
		{"podCidr required", func(s *Spec) { s.Network.PodCIDR = "" },
			[]aliWant{{"clusters[0].network.podCidr", MsgPodCIDRRequired}}},
		{"podCidr outside the VPC", func(s *Spec) { s.Network.PodCIDR = "10.121.0.0/17" },
			[]aliWant{{"clusters[0].network.podCidr", MsgPodCIDROutsideVPC}}},
		{"service range overlaps the VPC and pods", func(s *Spec) { s.Network.ServiceCIDR = "10.120.192.0/18" },
			[]aliWant{{"clusters[0].network.serviceCidr", MsgOverlap + " vpcCidr"}, {"clusters[0].network.serviceCidr", MsgOverlap + " podCidr"}}},
		{"podCidr is the whole VPC: no room for nodes", func(s *Spec) { s.Network.PodCIDR = "10.120.0.0/16" },
			[]aliWant{{"clusters[0].alicloud.nodeVSwitchPrefixLength", MsgNoRoomForNodes}}},
		{"pod vSwitches below /29", func(s *Spec) { s.Network.PodCIDR = "10.120.128.0/28" },
			[]aliWant{{"clusters[0].network.podCidr", MsgPodVSwitchTooSmall}}},
		// 12 nodes x 64 pods = 768 IPs; a /23 in 4 /25s gives 3 x 124 = 372.
		{"pod range too small", func(s *Spec) { s.Network.PodCIDR = "10.120.128.0/23" },
			[]aliWant{{"clusters[0].network.podCidr", "needs 768 pod IPs, 3 pod vSwitches of 10.120.128.0/25 hold 372"}}},
		{"node vSwitches too small", func(s *Spec) {
			s.Alicloud.NodeVSwitchPrefixLength = 29
			s.NodePools[0].MaxSize = 13
		}, []aliWant{{"clusters[0].alicloud.nodeVSwitchPrefixLength", "needs 13 node IPs, 3 node vSwitches hold 12"}}},
		{"invalid clusterSpec", func(s *Spec) { s.Alicloud.ClusterSpec = "ack.pro.large" },
			[]aliWant{{"clusters[0].alicloud.clusterSpec", "supported values"}}},
		{"encryption needs pro", func(s *Spec) {
			on := true
			s.Alicloud.ClusterSpec = ACKStandard
			s.Alicloud.SecretsEncryption = &on
		}, []aliWant{{"clusters[0].alicloud.secretsEncryption", MsgEncryptionNeedsPro}}},
		{"system pool is an AKS option", func(s *Spec) { s.NodePools[0].System = true },
			[]aliWant{{"clusters[0].nodePools[0].system", MsgSystemPoolNotOnACK}}},
		{"unknown control-plane log", func(s *Spec) { s.Alicloud.ControlPlaneLogs = []string{"apiserver", "etcd"} },
			[]aliWant{{"clusters[0].alicloud.controlPlaneLogs[1]", "supported values"}}},
		{"eip bandwidth out of range", func(s *Spec) { s.Alicloud.EIPBandwidth = 1000 },
			[]aliWant{{"clusters[0].alicloud.eipBandwidth", "1 to 200"}}},
		{"reserved tag prefix", func(s *Spec) { s.Tags = map[string]string{"aliyun:team": "x"} },
			[]aliWant{{"clusters[0].tags[aliyun:team]", MsgReservedTagPrefix}}},
		{"min > max", func(s *Spec) { s.NodePools[0].MinSize = 13 },
			[]aliWant{{"clusters[0].nodePools[0]", MsgPoolBounds}}},
		{"pool above ACK's scaling bound", func(s *Spec) {
			s.NodePools[0].MaxSize = 1001
			s.NodePools[0].MaxPods = 1
			s.Network.PodCIDR = "10.120.128.0/17"
			s.Alicloud.NodeVSwitchPrefixLength = 20
		}, []aliWant{{"clusters[0].nodePools[0].maxSize", MsgACKPoolScalingRange}}},
		{"system disk too small", func(s *Spec) { s.NodePools[0].DiskSizeGB = 20 },
			[]aliWant{{"clusters[0].nodePools[0].diskSizeGb", "40 to 500"}}},
		{"auto mode on Pro", func(s *Spec) { s.Alicloud.AutoMode = true }, nil},
		{"ack-ram-tool kubeconfig", func(s *Spec) { s.Alicloud.KubeconfigCredential = ACKCredentialRAMTool }, nil},
		{"unknown kubeconfig credential", func(s *Spec) { s.Alicloud.KubeconfigCredential = "token" },
			[]aliWant{{"clusters[0].alicloud.kubeconfigCredential", "supported values"}}},
		{"auto mode: every conflict at once", func(s *Spec) {
			s.Alicloud.AutoMode = true
			s.Alicloud.ClusterSpec = ACKStandard
			s.Alicloud.NodeImageID = DefaultACKNodeImageID
			s.Alicloud.KeyPairName = "ops"
		}, []aliWant{
			{"clusters[0].alicloud.autoMode", MsgAutoModeNeedsPro},
			{"clusters[0].alicloud.nodeImageId", MsgAutoModeImage},
			{"clusters[0].alicloud.keyPairName", MsgAutoModeKeyPair},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := aliSpec()
			tc.edit(&s)
			errs := aliValidate(&s)
			for _, w := range tc.want {
				path, msg := w.path, w.msg
				found := false
				for _, e := range errs {
					if e.Field == path && strings.Contains(e.Error(), msg) {
						found = true
					}
				}
				if !found {
					t.Errorf("want an error at %s containing %q; got %v", path, msg, errs)
				}
			}
			if len(errs) != len(tc.want) {
				t.Errorf("got %d errors %v, want %d", len(errs), errs, len(tc.want))
			}
		})
	}
}

func TestPlanTerway(t *testing.T) {
	tests := []struct {
		name        string
		vpc, pods   string
		zones       int
		nodeBits    int
		wantNodes   []string
		wantPods    []string
		wantPodIPs  int
		wantNodeIPs int
	}{
		{"prod: pods in the upper half", "10.120.0.0/16", "10.120.128.0/17", 3, 24,
			[]string{"10.120.0.0/24", "10.120.1.0/24", "10.120.2.0/24"},
			[]string{"10.120.128.0/19", "10.120.160.0/19", "10.120.192.0/19"}, 3 * 8188, 3 * 252},
		{"pods at the start: nodes skip them", "10.0.0.0/16", "10.0.0.0/18", 2, 20,
			[]string{"10.0.64.0/20", "10.0.80.0/20"},
			[]string{"10.0.0.0/19", "10.0.32.0/19"}, 2 * 8188, 2 * 4092},
		{"pods in the middle", "192.168.0.0/16", "192.168.64.0/18", 2, 18,
			[]string{"192.168.0.0/18", "192.168.128.0/18"},
			[]string{"192.168.64.0/19", "192.168.96.0/19"}, 2 * 8188, 2 * 16380},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := aliSpec()
			s.Network.VPCCIDR, s.Network.PodCIDR, s.Network.Zones = tc.vpc, tc.pods, tc.zones
			s.Alicloud.NodeVSwitchPrefixLength = tc.nodeBits
			plan, err := PlanTerway(&s)
			if err != nil {
				t.Fatalf("PlanTerway: %v", err)
			}
			if got := prefixStrings(plan.Nodes); !slices.Equal(got, tc.wantNodes) {
				t.Errorf("nodes: got %v, want %v", got, tc.wantNodes)
			}
			if got := prefixStrings(plan.Pods); !slices.Equal(got, tc.wantPods) {
				t.Errorf("pods: got %v, want %v", got, tc.wantPods)
			}
			for _, n := range plan.Nodes {
				for _, p := range plan.Pods {
					if n.Overlaps(p) {
						t.Errorf("node vSwitch %s overlaps pod vSwitch %s", n, p)
					}
				}
			}
			if plan.PodIPs() != tc.wantPodIPs || plan.NodeIPs() != tc.wantNodeIPs {
				t.Errorf("IPs: got pods=%d nodes=%d, want %d %d", plan.PodIPs(), plan.NodeIPs(), tc.wantPodIPs, tc.wantNodeIPs)
			}
			if !slices.Equal(plan.Zones, s.Alicloud.ZoneIDs[:tc.zones]) {
				t.Errorf("zones: got %v, want %v", plan.Zones, s.Alicloud.ZoneIDs[:tc.zones])
			}
		})
	}
}

func prefixStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
