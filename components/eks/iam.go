package eks

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// AWS-managed policies the cluster's roles attach, by name (Partition gives the ARN prefix).
const (
	PolicyEKSCluster       = "AmazonEKSClusterPolicy"
	PolicyEKSWorkerNode    = "AmazonEKSWorkerNodePolicy"
	PolicyECRReadOnly      = "AmazonEC2ContainerRegistryReadOnly"
	PolicyEKSCNI           = "AmazonEKS_CNI_Policy"
	PolicyEBSCSIDriver     = "service-role/AmazonEBSCSIDriverPolicy"
	stsAudience            = "sts.amazonaws.com"
	iamPolicyVersion       = "2012-10-17"
	serviceAccountSubjectF = "system:serviceaccount:%s:%s"
)

// Service accounts that the IRSA roles are bound to; the EKS add-ons create them.
const (
	// VPCCNIServiceAccount is the VPC CNI daemon's account in kube-system.
	VPCCNIServiceAccount = "aws-node"
	// EBSCSIServiceAccount is the EBS CSI controller's account in kube-system.
	EBSCSIServiceAccount = "ebs-csi-controller-sa"
	// AddonNamespace is where the EKS add-ons run.
	AddonNamespace = "kube-system"
)

// Partition is the AWS partition of a region (cluster.AWSPartition, where the addons
// that write IAM policies find it too).
func Partition(region string) string { return cluster.AWSPartition(region) }

// ManagedPolicyARN is the ARN of an AWS-managed policy in a partition.
func ManagedPolicyARN(partition, name string) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/%s", partition, name)
}

type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Effect    string                       `json:"Effect"`
	Principal map[string]string            `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  string                       `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

func (d policyDocument) String() string {
	b, _ := json.Marshal(d) // only strings, maps and slices: cannot fail
	return string(b)
}

// ServiceTrustPolicy lets an AWS service (eks.amazonaws.com, ec2.amazonaws.com) assume a role.
func ServiceTrustPolicy(service string) string {
	return policyDocument{Version: iamPolicyVersion, Statement: []policyStatement{{
		Effect: "Allow", Principal: map[string]string{"Service": service}, Action: []string{"sts:AssumeRole"},
	}}}.String()
}

// AutoModeClusterTrustPolicy lets EKS assume the cluster role of an Auto Mode cluster:
// sts:AssumeRole and sts:TagSession, which Auto Mode needs to tag its sessions (AWS EKS
// user guide, "Amazon EKS Auto Mode cluster IAM role").
func AutoModeClusterTrustPolicy() string {
	return policyDocument{Version: iamPolicyVersion, Statement: []policyStatement{{
		Effect: "Allow", Principal: map[string]string{"Service": "eks.amazonaws.com"}, Action: []string{"sts:AssumeRole", "sts:TagSession"},
	}}}.String()
}

// IRSATrustPolicy lets exactly one Kubernetes service account assume a role through the
// cluster's OIDC provider; issuer may carry its https:// scheme.
func IRSATrustPolicy(providerARN, issuer, namespace, serviceAccount string) string {
	host := strings.TrimPrefix(issuer, "https://")
	return policyDocument{Version: iamPolicyVersion, Statement: []policyStatement{{
		Effect:    "Allow",
		Principal: map[string]string{"Federated": providerARN},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]string{"StringEquals": {
			host + ":sub": fmt.Sprintf(serviceAccountSubjectF, namespace, serviceAccount),
			host + ":aud": stsAudience,
		}},
	}}}.String()
}

// role creates an IAM role with a trust policy and attaches AWS-managed policies; the
// attachments are returned because whatever uses the role must wait for them.
func (b *builder) role(part string, trust pulumi.StringInput, policies ...string) (*iam.Role, []pulumi.Resource, error) {
	r, err := iam.NewRole(b.ctx, b.name+"-"+part, &iam.RoleArgs{
		AssumeRolePolicy: trust,
		Description:      pulumi.Sprintf("%s of EKS cluster %s", part, b.clusterName),
		Tags:             b.tags(part, nil),
	}, b.opts()...)
	if err != nil {
		return nil, nil, fmt.Errorf("role %s: %w", part, err)
	}
	var attached []pulumi.Resource
	for _, p := range policies {
		short := p[strings.LastIndex(p, "/")+1:]
		a, err := iam.NewRolePolicyAttachment(b.ctx, b.name+"-"+part+"-"+short, &iam.RolePolicyAttachmentArgs{
			Role:      r.Name,
			PolicyArn: pulumi.String(ManagedPolicyARN(b.partition, p)),
		}, b.opts()...)
		if err != nil {
			return nil, nil, fmt.Errorf("role %s: attaching %s: %w", part, short, err)
		}
		attached = append(attached, a)
	}
	return r, attached, nil
}

// identity is the cluster's OIDC provider and the node role.
type identity struct {
	issuer pulumi.StringOutput
	// providerArn is the OIDC provider's ARN, which IRSA trust policies name.
	providerArn  pulumi.StringOutput
	nodeRole     *iam.Role
	nodePolicies []pulumi.Resource
}

// identity creates the OIDC provider for IRSA and the role the nodes run as. The nodes get
// no VPC CNI permissions: the vpc-cni add-on has its own IRSA role.
func (b *builder) identity(cl *eks.Cluster) (*identity, error) {
	issuer := cl.Identities.Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer().Elem()
	oidc, err := iam.NewOpenIdConnectProvider(b.ctx, b.name+"-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           issuer,
		ClientIdLists: pulumi.StringArray{pulumi.String(stsAudience)},
		Tags:          b.tags("oidc", nil),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("oidc provider: %w", err)
	}
	node, policies, err := b.role("node", pulumi.String(ServiceTrustPolicy("ec2.amazonaws.com")), PolicyEKSWorkerNode, PolicyECRReadOnly)
	if err != nil {
		return nil, err
	}
	return &identity{issuer: issuer, providerArn: oidc.Arn, nodeRole: node, nodePolicies: policies}, nil
}

// addonRole is the role of an EKS add-on's service account in kube-system, with AWS-managed
// policies, bound through Pod Identity or IRSA (bind): the add-on then takes the role's
// ARN as serviceAccountRoleArn under IRSA, and nothing under Pod Identity, and waits for
// the returned resources.
func (b *builder) addonRole(part, serviceAccount string, policies ...string) (roleARN pulumi.StringPtrInput, ready []pulumi.Resource, err error) {
	r, attached, err := b.serviceAccountRole(part, AddonNamespace, serviceAccount, policies...)
	if err != nil {
		return nil, nil, err
	}
	_, assoc, err := b.bind(part, AddonNamespace, serviceAccount, r, attached...)
	if err != nil {
		return nil, nil, err
	}
	if assoc != nil {
		return nil, append(attached, assoc), nil
	}
	return r.Arn, attached, nil
}

// irsaTrust is the trust policy of a role for one service account.
func (b *builder) irsaTrust(id *identity, namespace, serviceAccount string) pulumi.StringOutput {
	return pulumi.All(id.providerArn, id.issuer).ApplyT(func(v []any) string {
		return IRSATrustPolicy(v[0].(string), v[1].(string), namespace, serviceAccount)
	}).(pulumi.StringOutput)
}

// workloadRoles gives each workload with an AWS policy a role of its own carrying that
// policy inline (it is the workload's own, so it lives and dies with the role), bound to
// its service account through Pod Identity or IRSA.
func (b *builder) workloadRoles() error {
	for _, w := range b.workloads {
		if w.AWSPolicy == "" {
			continue
		}
		part := "wl-" + w.Name
		r, _, err := b.serviceAccountRole(part, w.Namespace, w.ServiceAccount)
		if err != nil {
			return err
		}
		policy, err := iam.NewRolePolicy(b.ctx, b.name+"-"+part, &iam.RolePolicyArgs{
			Role:   r.Name,
			Policy: pulumi.String(w.AWSPolicy),
		}, b.opts()...)
		if err != nil {
			return fmt.Errorf("role %s: policy: %w", part, err)
		}
		id, _, err := b.bind(part, w.Namespace, w.ServiceAccount, r, policy)
		if err != nil {
			return err
		}
		b.c.workloads[w.Name] = id
	}
	return nil
}
