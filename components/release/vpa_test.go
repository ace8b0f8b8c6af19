package release

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/plan"
)

const typeVPA = "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler"

func vertical(mode string, resources ...string) *VerticalAutoscaling {
	v := &VerticalAutoscaling{UpdateMode: mode, ControlledResources: resources}
	defaultVerticalAutoscaling(v)
	return v
}

// TestValidateVerticalAutoscaling: applying VPA recommendations next to a CPU-based
// HPA is refused where it is set; memory only, Off, or no HPA are accepted.
func TestValidateVerticalAutoscaling(t *testing.T) {
	type problem struct{ path, detail string }
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   []problem
	}{
		{"default: no block", func(*Spec) {}, nil},
		{"Off next to the HPA", func(s *Spec) { s.VerticalAutoscaling = vertical("Off") }, nil},
		{"Auto next to the CPU HPA, set on the base", func(s *Spec) { s.VerticalAutoscaling = vertical("Auto") },
			[]problem{{"r.verticalAutoscaling.updateMode", MsgVPAWithCPUHPA}, {"r.verticalAutoscaling.updateMode", MsgVPAWithCPUHPA}}},
		{"Initial next to the CPU HPA, set on one environment", func(s *Spec) {
			s.Environments["prod"] = Override{VerticalAutoscaling: vertical("Initial")}
		}, []problem{{"r.environments[prod].verticalAutoscaling.updateMode", MsgVPAWithCPUHPA}}},
		{"Auto on memory only next to the CPU HPA", func(s *Spec) { s.VerticalAutoscaling = vertical("Auto", "memory") }, nil},
		{"Auto without an HPA", func(s *Spec) { s.Autoscaling, s.VerticalAutoscaling = nil, vertical("Auto") }, nil},
		{"Auto where one environment drops the HPA is still refused in the other", func(s *Spec) {
			s.VerticalAutoscaling = vertical("Auto")
			s.Autoscaling = nil
			s.Environments["prod"] = Override{Autoscaling: &Autoscaling{MinReplicas: 2, MaxReplicas: 4, TargetCPUPercent: 70}}
		}, []problem{{"r.verticalAutoscaling.updateMode", MsgVPAWithCPUHPA}}},
		{"unknown mode and resource", func(s *Spec) {
			s.Autoscaling = nil
			s.VerticalAutoscaling = &VerticalAutoscaling{UpdateMode: "Recreate", ControlledResources: []string{"cpu", "gpu", "cpu"}}
		}, []problem{
			{"r.verticalAutoscaling.updateMode", `Unsupported value: "Recreate": supported values: "Off", "Initial", "Auto"`},
			{"r.verticalAutoscaling.controlledResources[1]", `Unsupported value: "gpu": supported values: "cpu", "memory"`},
			{"r.verticalAutoscaling.controlledResources[2]", `Duplicate value: "cpu"`},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := validSpec()
			tc.mutate(&s)
			var got []problem
			for _, e := range s.Validate(field.NewPath("r"), testTiers) {
				if strings.Contains(e.Field, "verticalAutoscaling") {
					d := e.Detail
					if e.Type == field.ErrorTypeNotSupported || e.Type == field.ErrorTypeDuplicate {
						d = e.ErrorBody()
					}
					got = append(got, problem{e.Field, d})
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestValidatePlatformVPA(t *testing.T) {
	s := validSpec()
	s.Autoscaling = nil
	s.Environments["prod"] = Override{VerticalAutoscaling: vertical("Auto")}
	cases := []struct {
		pf   Platform
		want []string
	}{
		{Platform{Rollouts: true, Ingress: true, Prometheus: true, VPA: true, VPAUpdates: true}, nil},
		{Platform{Rollouts: true, Ingress: true, Prometheus: true}, []string{"r.environments[prod].verticalAutoscaling.updateMode: " + MsgNeedsVPA}},
		{Platform{Rollouts: true, Ingress: true, Prometheus: true, VPA: true}, []string{"r.environments[prod].verticalAutoscaling.updateMode: " + MsgNeedsVPAUpdates}},
	}
	for _, tc := range cases {
		var got []string
		for _, e := range s.ValidatePlatform(field.NewPath("r"), tc.pf) {
			got = append(got, e.Field+": "+e.Detail)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("platform %+v: got %v, want %v", tc.pf, got, tc.want)
		}
	}
}

// runWithVPA plans one release on a cluster whose VPA install is a marker ConfigMap.
func runWithVPA(t *testing.T, args *Args, updates bool) (*plan.Plan, error) {
	t.Helper()
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return nil, err
		}
		m, err := corev1.NewConfigMap(ctx, "marker-vpa", &corev1.ConfigMapArgs{}, pulumi.Provider(prov))
		if err != nil {
			return nil, err
		}
		args.VPAReady, args.VPAUpdates = m, updates
		_, err = New(ctx, args.Spec.Name+"-"+args.Namespace, args, pulumi.Provider(prov))
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	return p, err
}

func TestVerticalAutoscalerTargetsRollout(t *testing.T) {
	cases := []struct {
		name      string
		spec      func() Spec
		mode      string
		resources []any
	}{
		{"recommendations by default", func() Spec { return canarySpec("storefront") }, "Off", []any{"cpu", "memory"}},
		{"Auto without an HPA", func() Spec {
			s := canarySpec("storefront")
			s.Autoscaling, s.VerticalAutoscaling = nil, vertical("Auto")
			return s
		}, "Auto", []any{"cpu", "memory"}},
		{"Auto on memory next to the HPA", func() Spec {
			s := canarySpec("storefront")
			s.VerticalAutoscaling = vertical("Auto", "memory")
			return s
		}, "Auto", []any{"memory"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := runWithVPA(t, testArgs(tc.spec(), "prod"), true)
			if err != nil {
				t.Fatal(err)
			}
			v, ro := one(t, p, typeVPA), one(t, p, typeRollout)
			want := map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": get(t, ro.Inputs, "metadata", "name")}
			if ref := get(t, v.Inputs, "spec", "targetRef"); !reflect.DeepEqual(ref, want) {
				t.Errorf("targetRef = %v, want %v", ref, want)
			}
			if got := get(t, v.Inputs, "spec", "updatePolicy", "updateMode"); got != tc.mode {
				t.Errorf("updateMode = %v, want %s", got, tc.mode)
			}
			pol := get(t, v.Inputs, "spec", "resourcePolicy", "containerPolicies").([]any)[0].(map[string]any)
			if !reflect.DeepEqual(pol["controlledResources"], tc.resources) {
				t.Errorf("controlledResources = %v, want %v", pol["controlledResources"], tc.resources)
			}
			marker := ""
			for _, cm := range p.ByType("kubernetes:core/v1:ConfigMap") {
				if cm.Name == "marker-vpa" {
					marker = cm.URN
				}
			}
			if marker == "" || !slices.Contains(v.Dependencies, marker) || slices.Contains(v.Dependencies, ro.URN) {
				t.Errorf("VPA dependencies %v: want the VPA install %q and not the Rollout", v.Dependencies, marker)
			}
		})
	}
}

func TestNoVPAWithoutTheAddon(t *testing.T) {
	p := runRelease(t, testArgs(canarySpec("storefront"), "prod"))
	if n := len(p.ByType(typeVPA)); n != 0 {
		t.Errorf("got %d VerticalPodAutoscalers on a cluster without the VPA, want 0", n)
	}
	s := canarySpec("storefront")
	s.Autoscaling, s.VerticalAutoscaling = nil, vertical("Auto")
	if _, err := runReleaseE(testArgs(s, "prod")); err == nil || !strings.Contains(err.Error(), MsgNeedsVPAUpdates) {
		t.Errorf("Auto without the VPA: err = %v, want %q", err, MsgNeedsVPAUpdates)
	}
	if _, err := runWithVPA(t, testArgs(s, "prod"), false); err == nil || !strings.Contains(err.Error(), MsgNeedsVPAUpdates) {
		t.Errorf("Auto with a recommender-only VPA: err = %v, want %q", err, MsgNeedsVPAUpdates)
	}
	s = canarySpec("storefront")
	s.VerticalAutoscaling = vertical("Auto")
	if _, err := runWithVPA(t, testArgs(s, "prod"), true); err == nil || !strings.Contains(err.Error(), MsgVPAWithCPUHPA) {
		t.Errorf("Auto next to the CPU HPA: err = %v, want %q", err, MsgVPAWithCPUHPA)
	}
}
