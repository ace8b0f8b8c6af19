package eks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
)

// Access entry settings, with why.
const (
	// AccessEntryStandard is the entry type for people and CI roles (the EC2 and Fargate
	// types are for nodes, which EKS adds itself for managed node groups).
	AccessEntryStandard = "STANDARD"
	// ClusterAdminPolicy is the EKS access policy that is cluster-admin.
	ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"
	// AccessScopeCluster grants an access policy in every namespace.
	AccessScopeCluster = "cluster"
)

// AccessPolicyARN is the ARN of an EKS access policy in a partition.
func AccessPolicyARN(partition, policy string) string {
	return fmt.Sprintf("arn:%s:eks::aws:cluster-access-policy/%s", partition, policy)
}

// accessPrincipal is one IAM principal's access entry: the Kubernetes groups it joins
// (the groups environments bind) and whether it is cluster admin.
type accessPrincipal struct {
	group, arn string
	kubeGroups []string
	admin      bool
}

// principals merges admins and groups by principal ARN: EKS takes one access entry per
// principal. Order is admins first, then groups, as Access lists them.
func principals(a cluster.Access) []*accessPrincipal {
	var out []*accessPrincipal
	byARN := map[string]*accessPrincipal{}
	add := func(m cluster.Member, admin bool) {
		p := byARN[m.Principal]
		if p == nil {
			p = &accessPrincipal{group: m.Group, arn: m.Principal}
			byARN[m.Principal] = p
			out = append(out, p)
		}
		if admin {
			p.admin = true
		} else {
			p.kubeGroups = append(p.kubeGroups, m.Group)
		}
	}
	for _, m := range a.Admins {
		add(m, true)
	}
	for _, m := range a.Groups {
		add(m, false)
	}
	return out
}

// access creates an access entry per principal of the cluster's Access, and for admins
// the cluster-admin access policy. Group members join their group's name as a
// Kubernetes group, which the environments' RoleBindings bind. It returns what the
// kubernetes provider must wait for: the admin policies (the deploying role is an admin).
func (b *builder) access(cl *eks.Cluster) ([]pulumi.Resource, error) {
	var adminReady []pulumi.Resource
	for _, p := range principals(b.grants) {
		part := "access-" + p.group
		args := &eks.AccessEntryArgs{
			ClusterName:  cl.Name,
			PrincipalArn: pulumi.String(p.arn),
			Type:         pulumi.String(AccessEntryStandard),
			Tags:         b.tags(part, nil),
		}
		if len(p.kubeGroups) > 0 {
			args.KubernetesGroups = pulumi.ToStringArray(p.kubeGroups)
		}
		entry, err := eks.NewAccessEntry(b.ctx, b.name+"-"+part, args, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("access entry %s: %w", p.group, err)
		}
		if !p.admin {
			continue
		}
		assoc, err := eks.NewAccessPolicyAssociation(b.ctx, b.name+"-"+part+"-admin", &eks.AccessPolicyAssociationArgs{
			ClusterName: cl.Name,
			// From the entry, so the association waits for it: EKS refuses a policy for a
			// principal that has no entry yet.
			PrincipalArn: entry.PrincipalArn,
			PolicyArn:    pulumi.String(AccessPolicyARN(b.partition, ClusterAdminPolicy)),
			AccessScope:  &eks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String(AccessScopeCluster)},
		}, b.opts()...)
		if err != nil {
			return nil, fmt.Errorf("access policy %s: %w", p.group, err)
		}
		adminReady = append(adminReady, assoc)
	}
	return adminReady, nil
}
