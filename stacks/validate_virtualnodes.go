package stacks

import (
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/release"
	"github.com/fleetform/fleetform/environments"
)

// validateVirtualNodes checks every environment and release that runs on virtual
// nodes against its cluster's (cluster.Spec.VirtualNodeFacts: the cluster package's
// neutral fact, read from the connection for an attached cluster): that the cluster
// has them, and that nothing asks for what they refuse. A release that goes to one
// environment name on several clusters is checked on each, and each problem reported once.
func (c *StackConfig) validateVirtualNodes() field.ErrorList {
	var errs field.ErrorList
	meshOn := c.Platform.MeshOn()
	ep := field.NewPath(KeyEnvironments)
	for i := range c.Environments {
		e := &c.Environments[i]
		cl := c.Cluster(e.Cluster)
		if cl == nil {
			continue // reported by validateEnvironments
		}
		errs = append(errs, e.ValidateVirtualNodes(ep.Index(i), cl.VirtualNodeFacts(), e.InMesh(meshOn))...)
	}
	rp := field.NewPath(KeyReleases)
	for i := range c.Releases {
		r := &c.Releases[i]
		names := make([]string, 0, len(r.Environments))
		for name := range r.Environments {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			for _, j := range c.EnvironmentsNamed(name) {
				e := &c.Environments[j]
				cl := c.Cluster(e.Cluster)
				if cl == nil {
					continue
				}
				errs = append(errs, r.ValidateVirtualNodes(rp.Index(i), release.VirtualNodeCheck{
					Env: name, EnvOptIn: e.VirtualNodes, Hardened: environments.Hardened(e.Tier),
					Meshed: e.InMesh(meshOn), VirtualNodes: cl.VirtualNodeFacts(),
				})...)
			}
		}
	}
	return dedupe(errs)
}

// dedupe drops repeats of a problem (the same path and message), keeping the order.
func dedupe(errs field.ErrorList) field.ErrorList {
	seen := map[string]bool{}
	var out field.ErrorList
	for _, e := range errs {
		if k := e.Error(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}
