package eks

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EKS Fargate facts (AWS EKS user guide: "Define which Pods use AWS Fargate when
// launched", "Create a Fargate Pod execution role"; wildcard selectors since 2022-08).
const (
	// PolicyFargatePodExecution is the AWS-managed policy of the pod execution role: it
	// lets Fargate's kubelet pull images from ECR.
	PolicyFargatePodExecution = "AmazonEKSFargatePodExecutionRolePolicy"
	// FargatePodsService is the service principal that assumes the pod execution role.
	FargatePodsService = "eks-fargate-pods.amazonaws.com"
	// FargateAnyNamespace is the selector namespace that matches every namespace: a pod
	// is sent to Fargate by its label (cluster.LabelVirtualNodes), wherever it runs.
	FargateAnyNamespace = "*"
)

// FargateTrustPolicy lets Fargate assume the pod execution role for this cluster's
// profiles only (the aws:SourceArn condition AWS recommends against the confused
// deputy); clusterARN is the EKS cluster's ARN.
func FargateTrustPolicy(clusterARN string) string {
	profiles := strings.Replace(clusterARN, ":cluster/", ":fargateprofile/", 1) + "/*"
	return policyDocument{Version: iamPolicyVersion, Statement: []policyStatement{{
		Effect:    "Allow",
		Principal: map[string]string{"Service": FargatePodsService},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]string{"ArnLike": {"aws:SourceArn": profiles}},
	}}}.String()
}

// fargate makes the cluster's virtual nodes (clusters[i].virtualNodes): a pod execution
// role and one Fargate profile on the private subnets (Fargate gives pods no public
// address) whose selector takes any pod carrying cluster.LabelVirtualNodes, in any
// namespace, so the environments and releases that opt in need nothing made here.
func (b *builder) fargate() error {
	if !b.spec.VirtualNodesOn() {
		return nil
	}
	trust := b.cl.Arn.ApplyT(FargateTrustPolicy).(pulumi.StringOutput)
	role, attached, err := b.role("fargate", trust, PolicyFargatePodExecution)
	if err != nil {
		return err
	}
	v := b.spec.VirtualNodeFacts()
	b.c.fargate, err = eks.NewFargateProfile(b.ctx, b.name+"-fargate", &eks.FargateProfileArgs{
		ClusterName:         b.cl.Name,
		FargateProfileName:  pulumi.String(b.name + "-virtual-nodes"),
		PodExecutionRoleArn: role.Arn,
		SubnetIds:           b.net.privateIDs(),
		Selectors: eks.FargateProfileSelectorArray{eks.FargateProfileSelectorArgs{
			Namespace: pulumi.String(FargateAnyNamespace),
			Labels:    pulumi.ToStringMap(v.PodLabels),
		}},
		Tags: b.tags("fargate", nil),
	}, b.opts(pulumi.DependsOn(attached))...)
	return err
}
