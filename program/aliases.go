package program

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/release"
	"github.com/fleetform/fleetform/environments"
)

// Renames (`formerly` on clusters, environments and releases) keep identity in two
// ways. The Pulumi names of the layers above a cluster take the new name, with an
// alias per former name, so the engine (and the offline diff) sees a rename, not a
// removal and an addition; their children, whose names start with theirs, follow
// through the engine's inherited child aliases. Everything physical keeps the first
// name (Identity): the cluster component and the cloud names derived from it (no
// cloud renames a cluster), the namespace, and the Kubernetes objects' names.

// clusterIdentity is the spec a cluster component is built from: its first name, so a
// rename changes nothing in the cloud.
func clusterIdentity(spec *cluster.Spec) *cluster.Spec {
	s := *spec
	s.Name, s.Formerly = spec.Identity(), nil
	return &s
}

// environmentIdentity is the spec an environment is built from: its first name is
// the namespace.
func environmentIdentity(spec environments.Spec) environments.Spec {
	spec.Name, spec.Formerly = spec.Identity(), nil
	return spec
}

// releaseIdentity is the spec a release is built from: its first name names its objects.
func releaseIdentity(spec release.Spec) release.Spec {
	spec.Name, spec.Formerly = spec.Identity(), nil
	return spec
}

// aliases is the option that keeps a resource named join(parts' current names)
// reachable under every earlier combination of the parts' names; none when nothing was
// renamed.
func aliases(join func(names []string) string, parts ...[]string) []pulumi.ResourceOption {
	current := make([]string, len(parts))
	for i, p := range parts {
		current[i] = p[len(p)-1]
	}
	now := join(current)
	var out []pulumi.Alias
	seen := map[string]bool{now: true}
	var walk func(i int, acc []string)
	walk = func(i int, acc []string) {
		if i == len(parts) {
			if n := join(acc); !seen[n] {
				seen[n] = true
				out = append(out, pulumi.Alias{Name: pulumi.String(n)})
			}
			return
		}
		for _, n := range parts[i] {
			walk(i+1, append(acc, n))
		}
	}
	walk(0, nil)
	if len(out) == 0 {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.Aliases(out)}
}

// dashed joins names with dashes, as the program names resources.
func dashed(names []string) string { return strings.Join(names, "-") }

// clusterNames are every name of the cluster called name in the config, or just name.
func (f *Fleet) clusterNames(name string) []string {
	if c := f.Config.Cluster(name); c != nil {
		return c.Names()
	}
	return []string{name}
}

// platformAliases keep a renamed cluster's platform component (`<cluster>-platform`).
func (f *Fleet) platformAliases(clusterName string) []pulumi.ResourceOption {
	return aliases(dashed, f.clusterNames(clusterName), []string{"platform"})
}

// environmentAliases keep a renamed environment, or one on a renamed cluster
// (`<cluster>-<environment>`).
func (f *Fleet) environmentAliases(spec environments.Spec) []pulumi.ResourceOption {
	return aliases(dashed, f.clusterNames(spec.Cluster), spec.Names())
}

// releaseAliases keep a renamed release, or one in a renamed environment or cluster
// (`<cluster>-<environment>-<release>`).
func (f *Fleet) releaseAliases(spec *release.Spec, ns *Namespace) []pulumi.ResourceOption {
	envNames := []string{ns.Name}
	for _, e := range f.Config.Environments {
		if e.Cluster == ns.Cluster && e.Name == ns.Name {
			envNames = e.Names()
		}
	}
	return aliases(dashed, f.clusterNames(ns.Cluster), envNames, spec.Names())
}

// kubeName is the namespace's Kubernetes name: KubeName, else Name.
func (n *Namespace) kubeName() string {
	if n.KubeName != "" {
		return n.KubeName
	}
	return n.Name
}

// physicalName is the name the cloud and the cluster's platform know a cluster by (its
// hostnames, external-dns ownership, metric labels): its first name.
func (f *Fleet) physicalName(cluster string) string {
	if c := f.Config.Cluster(cluster); c != nil {
		return c.Identity()
	}
	return cluster
}
