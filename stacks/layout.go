package stacks

import (
	"fmt"
	"reflect"
	"slices"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
)

// Messages of the layout checks, exported so tests can assert on them.
const (
	MsgRemoteOnlyInCluster  = "only in a stack with stack.layers in-cluster: the cluster is built by the stack it names"
	MsgRemoteFieldSet       = "comes from the cluster stack's connection: set it in that stack's file"
	MsgInClusterNeedsRemote = "an in-cluster stack builds no cluster: name the cluster stack that builds it"
	MsgSectionOtherLayer    = "belongs to the in-cluster stack: a cluster stack builds no layer that reads it"
	MsgIdentitiesInCluster  = "belongs to the cluster stack, which maps every group; the connection carries the subjects"
	MsgExportedKubeconfig   = "a cluster stack exports the kubeconfig's content for its in-cluster stack: name the file"
	MsgNoRemoteSubject      = "is not mapped by the cluster stack: add the group to that stack's fleetform:identities"
	MsgNoManagementNetwork  = "a runner in the management network reaches cluster %s only through clusters[%d].network.management, which attaches the cluster's network to it: set it (in the cluster stack, for an attached cluster), or use runnerNetwork cluster"
	MsgPrivateAPIServer     = "the API server of cluster %s is private, and a public runner cannot reach it: set stack.runnerNetwork to management (a runner in the network that clusters[%d].network.management attaches) or cluster (a runner inside the cluster's network), or split the stack into a cluster stack (stack.layers: cluster, deployable from anywhere) and an in-cluster stack that runs on such a runner"
)

// AttachesClusters says whether some cluster is built by another stack, so that the
// config validates only once that stack's connection is read.
func (c *StackConfig) AttachesClusters() bool {
	return slices.ContainsFunc(c.Clusters, func(s cluster.Spec) bool { return s.Remote() })
}

// ValidateLayout checks, before defaults and before anything is read or registered,
// that the stack's sections fit the layers it builds: a cluster stack holds no
// in-cluster section, an in-cluster stack names for each cluster the stack that
// builds it and sets nothing else of it.
func (c *StackConfig) ValidateLayout() field.ErrorList {
	var errs field.ErrorList
	s := c.Settings
	s.ApplyDefaults()
	errs = append(errs, s.Validate(field.NewPath(KeyStack))...)
	for i := range c.Clusters {
		spec := &c.Clusters[i]
		p := field.NewPath(KeyClusters).Index(i)
		switch {
		case spec.Remote():
			rp := p.Child("stackReference")
			if s.Layers != LayersInCluster {
				errs = append(errs, field.Forbidden(rp, MsgRemoteOnlyInCluster))
			}
			if c.Reference(spec.StackReference) == nil {
				errs = append(errs, field.Invalid(rp, spec.StackReference, MsgNoSuchReference))
			}
			if spec.Contract() != nil {
				continue // attached: the entry was checked before its connection was read
			}
			for _, f := range setFields(*spec) {
				errs = append(errs, field.Forbidden(p.Child(f), MsgRemoteFieldSet))
			}
		case s.Layers == LayersInCluster:
			errs = append(errs, field.Required(p.Child("stackReference"), MsgInClusterNeedsRemote))
		case s.Layers == LayersCluster && spec.Cloud == cluster.Existing && (spec.Kubeconfig == nil || spec.Kubeconfig.Path == ""):
			errs = append(errs, field.Required(p.Child("kubeconfig", "path"), MsgExportedKubeconfig))
		}
	}
	switch s.Layers {
	case LayersCluster:
		if !reflect.ValueOf(c.Platform).IsZero() {
			errs = append(errs, field.Forbidden(field.NewPath(KeyPlatform), MsgSectionOtherLayer))
		}
		if len(c.Environments) > 0 {
			errs = append(errs, field.Forbidden(field.NewPath(KeyEnvironments), MsgSectionOtherLayer))
		}
		if len(c.Releases) > 0 {
			errs = append(errs, field.Forbidden(field.NewPath(KeyReleases), MsgSectionOtherLayer))
		}
	case LayersInCluster:
		if !reflect.ValueOf(c.Identities).IsZero() {
			errs = append(errs, field.Forbidden(field.NewPath(KeyIdentities), MsgIdentitiesInCluster))
		}
	}
	return errs
}

// setFields names the fields of a cluster entry that are set besides its name and
// stackReference, by their keys in the stack file.
func setFields(s cluster.Spec) []string {
	var out []string
	v := reflect.ValueOf(s)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := f.Tag.Get("yaml")
		if !f.IsExported() || key == "" || key == "name" || key == "stackReference" || key == "-" {
			continue
		}
		if !v.Field(i).IsZero() {
			out = append(out, key)
		}
	}
	return out
}

// AccessGroups are the identity groups a cluster maps: those its environments bind,
// or, in a cluster stack, which has no environments, every group of the identity map
// (its in-cluster stacks bind any of them through the connection's subjects).
func (c *StackConfig) AccessGroups(clusterName string) []string {
	if c.Settings.Layers != LayersCluster {
		return c.GroupsOn(clusterName)
	}
	out := make([]string, 0, len(c.Identities.Groups))
	for g := range c.Identities.Groups {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// validateReachable refuses a stack that deploys into a private API server from a
// public runner.
// A runner in the management network needs every private cluster attached to it.
func (c *StackConfig) validateReachable() field.ErrorList {
	s := c.Settings
	if !s.BuildsInCluster() || s.RunnerNetwork == RunnerCluster {
		return nil
	}
	var errs field.ErrorList
	for i, spec := range c.Clusters {
		private, attached := spec.PrivateEndpoint(), spec.ManagementAttached()
		if r := spec.Contract(); r != nil {
			private, attached = r.PrivateEndpoint, len(r.ManagementCIDRs) > 0
		}
		switch {
		case !private:
		case s.RunnerNetwork == RunnerPublic:
			errs = append(errs, field.Invalid(field.NewPath(KeyStack, "runnerNetwork"), s.RunnerNetwork,
				fmt.Sprintf(MsgPrivateAPIServer, spec.Name, i)))
		case s.RunnerNetwork == RunnerManagement && !attached:
			errs = append(errs, field.Invalid(field.NewPath(KeyStack, "runnerNetwork"), s.RunnerNetwork,
				fmt.Sprintf(MsgNoManagementNetwork, spec.Name, i)))
		}
	}
	return errs
}

// validateRemoteSubjects checks that every group an environment on a cluster built
// elsewhere binds is mapped by that cluster's stack.
func (c *StackConfig) validateRemoteSubjects() field.ErrorList {
	var errs field.ErrorList
	for _, u := range c.GroupUses() {
		spec := c.Cluster(u.Cluster)
		if spec == nil || spec.Contract() == nil || u.Cloud == cluster.Existing {
			continue
		}
		if _, ok := spec.Contract().Subjects[u.Group]; !ok {
			errs = append(errs, field.Invalid(u.Path, u.Group, MsgNoRemoteSubject+" ("+spec.StackReference+")"))
		}
	}
	return errs
}
