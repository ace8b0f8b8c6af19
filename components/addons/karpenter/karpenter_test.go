package karpenter

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/helmrelease"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	typeNodePool  = "kubernetes:karpenter.sh/v1:NodePool"
	typeNodeClass = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
	typeRelease   = "kubernetes:helm.sh/v3:Release"
)

// pool is a Karpenter pool as the EKS component describes it (with prefix delegation).
func pool() cluster.KarpenterNodePool {
	return cluster.KarpenterNodePool{
		Name: "apps",
		Requirements: []cluster.KarpenterRequirement{
			{Key: cluster.LabelArch, Operator: "In", Values: []string{"amd64"}},
			{Key: cluster.LabelCapacityType, Operator: "In", Values: []string{"spot", "on-demand"}},
			{Key: cluster.LabelInstanceFamily, Operator: "In", Values: []string{"m6i", "m6a"}},
		},
		Labels:   map[string]string{"workload": "apps"},
		Taints:   []cluster.Taint{{Key: "dedicated", Value: "apps", Effect: "NoSchedule"}, {Key: "bare", Effect: "NoExecute"}},
		MaxNodes: 20, ConsolidationPolicy: "WhenEmptyOrUnderutilized", ConsolidateAfter: "1m", ExpireAfter: "720h", DisruptionBudget: "10%",
		AMIAlias: "al2023@latest", MaxPods: 110, DiskSizeGB: 80, Tags: map[string]string{"fleetform:cluster": "prod-aws"},
	}
}

func karpenterFor(pools ...cluster.KarpenterNodePool) *cluster.Karpenter {
	return &cluster.Karpenter{
		ClusterName: "prod-aws-prod", InterruptionQueue: "prod-aws-prod-karpenter", InstanceProfile: "prod-aws-prod-us-east-1-karpenter",
		Identity: cluster.WorkloadIdentity{Annotations: pulumi.StringMap{cluster.AnnotationIRSARole: pulumi.String("arn:aws:iam::1:role/karpenter")}.ToStringMapOutput()},
		Pools:    pools,
	}
}

func TestValues(t *testing.T) {
	v := Values(karpenterFor(), 2, "1", "1Gi")
	want := map[string]any{
		"serviceAccount": map[string]any{"create": false, "name": "karpenter"},
		"settings":       map[string]any{"clusterName": "prod-aws-prod", "interruptionQueue": "prod-aws-prod-karpenter"},
		"replicas":       2,
		"controller": map[string]any{"resources": map[string]any{
			"requests": map[string]any{"cpu": "1", "memory": "1Gi"},
			"limits":   map[string]any{"cpu": "1", "memory": "1Gi"},
		}},
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("values:\n got %v\nwant %v", v, want)
	}
}

func TestNodePoolSpec(t *testing.T) {
	s := NodePoolSpec(pool())
	tmpl := s["template"].(map[string]any)
	ts := tmpl["spec"].(map[string]any)
	if ref := ts["nodeClassRef"]; !reflect.DeepEqual(ref, map[string]any{"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "apps"}) {
		t.Errorf("nodeClassRef = %v, want the pool's own EC2NodeClass", ref)
	}
	reqs := ts["requirements"].([]any)
	family := reqs[2].(map[string]any)
	if len(reqs) != 3 || family["key"] != cluster.LabelInstanceFamily || family["operator"] != "In" || !reflect.DeepEqual(family["values"], []any{"m6i", "m6a"}) {
		t.Errorf("requirements = %v, want the pool's, the families as an In requirement", reqs)
	}
	taints := ts["taints"].([]any)
	if !reflect.DeepEqual(taints[0], map[string]any{"key": "dedicated", "value": "apps", "effect": "NoSchedule"}) ||
		!reflect.DeepEqual(taints[1], map[string]any{"key": "bare", "effect": "NoExecute"}) {
		t.Errorf("taints = %v", taints)
	}
	if ts["expireAfter"] != "720h" || !reflect.DeepEqual(tmpl["metadata"], map[string]any{"labels": map[string]any{"workload": "apps"}}) {
		t.Errorf("template = %v", tmpl)
	}
	if !reflect.DeepEqual(s["limits"], map[string]any{"nodes": 20}) {
		t.Errorf("limits = %v, want nodes: the pool's maxSize", s["limits"])
	}
	want := map[string]any{"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "1m", "budgets": []any{map[string]any{"nodes": "10%"}}}
	if !reflect.DeepEqual(s["disruption"], want) {
		t.Errorf("disruption = %v, want %v", s["disruption"], want)
	}
	bare := pool()
	bare.Taints, bare.Labels = nil, nil
	bs := NodePoolSpec(bare)["template"].(map[string]any)
	if _, ok := bs["metadata"]; ok || bs["spec"].(map[string]any)["taints"] != nil {
		t.Errorf("a pool without labels or taints: template %v, want neither", bs)
	}
}

func TestNodeClassSpec(t *testing.T) {
	s := NodeClassSpec(karpenterFor(), pool())
	discovery := []any{map[string]any{"tags": map[string]any{cluster.TagKarpenterDiscovery: "prod-aws-prod"}}}
	if s["instanceProfile"] != "prod-aws-prod-us-east-1-karpenter" || s["role"] != nil {
		t.Errorf("instanceProfile %v role %v: want the program's profile and no role (Karpenter would then make profiles)", s["instanceProfile"], s["role"])
	}
	if !reflect.DeepEqual(s["amiSelectorTerms"], []any{map[string]any{"alias": "al2023@latest"}}) {
		t.Errorf("amiSelectorTerms = %v", s["amiSelectorTerms"])
	}
	if !reflect.DeepEqual(s["subnetSelectorTerms"], discovery) || !reflect.DeepEqual(s["securityGroupSelectorTerms"], discovery) {
		t.Errorf("selectors = %v / %v, want the discovery tag", s["subnetSelectorTerms"], s["securityGroupSelectorTerms"])
	}
	bdm := s["blockDeviceMappings"].([]any)[0].(map[string]any)
	ebs := bdm["ebs"].(map[string]any)
	if bdm["deviceName"] != "/dev/xvda" || bdm["rootVolume"] != true || ebs["volumeSize"] != "80Gi" || ebs["encrypted"] != true || ebs["volumeType"] != "gp3" {
		t.Errorf("root volume = %v, want an encrypted 80Gi gp3 /dev/xvda", bdm)
	}
	if md := s["metadataOptions"].(map[string]any); md["httpTokens"] != "required" || md["httpPutResponseHopLimit"] != 1 {
		t.Errorf("metadataOptions = %v, want IMDSv2 with one hop", md)
	}
	if !reflect.DeepEqual(s["kubelet"], map[string]any{"maxPods": 110}) {
		t.Errorf("kubelet = %v, want the pool's maxPods", s["kubelet"])
	}
	if s["tags"].(map[string]any)["fleetform:cluster"] != "prod-aws" {
		t.Errorf("tags = %v", s["tags"])
	}
	eni := pool()
	eni.MaxPods = 0
	if k, ok := NodeClassSpec(karpenterFor(), eni)["kubelet"]; ok {
		t.Errorf("kubelet = %v without prefix delegation, want none (Karpenter's ENI limit)", k)
	}
}

func TestNewWaitsOnlyForWhatItUses(t *testing.T) {
	other := pool()
	other.Name = "batch"
	var urnOf map[string]string
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		// Stand-ins for the cluster component's resources and another addon's install.
		stand := func(name string) pulumi.Resource {
			cm, err := corev1.NewConfigMap(ctx, name, &corev1.ConfigMapArgs{Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(name)}})
			if err != nil {
				t.Fatal(err)
			}
			return cm
		}
		k := karpenterFor(pool(), other)
		k.ControllerReady = []pulumi.Resource{stand("controller-policy")}
		k.NodesReady = []pulumi.Resource{stand("node-access-entry")}
		_, err := New(ctx, "c1-karpenter", &Args{
			Namespace: pulumi.String(Namespace), Karpenter: k, Replicas: 2, CPU: "1", Memory: "1Gi",
			Monitoring: true, MonitoringReady: stand("monitoring"), Chart: helmrelease.Override{},
		})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	urnOf = map[string]string{}
	for _, r := range p.Resources {
		urnOf[r.Name] = r.URN
	}
	rels := p.ByType(typeRelease)
	if len(rels) != 1 {
		t.Fatalf("got %d releases, want 1", len(rels))
	}
	rel := rels[0]
	if rel.Inputs["chart"] != "oci://public.ecr.aws/karpenter/karpenter" || rel.Inputs["version"] != helmrelease.KarpenterVersion || rel.Inputs["namespace"] != Namespace {
		t.Errorf("release: chart %v version %v namespace %v", rel.Inputs["chart"], rel.Inputs["version"], rel.Inputs["namespace"])
	}
	if !slices.Contains(rel.Dependencies, urnOf["controller-policy"]) || !slices.Contains(rel.Dependencies, urnOf["c1-karpenter-sa"]) ||
		slices.Contains(rel.Dependencies, urnOf["monitoring"]) || slices.Contains(rel.Dependencies, urnOf["node-access-entry"]) {
		t.Errorf("release deps %v: want its service account and the controller's AWS side, not monitoring or the node side", rel.Dependencies)
	}
	classes, pools := p.ByType(typeNodeClass), p.ByType(typeNodePool)
	if len(classes) != 2 || len(pools) != 2 {
		t.Fatalf("got %d EC2NodeClasses and %d NodePools, want one each per pool", len(classes), len(pools))
	}
	for _, name := range []string{"apps", "batch"} {
		nc, np := find(t, classes, name), find(t, pools, name)
		if !slices.Contains(nc.Dependencies, rel.URN) || !slices.Contains(nc.Dependencies, urnOf["node-access-entry"]) {
			t.Errorf("EC2NodeClass %s deps %v: want the chart (its CRD) and what nodes need to join", name, nc.Dependencies)
		}
		if !slices.Equal(np.Dependencies, []string{rel.URN}) {
			t.Errorf("NodePool %s deps %v: want the chart only", name, np.Dependencies)
		}
	}
	sms := p.ByType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor")
	if len(sms) != 1 || !slices.Contains(sms[0].Dependencies, urnOf["monitoring"]) || sms[0].Inputs["spec"].(map[string]any)["endpoints"].([]any)[0].(map[string]any)["port"] != MetricsPort {
		t.Errorf("service monitors = %+v, want one on %s waiting for monitoring", sms, MetricsPort)
	}
	for _, sa := range p.ByType("kubernetes:core/v1:ServiceAccount") {
		md := sa.Inputs["metadata"].(map[string]any)
		if md["name"] != ServiceAccount || md["annotations"].(map[string]any)[cluster.AnnotationIRSARole] != "arn:aws:iam::1:role/karpenter" {
			t.Errorf("service account = %v, want karpenter with the IRSA role", md)
		}
	}
}

func find(t *testing.T, rs []*plan.Resource, name string) *plan.Resource {
	t.Helper()
	for _, r := range rs {
		if md, _ := r.Inputs["metadata"].(map[string]any); md["name"] == name {
			return r
		}
	}
	t.Fatalf("no object named %s", name)
	return nil
}

func TestNewRefusesMissingArgs(t *testing.T) {
	for _, tc := range []struct {
		name string
		args *Args
		want string
	}{
		{"nil", nil, MsgClusterRequired},
		{"no cluster side", &Args{Namespace: pulumi.String(Namespace), Replicas: 1, CPU: "1", Memory: "1Gi"}, MsgClusterRequired},
		{"no replicas", &Args{Namespace: pulumi.String(Namespace), Karpenter: karpenterFor(), CPU: "1", Memory: "1Gi"}, MsgSizeRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := New(ctx, "c1-karpenter", tc.args)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
			if n := mon.Registrations(); n != 0 {
				t.Errorf("%d registrations before the error, want 0", n)
			}
		})
	}
}
