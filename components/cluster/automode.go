package cluster

import (
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// EKS Auto Mode facts, from the AWS EKS user guide: "Create a cluster with Amazon EKS
// Auto Mode" (create-auto: "EKS Auto Mode requires Kubernetes version 1.29 or
// greater") and the EKS API reference, ComputeConfigRequest (nodePools are
// general-purpose and/or system).
const (
	// AutoModeGeneralPurpose is Auto Mode's built-in pool for workloads.
	AutoModeGeneralPurpose = "general-purpose"
	// AutoModeSystem is Auto Mode's built-in pool for critical add-ons
	// (tainted CriticalAddonsOnly).
	AutoModeSystem = "system"
	// MinAutoModeVersion is the oldest Kubernetes minor EKS Auto Mode runs.
	MinAutoModeVersion = "1.29"
)

// AutoModeNodePoolNames are the built-in node pools EKS Auto Mode offers.
var AutoModeNodePoolNames = []string{AutoModeGeneralPurpose, AutoModeSystem}

// DefaultAutoModeNodePools turns on both built-in pools, as eksctl and the AWS CDK do:
// workloads on general-purpose, the cluster's critical add-ons on system.
var DefaultAutoModeNodePools = []string{AutoModeGeneralPurpose, AutoModeSystem}

// EKS Auto Mode validation messages, exported so tests can assert on them.
const (
	MsgAutoModeVersion   = "EKS Auto Mode needs Kubernetes " + MinAutoModeVersion + " or newer"
	MsgAutoModeKarpenter = "EKS Auto Mode runs its own Karpenter-based node pools: remove the pool's karpenter block " +
		"(Auto Mode's pools take those pods) or aws.autoMode"
	MsgAutoModeOnly    = "is only used with aws.autoMode"
	MsgAutoModeNoNodes = "EKS Auto Mode with no built-in node pool and no node pool in the stack file has no nodes: " +
		"list general-purpose or system, or add a node pool"
)

func init() {
	cloudDefaulters[AWS] = append(cloudDefaulters[AWS], applyAutoModeDefaults)
	cloudValidators[AWS] = append(cloudValidators[AWS], validateAutoMode)
}

// AutoModeRunsNodes says whether EKS Auto Mode launches nodes for the cluster: Auto
// Mode is on with at least one built-in pool.
func (s *Spec) AutoModeRunsNodes() bool {
	return s.Cloud == AWS && s.AWS != nil && s.AWS.AutoMode && len(s.AWS.AutoModeNodePools) > 0
}

// ManagedNodeGroups are the pools that become EKS managed node groups: every pool
// without a karpenter block.
func (s *Spec) ManagedNodeGroups() []NodePool {
	var out []NodePool
	for _, np := range s.NodePools {
		if np.Karpenter == nil {
			out = append(out, np)
		}
	}
	return out
}

// applyAutoModeDefaults turns on both built-in pools when autoMode leaves them unset.
func applyAutoModeDefaults(s *Spec) {
	if s.AWS != nil && s.AWS.AutoMode && s.AWS.AutoModeNodePools == nil {
		s.AWS.AutoModeNodePools = slices.Clone(DefaultAutoModeNodePools)
	}
}

// validateAutoMode refuses what EKS refuses with Auto Mode, and Karpenter beside it.
func validateAutoMode(s *Spec, p *field.Path) field.ErrorList {
	a := s.AWS
	if a == nil {
		return nil // reported by validateAWS
	}
	ap := p.Child("aws")
	var errs field.ErrorList
	if !a.AutoMode {
		if a.AutoModeNodePools != nil {
			errs = append(errs, field.Forbidden(ap.Child("autoModeNodePools"), MsgAutoModeOnly))
		}
		return errs
	}
	if eksVersionForm.MatchString(s.KubernetesVersion) && minorLess(s.KubernetesVersion, MinAutoModeVersion) {
		errs = append(errs, field.Invalid(p.Child("kubernetesVersion"), s.KubernetesVersion, MsgAutoModeVersion))
	}
	seen := map[string]bool{}
	for i, n := range a.AutoModeNodePools {
		np := ap.Child("autoModeNodePools").Index(i)
		switch {
		case !slices.Contains(AutoModeNodePoolNames, n):
			errs = append(errs, field.NotSupported(np, n, AutoModeNodePoolNames))
		case seen[n]:
			errs = append(errs, field.Duplicate(np, n))
		}
		seen[n] = true
	}
	for i, np := range s.NodePools {
		if np.Karpenter != nil {
			errs = append(errs, field.Forbidden(p.Child("nodePools").Index(i).Child("karpenter"), MsgAutoModeKarpenter))
		}
	}
	if len(a.AutoModeNodePools) == 0 && len(s.NodePools) == 0 {
		errs = append(errs, field.Required(ap.Child("autoModeNodePools"), MsgAutoModeNoNodes))
	}
	return errs
}

// minorLess says whether MAJOR.MINOR version v is older than w.
func minorLess(v, w string) bool {
	parse := func(s string) (int, int) {
		maj, min, _ := strings.Cut(s, ".")
		a, _ := strconv.Atoi(maj)
		b, _ := strconv.Atoi(min)
		return a, b
	}
	va, vb := parse(v)
	wa, wb := parse(w)
	return va < wa || (va == wa && vb < wb)
}
