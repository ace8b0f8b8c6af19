package release

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/addons/chaos"
)

// LabelChaosAction is the label that names a Schedule's action (pod-kill, ...).
const LabelChaosAction = "fleetform.io/chaos-action"

// buildChaos makes one Chaos Mesh Schedule per experiment that runs in this
// environment (Spec.For kept only those). Each targets the release's pods by the
// selector its Services and Rollout use, and carries the release's labels, so the
// analysis that measures those pods sees the experiment's effect.
func (b *builder) buildChaos() error {
	for _, e := range b.s.Chaos {
		spec, err := chaos.ScheduleSpec(e, b.a.Namespace, b.selector())
		if err != nil {
			return err
		}
		meta := b.meta(chaos.ScheduleName(b.n.app, e), map[string]string{LabelChaosAction: e.Action})
		if _, err := apiextensions.NewCustomResource(b.ctx, b.name+"-chaos-"+e.Name, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(chaos.APIVersion),
			Kind:        pulumi.String(chaos.KindSchedule),
			Metadata:    meta,
			OtherFields: kubernetes.UntypedArgs{"spec": spec},
		}, b.opts(b.a.ChaosReady)...); err != nil {
			return fmt.Errorf("chaos schedule %s: %w", e.Name, err)
		}
	}
	return nil
}
