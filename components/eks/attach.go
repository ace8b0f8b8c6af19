package eks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// AttachArgs configure the in-cluster side of an EKS cluster that a cluster stack built.
type AttachArgs struct {
	// Remote is what the in-cluster stack read of the cluster stack (cloud aws).
	Remote cluster.Remote
	// Workloads are addon service accounts that get an IAM role each, as in Args (through
	// the mechanism the cluster stack recorded in FactWorkloadIdentity).
	Workloads []cluster.Workload
	// Backups asks for a backup bucket and Velero's identity; nil for none.
	Backups *cluster.Backups
}

// Attach registers, in an in-cluster stack, the EKS component of a cluster that a
// cluster stack built (New with ClusterOnly): the same type and name, so the children
// made here (the addons' IAM roles and Pod Identity associations, the backup bucket, the kubernetes provider and
// StorageClass) have the URNs they have when one stack builds everything, and `pulumi
// state move` carries them between the two layouts unchanged.
func Attach(ctx *pulumi.Context, name string, args *AttachArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("eks cluster %q: %w", name, cluster.ErrNoArgs)
	}
	r := args.Remote
	if err := r.Check(cluster.AWS, args.Workloads, args.Backups); err != nil {
		return nil, fmt.Errorf("eks cluster %q: %w", name, err)
	}
	clusterName := r.Contract.Facts[FactClusterName]
	if clusterName == "" {
		return nil, fmt.Errorf("eks cluster %q: %w: no %s fact", name, cluster.ErrContractShape, FactClusterName)
	}
	mode := r.Contract.Facts[FactWorkloadIdentity]
	if mode == "" {
		mode = IdentityIRSA // a cluster stack from before Pod Identity: its Karpenter role is IRSA's
	}
	if mode != IdentityIRSA && mode != IdentityPodIdentity {
		return nil, fmt.Errorf("eks cluster %q: %w: %s fact %q", name, cluster.ErrContractShape, FactWorkloadIdentity, mode)
	}
	c := &Cluster{spec: r.Spec(), stack: r.Contract.Stack, subjects: r.Contract.Subjects, workloads: map[string]cluster.WorkloadIdentity{},
		identityMode: mode, autoMode: r.Contract.Facts[FactAutoMode] == "true"}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("eks cluster %q: registering component: %w", name, err)
	}
	c.ClusterName = r.Output(cluster.OutputClusterName)
	c.KubernetesVersion = r.Output(cluster.OutputKubernetesVersion)
	c.OIDCIssuer = r.Output(cluster.OutputOIDCIssuer)
	c.OIDCProviderArn = r.Output(OutputOIDCProviderArn)
	c.karpenterRole = r.Output(cluster.OutputKarpenterRole)
	c.clusterIdentifier = r.Output(cluster.OutputClusterIdentifier)
	c.Kubeconfig = r.Kubeconfig
	c.StorageClass = pulumi.String(StorageClassName).ToStringOutput()
	if k := r.Contract.Karpenter; k != nil {
		c.karpenter = &cluster.Karpenter{
			ClusterName: k.ClusterName, InterruptionQueue: k.InterruptionQueue, InstanceProfile: k.InstanceProfile, Pools: k.Pools,
			Identity: cluster.WorkloadIdentity{Annotations: pulumi.StringMap{cluster.AnnotationIRSARole: c.karpenterRole}.ToStringMapOutput()},
		}
		if mode == IdentityPodIdentity {
			// The cluster stack made the controller's association: the account needs nothing.
			c.karpenter.Identity = cluster.WorkloadIdentity{Annotations: pulumi.StringMap{}.ToStringMapOutput()}
		}
	}
	b := &builder{
		ctx:          ctx,
		name:         name,
		spec:         &c.spec,
		stack:        r.Contract.Stack,
		clusterName:  clusterName,
		partition:    Partition(c.spec.Region),
		identityMode: mode,
		workloads:    cluster.CloneWorkloads(args.Workloads),
		backupsReq:   args.Backups,
		c:            c,
		parent:       cluster.AttachedChild(c),
		id:           &identity{issuer: c.OIDCIssuer, providerArn: c.OIDCProviderArn},
		kubeconfig:   r.Kubeconfig,
		resourceTags: r.Tags(),
		autoMode:     c.autoMode,
	}
	if err := cluster.RunSteps(
		cluster.Step{Name: "aws provider", Run: b.provider},
		cluster.Step{Name: "workload identities", Run: b.workloadRoles},
		cluster.Step{Name: "backup storage", Run: b.backups},
		cluster.Step{Name: "kubernetes", Run: b.kubernetes},
	); err != nil {
		return nil, fmt.Errorf("eks cluster %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":       c.ClusterName,
		"kubeconfig":        c.Kubeconfig,
		"oidcIssuer":        c.OIDCIssuer,
		"oidcProviderArn":   c.OIDCProviderArn,
		"storageClass":      c.StorageClass,
		"kubernetesVersion": c.KubernetesVersion,
	}); err != nil {
		return nil, fmt.Errorf("eks cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}
