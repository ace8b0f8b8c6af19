package eks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// EKS Pod Identity facts, from the AWS EKS user guide: "Learn how EKS Pod Identity grants
// pods access to AWS services" (pod-identities), "Create IAM role with trust policy
// required by EKS Pod Identity" (pod-id-role) and "Grant Pods access to AWS resources
// based on tags" (pod-id-abac).
const (
	// AddonPodIdentityAgent is the EKS add-on that runs the Pod Identity Agent, a
	// host-network DaemonSet that hands each pod the credentials of its service
	// account's association. The node roles' AmazonEKSWorkerNodePolicy lets it call
	// eks-auth:AssumeRoleForPodIdentity.
	AddonPodIdentityAgent = "eks-pod-identity-agent"
	// PodIdentityService is the service principal that roles for Pod Identity trust.
	PodIdentityService = "pods.eks.amazonaws.com"
	// Session tags EKS Pod Identity adds when it assumes a role; the trust policy
	// matches them, so a role serves one service account of one cluster, as IRSA's did.
	SessionTagClusterName    = "eks-cluster-name"
	SessionTagNamespace      = "kubernetes-namespace"
	SessionTagServiceAccount = "kubernetes-service-account"
)

// Workload identity mechanisms of an EKS cluster, as the cluster stack records them for
// the in-cluster stack (FactWorkloadIdentity).
const (
	// IdentityPodIdentity gives each addon service account an IAM role through an EKS Pod
	// Identity association: AWS's recommendation wherever it is available.
	IdentityPodIdentity = "podIdentity"
	// IdentityIRSA gives each addon service account an IAM role through the cluster's
	// OIDC provider (IAM roles for service accounts), where Pod Identity is not available.
	IdentityIRSA = "irsa"
)

// FactWorkloadIdentity is the contract fact that names the cluster's workload identity
// mechanism, so an in-cluster stack makes its addons' identities the way the cluster
// stack made Karpenter's. A contract without it comes from a cluster stack that
// predates Pod Identity here: IRSA.
const FactWorkloadIdentity = "workloadIdentity"

// PodIdentityPartitions are the AWS partitions where this program uses EKS Pod Identity.
// Not aws-cn: "Pod Identity is not available in China Regions. Use IAM roles for service
// accounts" (the China edition of the pod-identities page, docs.amazonaws.cn). Not
// aws-us-gov either: its availability there was not confirmed when this was checked
// (2026-12-07), so GovCloud clusters keep IRSA.
var PodIdentityPartitions = []string{"aws"}

// WorkloadIdentityFor is the mechanism of a cluster in a partition: Pod Identity where
// the partition has it, IRSA elsewhere.
func WorkloadIdentityFor(partition string) string {
	for _, p := range PodIdentityPartitions {
		if p == partition {
			return IdentityPodIdentity
		}
	}
	return IdentityIRSA
}

// PodIdentityTrustPolicy lets EKS Pod Identity assume a role (sts:AssumeRole, and
// sts:TagSession for its session tags) for one service account of one cluster: the
// session tags must name that cluster, namespace and service account.
func PodIdentityTrustPolicy(clusterName, namespace, serviceAccount string) string {
	return policyDocument{Version: iamPolicyVersion, Statement: []policyStatement{{
		Effect:    "Allow",
		Principal: map[string]string{"Service": PodIdentityService},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: map[string]map[string]string{"StringEquals": {
			"aws:RequestTag/" + SessionTagClusterName:    clusterName,
			"aws:RequestTag/" + SessionTagNamespace:      namespace,
			"aws:RequestTag/" + SessionTagServiceAccount: serviceAccount,
		}},
	}}}.String()
}

// usesPodIdentity says the cluster's service accounts get their roles through Pod Identity.
func (b *builder) usesPodIdentity() bool { return b.identityMode == IdentityPodIdentity }

// serviceAccountRole is the role of one service account: trusted by EKS Pod Identity for
// that account alone, or (IRSA) through the cluster's OIDC provider.
func (b *builder) serviceAccountRole(part, namespace, serviceAccount string, policies ...string) (*iam.Role, []pulumi.Resource, error) {
	if b.usesPodIdentity() {
		return b.role(part, pulumi.String(PodIdentityTrustPolicy(b.clusterName, namespace, serviceAccount)), policies...)
	}
	return b.role(part, b.irsaTrust(b.id, namespace, serviceAccount), policies...)
}

// bind ties a service account to its role and returns what the account must carry.
// With Pod Identity it creates the association; the account then needs no annotation,
// but pods only get credentials if the association exists when they are created (EKS
// sets their environment at admission), so the returned annotations are an empty map
// that resolves once the association and ready (the role's policies) exist: the
// account, and the chart that waits for it, come after. With IRSA the account carries
// the role's ARN.
func (b *builder) bind(part, namespace, serviceAccount string, role *iam.Role, ready ...pulumi.Resource) (cluster.WorkloadIdentity, *eks.PodIdentityAssociation, error) {
	if !b.usesPodIdentity() {
		return cluster.WorkloadIdentity{Annotations: pulumi.StringMap{cluster.AnnotationIRSARole: role.Arn}.ToStringMapOutput()}, nil, nil
	}
	assoc, err := eks.NewPodIdentityAssociation(b.ctx, b.name+"-"+part, &eks.PodIdentityAssociationArgs{
		ClusterName:    b.c.ClusterName,
		Namespace:      pulumi.String(namespace),
		ServiceAccount: pulumi.String(serviceAccount),
		RoleArn:        role.Arn,
		Tags:           b.tags(part, nil),
	}, b.opts(pulumi.DependsOn(ready))...)
	if err != nil {
		return cluster.WorkloadIdentity{}, nil, fmt.Errorf("pod identity association %s: %w", part, err)
	}
	waits := []any{assoc.AssociationArn}
	for _, r := range ready {
		if cr, ok := r.(pulumi.CustomResource); ok {
			waits = append(waits, cr.ID())
		}
	}
	annotations := pulumi.All(waits...).ApplyT(func([]any) map[string]string {
		return map[string]string{}
	}).(pulumi.StringMapOutput)
	return cluster.WorkloadIdentity{Annotations: annotations}, assoc, nil
}

// podIdentityAgent installs the Pod Identity Agent add-on when the cluster uses Pod
// Identity; it needs no node to turn ACTIVE (a DaemonSet), and nodes wait for it.
func (b *builder) podIdentityAgent(clusterName pulumi.StringInput) error {
	if !b.usesPodIdentity() {
		return nil
	}
	a, err := b.addon(AddonPodIdentityAgent, clusterName, nil, nil, nil)
	if err != nil {
		return err
	}
	b.agent = a
	return nil
}
