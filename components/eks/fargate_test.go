package eks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
)

const typeFargateProfile = "aws:eks/fargateProfile:FargateProfile"

// fargateSpec is the dev cluster with virtual nodes on.
func fargateSpec(name string) *cluster.Spec {
	s := devSpec(name)
	s.VirtualNodes = &cluster.VirtualNodesSpec{Enabled: true}
	return s
}

func TestFargateProfile(t *testing.T) {
	p := planClusters(t, fargateSpec("burst"), devSpec("plain"))
	profiles := p.ByType(typeFargateProfile)
	if len(profiles) != 1 {
		t.Fatalf("%d Fargate profiles, want 1 (the cluster without virtual nodes gets none)", len(profiles))
	}
	fp := profiles[0]
	if fp.Name != "burst-fargate" {
		t.Errorf("profile name = %q, want burst-fargate", fp.Name)
	}
	sel, _ := fp.Inputs["selectors"].([]any)
	want := []any{map[string]any{"namespace": FargateAnyNamespace, "labels": map[string]any{cluster.LabelVirtualNodes: "true"}}}
	if mustJSON(sel) != mustJSON(want) {
		t.Errorf("selectors = %s, want %s", mustJSON(sel), mustJSON(want))
	}
	subnets, _ := fp.Inputs["subnetIds"].([]any)
	if len(subnets) != 2 {
		t.Errorf("subnetIds = %v, want the 2 private subnets (one per zone)", subnets)
	}
	if got := attachedPolicies(t, "burst", "fargate", p.ByType(typePolicyAttachment)); len(got) != 1 || got[0] != PolicyFargatePodExecution {
		t.Errorf("pod execution role policies = %v, want [%s]", got, PolicyFargatePodExecution)
	}
	role := one(t, p, "aws:iam/role:Role", "burst-fargate")
	deps := strings.Join(fp.Dependencies, " ")
	if !strings.Contains(deps, role.URN) || !strings.Contains(deps, "burst-fargate-"+PolicyFargatePodExecution) {
		t.Errorf("profile dependencies = %v, want the role and its policy attachment", fp.Dependencies)
	}
}

func TestFargateTrustPolicy(t *testing.T) {
	var doc policyDocument
	if err := json.Unmarshal([]byte(FargateTrustPolicy("arn:aws:eks:us-east-1:111122223333:cluster/burst-dev")), &doc); err != nil {
		t.Fatalf("trust policy is not JSON: %v", err)
	}
	st := doc.Statement[0]
	if st.Principal["Service"] != FargatePodsService {
		t.Errorf("principal = %v, want %s", st.Principal, FargatePodsService)
	}
	if got, want := st.Condition["ArnLike"]["aws:SourceArn"], "arn:aws:eks:us-east-1:111122223333:fargateprofile/burst-dev/*"; got != want {
		t.Errorf("aws:SourceArn = %q, want %q", got, want)
	}
}

func TestFargateConnectionFacts(t *testing.T) {
	cases := []struct {
		name string
		spec *cluster.Spec
		want bool
	}{{"on", fargateSpec("burst"), true}, {"off", devSpec("plain"), false}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.spec.Clone()
			s.ApplyDefaults(testStack)
			v := s.VirtualNodeFacts()
			if (v != nil) != tc.want {
				t.Fatalf("VirtualNodeFacts() = %v, want present %v", v, tc.want)
			}
			if v == nil {
				return
			}
			if v.PodLabels[cluster.LabelVirtualNodes] != "true" || v.Supports(cluster.FeatureNetworkPolicy) || v.MaxCPU != cluster.FargateMaxCPU {
				t.Errorf("facts = %+v, want the Fargate label, no NetworkPolicy, max %s vCPU", v, cluster.FargateMaxCPU)
			}
		})
	}
}
