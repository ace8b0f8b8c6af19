package stacks

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
)

// validateIdentities checks the identity map, and that every group an environment binds
// has a principal on its cluster's cloud and every cluster an admin.
func (c *StackConfig) validateIdentities() field.ErrorList {
	p := field.NewPath(KeyIdentities)
	errs := c.Identities.Validate(p)
	// Groups bound on a cluster another stack builds are checked against the subjects
	// its connection carries (validateRemoteSubjects); that stack maps them.
	var uses []cluster.GroupUse
	for _, u := range c.GroupUses() {
		if s := c.Cluster(u.Cluster); s == nil || !s.Remote() {
			uses = append(uses, u)
		}
	}
	var built []cluster.Spec
	for _, s := range c.Clusters {
		if !s.Remote() {
			built = append(built, s)
		}
	}
	return append(errs, c.Identities.ValidateUse(p, built, uses)...)
}

// GroupUses lists every access group of every environment with its cluster's cloud, in
// file order; environments naming no cluster of the stack are left out (reported apart).
func (c *StackConfig) GroupUses() []cluster.GroupUse {
	var out []cluster.GroupUse
	for i, e := range c.Environments {
		cl := c.Cluster(e.Cluster)
		if cl == nil {
			continue
		}
		for j, a := range e.Access {
			out = append(out, cluster.GroupUse{
				Path:    field.NewPath(KeyEnvironments).Index(i).Child("access").Index(j).Child("group"),
				Group:   a.Group,
				Cluster: cl.Name,
				Cloud:   cl.Cloud,
			})
		}
	}
	return out
}

// GroupsOn lists the access groups of the environments on a cluster, once each.
func (c *StackConfig) GroupsOn(clusterName string) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range c.Environments {
		if e.Cluster != clusterName {
			continue
		}
		for _, a := range e.Access {
			if !seen[a.Group] {
				seen[a.Group] = true
				out = append(out, a.Group)
			}
		}
	}
	return out
}

// clusterWarnings are what the clusters allow but cost or risk (extended support).
func (c *StackConfig) clusterWarnings() []string {
	var out []string
	for i := range c.Clusters {
		out = append(out, c.Clusters[i].Warnings(field.NewPath(KeyClusters).Index(i))...)
	}
	return out
}
