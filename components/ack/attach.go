package ack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// AttachArgs configure the in-cluster side of an ACK cluster that a cluster stack built.
type AttachArgs struct {
	// Remote is what the in-cluster stack read of the cluster stack (cloud alicloud).
	Remote cluster.Remote
	// Backups asks for a backup bucket and Velero's RAM user; nil for none.
	Backups *cluster.Backups
	// Workloads are addon service accounts that get an RRSA RAM role each, as in Args.
	Workloads []cluster.Workload
}

// Attach registers, in an in-cluster stack, the ACK component of a cluster that a
// cluster stack built (New with ClusterOnly): the same type and name, so the children
// made here (the addons' RRSA roles, the backup bucket and its RAM user, the
// kubernetes provider, the default StorageClass and the admins' binding) have the
// URNs they have when one stack builds everything.
func Attach(ctx *pulumi.Context, name string, args *AttachArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, cluster.ErrNoArgs)
	}
	r := args.Remote
	if err := r.Check(cluster.Alicloud, args.Workloads, args.Backups); err != nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, err)
	}
	c := &Cluster{spec: r.Spec(), stack: r.Contract.Stack, subjects: r.Contract.Subjects, admins: r.Contract.Admins,
		workloads: map[string]cluster.WorkloadIdentity{}}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, fmt.Errorf("ack cluster %q: registering component: %w", name, err)
	}
	c.ClusterName = r.Output(cluster.OutputClusterName)
	c.ClusterID = r.Output(cluster.OutputClusterIdentifier)
	c.KubernetesVersion = r.Output(cluster.OutputKubernetesVersion)
	c.OIDCIssuer = r.Output(cluster.OutputOIDCIssuer)
	c.OIDCProviderARN = r.Output(OutputOIDCProviderARN)
	c.Kubeconfig = r.Kubeconfig
	b := &builder{
		attached: true,
		ctx:      ctx, name: name, stack: r.Contract.Stack, c: c, spec: &c.spec,
		tags: tagMap(r.Tags()), backupsReq: args.Backups, kubeconfig: r.Kubeconfig,
		workloads: cluster.CloneWorkloads(args.Workloads),
	}
	if err := cluster.RunSteps(
		cluster.Step{Name: "alicloud provider", Run: b.provider},
		cluster.Step{Name: cluster.StepWorkloadIdentities, Run: b.workloadIdentities},
		cluster.Step{Name: "backup storage", Run: b.backups},
		cluster.Step{Name: "kubernetes", Run: b.kubernetes},
	); err != nil {
		return nil, fmt.Errorf("ack cluster %q: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":       c.ClusterName,
		"clusterId":         c.ClusterID,
		"kubeconfig":        c.Kubeconfig,
		"storageClass":      c.StorageClassName,
		"kubernetesVersion": c.KubernetesVersion,
		"oidcIssuer":        c.OIDCIssuer,
		"oidcProviderArn":   c.OIDCProviderARN,
	}); err != nil {
		return nil, fmt.Errorf("ack cluster %q: registering outputs: %w", name, err)
	}
	return c, nil
}
