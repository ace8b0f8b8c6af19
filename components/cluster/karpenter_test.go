package cluster

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// karpenterSpec is awsSpec with a second pool that Karpenter provisions.
func karpenterSpec() *Spec {
	s := awsSpec()
	s.NodePools = append(s.NodePools, NodePool{
		Name: "apps", InstanceTypes: []string{"m6i.xlarge", "m6a.xlarge"}, MaxSize: 10,
		Labels: map[string]string{"workload": "apps"}, Karpenter: &KarpenterPool{},
	})
	return s
}

func TestKarpenterValidSpecAndDefaults(t *testing.T) {
	s := karpenterSpec()
	if errs := validateAWSSpec(s, "dev"); len(errs) > 0 {
		t.Fatalf("got %v, want no problems", errs)
	}
	k := s.NodePools[1].Karpenter
	if !slices.Equal(k.CapacityTypes, DefaultKarpenterCapacityTypes) || k.ConsolidationPolicy != DefaultKarpenterConsolidationPolicy ||
		k.ConsolidateAfter != DefaultKarpenterConsolidateAfter || k.ExpireAfter != DefaultKarpenterExpireAfter ||
		k.DisruptionBudget != DefaultKarpenterDisruptionBudget {
		t.Errorf("pool defaults: got %+v", k)
	}
	if s.AWS.Karpenter == nil || s.AWS.Karpenter.AMIVersion != DefaultKarpenterAMIVersion {
		t.Errorf("aws.karpenter: got %+v, want defaulted to amiVersion %s", s.AWS.Karpenter, DefaultKarpenterAMIVersion)
	}
	if s.NodePools[1].MaxPods != DefaultMaxPodsPrefixDelegation {
		t.Errorf("a Karpenter pool's maxPods defaults like any pool's: got %d", s.NodePools[1].MaxPods)
	}
	plain := awsSpec()
	plain.ApplyDefaults("dev")
	if plain.AWS.Karpenter != nil || plain.HasKarpenter() {
		t.Errorf("a cluster without Karpenter pools got aws.karpenter %+v", plain.AWS.Karpenter)
	}
}

func TestKarpenterValidation(t *testing.T) {
	cases := []struct {
		name     string
		mutate   func(*Spec)
		wantPath string
		wantMsg  string
	}{
		{"a floor", func(s *Spec) { s.NodePools[1].MinSize = 2; s.NodePools[1].DesiredSize = 2 },
			"clusters[0].nodePools[1].minSize", MsgKarpenterMinSize},
		{"a desired size", func(s *Spec) { s.NodePools[1].DesiredSize = 3 }, "clusters[0].nodePools[1].desiredSize", MsgKarpenterDesiredSize},
		{"max below min still the shared check", func(s *Spec) { s.NodePools[1].MaxSize = 0 }, "clusters[0].nodePools[1].maxSize", "must be at least 1"},
		{"types and families", func(s *Spec) { s.NodePools[1].Karpenter.InstanceFamilies = []string{"m6i"} },
			"clusters[0].nodePools[1].karpenter.instanceFamilies", MsgKarpenterTypesOrFamilies},
		{"neither types nor families", func(s *Spec) { s.NodePools[1].InstanceTypes = nil }, "clusters[0].nodePools[1].instanceTypes", "Required value"},
		{"a type as a family", func(s *Spec) {
			s.NodePools[1].InstanceTypes = nil
			s.NodePools[1].Karpenter.InstanceFamilies = []string{"m6i", "m6a.large"}
		}, "clusters[0].nodePools[1].karpenter.instanceFamilies[1]", MsgKarpenterFamily},
		{"duplicate family", func(s *Spec) {
			s.NodePools[1].InstanceTypes = nil
			s.NodePools[1].Karpenter.InstanceFamilies = []string{"m6i", "m6i"}
		}, "clusters[0].nodePools[1].karpenter.instanceFamilies[1]", "Duplicate value"},
		{"families of two architectures", func(s *Spec) {
			s.NodePools[1].InstanceTypes = nil
			s.NodePools[1].Karpenter.InstanceFamilies = []string{"m6i", "m7g"}
		}, "clusters[0].nodePools[1].karpenter.instanceFamilies", MsgMixedArch},
		{"a Xen family with prefix delegation", func(s *Spec) {
			s.NodePools[1].InstanceTypes = nil
			s.NodePools[1].Karpenter.InstanceFamilies = []string{"m6i", "m4"}
		}, "clusters[0].nodePools[1].karpenter.instanceFamilies[1]", MsgPrefixDelegationNitro},
		{"a Xen type with prefix delegation (the cluster check)", func(s *Spec) { s.NodePools[1].InstanceTypes = []string{"t2.large"} },
			"clusters[0].nodePools[1].instanceTypes[0]", MsgPrefixDelegationNitro},
		{"types of two architectures (the cluster check)", func(s *Spec) { s.NodePools[1].InstanceTypes = []string{"m6i.large", "c7g.large"} },
			"clusters[0].nodePools[1].instanceTypes", MsgMixedArch},
		{"reserved capacity", func(s *Spec) { s.NodePools[1].Karpenter.CapacityTypes = []string{"reserved"} },
			"clusters[0].nodePools[1].karpenter.capacityTypes[0]", "supported values"},
		{"duplicate capacity type", func(s *Spec) { s.NodePools[1].Karpenter.CapacityTypes = []string{CapacitySpot, CapacitySpot} },
			"clusters[0].nodePools[1].karpenter.capacityTypes[1]", "Duplicate value"},
		{"unknown consolidation policy", func(s *Spec) { s.NodePools[1].Karpenter.ConsolidationPolicy = "Always" },
			"clusters[0].nodePools[1].karpenter.consolidationPolicy", "supported values"},
		{"days", func(s *Spec) { s.NodePools[1].Karpenter.ExpireAfter = "30d" }, "clusters[0].nodePools[1].karpenter.expireAfter", MsgKarpenterDuration},
		{"fractional", func(s *Spec) { s.NodePools[1].Karpenter.ConsolidateAfter = "1.5m" },
			"clusters[0].nodePools[1].karpenter.consolidateAfter", MsgKarpenterDuration},
		{"budget above 100%", func(s *Spec) { s.NodePools[1].Karpenter.DisruptionBudget = "150%" },
			"clusters[0].nodePools[1].karpenter.disruptionBudget", MsgKarpenterBudget},
		{"a Karpenter label", func(s *Spec) { s.NodePools[1].Labels = map[string]string{"karpenter.sh/nodepool": "x"} },
			"clusters[0].nodePools[1].labels[karpenter.sh/nodepool]", MsgKarpenterLabel},
		{"an AWS provider label", func(s *Spec) { s.NodePools[1].Labels = map[string]string{"karpenter.k8s.aws/instance-size": "x"} },
			"clusters[0].nodePools[1].labels[karpenter.k8s.aws/instance-size]", MsgKarpenterLabel},
		{"no managed pool", func(s *Spec) { s.NodePools = s.NodePools[1:] }, "clusters[0].nodePools", MsgKarpenterNeedsManagedPool},
		{"managed pool that may be empty", func(s *Spec) { s.NodePools[0].MinSize = 0 }, "clusters[0].nodePools", MsgKarpenterNeedsManagedPool},
		{"aws.karpenter without a pool", func(s *Spec) {
			s.NodePools = s.NodePools[:1]
			s.AWS.Karpenter = &KarpenterSpec{AMIVersion: "latest"}
		}, "clusters[0].aws.karpenter", MsgKarpenterUnused},
		{"AMI version", func(s *Spec) { s.AWS.Karpenter = &KarpenterSpec{AMIVersion: "2025.07"} }, "clusters[0].aws.karpenter.amiVersion", MsgKarpenterAMIVersion},
		{"address plan counts Karpenter's maxSize", func(s *Spec) {
			s.Network.VPCCIDR = "10.20.0.0/22"
			s.NodePools[1].MaxSize = 20
		}, "clusters[0].network.vpcCidr", MsgEKSPodRangeTooSmall + ": the node pools at maxSize need 2664 IPs (2640 pods + 24 nodes)"},
		{"maxPods above EKS's (the cluster check)", func(s *Spec) { s.NodePools[1].MaxPods = 300 }, "clusters[0].nodePools[1].maxPods", MsgEKSMaxPods},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := karpenterSpec()
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

func TestKarpenterAcceptedVariants(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
	}{
		{"families", func(s *Spec) {
			s.NodePools[1].InstanceTypes = nil
			s.NodePools[1].Karpenter.InstanceFamilies = []string{"m6i", "m6a", "m7i", "c7i-flex", "u-6tb1"}
		}},
		{"a Xen family without prefix delegation", func(s *Spec) {
			s.AWS.VPCCNI.PrefixDelegation = awsPtr(false)
			s.NodePools[1].InstanceTypes = nil
			s.NodePools[1].Karpenter.InstanceFamilies = []string{"m4"}
		}},
		{"spot and on-demand, Never, a count", func(s *Spec) {
			s.NodePools[1].Karpenter = &KarpenterPool{CapacityTypes: []string{CapacitySpot, CapacityOnDemand},
				ConsolidationPolicy: KarpenterConsolidateWhenEmpty, ConsolidateAfter: "1h30m", ExpireAfter: "Never", DisruptionBudget: "1"}
		}},
		{"pinned AMI", func(s *Spec) { s.AWS.Karpenter = &KarpenterSpec{AMIVersion: "v20250715"} }},
		{"Graviton families", func(s *Spec) {
			s.NodePools[1].InstanceTypes = nil
			s.NodePools[1].Karpenter.InstanceFamilies = []string{"m7g", "c7gn", "r8g"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := karpenterSpec()
			tc.mutate(s)
			if errs := validateAWSSpec(s, "dev"); len(errs) > 0 {
				t.Errorf("got %v, want none", errs)
			}
		})
	}
}

func TestKarpenterOnlyOnEKS(t *testing.T) {
	for _, s := range []Spec{azureSpec(), aliSpec()} {
		s.NodePools = append(s.NodePools, NodePool{Name: "burst", InstanceTypes: s.NodePools[0].InstanceTypes, MaxSize: 3, Karpenter: &KarpenterPool{}})
		s.ApplyDefaults("dev")
		errs := s.Validate(field.NewPath("clusters").Index(0))
		want := field.NewPath("clusters").Index(0).Child("nodePools").Index(len(s.NodePools) - 1).Child("karpenter").String()
		found := false
		for _, e := range errs {
			found = found || e.Field == want && strings.Contains(e.Error(), MsgKarpenterNotAWS)
		}
		if !found {
			t.Errorf("%s: got %v, want %s refused with %q", s.Cloud, errs, want, MsgKarpenterNotAWS)
		}
	}
}

func TestKarpenterEveryProblemAtOnce(t *testing.T) {
	s := karpenterSpec()
	s.NodePools[1].MinSize, s.NodePools[1].DesiredSize = 1, 1
	s.NodePools[1].Karpenter.CapacityTypes = []string{"spotty"}
	s.NodePools[1].Karpenter.DisruptionBudget = "all"
	errs := validateAWSSpec(s, "dev")
	for _, want := range []string{"nodePools[1].minSize", "nodePools[1].desiredSize", "nodePools[1].karpenter.capacityTypes[0]", "nodePools[1].karpenter.disruptionBudget"} {
		if !strings.Contains(errs.ToAggregate().Error(), want) {
			t.Errorf("got %v, want a problem at %s among them", errs, want)
		}
	}
}

func TestKarpenterNodePools(t *testing.T) {
	cases := []struct {
		name        string
		mutate      func(*Spec)
		wantKey     string
		wantValues  []string
		wantArch    string
		wantMaxPods int
		wantAMI     string
	}{
		{"exact types, prefix delegation", nil, LabelInstanceType, []string{"m6i.xlarge", "m6a.xlarge"}, "amd64", DefaultMaxPodsPrefixDelegation, "al2023@latest"},
		{"Graviton families, pinned AMI", func(s *Spec) {
			s.NodePools[1].InstanceTypes = nil
			s.NodePools[1].Karpenter.InstanceFamilies = []string{"m7g", "c7g"}
			s.AWS.Karpenter = &KarpenterSpec{AMIVersion: "v20250715"}
		}, LabelInstanceFamily, []string{"m7g", "c7g"}, "arm64", DefaultMaxPodsPrefixDelegation, "al2023@v20250715"},
		{"no prefix delegation: Karpenter's ENI limit", func(s *Spec) { s.AWS.VPCCNI.PrefixDelegation = awsPtr(false) },
			LabelInstanceType, []string{"m6i.xlarge", "m6a.xlarge"}, "amd64", 0, "al2023@latest"},
		{"explicit maxPods", func(s *Spec) { s.NodePools[1].MaxPods = 58 }, LabelInstanceType, []string{"m6i.xlarge", "m6a.xlarge"}, "amd64", 58, "al2023@latest"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := karpenterSpec()
			s.NodePools[1].Taints = []Taint{{Key: "burst", Value: "true", Effect: "NoSchedule"}}
			s.NodePools[1].Karpenter.CapacityTypes = []string{CapacitySpot, CapacityOnDemand}
			if tc.mutate != nil {
				tc.mutate(s)
			}
			if errs := validateAWSSpec(s, "dev"); len(errs) > 0 {
				t.Fatalf("spec problems: %v", errs)
			}
			pools := s.KarpenterNodePools("dev")
			if len(pools) != 1 {
				t.Fatalf("got %d pools, want the one Karpenter pool", len(pools))
			}
			p := pools[0]
			want := []KarpenterRequirement{
				{LabelArch, "In", []string{tc.wantArch}},
				{LabelOS, "In", []string{"linux"}},
				{LabelCapacityType, "In", []string{CapacitySpot, CapacityOnDemand}},
				{tc.wantKey, "In", tc.wantValues},
			}
			if !slices.EqualFunc(p.Requirements, want, func(a, b KarpenterRequirement) bool {
				return a.Key == b.Key && a.Operator == b.Operator && slices.Equal(a.Values, b.Values)
			}) {
				t.Errorf("requirements: got %v, want %v", p.Requirements, want)
			}
			if p.Name != "apps" || p.MaxNodes != 10 || p.MaxPods != tc.wantMaxPods || p.AMIAlias != tc.wantAMI || p.DiskSizeGB != DefaultDiskSizeGB {
				t.Errorf("pool: got %+v, want apps, 10 nodes, maxPods %d, %s, %d GB", p, tc.wantMaxPods, tc.wantAMI, DefaultDiskSizeGB)
			}
			if p.Labels["workload"] != "apps" || len(p.Taints) != 1 || p.Tags[TagCluster] != "dev-aws" || p.Tags[TagStack] != "dev" {
				t.Errorf("labels %v, taints %v, tags %v: want the pool's and the cluster's", p.Labels, p.Taints, p.Tags)
			}
			if p.ConsolidationPolicy != DefaultKarpenterConsolidationPolicy || p.DisruptionBudget != DefaultKarpenterDisruptionBudget {
				t.Errorf("disruption: got %s / %s", p.ConsolidationPolicy, p.DisruptionBudget)
			}
		})
	}
}

func TestPrepareCopiesKarpenterBlocks(t *testing.T) {
	in := *karpenterSpec()
	in.NodePools[1].Karpenter.CapacityTypes = []string{CapacitySpot}
	out, err := Prepare(in, 0, AWS, "dev")
	if err != nil {
		t.Fatal(err)
	}
	out.NodePools[1].Karpenter.CapacityTypes[0] = CapacityOnDemand
	out.NodePools[1].Karpenter.ExpireAfter = "1h"
	if in.NodePools[1].Karpenter.CapacityTypes[0] != CapacitySpot || in.NodePools[1].Karpenter.ExpireAfter != "" || in.AWS.Karpenter != nil {
		t.Errorf("the prepared copy shares Karpenter blocks with the caller's spec: %+v, aws.karpenter %+v", in.NodePools[1].Karpenter, in.AWS.Karpenter)
	}
}

// TestSpotServiceLinkedRoleSetting: the setting's values, its refusal without a spot
// pool, and the warning that names the role when a spot pool leaves it unset.
func TestSpotServiceLinkedRoleSetting(t *testing.T) {
	const rp = "clusters[0].aws.karpenter.spotServiceLinkedRole"
	cases := []struct {
		name        string
		mode        string
		spot        bool
		wantErr     string
		wantWarning bool
	}{
		{"create with spot", SpotRoleCreate, true, "", false},
		{"exists with spot", SpotRoleExists, true, "", false},
		{"unset with spot warns", "", true, "", true},
		{"unset without spot", "", false, "", false},
		{"set without spot", SpotRoleCreate, false, MsgSpotRoleUnused, false},
		{"unknown value", "maybe", true, "Unsupported value", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := karpenterSpec()
			if tc.spot {
				s.NodePools[1].Karpenter.CapacityTypes = []string{CapacitySpot, CapacityOnDemand}
			}
			s.AWS.Karpenter = &KarpenterSpec{SpotServiceLinkedRole: tc.mode}
			errs := validateAWSSpec(s, "dev")
			switch {
			case tc.wantErr == "" && len(errs) > 0:
				t.Errorf("got %v, want no problems", errs)
			case tc.wantErr != "" && (len(errs) != 1 || errs[0].Field != rp || !strings.Contains(errs[0].Error(), tc.wantErr)):
				t.Errorf("got %v, want one error at %s containing %q", errs, rp, tc.wantErr)
			}
			warned := slices.ContainsFunc(s.Warnings(field.NewPath("clusters").Index(0)), func(w string) bool {
				return strings.HasPrefix(w, rp) && strings.Contains(w, SpotServiceLinkedRoleName)
			})
			if warned != tc.wantWarning {
				t.Errorf("warning naming %s: got %v, want %v", SpotServiceLinkedRoleName, warned, tc.wantWarning)
			}
		})
	}
}
