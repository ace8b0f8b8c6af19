package platform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/karpenter"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
)

// eksKarpenter is what an EKS cluster component with one Karpenter pool hands the platform.
func eksKarpenter() *cluster.Karpenter {
	return &cluster.Karpenter{
		ClusterName: "c1-test", InterruptionQueue: "c1-test-karpenter", InstanceProfile: "c1-test-us-east-1-karpenter",
		Identity: cluster.WorkloadIdentity{Annotations: pulumi.StringMap{cluster.AnnotationIRSARole: pulumi.String("arn:aws:iam::1:role/karpenter")}.ToStringMapOutput()},
		Pools: []cluster.KarpenterNodePool{{
			Name: "apps", MaxNodes: 20, AMIAlias: "al2023@latest", DiskSizeGB: 50, MaxPods: 110,
			ConsolidationPolicy: cluster.KarpenterConsolidateUnderutilized, ConsolidateAfter: "1m", ExpireAfter: "720h", DisruptionBudget: "10%",
			Requirements: []cluster.KarpenterRequirement{{Key: cluster.LabelInstanceType, Operator: "In", Values: []string{"m6i.xlarge"}}},
		}},
	}
}

func TestKarpenterInstalledWhereTheClusterMadeIt(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) { a.Karpenter = eksKarpenter() })
	r := release(t, p, "karpenter")
	if r.Inputs["namespace"] != karpenter.Namespace || dig(r.Inputs["values"], "settings", "clusterName") != "c1-test" ||
		dig(r.Inputs["values"], "settings", "interruptionQueue") != "c1-test-karpenter" ||
		dig(r.Inputs["values"], "replicas") != float64(platform.DefaultKarpenterReplicas) ||
		dig(r.Inputs["values"], "controller", "resources", "limits", "memory") != platform.DefaultKarpenterMemory {
		t.Errorf("karpenter release: namespace %v values %v", r.Inputs["namespace"], r.Inputs["values"])
	}
	var ns string
	for _, n := range p.ByType("kubernetes:core/v1:Namespace") {
		if dig(n.Inputs, "metadata", "name") == karpenter.Namespace {
			ns = n.URN
			if got := dig(n.Inputs, "metadata", "labels", platform.LabelPodSecurityEnforce); got != platform.PodSecurityRestricted {
				t.Errorf("karpenter namespace enforces %v, want restricted", got)
			}
		}
	}
	if ns == "" {
		t.Fatal("no karpenter namespace")
	}
	// The install waits for its namespace and its service account; no other addon.
	for _, d := range r.Dependencies {
		if dep := p.Find(d); dep != nil && dep.Type == releaseType {
			t.Errorf("the karpenter install waits for %s", dep.Name)
		}
	}
	if !slices.Contains(r.Dependencies, ns) {
		t.Errorf("karpenter release deps %v: want its namespace", r.Dependencies)
	}
	if n := len(p.ByType("kubernetes:karpenter.sh/v1:NodePool")); n != 1 {
		t.Errorf("got %d NodePools, want 1", n)
	}
	if n := len(p.ByType("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")); n != 1 {
		t.Errorf("got %d EC2NodeClasses, want 1", n)
	}
}

func TestNoKarpenterWithoutItsAWSSide(t *testing.T) {
	p, _ := build(t, func(a *platform.Args) {})
	for _, r := range p.ByType(releaseType) {
		if strings.HasSuffix(r.Inputs["chart"].(string), "/karpenter") {
			t.Error("karpenter installed on a cluster without Karpenter pools")
		}
	}
	for _, n := range p.ByType("kubernetes:core/v1:Namespace") {
		if dig(n.Inputs, "metadata", "name") == karpenter.Namespace {
			t.Error("karpenter namespace on a cluster without Karpenter pools")
		}
	}
}

func TestKarpenterSpecValidation(t *testing.T) {
	cases := []struct {
		name     string
		mutate   func(*platform.KarpenterSpec)
		wantPath string
		wantMsg  string
	}{
		{"no replica", func(s *platform.KarpenterSpec) { s.Replicas = -1 }, "platform.karpenter.replicas", platform.MsgAtLeastOneReplica},
		{"bad cpu", func(s *platform.KarpenterSpec) { s.CPU = "one" }, "platform.karpenter.cpu", platform.MsgQuantity},
		{"bad memory", func(s *platform.KarpenterSpec) { s.Memory = "1 GB" }, "platform.karpenter.memory", platform.MsgQuantity},
		{"bad chart version", func(s *platform.KarpenterSpec) { s.Chart.Version = "latest" }, "platform.karpenter.chart.version", platform.MsgVersion},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := platform.Spec{}
			s.ApplyDefaults()
			tc.mutate(&s.Karpenter)
			errs := s.Validate(field.NewPath("platform"))
			for _, e := range errs {
				if e.Field == tc.wantPath && strings.Contains(e.Error(), tc.wantMsg) {
					return
				}
			}
			t.Errorf("got %v, want a problem at %s containing %q", errs, tc.wantPath, tc.wantMsg)
		})
	}
	s := platform.Spec{}
	s.ApplyDefaults()
	if k := s.Karpenter; k.Replicas != platform.DefaultKarpenterReplicas || k.CPU != platform.DefaultKarpenterCPU || k.Memory != platform.DefaultKarpenterMemory {
		t.Errorf("defaults: got %+v", k)
	}
}
