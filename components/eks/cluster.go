package eks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// Cluster settings that are not in the spec, with why.
const (
	// AuthenticationMode "API" grants access through EKS access entries, not the aws-auth
	// ConfigMap; managed node groups get their entries from EKS automatically.
	AuthenticationMode = "API"
	// BootstrapCreatorAdmin is false: access comes from the access entries of Args.Access
	// only, so whoever runs `pulumi up` next (another CI role, a person) is let in the
	// same way, and the creator's implicit entry cannot clash with an explicit one for
	// the same role. EKS sets it at creation only: changing it replaces the cluster.
	BootstrapCreatorAdmin = false
	// KMSDeletionWindowDays is the longest wait AWS allows before a scheduled key deletion,
	// so a key deleted by mistake can be restored before the cluster's Secrets are lost.
	KMSDeletionWindowDays = 30
	// encryptedSecrets is the resource EKS envelope-encrypts; Secrets is the only one it offers.
	encryptedSecrets = "secrets"
)

// EndpointAccess turns an endpointAccess mode into the EKS private and public access
// switches. The VPC always has private access: nodes reach the API server inside the VPC.
func EndpointAccess(mode string) (private, public bool) {
	return true, mode == cluster.EndpointPublic || mode == cluster.EndpointPublicWithAllowList
}

// cluster creates the cluster role, the Secrets KMS key and the EKS cluster.
func (b *builder) cluster(net *network) (*eks.Cluster, error) {
	a := b.spec.AWS
	trust, policies := ServiceTrustPolicy("eks.amazonaws.com"), []string{PolicyEKSCluster}
	if a.AutoMode {
		trust, policies = AutoModeClusterTrustPolicy(), AutoModeClusterPolicies
	}
	role, waits, err := b.role("cluster", pulumi.String(trust), policies...)
	if err != nil {
		return nil, err
	}
	var autoNodeRole pulumi.StringOutput
	if a.AutoMode {
		// Auto Mode's nodes run as a role of their own; EKS gives it its access entry.
		node, nodeWaits, err := b.role(autoModeNodeRolePart, pulumi.String(ServiceTrustPolicy("ec2.amazonaws.com")), AutoModeNodePolicies...)
		if err != nil {
			return nil, err
		}
		autoNodeRole, waits = node.Arn, append(waits, nodeWaits...)
	}
	var encryption eks.ClusterEncryptionConfigPtrInput
	if *a.SecretsEncryption {
		key, err := kms.NewKey(b.ctx, b.name+"-secrets", &kms.KeyArgs{
			Description:          pulumi.Sprintf("Envelope encryption of Secrets in EKS cluster %s", b.clusterName),
			EnableKeyRotation:    pulumi.Bool(true),
			DeletionWindowInDays: pulumi.Int(KMSDeletionWindowDays),
			Tags:                 b.tags("secrets", nil),
		}, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("kms key: %w", err)
		}
		// The cluster role uses the key for every Secret read and write; AmazonEKSClusterPolicy
		// grants no KMS rights.
		use, err := iam.NewRolePolicy(b.ctx, b.name+"-cluster-kms", &iam.RolePolicyArgs{
			Role: role.ID(),
			Policy: key.Arn.ApplyT(func(arn string) string {
				return policyDocument{Version: iamPolicyVersion, Statement: []policyStatement{{
					Effect:   "Allow",
					Action:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"},
					Resource: arn,
				}}}.String()
			}).(pulumi.StringOutput),
		}, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("kms policy: %w", err)
		}
		waits = append(waits, use)
		encryption = &eks.ClusterEncryptionConfigArgs{
			Provider:  &eks.ClusterEncryptionConfigProviderArgs{KeyArn: key.Arn},
			Resources: pulumi.StringArray{pulumi.String(encryptedSecrets)},
		}
	}
	private, public := EndpointAccess(a.EndpointAccess)
	vpcConfig := &eks.ClusterVpcConfigArgs{
		// The control plane's network interfaces go in the private subnets; load balancers
		// find the public ones through their tags.
		SubnetIds:             net.privateIDs(),
		EndpointPrivateAccess: pulumi.Bool(private),
		EndpointPublicAccess:  pulumi.Bool(public),
	}
	if a.EndpointAccess == cluster.EndpointPublicWithAllowList {
		vpcConfig.PublicAccessCidrs = pulumi.ToStringArray(a.PublicAccessCIDRs)
	}
	args := &eks.ClusterArgs{
		Name:      pulumi.String(b.clusterName),
		RoleArn:   role.Arn,
		Version:   pulumi.String(b.spec.KubernetesVersion),
		VpcConfig: vpcConfig,
		KubernetesNetworkConfig: &eks.ClusterKubernetesNetworkConfigArgs{
			IpFamily:        pulumi.String("ipv4"),
			ServiceIpv4Cidr: pulumi.String(b.spec.Network.ServiceCIDR),
		},
		EncryptionConfig:       encryption,
		EnabledClusterLogTypes: pulumi.ToStringArray(a.LogTypes),
		AccessConfig: &eks.ClusterAccessConfigArgs{
			AuthenticationMode:                      pulumi.String(AuthenticationMode),
			BootstrapClusterCreatorAdminPermissions: pulumi.Bool(BootstrapCreatorAdmin),
		},
		Tags: b.tags("eks", nil),
	}
	opts := []pulumi.ResourceOption{
		// EKS needs the role's policies in place to create the cluster, and to delete its
		// network interfaces on destroy; only the role ARN flows as an input.
		pulumi.DependsOn(waits),
	}
	if a.AutoMode {
		autoModeArgs(args, a.AutoModeNodePools, autoNodeRole)
		// EKS takes bootstrapSelfManagedAddons at creation only (false for an Auto Mode
		// cluster), and the provider replaces the cluster when it changes: a cluster that
		// turns Auto Mode on later keeps the value it was created with and is updated in
		// place, as AWS allows.
		opts = append(opts, pulumi.IgnoreChanges([]string{PropBootstrapSelfManagedAddons}))
	}
	cl, err := eks.NewCluster(b.ctx, b.name+"-eks", args, b.opts(opts...)...)
	if err != nil {
		return nil, fmt.Errorf("eks cluster: %w", err)
	}
	return cl, nil
}
