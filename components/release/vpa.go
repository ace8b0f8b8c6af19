package release

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/vpa"
)

// VerticalAutoscaling is the release's VerticalPodAutoscaler for its Rollout, made on
// clusters whose platform runs the VPA (platform.vpa.enabled).
type VerticalAutoscaling struct {
	// UpdateMode is Off (recommendations in the object's status only), Initial (requests
	// set when a pod is created) or Auto (pods also evicted to apply them). Defaults to
	// DefaultVPAUpdateMode. Initial and Auto need platform.vpa.updates, and cannot be
	// combined with a CPU-based autoscaling block while ControlledResources holds cpu.
	UpdateMode string `yaml:"updateMode"`
	// ControlledResources are the resources the VPA recommends and sets: cpu, memory or
	// both. Defaults to DefaultVPAControlledResources. [memory] lets Auto sit next to a
	// CPU-based HorizontalPodAutoscaler.
	ControlledResources []string `yaml:"controlledResources"`
}

// DefaultVPAUpdateMode only recommends: requests change when someone reads the
// recommendation and edits the release, so nothing restarts behind a reviewer's back.
const DefaultVPAUpdateMode = vpa.ModeOff

// DefaultVPAControlledResources recommends both resources a container requests.
var DefaultVPAControlledResources = []string{"cpu", "memory"}

// VPAResources lists the accepted controlledResources values.
var VPAResources = []string{"cpu", "memory"}

// Messages of the vertical autoscaling checks, exported so tests can assert on them.
const (
	MsgVPAWithCPUHPA   = "a VPA that sets CPU requests fights the CPU-based HorizontalPodAutoscaler (autoscaling), which measures utilisation against those requests: keep updateMode Off, set controlledResources to [memory], or drop autoscaling"
	MsgNeedsVPA        = "verticalAutoscaling needs the Vertical Pod Autoscaler, which platform.vpa.enabled: false turns off"
	MsgNeedsVPAUpdates = "updateMode Initial and Auto need the VPA updater and admission controller, which platform.vpa.updates: false turns off"
	MsgNoResources     = "must name at least one of cpu or memory"
)

// vpaName is the VerticalPodAutoscaler's object name: the app's.
func (n names) vpa() string { return n.app }

func defaultVerticalAutoscaling(v *VerticalAutoscaling) {
	if v == nil {
		return
	}
	if v.UpdateMode == "" {
		v.UpdateMode = DefaultVPAUpdateMode
	}
	if len(v.ControlledResources) == 0 {
		v.ControlledResources = append([]string(nil), DefaultVPAControlledResources...)
	}
}

func validateVerticalAutoscaling(p *field.Path, v *VerticalAutoscaling) field.ErrorList {
	if v == nil {
		return nil
	}
	var errs field.ErrorList
	if !slices.Contains(vpa.Modes, v.UpdateMode) {
		errs = append(errs, field.NotSupported(p.Child("updateMode"), v.UpdateMode, vpa.Modes))
	}
	if len(v.ControlledResources) == 0 {
		errs = append(errs, field.Required(p.Child("controlledResources"), MsgNoResources))
	}
	seen := map[string]bool{}
	for i, r := range v.ControlledResources {
		switch {
		case !slices.Contains(VPAResources, r):
			errs = append(errs, field.NotSupported(p.Child("controlledResources").Index(i), r, VPAResources))
		case seen[r]:
			errs = append(errs, field.Duplicate(p.Child("controlledResources").Index(i), r))
		}
		seen[r] = true
	}
	return errs
}

// appliesVPA reports whether the resolved release has the VPA change requests.
func (s *Spec) appliesVPA() bool {
	return s.VerticalAutoscaling != nil && s.VerticalAutoscaling.UpdateMode != vpa.ModeOff
}

// vpaFightsHPA reports whether the resolved release has the VPA set CPU requests while
// a CPU-based HorizontalPodAutoscaler scales on utilisation of those requests.
func (s *Spec) vpaFightsHPA() bool {
	return s.appliesVPA() && s.Autoscaling != nil && slices.Contains(s.VerticalAutoscaling.ControlledResources, "cpu")
}

// vpaPath is where a resolved release's verticalAutoscaling was set: on the
// environment's override when it has one, else on the base block.
func (s *Spec) vpaPath(p, ep *field.Path, o Override) *field.Path {
	if o.VerticalAutoscaling != nil {
		return ep.Child("verticalAutoscaling", "updateMode")
	}
	return p.Child("verticalAutoscaling", "updateMode")
}

// verticalAutoscaling is the release's VPA settings with defaults: recommendation mode
// for a release that sets none.
func (s *Spec) verticalAutoscaling() VerticalAutoscaling {
	if s.VerticalAutoscaling != nil {
		return *s.VerticalAutoscaling
	}
	return VerticalAutoscaling{UpdateMode: DefaultVPAUpdateMode, ControlledResources: DefaultVPAControlledResources}
}

// buildVerticalAutoscaler makes the VerticalPodAutoscaler when the cluster runs the
// VPA. It names the Rollout rather than waiting for it, and waits for the CRD only.
func (b *builder) buildVerticalAutoscaler() error {
	if b.a.VPAReady == nil {
		return nil
	}
	v := b.s.verticalAutoscaling()
	_, err := apiextensions.NewCustomResource(b.ctx, b.name+"-vpa", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(vpa.APIVersion),
		Kind:       pulumi.String(vpa.Kind),
		Metadata:   b.meta(b.n.vpa(), nil),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"targetRef": map[string]any{
				"apiVersion": RolloutsAPIVersion,
				"kind":       KindRollout,
				"name":       b.n.app,
			},
			"updatePolicy": map[string]any{"updateMode": v.UpdateMode},
			"resourcePolicy": map[string]any{"containerPolicies": []any{map[string]any{
				"containerName":       "*",
				"controlledResources": v.ControlledResources,
			}}},
		}},
	}, b.opts(b.a.VPAReady)...)
	if err != nil {
		return fmt.Errorf("vertical autoscaler: %w", err)
	}
	return nil
}
