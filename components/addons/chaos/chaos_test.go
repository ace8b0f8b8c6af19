package chaos

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/internal/plan"
)

func TestValues(t *testing.T) {
	for _, prod := range []bool{false, true} {
		v := Values(&Args{Runtime: "crio", SocketPath: "/var/run/crio/crio.sock", Production: prod})
		cm := v["controllerManager"].(map[string]any)
		if cm["enableFilterNamespace"] != true {
			t.Errorf("prod=%v: enableFilterNamespace = %v, want true (experiments only in annotated namespaces)", prod, cm["enableFilterNamespace"])
		}
		if want := map[bool]int{false: 1, true: 3}[prod]; cm["replicaCount"] != want {
			t.Errorf("prod=%v: replicaCount = %v, want %d", prod, cm["replicaCount"], want)
		}
		d := v["chaosDaemon"].(map[string]any)
		if d["runtime"] != "crio" || d["socketPath"] != "/var/run/crio/crio.sock" {
			t.Errorf("prod=%v: daemon runtime %v at %v, want crio at its socket", prod, d["runtime"], d["socketPath"])
		}
		if !reflect.DeepEqual(d["tolerations"], []any{map[string]any{"operator": "Exists"}}) {
			t.Errorf("prod=%v: daemon tolerations = %v, want every taint", prod, d["tolerations"])
		}
		for _, k := range []string{"dashboard", "dnsServer"} {
			if !reflect.DeepEqual(v[k], map[string]any{"create": false}) {
				t.Errorf("prod=%v: %s = %v, want off", prod, k, v[k])
			}
		}
	}
}

func TestNew(t *testing.T) {
	cases := []struct {
		name     string
		args     *Args
		want     error
		monitors int
	}{
		{"no args", nil, ErrNamespaceRequired, 0},
		{"no namespace", &Args{}, ErrNamespaceRequired, 0},
		{"unknown runtime", &Args{Namespace: pulumi.String(Namespace), Runtime: "rkt", SocketPath: "/x"}, ErrRuntime, 0},
		{"defaults, no monitoring", &Args{Namespace: pulumi.String(Namespace)}, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := New(ctx, "c1-chaos", tc.args)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if !errors.Is(err, tc.want) {
				t.Fatalf("New: got %v, want %v", err, tc.want)
			}
			if tc.want != nil {
				if p != nil && len(p.Resources) > 0 {
					t.Errorf("New registered %d resources before refusing", len(p.Resources))
				}
				return
			}
			var rel *plan.Resource
			for i, r := range p.Resources {
				if r.Type == "kubernetes:helm.sh/v3:Release" {
					rel = &p.Resources[i]
				}
			}
			if rel == nil || rel.Inputs["chart"] != "chaos-mesh" || rel.Inputs["version"] != "2.8.3" {
				t.Fatalf("no chaos-mesh 2.8.3 release in %v", p.Resources)
			}
			d := rel.Inputs["values"].(map[string]any)["chaosDaemon"].(map[string]any)
			if d["runtime"] != DefaultRuntime || d["socketPath"] != DefaultSocketPath {
				t.Errorf("daemon runtime %v at %v, want the containerd default", d["runtime"], d["socketPath"])
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := func() Experiment {
		return Experiment{Name: "kill", Action: ActionPodKill, Schedule: "*/30 * * * *", Environments: []string{"qa"}}
	}
	envs := []string{"qa", "e2e"}
	cases := []struct {
		name   string
		mutate func(e *Experiment)
		field  string
		detail string
	}{
		{"valid pod-kill", func(e *Experiment) {}, "", ""},
		{"valid network delay", func(e *Experiment) {
			e.Action, e.Duration, e.NetworkDelay = ActionNetworkDelay, "2m", &NetworkDelay{Latency: "150ms", Jitter: "20ms"}
		}, "", ""},
		{"valid cpu stress by percent", func(e *Experiment) {
			e.Action, e.Mode, e.Value, e.CPUStress = ActionCPUStress, "fixed-percent", "50", &CPUStress{Workers: 2, Load: 80}
		}, "", ""},
		{"name", func(e *Experiment) { e.Name = "Kill_One" }, "chaos[0].name", MsgExpName},
		{"action", func(e *Experiment) { e.Action = "disk-fill" }, "chaos[0].action", "supported values"},
		{"schedule", func(e *Experiment) { e.Schedule = "every half hour" }, "chaos[0].schedule", MsgSchedule},
		{"no environments", func(e *Experiment) { e.Environments = nil }, "chaos[0].environments", MsgEnvironments},
		{"unknown environment", func(e *Experiment) { e.Environments = []string{"qa", "prod"} }, "chaos[0].environments[1]", "Not found"},
		{"mode", func(e *Experiment) { e.Mode = "half" }, "chaos[0].mode", "supported values"},
		{"value with one", func(e *Experiment) { e.Value = "2" }, "chaos[0].value", MsgValue},
		{"percent out of range", func(e *Experiment) { e.Mode, e.Value = "random-max-percent", "150" }, "chaos[0].value", MsgValue},
		{"fixed without a count", func(e *Experiment) { e.Mode = "fixed" }, "chaos[0].value", MsgValue},
		{"duration on pod-kill", func(e *Experiment) { e.Duration = "1m" }, "chaos[0].duration", MsgPodKillTime},
		{"bad duration", func(e *Experiment) {
			e.Action, e.Duration, e.NetworkDelay = ActionNetworkDelay, "-1s", &NetworkDelay{Latency: "1ms"}
		}, "chaos[0].duration", MsgDuration},
		{"delay without latency", func(e *Experiment) { e.Action = ActionNetworkDelay }, "chaos[0].networkDelay.latency", MsgLatency},
		{"bad jitter", func(e *Experiment) {
			e.Action, e.NetworkDelay = ActionNetworkDelay, &NetworkDelay{Latency: "1ms", Jitter: "lots"}
		}, "chaos[0].networkDelay.jitter", MsgLatency},
		{"another action's block", func(e *Experiment) { e.CPUStress = &CPUStress{Workers: 1} }, "chaos[0].cpuStress", MsgWrongBlock},
		{"workers", func(e *Experiment) { e.Action, e.CPUStress = ActionCPUStress, &CPUStress{Workers: 100} }, "chaos[0].cpuStress.workers", MsgWorkers},
		{"load", func(e *Experiment) { e.Action, e.CPUStress = ActionCPUStress, &CPUStress{Load: 101} }, "chaos[0].cpuStress.load", MsgLoad},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := ok()
			tc.mutate(&e)
			errs := Validate(field.NewPath("chaos"), []Experiment{e}, envs)
			if tc.field == "" {
				if len(errs) > 0 {
					t.Fatalf("want valid, got %v", errs)
				}
				return
			}
			for _, err := range errs {
				if err.Field == tc.field && strings.Contains(err.Error(), tc.detail) {
					return
				}
			}
			t.Errorf("want %s: %q, got %v", tc.field, tc.detail, errs)
		})
	}
	t.Run("duplicate names, and every problem at once", func(t *testing.T) {
		a, b := ok(), ok()
		b.Schedule = "nope"
		errs := Validate(field.NewPath("chaos"), []Experiment{a, b}, envs)
		if len(errs) != 2 || errs[0].Field != "chaos[1].name" || errs[1].Field != "chaos[1].schedule" {
			t.Errorf("want chaos[1].name and chaos[1].schedule, got %v", errs)
		}
	})
	t.Run("a resolved release (no environments of its own) checks no names", func(t *testing.T) {
		if errs := Validate(field.NewPath("chaos"), []Experiment{ok()}, nil); len(errs) != 0 {
			t.Errorf("want valid, got %v", errs)
		}
	})
}

func TestRunsIn(t *testing.T) {
	exps := []Experiment{{Name: "a", Environments: []string{"qa"}}, {Name: "b", Environments: []string{"qa", "e2e"}}}
	if got := RunsIn(exps, "e2e"); len(got) != 1 || got[0].Name != "b" {
		t.Errorf("RunsIn(e2e) = %v, want b", got)
	}
	if got := RunsIn(exps, "prod"); len(got) != 0 {
		t.Errorf("RunsIn(prod) = %v, want none", got)
	}
}

func TestScheduleSpec(t *testing.T) {
	sel := map[string]string{"app.kubernetes.io/name": "shop"}
	selector := map[string]any{"namespaces": []any{"qa"}, "labelSelectors": map[string]any{"app.kubernetes.io/name": "shop"}}
	cases := []struct {
		name string
		e    Experiment
		typ  string
		key  string
		want map[string]any
	}{
		{"pod-kill", Experiment{Name: "k", Action: ActionPodKill, Schedule: "@hourly"}, "PodChaos", "podChaos",
			map[string]any{"action": "pod-kill", "mode": "one", "selector": selector}},
		{"network-delay", Experiment{Name: "d", Action: ActionNetworkDelay, Schedule: "@hourly", NetworkDelay: &NetworkDelay{Latency: "150ms", Jitter: "20ms"}},
			"NetworkChaos", "networkChaos",
			map[string]any{"action": "delay", "mode": "one", "selector": selector, "direction": "to", "duration": "60s",
				"delay": map[string]any{"latency": "150ms", "jitter": "20ms"}}},
		{"cpu-stress", Experiment{Name: "c", Action: ActionCPUStress, Schedule: "@hourly", Mode: "fixed", Value: "2", Duration: "5m"},
			"StressChaos", "stressChaos",
			map[string]any{"mode": "fixed", "value": "2", "selector": selector, "duration": "5m",
				"stressors": map[string]any{"cpu": map[string]any{"workers": 1, "load": 80}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := ScheduleSpec(tc.e, "qa", sel)
			if err != nil {
				t.Fatal(err)
			}
			if spec["type"] != tc.typ || spec["schedule"] != "@hourly" || spec["concurrencyPolicy"] != "Forbid" || spec["historyLimit"] != HistoryLimit {
				t.Errorf("schedule fields = %v", spec)
			}
			if !reflect.DeepEqual(spec[tc.key], tc.want) {
				t.Errorf("%s = %v\nwant %v", tc.key, spec[tc.key], tc.want)
			}
		})
	}
	if _, err := ScheduleSpec(Experiment{Name: "x", Action: "disk-fill"}, "qa", sel); err == nil {
		t.Error("an unknown action made a spec")
	}
}
