package falco

import (
	"errors"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
)

func TestValues(t *testing.T) {
	cases := []struct {
		name     string
		args     Args
		sidekick map[string]any
	}{
		{"no Alertmanager: no Falcosidekick", Args{MinimumPriority: PriorityWarning}, map[string]any{"enabled": false}},
		{"alerts to Alertmanager, info spelled as Falcosidekick spells it",
			Args{MinimumPriority: PriorityInfo, AlertmanagerURL: "http://am.monitoring.svc:9093"},
			map[string]any{"enabled": true, "config": map[string]any{"alertmanager": map[string]any{
				"hostport": "http://am.monitoring.svc:9093", "endpoint": "/api/v2/alerts", "minimumpriority": "informational",
			}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := Values(&tc.args)
			if got := v["falcosidekick"]; !reflect.DeepEqual(got, tc.sidekick) {
				t.Errorf("falcosidekick = %v, want %v", got, tc.sidekick)
			}
			if got := v["falco"]; !reflect.DeepEqual(got, map[string]any{"priority": tc.args.MinimumPriority}) {
				t.Errorf("falco = %v, want priority %s", got, tc.args.MinimumPriority)
			}
			if got := v["driver"]; !reflect.DeepEqual(got, map[string]any{"kind": "modern_ebpf"}) {
				t.Errorf("driver = %v, want modern_ebpf", got)
			}
			if got := v["tolerations"]; !reflect.DeepEqual(got, []any{map[string]any{"operator": "Exists"}}) {
				t.Errorf("tolerations = %v, want every taint tolerated", got)
			}
			if got := v["metrics"]; !reflect.DeepEqual(got, map[string]any{"enabled": true}) {
				t.Errorf("metrics = %v, want enabled (the falco-metrics Service)", got)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	cases := []struct {
		name string
		args *Args
		want error
	}{
		{"no args", nil, ErrNamespaceRequired},
		{"no namespace", &Args{MinimumPriority: PriorityWarning}, ErrNamespaceRequired},
		{"unknown priority", &Args{Namespace: pulumi.String(Namespace), MinimumPriority: "severe"}, ErrPriority},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := New(ctx, "c1-falco", tc.args)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if !errors.Is(err, tc.want) {
				t.Errorf("New: got %v, want %v", err, tc.want)
			}
			if p != nil && len(p.Resources) > 0 {
				t.Errorf("New registered %d resources before refusing", len(p.Resources))
			}
		})
	}
}
