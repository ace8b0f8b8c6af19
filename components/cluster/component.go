package cluster

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/stacks/configkeys"
)

// What every cluster component shares, so that all of them (and a fifth cloud) start,
// build and hand over the same way:
//
//   - Args: the cluster's Spec as in the stack file, the Stack name and its Access.
//   - New: Prepare the spec (a defaulted, validated copy), register the component, run
//     the builder's Steps, register the outputs.
//   - Connection: every field set, whatever the cloud.

// Errors a component's New returns for Args it cannot build from, for errors.Is.
var (
	// ErrNoArgs means New got nil Args.
	ErrNoArgs = errors.New("args are required")
	// ErrWrongCloud means the spec is for another cloud than the component's.
	ErrWrongCloud = errors.New("spec is for another cloud")
	// ErrNoStack means Args.Stack is empty: tags and cloud names derive from it.
	ErrNoStack = errors.New("stack name is required")
)

// Path is the field path of the cluster spec at index i of the stack file's clusters
// list: clusters[i], the form the stack decoder and the stack's validation report. A
// component reports its spec's problems at the same path, so the user finds the entry
// whatever layer found the problem; the program's error context adds the cluster's name.
func Path(i int) *field.Path { return field.NewPath(configkeys.Clusters).Index(i) }

// Prepare is every component's first step: it checks the spec is for cloud, applies the
// defaults to a copy (so the caller's spec never changes) and validates the copy at
// Path(index), returning every problem at once. Nothing is registered before it.
func Prepare(spec Spec, index int, cloud Cloud, stack string) (Spec, error) {
	if spec.Cloud != cloud {
		return Spec{}, fmt.Errorf("%w: %q, want %q", ErrWrongCloud, spec.Cloud, cloud)
	}
	if stack == "" {
		return Spec{}, ErrNoStack
	}
	s := spec.Clone()
	s.ApplyDefaults(stack)
	if errs := s.Validate(Path(index)); len(errs) > 0 {
		return Spec{}, errs.ToAggregate()
	}
	return s, nil
}

// Clone returns a copy of the spec that shares nothing the defaults or a component
// could write to: cloud blocks, node pools, lists and maps are copied.
func (s Spec) Clone() Spec {
	out := s
	out.Tags = maps.Clone(s.Tags)
	out.NodePools = slices.Clone(s.NodePools)
	for i := range out.NodePools {
		np := &out.NodePools[i]
		np.InstanceTypes = slices.Clone(np.InstanceTypes)
		np.Labels = maps.Clone(np.Labels)
		np.Taints = slices.Clone(np.Taints)
		if np.Karpenter != nil {
			k := *np.Karpenter
			k.InstanceFamilies = slices.Clone(k.InstanceFamilies)
			k.CapacityTypes = slices.Clone(k.CapacityTypes)
			np.Karpenter = &k
		}
	}
	if s.AWS != nil {
		a := *s.AWS
		a.AvailabilityZones = slices.Clone(a.AvailabilityZones)
		a.PublicAccessCIDRs = slices.Clone(a.PublicAccessCIDRs)
		a.LogTypes = slices.Clone(a.LogTypes)
		if a.Karpenter != nil {
			k := *a.Karpenter
			a.Karpenter = &k
		}
		out.AWS = &a
	}
	if s.Azure != nil {
		a := *s.Azure
		a.AdminGroupObjectIDs = slices.Clone(a.AdminGroupObjectIDs)
		a.PublicAccessCIDRs = slices.Clone(a.PublicAccessCIDRs)
		out.Azure = &a
	}
	if s.Alicloud != nil {
		a := *s.Alicloud
		a.ZoneIDs = slices.Clone(a.ZoneIDs)
		a.ControlPlaneLogs = slices.Clone(a.ControlPlaneLogs) // keeps an explicit empty list empty
		out.Alicloud = &a
	}
	if s.Network.Management != nil {
		m := *s.Network.Management
		m.CIDRs = slices.Clone(m.CIDRs)
		out.Network.Management = &m
	}
	if s.Kubeconfig != nil {
		k := *s.Kubeconfig
		out.Kubeconfig = &k
	}
	if s.VirtualNodes != nil {
		v := *s.VirtualNodes
		v.NodeSelector = maps.Clone(v.NodeSelector)
		v.Tolerations = slices.Clone(v.Tolerations)
		out.VirtualNodes = &v
	}
	return out
}

// Step is one stage of a component's builder, named for error messages.
type Step struct {
	// Name says what the step builds (network, cluster, node pools, kubernetes).
	Name string
	// Run builds it.
	Run func() error
}

// RunSteps runs a builder's steps in order and stops at the first error, wrapped with
// the step's name.
func RunSteps(steps ...Step) error {
	for _, s := range steps {
		if err := s.Run(); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	return nil
}

// Names of the builder steps that serve the layers above a cluster (their cloud
// identities, backup storage, the kubernetes provider and its objects): a cluster
// stack leaves them to the cloud's attach path in the in-cluster stack.
const (
	StepWorkloadIdentities = "workload identities"
	StepBackupStorage      = "backup storage"
	StepKubernetes         = "kubernetes"
)

// ClusterOnly is a builder's steps without those that serve the layers above.
func ClusterOnly(steps []Step) []Step {
	return slices.DeleteFunc(steps, func(s Step) bool {
		return s.Name == StepWorkloadIdentities || s.Name == StepBackupStorage || s.Name == StepKubernetes
	})
}

// CheckNeeds checks, before a component registers anything, what the platform asks of
// it: the workloads that want a cloud identity (at workloads) and the backups request
// (at backups; nil asks for none). Every problem is returned at once.
func CheckNeeds(ws []Workload, b *Backups) error {
	errs := append(ValidateWorkloads(field.NewPath("workloads"), ws), ValidateBackups(field.NewPath("backups"), b)...)
	return errs.ToAggregate()
}
