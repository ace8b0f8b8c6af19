package program

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/stacks"
)

func TestCheckUpgrades(t *testing.T) {
	cfg := &stacks.StackConfig{Clusters: []cluster.Spec{
		{Name: "eks", Cloud: cluster.AWS, KubernetesVersion: "1.35"},
		{Name: "aks", Cloud: cluster.Azure, KubernetesVersion: "1.36"},
		{Name: "ack", Cloud: cluster.Alicloud, KubernetesVersion: "1.36.1-aliyun.1"},
		{Name: "new", Cloud: cluster.AWS, KubernetesVersion: "1.35"},
	}}
	deployed := map[string]string{"eks": "1.33", "aks": "1.37", "ack": "1.35.2-aliyun.1"}
	errs := CheckUpgrades(cfg, deployed)
	want := map[string]string{
		"clusters[0].kubernetesVersion": "the cluster runs 1.33: 1.33 to 1.35: " + cluster.MsgVersionSkip,
		"clusters[1].kubernetesVersion": cluster.MsgVersionDowngrade,
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d problems, want %d: %v", len(errs), len(want), errs)
	}
	for _, e := range errs {
		if part, ok := want[e.Field]; !ok || !strings.Contains(e.Error(), part) {
			t.Errorf("problem %v: want one of %v", e, want)
		}
	}
}

func TestDeployedVersionsReadTheStacksOwnOutputs(t *testing.T) {
	cfg := &stacks.StackConfig{Clusters: []cluster.Spec{
		{Name: "eks", Cloud: cluster.AWS}, {Name: "fresh", Cloud: cluster.Azure}, {Name: "local", Cloud: cluster.Existing},
	}}
	self := plan.DefaultOrganization + "/fleetform/prod"
	refs := map[string]*plan.Plan{self: {Outputs: map[string]any{VersionExport("eks"): "1.34", VersionExport("local"): "1.30"}}}
	var got map[string]string
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		var err error
		got, err = DeployedVersions(ctx, cfg)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "prod", References: refs})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["eks"] != "1.34" {
		t.Errorf("deployed versions = %v, want eks 1.34 only (fresh is new, local is not managed here)", got)
	}
	ref := p.ByType("pulumi:pulumi:StackReference")
	if len(ref) != 1 || ref[0].Name != DeployedReferenceName || ref[0].Inputs["name"] != self {
		t.Errorf("stack references = %v, want one %q to %s", ref, DeployedReferenceName, self)
	}

	// Existing clusters only: no version to track, no reference.
	local := &stacks.StackConfig{Clusters: []cluster.Spec{{Name: "local", Cloud: cluster.Existing}}}
	p, _, err = plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		var err error
		got, err = DeployedVersions(ctx, local)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "local"})
	if err != nil || len(got) != 0 || len(p.ByType("pulumi:pulumi:StackReference")) != 0 {
		t.Errorf("existing clusters only: versions %v, references %d, err %v; want none of each", got, len(p.ByType("pulumi:pulumi:StackReference")), err)
	}
}

// TestIdentitiesReachClustersAndEnvironments builds the dev stack file and checks the
// identity map end to end: access entries on EKS, and RoleBindings of the same groups.
func TestIdentitiesReachClustersAndEnvironments(t *testing.T) {
	cfg, err := stacks.LoadFile("../Pulumi.dev.yaml", "dev")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Offline(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]any{}
	nodes := 0
	for _, r := range p.ByType("aws:eks/accessEntry:AccessEntry") {
		if r.Inputs["type"] == "EC2_LINUX" {
			nodes++ // the Karpenter node role's (dev-aws's spot pool), not an identity's
			continue
		}
		entries[r.Name] = r.Inputs["kubernetesGroups"]
	}
	if nodes != 1 {
		t.Errorf("got %d node access entries, want 1 (Karpenter's node role)", nodes)
	}
	want := map[string]string{
		"dev-aws-access-ci-deployer": "", "dev-aws-access-platform-admins": "",
		"dev-aws-access-platform-operators": "platform-operators", "dev-aws-access-shop-developers": "shop-developers",
	}
	if len(entries) != len(want) {
		t.Fatalf("access entries %v, want %v", entries, want)
	}
	for name, group := range want {
		groups, _ := entries[name].([]any)
		if (group == "" && len(groups) != 0) || (group != "" && (len(groups) != 1 || groups[0] != group)) {
			t.Errorf("%s kubernetesGroups = %v, want %q", name, entries[name], group)
		}
	}
	if n := len(p.ByType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")); n != 2 {
		t.Errorf("got %d admin policy associations, want 2 (ci-deployer, platform-admins)", n)
	}
	bound := map[string]bool{}
	for _, r := range p.ByType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding") {
		subjects, _ := r.Inputs["subjects"].([]any)
		for _, s := range subjects {
			m, _ := s.(map[string]any)
			if m["kind"] == cluster.SubjectGroup {
				bound[m["name"].(string)] = true
			}
		}
	}
	if !bound["shop-developers"] || !bound["platform-operators"] {
		t.Errorf("RoleBinding groups %v, want shop-developers and platform-operators", bound)
	}
	if _, ok := p.Outputs[VersionExport("dev-aws")]; !ok {
		t.Errorf("outputs %v: want %s", p.Outputs, VersionExport("dev-aws"))
	}
}

// TestClusterComponentsReportTheStackPath: every cloud's component reports a spec's
// problems at the path the stack's validation uses (clusters[i], cluster.Path), never
// at another form such as clusters[<name>], so a user finds the entry in the stack file
// whichever layer found the problem.
func TestClusterComponentsReportTheStackPath(t *testing.T) {
	const index = 2
	clouds := slices.Sorted(maps.Keys(clusterBuilders))
	if len(clouds) < 4 {
		t.Fatalf("cloud builders = %v, want all four (aws, azure, alicloud, existing)", clouds)
	}
	for _, cloud := range clouds {
		t.Run(string(cloud), func(t *testing.T) {
			spec := &cluster.Spec{Name: "odd-" + string(cloud), Cloud: cloud, Region: "nowhere-1", KubernetesVersion: "bogus",
				Kubeconfig: &cluster.KubeconfigSpec{Context: "x", StorageClass: "NOT A NAME"}}
			cfg := &stacks.StackConfig{Stack: "dev", Clusters: []cluster.Spec{{}, {}, *spec}}
			_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := clusterBuilders[cloud].build(ctx, &cfg.Clusters[index], index, cfg.Stack, cluster.Access{}, platformNeeds{}, false)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "dev"})
			if err == nil {
				t.Fatal("an invalid spec built; want its problems")
			}
			want := cluster.Path(index).String()
			if !strings.Contains(err.Error(), want+".") {
				t.Errorf("err = %v, want problems at %s...", err, want)
			}
			for rest := err.Error(); strings.Contains(rest, "clusters["); {
				_, rest, _ = strings.Cut(rest, "clusters[")
				if !strings.HasPrefix("clusters["+rest, want+".") {
					t.Errorf("err = %v names clusters[%.20s: want every path in the stack's form %s", err, rest, want)
				}
			}
		})
	}
}
