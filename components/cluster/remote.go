package cluster

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Remote is what an in-cluster stack read of a cluster that a cluster stack built:
// the Contract (plain, read before anything is validated), the cloud-assigned outputs
// and the kubeconfig (a secret), both as outputs of the stack reference.
type Remote struct {
	// Contract is the cluster stack's ExportConnection.
	Contract Contract
	// Outputs are its ExportOutputs, keyed by the Output* constants.
	Outputs pulumi.StringMapOutput
	// Kubeconfig is its ExportKubeconfig, a secret.
	Kubeconfig pulumi.StringOutput
}

// Output is one of the cloud-assigned outputs ("" when the cluster stack has none).
func (r Remote) Output(key string) pulumi.StringOutput {
	return r.Outputs.MapIndex(pulumi.String(key))
}

// Spec is the cluster as the attach paths need it: name, cloud, region, tier and
// federation role from the contract, which also answers VirtualNodeFacts.
func (r Remote) Spec() Spec {
	c := r.Contract
	return Spec{Name: c.Name, Cloud: c.Cloud, Region: c.Region, Environment: c.Environment, Federation: c.Federation, KubernetesVersion: c.KubernetesVersion, contract: &c}
}

// Tags are the cloud tags the cluster stack put on its resources (FactTags), for the
// resources an attach path makes; nil when the cluster stack recorded none.
func (r Remote) Tags() map[string]string { return DecodeTags(r.Contract.Facts[FactTags]) }

// ForCloud checks, before an attach path registers anything, that the remote cluster
// is of the path's cloud.
func (r Remote) ForCloud(cloud Cloud) error {
	if r.Contract.Cloud != cloud {
		return fmt.Errorf("%w: %q, want %q", ErrWrongCloud, r.Contract.Cloud, cloud)
	}
	return nil
}

// Check is every attach path's first step: the remote cluster is of the path's cloud,
// and what the platform asks of it is valid (CheckNeeds). Nothing is registered before it.
func (r Remote) Check(cloud Cloud, ws []Workload, b *Backups) error {
	if err := r.ForCloud(cloud); err != nil {
		return err
	}
	return CheckNeeds(ws, b)
}

// ChildOf places a child under its cluster component: with AttachedChild when the
// component was attached (an in-cluster stack's Attach), with Parent when New built it.
func ChildOf(c pulumi.Resource, attached bool) pulumi.ResourceOption {
	if attached {
		return AttachedChild(c)
	}
	return pulumi.Parent(c)
}

// AttachedChild places a resource under an attached cluster component (an in-cluster
// stack's Attach) and keeps it reachable at the stack's root: `pulumi state move` of a
// single stack's in-cluster resources into an in-cluster stack leaves the cluster
// component behind, and the CLI then rewrites each moved resource's URN as if its
// parent were the stack (the engine suite's TestLayers showed it). The alias lets the
// next `pulumi up` find them there and re-parent them, replacing nothing; the engine
// derives the same alias for their children.
func AttachedChild(c pulumi.Resource) pulumi.ResourceOption {
	return pulumi.Composite(pulumi.Parent(c), pulumi.Aliases([]pulumi.Alias{{NoParent: pulumi.Bool(true)}}))
}
