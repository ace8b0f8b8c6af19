package aks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// AttachArgs configure the in-cluster side of an AKS cluster that a cluster stack built.
type AttachArgs struct {
	// Remote is what the in-cluster stack read of the cluster stack (cloud azure).
	Remote cluster.Remote
	// Workloads are addon service accounts that get an Entra workload identity each, as in Args.
	Workloads []cluster.Workload
	// Backups asks for a backup storage account and Velero's identity; nil for none.
	Backups *cluster.Backups
}

// Attach registers, in an in-cluster stack, the AKS component of a cluster that a
// cluster stack built (New with ClusterOnly): the same type and name, so the children
// made here (the addons' workload identities, the backup storage, the kubernetes
// provider) have the URNs they have when one stack builds everything.
func Attach(ctx *pulumi.Context, name string, args *AttachArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("aks cluster %q: %w", name, cluster.ErrNoArgs)
	}
	r := args.Remote
	if err := r.Check(cluster.Azure, args.Workloads, args.Backups); err != nil {
		return nil, fmt.Errorf("aks cluster %q: %w", name, err)
	}
	rg := r.Contract.Facts[FactResourceGroup]
	if rg == "" {
		return nil, fmt.Errorf("aks cluster %q: %w: no %s fact", name, cluster.ErrContractShape, FactResourceGroup)
	}
	spec := r.Spec()
	spec.Azure = &cluster.AzureSpec{ResourceGroup: rg}
	c := &Cluster{spec: spec, stack: r.Contract.Stack, subjects: r.Contract.Subjects, workloads: map[string]cluster.WorkloadIdentity{}}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("aks cluster %q: registering component: %w", name, err)
	}
	c.ClusterName = r.Output(cluster.OutputClusterName)
	c.ResourceGroupName = pulumi.String(rg).ToStringOutput()
	c.OIDCIssuer = r.Output(cluster.OutputOIDCIssuer)
	c.KubernetesVersion = r.Output(cluster.OutputKubernetesVersion)
	c.Kubeconfig = r.Kubeconfig
	c.StorageClass = pulumi.String(StorageClass).ToStringOutput()
	c.clusterIdentifier = r.Output(cluster.OutputClusterIdentifier)
	c.resourceGroupID = r.Output(OutputResourceGroupID)
	b := &builder{
		attached: true,
		ctx:      ctx, name: name, stack: r.Contract.Stack, c: c, spec: &c.spec,
		workloads: cluster.CloneWorkloads(args.Workloads), backupsReq: args.Backups,
		tags: pulumi.ToStringMap(r.Tags()), location: pulumi.String(spec.Region),
		rgName: c.ResourceGroupName, rgID: c.resourceGroupID, kubeconfig: r.Kubeconfig,
	}
	if err := cluster.RunSteps(
		cluster.Step{Name: "azure provider", Run: b.provider},
		cluster.Step{Name: "workload identities", Run: b.workloadIdentities},
		cluster.Step{Name: "backup storage", Run: b.backups},
		cluster.Step{Name: "kubernetes", Run: b.kubernetes},
	); err != nil {
		return nil, fmt.Errorf("aks cluster %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":       c.ClusterName,
		"resourceGroupName": c.ResourceGroupName,
		"kubeconfig":        c.Kubeconfig,
		"oidcIssuer":        c.OIDCIssuer,
		"storageClass":      c.StorageClass,
		"kubernetesVersion": c.KubernetesVersion,
	}); err != nil {
		return nil, fmt.Errorf("aks cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}
