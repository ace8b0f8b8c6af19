package eks

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/cluster/clustertest"
	"github.com/fleetform/fleetform/internal/plan"
)

// Type tokens of Karpenter's AWS side.
const (
	typeQueue           = "aws:sqs/queue:Queue"
	typeQueuePolicy     = "aws:sqs/queuePolicy:QueuePolicy"
	typeEventRule       = "aws:cloudwatch/eventRule:EventRule"
	typeEventTarget     = "aws:cloudwatch/eventTarget:EventTarget"
	typeInstanceProfile = "aws:iam/instanceProfile:InstanceProfile"
	typeRole            = "aws:iam/role:Role"
	typeAttachment      = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeRolePolicy      = "aws:iam/rolePolicy:RolePolicy"
	typeEC2Tag          = "aws:ec2/tag:Tag"
)

// karpenterDevSpec is the dev cluster with a spot pool that Karpenter provisions.
func karpenterDevSpec(name string) *cluster.Spec {
	s := devSpec(name)
	s.NodePools = append(s.NodePools, cluster.NodePool{
		Name: "burst", MaxSize: 4, Labels: map[string]string{"workload": "burst"},
		Karpenter: &cluster.KarpenterPool{InstanceFamilies: []string{"m6i", "m6a"}, CapacityTypes: []string{cluster.CapacitySpot}},
	})
	return s
}

func planWithConnection(t *testing.T, s *cluster.Spec) (*plan.Plan, *cluster.Connection) {
	t.Helper()
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: testAccess})
		if err == nil {
			conn = c.Connection()
		}
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err != nil {
		t.Fatalf("planning: %v", err)
	}
	return p, conn
}

func TestKarpenterAWSSide(t *testing.T) {
	p, conn := planWithConnection(t, karpenterDevSpec("dev-aws"))
	clusterName := PhysicalName("dev-aws", testStack)

	// The managed node group stays for system pods; the Karpenter pool gets none.
	var groups []string
	for _, ng := range p.ByType(typeNodeGroup) {
		groups = append(groups, ng.Name)
	}
	if !slices.Equal(groups, []string{"dev-aws-ng-general"}) {
		t.Errorf("node groups: got %v, want only the managed pool's", groups)
	}

	q := one(t, p, typeQueue, "dev-aws-karpenter")
	if q.Inputs["name"] != clusterName+"-karpenter" || q.Inputs["messageRetentionSeconds"] != float64(InterruptionQueueRetentionSeconds) || q.Inputs["sqsManagedSseEnabled"] != true {
		t.Errorf("queue: got %v, want %s-karpenter, 300 s retention, SSE", q.Inputs, clusterName)
	}
	qp := one(t, p, typeQueuePolicy, "dev-aws-karpenter")
	if !slices.Contains(qp.Dependencies, q.URN) {
		t.Errorf("queue policy deps %v: want the queue", qp.Dependencies)
	}

	rules := p.ByType(typeEventRule)
	if len(rules) != len(InterruptionRules) {
		t.Fatalf("got %d EventBridge rules, want %d", len(rules), len(InterruptionRules))
	}
	wantPatterns := map[string][2]string{
		"dev-aws-karpenter-spot-interruption":    {"aws.ec2", "EC2 Spot Instance Interruption Warning"},
		"dev-aws-karpenter-rebalance":            {"aws.ec2", "EC2 Instance Rebalance Recommendation"},
		"dev-aws-karpenter-state-change":         {"aws.ec2", "EC2 Instance State-change Notification"},
		"dev-aws-karpenter-scheduled-change":     {"aws.health", "AWS Health Event"},
		"dev-aws-karpenter-capacity-reservation": {"aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"},
	}
	for name, want := range wantPatterns {
		r := one(t, p, typeEventRule, name)
		var pat map[string][]string
		if err := json.Unmarshal([]byte(r.Inputs["eventPattern"].(string)), &pat); err != nil {
			t.Fatalf("%s pattern: %v", name, err)
		}
		if !slices.Equal(pat["source"], []string{want[0]}) || !slices.Equal(pat["detail-type"], []string{want[1]}) || len(pat) != 2 {
			t.Errorf("%s pattern: got %v, want source %s, detail-type %s", name, pat, want[0], want[1])
		}
		tg := one(t, p, typeEventTarget, name)
		if tg.Inputs["targetId"] != InterruptionTargetID || !slices.Contains(tg.Dependencies, q.URN) || !slices.Contains(tg.Dependencies, r.URN) {
			t.Errorf("%s target: got %v deps %v, want the queue as target of the rule", name, tg.Inputs, tg.Dependencies)
		}
	}

	node := one(t, p, typeRole, "dev-aws-karpenter-node")
	if !strings.Contains(node.Inputs["assumeRolePolicy"].(string), `"Service":"ec2.amazonaws.com"`) {
		t.Errorf("node role trust: got %v, want EC2", node.Inputs["assumeRolePolicy"])
	}
	var policies []string
	for _, a := range p.ByType(typeAttachment) {
		if strings.HasPrefix(a.Name, "dev-aws-karpenter-node-") {
			policies = append(policies, a.Inputs["policyArn"].(string))
		}
	}
	slices.Sort(policies)
	wantPolicies := []string{ManagedPolicyARN("aws", PolicyECRPullOnly), ManagedPolicyARN("aws", PolicyEKSWorkerNode)}
	if !slices.Equal(policies, wantPolicies) {
		t.Errorf("node role policies: got %v, want %v (no CNI rights: vpc-cni has its own role)", policies, wantPolicies)
	}
	prof := one(t, p, typeInstanceProfile, "dev-aws-karpenter-node")
	if prof.Inputs["name"] != KarpenterInstanceProfileName(clusterName, "us-east-1") || !slices.Contains(prof.Dependencies, node.URN) {
		t.Errorf("instance profile: got %v deps %v, want %s of the node role", prof.Inputs, prof.Dependencies, KarpenterInstanceProfileName(clusterName, "us-east-1"))
	}
	entry := one(t, p, typeAccessEntry, "dev-aws-karpenter-node")
	if entry.Inputs["type"] != AccessEntryEC2Linux || entry.Inputs["kubernetesGroups"] != nil || !slices.Contains(entry.Dependencies, node.URN) {
		t.Errorf("node access entry: got %v deps %v, want EC2_LINUX for the node role, no groups", entry.Inputs, entry.Dependencies)
	}

	for _, sn := range p.ByType(typeSubnet) {
		got, tagged := tagsOf(sn)[cluster.TagKarpenterDiscovery]
		private := strings.Contains(sn.Name, "private")
		if private && got != clusterName || !private && tagged {
			t.Errorf("subnet %s discovery tag = %v, want %s on private subnets only", sn.Name, got, clusterName)
		}
	}
	tag := one(t, p, typeEC2Tag, "dev-aws-karpenter-discovery")
	if tag.Inputs["key"] != cluster.TagKarpenterDiscovery || tag.Inputs["value"] != clusterName || !slices.Contains(tag.Dependencies, one(t, p, typeEKSCluster, "dev-aws-eks").URN) {
		t.Errorf("security group tag: got %v deps %v, want %s=%s on the cluster's security group", tag.Inputs, tag.Dependencies, cluster.TagKarpenterDiscovery, clusterName)
	}

	k := conn.Karpenter
	if k == nil {
		t.Fatal("connection has no Karpenter")
	}
	if k.ClusterName != clusterName || k.InterruptionQueue != clusterName+"-karpenter" || k.InstanceProfile != prof.Inputs["name"] {
		t.Errorf("connection: got %s, %s, %s", k.ClusterName, k.InterruptionQueue, k.InstanceProfile)
	}
	if len(k.Pools) != 1 || k.Pools[0].Name != "burst" || k.Pools[0].MaxNodes != 4 || k.Pools[0].MaxPods != cluster.DefaultMaxPodsPrefixDelegation {
		t.Errorf("pools: got %+v, want burst, 4 nodes, the pool's maxPods with prefix delegation", k.Pools)
	}
	if len(k.ControllerReady) != 4 || len(k.NodesReady) != 5 {
		t.Errorf("controller waits for %d, nodes for %d; want the policy, queue, queue policy and Pod Identity association, and 2 attachments, profile, access entry and tag", len(k.ControllerReady), len(k.NodesReady))
	}
	assoc := one(t, p, typePodIdentityAssociation, "dev-aws-karpenter")
	if assoc.Inputs["namespace"] != cluster.KarpenterNamespace || assoc.Inputs["serviceAccount"] != cluster.KarpenterServiceAccount {
		t.Errorf("karpenter association: got %v, want %s/%s", assoc.Inputs, cluster.KarpenterNamespace, cluster.KarpenterServiceAccount)
	}
}

func TestNoKarpenterNoKarpenterResources(t *testing.T) {
	p, conn := planWithConnection(t, devSpec("dev-aws"))
	for _, typ := range []string{typeQueue, typeQueuePolicy, typeEventRule, typeEventTarget, typeInstanceProfile, typeEC2Tag} {
		if n := len(p.ByType(typ)); n != 0 {
			t.Errorf("%d %s without a Karpenter pool", n, typ)
		}
	}
	for _, sn := range p.ByType(typeSubnet) {
		if _, ok := tagsOf(sn)[cluster.TagKarpenterDiscovery]; ok {
			t.Errorf("subnet %s has the discovery tag without Karpenter", sn.Name)
		}
	}
	if conn.Karpenter != nil {
		t.Errorf("connection Karpenter = %+v, want nil", conn.Karpenter)
	}
}

func TestBadKarpenterPoolRegistersNothing(t *testing.T) {
	s := karpenterDevSpec("dev-aws")
	s.NodePools[1].MinSize, s.NodePools[1].DesiredSize = 2, 2
	s.NodePools[1].Karpenter.InstanceFamilies = []string{"m6i", "t2"}
	s.NodePools[0].MinSize = 0
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: testAccess})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err == nil {
		t.Fatal("a bad Karpenter pool was accepted")
	}
	for _, want := range []string{
		"clusters[0].nodePools[1].minSize: Invalid value: 2: " + cluster.MsgKarpenterMinSize,
		"clusters[0].nodePools[1].desiredSize",
		"clusters[0].nodePools[1].karpenter.instanceFamilies[1]: Invalid value: \"t2\": " + cluster.MsgPrefixDelegationNitro,
		"clusters[0].nodePools: Required value: " + cluster.MsgKarpenterNeedsManagedPool,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if n := mon.Registrations(); n != 0 {
		t.Errorf("%d resources registered before the error, want 0", n)
	}
}

// karpenterOutputs answer like AWS after a deploy: ARNs for everything, and the cluster's
// issuer and security group.
var karpenterOutputs = clustertest.Cloud{Outputs: func(typ, name string, in resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{"arn": resource.NewProperty("arn:aws:mock::111122223333:" + typ + "/" + name)}
	switch typ {
	case typeEKSCluster:
		out = eksOutputs("https://A.gr7.us-east-1.eks.amazonaws.com", "Q0Ex").Outputs(typ, name, in)
		vpc := in["vpcConfig"].ObjectValue().Copy()
		vpc["clusterSecurityGroupId"] = resource.NewProperty("sg-0cluster")
		out["vpcConfig"] = resource.NewProperty(vpc)
	case typeQueue:
		out["url"] = resource.NewProperty("https://sqs.us-east-1.amazonaws.com/111122223333/" + in["name"].StringValue())
		out["arn"] = resource.NewProperty("arn:aws:sqs:us-east-1:111122223333:" + in["name"].StringValue())
	case typeRole:
		out["arn"] = resource.NewProperty("arn:aws:iam::111122223333:role/" + name)
	case typeInstanceProfile:
		out["arn"] = resource.NewProperty("arn:aws:iam::111122223333:instance-profile/" + in["name"].StringValue())
	}
	return out
}}

// statement is an IAM policy statement as the tests read it.
type statement struct {
	Sid       string
	Effect    string
	Principal any
	Action    any
	Resource  any
	Condition map[string]map[string]any
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, len(t))
		for i, e := range t {
			out[i], _ = e.(string)
		}
		return out
	}
	return nil
}

func policyOf(t *testing.T, rec *clustertest.Recorder, typ, name string) []statement {
	t.Helper()
	r, ok := rec.ByType(typ)[name]
	if !ok {
		t.Fatalf("no %s %s", typ, name)
	}
	var doc struct{ Statement []statement }
	if err := json.Unmarshal([]byte(r.Inputs["policy"].StringValue()), &doc); err != nil {
		t.Fatalf("%s policy: %v", name, err)
	}
	return doc.Statement
}

func TestKarpenterPoliciesByValue(t *testing.T) {
	s := karpenterDevSpec("dev-aws")
	rec := clustertest.Run(t, "fleetform", testStack, karpenterOutputs, func(ctx *pulumi.Context) error {
		_, err := New(ctx, s.Name, &Args{Spec: *s, Stack: testStack, Access: testAccess})
		return err
	})
	clusterName := PhysicalName("dev-aws", testStack)
	queueARN := "arn:aws:sqs:us-east-1:111122223333:" + clusterName + "-karpenter"
	nodeRoleARN := "arn:aws:iam::111122223333:role/dev-aws-karpenter-node"
	profileARN := "arn:aws:iam::111122223333:instance-profile/" + KarpenterInstanceProfileName(clusterName, "us-east-1")

	t.Run("queue policy", func(t *testing.T) {
		sts := policyOf(t, rec, typeQueuePolicy, "dev-aws-karpenter")
		if len(sts) != 2 {
			t.Fatalf("got %d statements, want send and deny-HTTP", len(sts))
		}
		send, deny := sts[0], sts[1]
		services := strs(send.Principal.(map[string]any)["Service"])
		if send.Effect != "Allow" || !slices.Equal(strs(send.Action), []string{"sqs:SendMessage"}) || send.Resource != queueARN ||
			!slices.Equal(services, []string{"events.amazonaws.com", "sqs.amazonaws.com"}) {
			t.Errorf("send statement: got %+v, want EventBridge and SQS sending to %s only", send, queueARN)
		}
		if deny.Effect != "Deny" || deny.Principal != "*" || deny.Resource != queueARN || deny.Condition["Bool"]["aws:SecureTransport"] != "false" {
			t.Errorf("deny statement: got %+v, want every non-TLS request refused", deny)
		}
	})

	t.Run("controller policy", func(t *testing.T) {
		raw := rec.ByType(typeRolePolicy)["dev-aws-karpenter"].Inputs["policy"].StringValue()
		if len(raw) > 10240 {
			t.Errorf("policy is %d characters, above IAM's 10,240 for a role's inline policies", len(raw))
		}
		sts := policyOf(t, rec, typeRolePolicy, "dev-aws-karpenter")
		bySid := map[string]statement{}
		unscoped := map[string]bool{}
		for _, st := range sts {
			if st.Effect != "Allow" || st.Sid == "" {
				t.Errorf("statement %+v: want a named Allow", st)
			}
			bySid[st.Sid] = st
			for _, a := range strs(st.Action) {
				if strings.HasPrefix(a, "iam:") && strings.Contains(a, "InstanceProfile") && a != "iam:GetInstanceProfile" && a != "iam:ListInstanceProfiles" {
					t.Errorf("%s grants %s: the program owns the instance profile", st.Sid, a)
				}
				if slices.Contains(strs(st.Resource), "*") && st.Condition == nil {
					unscoped[a] = true
				}
			}
		}
		for a := range unscoped {
			if a != "pricing:GetProducts" && a != "iam:ListInstanceProfiles" {
				t.Errorf("%s on every resource without a condition", a)
			}
		}
		owned := "aws:ResourceTag/kubernetes.io/cluster/" + clusterName
		for _, sid := range []string{"AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedResourceTagging", "AllowScopedDeletion"} {
			if bySid[sid].Condition["StringEquals"][owned] != "owned" {
				t.Errorf("%s: conditions %v, want only resources tagged %s=owned", sid, bySid[sid].Condition, owned)
			}
		}
		for _, sid := range []string{"AllowScopedEC2InstanceActionsWithTags", "AllowScopedResourceCreationTagging"} {
			c := bySid[sid].Condition["StringEquals"]
			if c["aws:RequestTag/kubernetes.io/cluster/"+clusterName] != "owned" || c["aws:RequestTag/eks:eks-cluster-name"] != clusterName {
				t.Errorf("%s: conditions %v, want launches tagged for %s only", sid, c, clusterName)
			}
		}
		if del := bySid["AllowScopedDeletion"]; !slices.Equal(strs(del.Action), []string{"ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"}) {
			t.Errorf("deletion: got %v", del.Action)
		}
		pass := bySid["AllowPassingInstanceRole"]
		if pass.Resource != nodeRoleARN || !slices.Equal(strs(pass.Condition["StringEquals"]["iam:PassedToService"]), []string{"ec2.amazonaws.com", "ec2.amazonaws.com.cn"}) {
			t.Errorf("PassRole: got %+v, want the Karpenter node role, to EC2 only", pass)
		}
		if r := bySid["AllowInstanceProfileReadActions"].Resource; r != profileARN {
			t.Errorf("GetInstanceProfile on %v, want %s", r, profileARN)
		}
		if r := bySid["AllowAPIServerEndpointDiscovery"].Resource; r != "arn:aws:eks:us-east-1:111122223333:cluster/"+clusterName {
			t.Errorf("DescribeCluster on %v, want this cluster", r)
		}
		if q := bySid["AllowInterruptionQueueActions"]; q.Resource != queueARN || !slices.Equal(strs(q.Action), []string{"sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"}) {
			t.Errorf("queue actions: got %+v, want receive and delete on %s", q, queueARN)
		}
		if c := bySid["AllowRegionalReadActions"].Condition; c["StringEquals"]["aws:RequestedRegion"] != "us-east-1" {
			t.Errorf("reads: conditions %v, want the cluster's region only", c)
		}
		if r := bySid["AllowSSMReadActions"].Resource; r != "arn:aws:ssm:us-east-1::parameter/aws/service/*" {
			t.Errorf("SSM on %v, want AWS's public parameters only", r)
		}
	})

	t.Run("controller trust", func(t *testing.T) {
		trust := rec.ByType(typeRole)["dev-aws-karpenter"].Inputs["assumeRolePolicy"].StringValue()
		if trust != PodIdentityTrustPolicy(PhysicalName("dev-aws", testStack), cluster.KarpenterNamespace, cluster.KarpenterServiceAccount) {
			t.Errorf("trust policy %s: want karpenter/karpenter of this cluster through Pod Identity only", trust)
		}
	})

	t.Run("security group tag", func(t *testing.T) {
		tag := rec.ByType(typeEC2Tag)["dev-aws-karpenter-discovery"]
		if tag.Inputs["resourceId"].StringValue() != "sg-0cluster" {
			t.Errorf("tagged %v, want the cluster security group", tag.Inputs["resourceId"])
		}
	})
}

func TestKarpenterNames(t *testing.T) {
	long := strings.Repeat("a", MaxClusterNameLength)
	if n := InterruptionQueueName(long); len(n) != 80 || !strings.HasSuffix(n, "-karpenter") {
		t.Errorf("queue name %q (%d): want 80 characters ending in -karpenter", n, len(n))
	}
	if n := KarpenterInstanceProfileName(long, "ap-southeast-5"); len(n) > 128 || !strings.HasSuffix(n, "-ap-southeast-5-karpenter") {
		t.Errorf("instance profile name %q (%d): want at most 128 characters with the region", n, len(n))
	}
	if n := InterruptionQueueName("prod-aws-prod"); n != "prod-aws-prod-karpenter" {
		t.Errorf("queue name %q", n)
	}
}
