package stacks

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
	kubeconfigfile "github.com/fleetform/fleetform/components/existing/kubeconfig"
)

// MsgDerivedNameCollision: two entries derive the same resource name (an environment is
// `<cluster>-<environment>`, a release `<cluster>-<environment>-<release>`), which the
// engine would refuse mid-deploy as a duplicate URN.
const MsgDerivedNameCollision = "derives the same resource name as another entry"

// derivedName is one top-level resource name the program derives from the stack file.
type derivedName struct {
	path *field.Path
	what string // the entry, for the message
}

// validateDerivedNames reports, at both field paths, two environments or two release
// instances whose derived resource names collide: cluster `dev` with environment `aws-qa`
// and cluster `dev-aws` with environment `qa` both make `dev-aws-qa`.
func (c *StackConfig) validateDerivedNames() field.ErrorList {
	var errs field.ErrorList
	envs := map[string][]derivedName{}
	for i, e := range c.Environments {
		if e.Name == "" || e.Cluster == "" {
			continue
		}
		n := e.Cluster + "-" + e.Name
		envs[n] = append(envs[n], derivedName{field.NewPath(KeyEnvironments).Index(i).Child("name"),
			fmt.Sprintf("environment %s on cluster %s", e.Name, e.Cluster)})
	}
	errs = append(errs, collisions(envs)...)
	rels := map[string][]derivedName{}
	for i, r := range c.Releases {
		for _, env := range r.EnvironmentNames() {
			for _, j := range c.EnvironmentsNamed(env) {
				cl := c.Environments[j].Cluster
				n := cl + "-" + env + "-" + r.Name
				rels[n] = append(rels[n], derivedName{field.NewPath(KeyReleases).Index(i).Child("environments").Key(env),
					fmt.Sprintf("release %s in environment %s on cluster %s", r.Name, env, cl)})
			}
		}
	}
	return append(errs, collisions(rels)...)
}

// collisions reports each name that more than one entry derives, at every entry's path.
func collisions(names map[string][]derivedName) field.ErrorList {
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs field.ErrorList
	for _, k := range keys {
		ds := names[k]
		if len(ds) < 2 {
			continue
		}
		for i, d := range ds {
			other := ds[(i+1)%len(ds)]
			errs = append(errs, field.Invalid(d.path, k, fmt.Sprintf("%s: %s makes %q, as does %s (%s)", MsgDerivedNameCollision, d.what, k, other.what, other.path)))
		}
	}
	return errs
}

// validateKubeconfigs checks each existing cluster's kubeconfig file and context before
// anything registers: a deploy needs a configured file and the context in it (or in the
// provider's default lookup); an offline plan checks a configured file that is there.
func (c *StackConfig) validateKubeconfigs(mode Mode) field.ErrorList {
	var errs field.ErrorList
	for i, cl := range c.Clusters {
		if cl.Cloud != cluster.Existing || cl.Kubeconfig == nil {
			continue
		}
		p := field.NewPath(KeyClusters).Index(i).Child("kubeconfig")
		errs = append(errs, kubeconfigfile.Check(p, cl.Kubeconfig.Path, cl.Kubeconfig.Context, mode == Deploy)...)
	}
	return errs
}

// MsgFormerName: a former name that is the entry's own, repeated, or another entry's.
const MsgFormerName = "must differ from the entry's name, from its other former names and from every other entry's names"

// validateFormerly checks the former names of clusters, environments (per cluster) and
// releases: DNS labels, each naming this entry alone.
func (c *StackConfig) validateFormerly() field.ErrorList {
	var errs field.ErrorList
	check := func(p *field.Path, name string, formerly []string, taken map[string]int, self int) {
		seen := map[string]bool{name: true}
		for j, f := range formerly {
			fp := p.Child("formerly").Index(j)
			errs = append(errs, dnsLabel(fp, f)...)
			if owner, ok := taken[f]; seen[f] || (ok && owner != self) {
				errs = append(errs, field.Invalid(fp, f, MsgFormerName))
			}
			seen[f] = true
		}
	}
	clusters := map[string]int{}
	for i, cl := range c.Clusters {
		for _, n := range cl.Names() {
			if _, ok := clusters[n]; !ok {
				clusters[n] = i
			}
		}
	}
	for i, cl := range c.Clusters {
		check(field.NewPath(KeyClusters).Index(i), cl.Name, cl.Formerly, clusters, i)
	}
	envs := map[string]int{}
	for i, e := range c.Environments {
		for _, n := range e.Names() {
			if _, ok := envs[e.Cluster+"/"+n]; !ok {
				envs[e.Cluster+"/"+n] = i
			}
		}
	}
	for i, e := range c.Environments {
		taken := map[string]int{}
		for k, owner := range envs {
			if cl, n, _ := strings.Cut(k, "/"); cl == e.Cluster {
				taken[n] = owner
			}
		}
		check(field.NewPath(KeyEnvironments).Index(i), e.Name, e.Formerly, taken, i)
	}
	rels := map[string]int{}
	for i, r := range c.Releases {
		for _, n := range r.Names() {
			if _, ok := rels[n]; !ok {
				rels[n] = i
			}
		}
	}
	for i, r := range c.Releases {
		check(field.NewPath(KeyReleases).Index(i), r.Name, r.Formerly, rels, i)
	}
	return errs
}
