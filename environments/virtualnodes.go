package environments

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
)

// Messages of ValidateVirtualNodes, exported so tests can assert on them.
const (
	// MsgNoVirtualNodes: the environment opts in on a cluster without virtual nodes.
	MsgNoVirtualNodes = "the environment's cluster has no virtual nodes: set clusters[i].virtualNodes.enabled (an existing cluster names its virtual kubelet's nodeSelector)"
	// MsgVirtualNodesPrivileged: the environment admits pods its virtual nodes refuse.
	MsgVirtualNodesPrivileged = "virtual nodes run no privileged pods, host namespaces, hostPort or hostPath volumes: an environment on them enforces baseline or restricted"
	// MsgVirtualNodesNetworkPolicy: a hardened tier would lose its NetworkPolicy isolation.
	MsgVirtualNodesNetworkPolicy = "this cluster's virtual nodes enforce no NetworkPolicy, so a prod or stage environment on them would lose its default-deny isolation"
	// MsgVirtualNodesMesh: the mesh's init container cannot run on the virtual nodes.
	MsgVirtualNodesMesh = "this cluster's virtual nodes run no init containers, which the mesh's sidecar injection adds (istio-init): turn the mesh off for this environment or keep it off virtual nodes"
)

// ValidateVirtualNodes checks, at the environment's path p, that a defaulted
// environment putting its releases on virtual nodes can: v is its cluster's fact (nil
// without virtual nodes) and meshed says the namespace joins the cluster's mesh. An
// environment that does not opt in is not checked.
func (s *Spec) ValidateVirtualNodes(p *field.Path, v *cluster.VirtualNodes, meshed bool) field.ErrorList {
	if !s.VirtualNodes {
		return nil
	}
	if v == nil {
		return field.ErrorList{field.Invalid(p.Child("virtualNodes"), true, MsgNoVirtualNodes)}
	}
	var errs field.ErrorList
	if s.PodSecurity.Enforce == LevelPrivileged && !v.Supports(cluster.FeatureHostAccess) {
		errs = append(errs, field.Invalid(p.Child("podSecurity", "enforce"), s.PodSecurity.Enforce, MsgVirtualNodesPrivileged))
	}
	if Hardened(s.Tier) && !v.Supports(cluster.FeatureNetworkPolicy) {
		errs = append(errs, field.Invalid(p.Child("virtualNodes"), true, MsgVirtualNodesNetworkPolicy+" ("+v.Provider+")"))
	}
	if meshed && !v.Supports(cluster.FeatureInitContainers) {
		errs = append(errs, field.Invalid(p.Child("mesh"), "on", MsgVirtualNodesMesh))
	}
	return errs
}
