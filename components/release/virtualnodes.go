package release

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/chaos"
	"github.com/fleetform/fleetform/components/cluster"
)

// Messages of ValidateVirtualNodes, exported so tests can assert on them.
const (
	// MsgNoVirtualNodes: the release opts in where its cluster has no virtual nodes.
	MsgNoVirtualNodes = "the environment's cluster has no virtual nodes (clusters[i].virtualNodes)"
	// MsgVirtualNodesNetworkPolicy: a hardened tier would lose its NetworkPolicy isolation.
	MsgVirtualNodesNetworkPolicy = "the cluster's virtual nodes enforce no NetworkPolicy, so the release's pods in a prod or stage environment would lose their default-deny isolation"
	// MsgVirtualNodesMesh: the mesh's init container cannot run on the virtual nodes.
	MsgVirtualNodesMesh = "the environment is meshed, and the cluster's virtual nodes run no init containers, which sidecar injection adds (istio-init)"
	// MsgVirtualNodesTooBig: a container asks for more than the largest virtual-node pod.
	MsgVirtualNodesTooBig = "is more than the largest pod the cluster's virtual nodes run"
	// MsgVirtualNodesChaos: an experiment Chaos Mesh's node daemon injects, on pods of
	// virtual nodes, which run no DaemonSet.
	MsgVirtualNodesChaos = "network-delay and cpu-stress are injected by Chaos Mesh's daemon on the pod's node, and the release runs on virtual nodes there, which run no DaemonSet: the experiment would do nothing (pod-kill works)"
)

// OnVirtualNodes says whether the release, resolved for one environment (For), runs on
// virtual nodes: its own virtualNodes where set, else the environment's (envOptIn).
func (s *Spec) OnVirtualNodes(envOptIn bool) bool {
	if s.VirtualNodes != nil {
		return *s.VirtualNodes
	}
	return envOptIn
}

// VirtualNodeCheck is what ValidateVirtualNodes checks a release against in one
// environment.
type VirtualNodeCheck struct {
	// Env is the environment's name, for the override's path.
	Env string
	// EnvOptIn says the environment opts in (environments[i].virtualNodes).
	EnvOptIn bool
	// Hardened says the environment's tier is prod or stage.
	Hardened bool
	// Meshed says the namespace joins the cluster's mesh.
	Meshed bool
	// VirtualNodes is the cluster's fact; nil without virtual nodes.
	VirtualNodes *cluster.VirtualNodes
}

// ValidateVirtualNodes checks the defaulted release at p (releases[i]) in one
// environment against its cluster's virtual nodes. An opt-in the release makes is
// reported where it is set (its virtualNodes, or the environment override's); one it
// takes from the environment is reported there (environments.Spec.ValidateVirtualNodes),
// so only the pod's size is checked here then.
func (s *Spec) ValidateVirtualNodes(p *field.Path, c VirtualNodeCheck) field.ErrorList {
	r := s.For(c.Env)
	if !r.OnVirtualNodes(c.EnvOptIn) {
		return nil
	}
	var errs field.ErrorList
	if r.VirtualNodes != nil {
		vp := p.Child("virtualNodes")
		if o, ok := s.Environments[c.Env]; ok && o.VirtualNodes != nil {
			vp = p.Child("environments").Key(c.Env).Child("virtualNodes")
		}
		switch {
		case c.VirtualNodes == nil:
			return append(errs, field.Invalid(vp, true, MsgNoVirtualNodes))
		case c.Hardened && !c.VirtualNodes.Supports(cluster.FeatureNetworkPolicy):
			errs = append(errs, field.Invalid(vp, true, fmt.Sprintf("%s (%s in %s)", MsgVirtualNodesNetworkPolicy, c.VirtualNodes.Provider, c.Env)))
		}
		if c.Meshed && !c.VirtualNodes.Supports(cluster.FeatureInitContainers) {
			errs = append(errs, field.Invalid(vp, true, MsgVirtualNodesMesh))
		}
	}
	if c.VirtualNodes == nil {
		return errs
	}
	if !c.VirtualNodes.Supports(cluster.FeatureDaemonSets) {
		for j, e := range s.Chaos {
			for k, env := range e.Environments {
				if env == c.Env && e.Action != chaos.ActionPodKill {
					errs = append(errs, field.Invalid(p.Child("chaos").Index(j).Child("environments").Index(k), env, MsgVirtualNodesChaos))
				}
			}
		}
	}
	return append(errs, r.validateVirtualNodeSize(p.Child("resources"), c.VirtualNodes)...)
}

// validateVirtualNodeSize refuses container requests or limits above the largest pod
// the virtual nodes run (one container per release pod); p is the resources block.
func (s *Spec) validateVirtualNodeSize(p *field.Path, v *cluster.VirtualNodes) field.ErrorList {
	var errs field.ErrorList
	check := func(name, value, max string) {
		if value == "" || max == "" {
			return
		}
		q, err := resource.ParseQuantity(value)
		limit, lerr := resource.ParseQuantity(max)
		if err != nil || lerr != nil {
			return // a bad value is reported by Validate; a bad limit (a contract's) checks nothing
		}
		if q.Cmp(limit) > 0 {
			errs = append(errs, field.Invalid(p.Child(name), value, fmt.Sprintf("%s (%s: %s)", MsgVirtualNodesTooBig, v.Provider, max)))
		}
	}
	r := s.Resources
	check("requestsCpu", r.RequestsCPU, v.MaxCPU)
	check("limitsCpu", r.LimitsCPU, v.MaxCPU)
	check("requestsMemory", r.RequestsMemory, v.MaxMemory)
	check("limitsMemory", r.LimitsMemory, v.MaxMemory)
	return errs
}
