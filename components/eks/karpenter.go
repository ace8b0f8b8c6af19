package eks

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// Karpenter's AWS side: settings that are not in the spec, with why. The IAM policy,
// the queue policy and the EventBridge rules follow Karpenter v1.14's own
// CloudFormation template (website/content/en/v1.14/getting-started/
// getting-started-with-karpenter/cloudformation.yaml), narrowed where this program
// owns what the template lets Karpenter create.
const (
	// InterruptionQueueRetentionSeconds keeps an interruption event five minutes, as
	// upstream does: a Spot warning comes two minutes ahead, so an older one is moot.
	InterruptionQueueRetentionSeconds = 300
	// AccessEntryEC2Linux is the access entry type of a self-managed Linux node role:
	// EKS maps it to the node's user and system:nodes. Karpenter's nodes are in no
	// managed node group, so EKS makes no entry for them by itself.
	AccessEntryEC2Linux = "EC2_LINUX"
	// PolicyECRPullOnly lets nodes pull images and nothing else (ReadOnly also lists
	// and describes every repository); what Karpenter's node role gets upstream.
	PolicyECRPullOnly = "AmazonEC2ContainerRegistryPullOnly"
	// InterruptionTargetID is the EventBridge target ID of the queue on every rule.
	InterruptionTargetID = "KarpenterInterruptionQueueTarget"
	// maxQueueName and maxInstanceProfileName are SQS's and IAM's name limits.
	maxQueueName           = 80
	maxInstanceProfileName = 128
)

// InterruptionRule is one EventBridge rule that sends an event kind to Karpenter's queue.
type InterruptionRule struct {
	// Part names the rule's resource (<name>-karpenter-<part>).
	Part string
	// Source and DetailType are the event pattern.
	Source, DetailType string
}

// InterruptionRules are the events Karpenter acts on ahead of time: a Spot instance
// being reclaimed, a rebalance recommendation, an instance stopping or terminating
// outside Karpenter, an AWS Health scheduled change, and a capacity reservation
// ending (Karpenter v1.14's rules).
var InterruptionRules = []InterruptionRule{
	{Part: "spot-interruption", Source: "aws.ec2", DetailType: "EC2 Spot Instance Interruption Warning"},
	{Part: "rebalance", Source: "aws.ec2", DetailType: "EC2 Instance Rebalance Recommendation"},
	{Part: "state-change", Source: "aws.ec2", DetailType: "EC2 Instance State-change Notification"},
	{Part: "scheduled-change", Source: "aws.health", DetailType: "AWS Health Event"},
	{Part: "capacity-reservation", Source: "aws.ec2", DetailType: "EC2 Capacity Reservation Instance Interruption Warning"},
}

// EventPattern is a rule's EventBridge pattern.
func (r InterruptionRule) EventPattern() string {
	return jsonString(map[string]any{"source": []string{r.Source}, "detail-type": []string{r.DetailType}})
}

// InterruptionQueueName is the queue's name: "<EKS cluster>-karpenter", cut to SQS's 80
// characters. It is fixed, so the chart's settings.interruptionQueue shows in plans.
func InterruptionQueueName(clusterName string) string {
	const suffix = "-karpenter"
	if len(clusterName) > maxQueueName-len(suffix) {
		clusterName = clusterName[:maxQueueName-len(suffix)]
	}
	return clusterName + suffix
}

// KarpenterInstanceProfileName is the node instance profile's name:
// "<EKS cluster>-<region>-karpenter" (IAM names are global to the account, cluster
// names only to a region), cut to IAM's 128 characters.
func KarpenterInstanceProfileName(clusterName, region string) string {
	suffix := "-" + region + "-karpenter"
	if len(clusterName) > maxInstanceProfileName-len(suffix) {
		clusterName = clusterName[:maxInstanceProfileName-len(suffix)]
	}
	return clusterName + suffix
}

// InterruptionQueuePolicy lets EventBridge (and SQS itself) send to the queue, and
// refuses every request to it that is not over TLS.
func InterruptionQueuePolicy(queueARN string) string {
	return jsonString(map[string]any{
		"Version": iamPolicyVersion,
		"Id":      "EC2InterruptionPolicy",
		"Statement": []map[string]any{
			{
				"Sid": "AllowEventsSendMessage", "Effect": "Allow",
				"Principal": map[string]any{"Service": []string{"events.amazonaws.com", "sqs.amazonaws.com"}},
				"Action":    "sqs:SendMessage", "Resource": queueARN,
			},
			{
				"Sid": "DenyHTTP", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": queueARN,
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			},
		},
	})
}

// KarpenterPolicyArgs are what the controller's policy is scoped to.
type KarpenterPolicyArgs struct {
	// Partition and Region scope every EC2 and SSM ARN.
	Partition, Region string
	// ClusterName is the EKS cluster's name: Karpenter tags what it launches
	// kubernetes.io/cluster/<name>=owned and eks:eks-cluster-name=<name>, and may only
	// launch, tag and delete with those tags.
	ClusterName string
	// ClusterARN, QueueARN, NodeRoleARN and InstanceProfileARN are the one cluster,
	// queue, role and instance profile the controller may use.
	ClusterARN, QueueARN, NodeRoleARN, InstanceProfileARN string
}

// KarpenterControllerPolicy is the controller's IAM policy: Karpenter v1.14's
// (NodeLifecycle, IAMIntegration, EKSIntegration, Interruption and ResourceDiscovery
// policies) in one document, less what this program does itself. The instance
// profile is made here and named in every EC2NodeClass, so the controller may not
// create, tag, change or delete instance profiles, only read its own (and list them,
// which its garbage collector does regardless). Zonal shift is off, so there is no
// arc-zonal-shift statement.
func KarpenterControllerPolicy(a KarpenterPolicyArgs) string {
	ec2ARN := func(kind string) string { return fmt.Sprintf("arn:%s:ec2:%s:*:%s/*", a.Partition, a.Region, kind) }
	owned := "aws:ResourceTag/kubernetes.io/cluster/" + a.ClusterName
	ownedReq := "aws:RequestTag/kubernetes.io/cluster/" + a.ClusterName
	launched := []string{ec2ARN("fleet"), ec2ARN("instance"), ec2ARN("volume"), ec2ARN("network-interface"), ec2ARN("launch-template"), ec2ARN("spot-instances-request")}
	return jsonString(map[string]any{
		"Version": iamPolicyVersion,
		"Statement": []map[string]any{
			{
				"Sid": "AllowScopedEC2InstanceAccessActions", "Effect": "Allow",
				"Action": []string{"ec2:RunInstances", "ec2:CreateFleet"},
				"Resource": []string{
					fmt.Sprintf("arn:%s:ec2:%s::image/*", a.Partition, a.Region),
					fmt.Sprintf("arn:%s:ec2:%s::snapshot/*", a.Partition, a.Region),
					ec2ARN("security-group"), ec2ARN("subnet"), ec2ARN("capacity-reservation"), ec2ARN("placement-group"),
				},
			},
			{
				"Sid": "AllowScopedEC2LaunchTemplateAccessActions", "Effect": "Allow",
				"Action":   []string{"ec2:RunInstances", "ec2:CreateFleet"},
				"Resource": ec2ARN("launch-template"),
				"Condition": map[string]any{
					"StringEquals": map[string]any{owned: "owned"},
					"StringLike":   map[string]any{"aws:ResourceTag/karpenter.sh/nodepool": "*"},
				},
			},
			{
				"Sid": "AllowScopedEC2InstanceActionsWithTags", "Effect": "Allow",
				"Action":   []string{"ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"},
				"Resource": launched,
				"Condition": map[string]any{
					"StringEquals": map[string]any{ownedReq: "owned", "aws:RequestTag/eks:eks-cluster-name": a.ClusterName},
					"StringLike":   map[string]any{"aws:RequestTag/karpenter.sh/nodepool": "*"},
				},
			},
			{
				"Sid": "AllowScopedResourceCreationTagging", "Effect": "Allow",
				"Action":   "ec2:CreateTags",
				"Resource": launched,
				"Condition": map[string]any{
					"StringEquals": map[string]any{
						ownedReq: "owned", "aws:RequestTag/eks:eks-cluster-name": a.ClusterName,
						"ec2:CreateAction": []string{"RunInstances", "CreateFleet", "CreateLaunchTemplate"},
					},
					"StringLike": map[string]any{"aws:RequestTag/karpenter.sh/nodepool": "*"},
				},
			},
			{
				"Sid": "AllowScopedResourceTagging", "Effect": "Allow",
				"Action":   "ec2:CreateTags",
				"Resource": ec2ARN("instance"),
				"Condition": map[string]any{
					"StringEquals":              map[string]any{owned: "owned"},
					"StringLike":                map[string]any{"aws:ResourceTag/karpenter.sh/nodepool": "*"},
					"StringEqualsIfExists":      map[string]any{"aws:RequestTag/eks:eks-cluster-name": a.ClusterName},
					"ForAllValues:StringEquals": map[string]any{"aws:TagKeys": []string{"eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"}},
				},
			},
			{
				"Sid": "AllowScopedDeletion", "Effect": "Allow",
				"Action":   []string{"ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"},
				"Resource": []string{ec2ARN("instance"), ec2ARN("launch-template")},
				"Condition": map[string]any{
					"StringEquals": map[string]any{owned: "owned"},
					"StringLike":   map[string]any{"aws:ResourceTag/karpenter.sh/nodepool": "*"},
				},
			},
			{
				"Sid": "AllowPassingInstanceRole", "Effect": "Allow",
				"Action": "iam:PassRole", "Resource": a.NodeRoleARN,
				"Condition": map[string]any{"StringEquals": map[string]any{"iam:PassedToService": []string{"ec2.amazonaws.com", "ec2.amazonaws.com.cn"}}},
			},
			{"Sid": "AllowInstanceProfileReadActions", "Effect": "Allow", "Action": "iam:GetInstanceProfile", "Resource": a.InstanceProfileARN},
			{"Sid": "AllowUnscopedInstanceProfileListAction", "Effect": "Allow", "Action": "iam:ListInstanceProfiles", "Resource": "*"},
			{"Sid": "AllowAPIServerEndpointDiscovery", "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": a.ClusterARN},
			{
				"Sid": "AllowInterruptionQueueActions", "Effect": "Allow",
				"Action":   []string{"sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"},
				"Resource": a.QueueARN,
			},
			{
				"Sid": "AllowRegionalReadActions", "Effect": "Allow",
				"Action": []string{
					"ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus",
					"ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates",
					"ec2:DescribePlacementGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets",
				},
				"Resource":  "*",
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": a.Region}},
			},
			{
				"Sid": "AllowSSMReadActions", "Effect": "Allow", "Action": "ssm:GetParameter",
				"Resource": fmt.Sprintf("arn:%s:ssm:%s::parameter/aws/service/*", a.Partition, a.Region),
			},
			{"Sid": "AllowPricingReadActions", "Effect": "Allow", "Action": "pricing:GetProducts", "Resource": "*"},
		},
	})
}

// jsonString marshals maps, slices and strings, which cannot fail.
func jsonString(v any) string {
	out, _ := json.Marshal(v)
	return string(out)
}

// karpenter creates what Karpenter needs in AWS when a node pool is Karpenter's: a node
// role (worker and image pull policies only, as the managed nodes' role) with its
// instance profile and an EC2_LINUX access entry; the interruption queue (SSE, five
// minutes' retention, sends only from EventBridge over TLS) and the rules that feed
// it; the controller's role (bound through Pod Identity, or IRSA where the partition
// has no Pod Identity); and the discovery tag on the cluster security group
// (the private subnets carry it from the network step). The platform installs the
// chart and the NodePools with Connection.Karpenter.
func (b *builder) karpenter() error {
	if !b.spec.HasKarpenter() {
		return nil
	}
	cl := b.cl
	nodeRole, nodePolicies, err := b.role("karpenter-node", pulumi.String(ServiceTrustPolicy("ec2.amazonaws.com")), PolicyEKSWorkerNode, PolicyECRPullOnly)
	if err != nil {
		return err
	}
	profileName := KarpenterInstanceProfileName(b.clusterName, b.spec.Region)
	profile, err := iam.NewInstanceProfile(b.ctx, b.name+"-karpenter-node", &iam.InstanceProfileArgs{
		Name: pulumi.String(profileName),
		Role: nodeRole.Name,
		Tags: b.tags("karpenter-node", nil),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("karpenter instance profile: %w", err)
	}
	entry, err := eks.NewAccessEntry(b.ctx, b.name+"-karpenter-node", &eks.AccessEntryArgs{
		ClusterName:  cl.Name,
		PrincipalArn: nodeRole.Arn,
		Type:         pulumi.String(AccessEntryEC2Linux),
		Tags:         b.tags("karpenter-node", nil),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("karpenter node access entry: %w", err)
	}
	queueName := InterruptionQueueName(b.clusterName)
	queue, err := sqs.NewQueue(b.ctx, b.name+"-karpenter", &sqs.QueueArgs{
		Name:                    pulumi.String(queueName),
		MessageRetentionSeconds: pulumi.Int(InterruptionQueueRetentionSeconds),
		SqsManagedSseEnabled:    pulumi.Bool(true),
		Tags:                    b.tags("karpenter", nil),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("karpenter interruption queue: %w", err)
	}
	queuePolicy, err := sqs.NewQueuePolicy(b.ctx, b.name+"-karpenter", &sqs.QueuePolicyArgs{
		QueueUrl: queue.Url,
		Policy:   queue.Arn.ApplyT(InterruptionQueuePolicy).(pulumi.StringOutput),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("karpenter queue policy: %w", err)
	}
	for _, r := range InterruptionRules {
		part := "karpenter-" + r.Part
		rule, err := cloudwatch.NewEventRule(b.ctx, b.name+"-"+part, &cloudwatch.EventRuleArgs{
			Description:  pulumi.Sprintf("%s events to Karpenter of EKS cluster %s", r.DetailType, b.clusterName),
			EventPattern: pulumi.String(r.EventPattern()),
			Tags:         b.tags(part, nil),
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("karpenter rule %s: %w", r.Part, err)
		}
		if _, err := cloudwatch.NewEventTarget(b.ctx, b.name+"-"+part, &cloudwatch.EventTargetArgs{
			Rule:     rule.Name,
			Arn:      queue.Arn,
			TargetId: pulumi.String(InterruptionTargetID),
		}, b.opts()...); err != nil {
			return fmt.Errorf("karpenter rule %s target: %w", r.Part, err)
		}
	}
	ctrlRole, _, err := b.serviceAccountRole("karpenter", cluster.KarpenterNamespace, cluster.KarpenterServiceAccount)
	if err != nil {
		return err
	}
	policy := pulumi.All(cl.Arn, queue.Arn, nodeRole.Arn, profile.Arn).ApplyT(func(v []any) string {
		return KarpenterControllerPolicy(KarpenterPolicyArgs{
			Partition: b.partition, Region: b.spec.Region, ClusterName: b.clusterName,
			ClusterARN: v[0].(string), QueueARN: v[1].(string), NodeRoleARN: v[2].(string), InstanceProfileARN: v[3].(string),
		})
	}).(pulumi.StringOutput)
	ctrlPolicy, err := iam.NewRolePolicy(b.ctx, b.name+"-karpenter", &iam.RolePolicyArgs{Role: ctrlRole.Name, Policy: policy}, b.opts()...)
	if err != nil {
		return fmt.Errorf("karpenter controller policy: %w", err)
	}
	// Managed node groups without a launch template use the cluster security group, which
	// EKS creates; Karpenter's nodes join the same group, found by this tag.
	sgTag, err := ec2.NewTag(b.ctx, b.name+"-karpenter-discovery", &ec2.TagArgs{
		ResourceId: cl.VpcConfig.ClusterSecurityGroupId().Elem(),
		Key:        pulumi.String(cluster.TagKarpenterDiscovery),
		Value:      pulumi.String(b.clusterName),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("karpenter security group tag: %w", err)
	}
	ctrlIdentity, ctrlAssoc, err := b.bind("karpenter", cluster.KarpenterNamespace, cluster.KarpenterServiceAccount, ctrlRole, ctrlPolicy)
	if err != nil {
		return err
	}
	controllerReady := []pulumi.Resource{ctrlPolicy, queue, queuePolicy}
	if ctrlAssoc != nil {
		controllerReady = append(controllerReady, ctrlAssoc)
	}
	b.c.karpenterRole = ctrlRole.Arn
	nodesReady := append(append([]pulumi.Resource{}, nodePolicies...), profile, entry, sgTag)
	if slr, err := b.spotServiceLinkedRole(); err != nil {
		return err
	} else if slr != nil {
		nodesReady = append(nodesReady, slr)
	}
	b.c.karpenter = &cluster.Karpenter{
		ClusterName:       b.clusterName,
		InterruptionQueue: queueName,
		InstanceProfile:   profileName,
		Identity:          ctrlIdentity,
		Pools:             b.spec.KarpenterNodePools(b.stack),
		ControllerReady:   controllerReady,
		NodesReady:        nodesReady,
	}
	return nil
}

// SpotServiceName is the AWS service the EC2 Spot service-linked role is for.
const SpotServiceName = "spot.amazonaws.com"

// spotServiceLinkedRole makes the account's EC2 Spot service-linked role
// (AWSServiceRoleForEC2Spot) when aws.karpenter.spotServiceLinkedRole is create; nil
// otherwise. The role is the account's, not the cluster's: destroying the stack leaves
// it (RetainOnDelete), since other clusters of the account may launch Spot with it.
func (b *builder) spotServiceLinkedRole() (pulumi.Resource, error) {
	k := b.spec.AWS.Karpenter
	if k == nil || k.SpotServiceLinkedRole != cluster.SpotRoleCreate {
		return nil, nil
	}
	slr, err := iam.NewServiceLinkedRole(b.ctx, b.name+"-spot-role", &iam.ServiceLinkedRoleArgs{
		AwsServiceName: pulumi.String(SpotServiceName),
		Description:    pulumi.String("EC2 Spot, for Karpenter's spot node pools"),
	}, b.opts(pulumi.RetainOnDelete(true))...)
	if err != nil {
		return nil, fmt.Errorf("spot service-linked role: %w", err)
	}
	return slr, nil
}
