package platform

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/addons/vpa"
	"github.com/fleetform/fleetform/components/cluster"
)

// NamespaceVPA is the namespace the Vertical Pod Autoscaler runs in.
const NamespaceVPA = "vpa"

// AddonVPA is the Vertical Pod Autoscaler's LabelAddon value.
const AddonVPA = catalog.VPA

// DefaultVPAUpdates runs the updater and admission controller, so a release that opts
// into Auto gets what it asked for; releases stay in recommendation mode by default.
const DefaultVPAUpdates = true

// ApplyClusterDefaults fills the defaults that depend on the stack's clusters: the
// VPA is on unless every cluster is of cloud existing, whose operators may run their
// own (and whose test clusters have no pods behind an admission webhook).
func (s *Spec) ApplyClusterDefaults(clusters []cluster.Spec) {
	s.applyTracingClusterDefaults(clusters)
	s.applyDNSClusterDefaults(clusters)
	if s.VPA.Enabled == nil {
		on := false
		for _, c := range clusters {
			if c.Cloud != cluster.Existing {
				on = true
			}
		}
		s.VPA.Enabled = &on
	}
	if s.VPA.Updates == nil {
		u := DefaultVPAUpdates
		s.VPA.Updates = &u
	}
}

// vpa installs the Vertical Pod Autoscaler; it waits for nothing but its namespace.
func (b *builder) vpa() error {
	s := b.spec.VPA
	ns, err := b.namespace(AddonVPA)
	if err != nil {
		return fmt.Errorf("namespace: %w", err)
	}
	v, err := vpa.New(b.ctx, b.name+"-vpa", &vpa.Args{
		Namespace: ns, Updates: vpaUpdates(s), Chart: s.Chart.Override(),
	}, pulumi.Parent(b.c))
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	b.c.Outputs.VPAReady = v.Release
	b.c.Outputs.VPAUpdates = vpaUpdates(s)
	return nil
}

// vpaUpdates is VPASpec.Updates with its default.
func vpaUpdates(s VPASpec) bool {
	if s.Updates == nil {
		return DefaultVPAUpdates
	}
	return *s.Updates
}
