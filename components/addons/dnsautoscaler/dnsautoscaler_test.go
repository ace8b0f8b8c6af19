package dnsautoscaler

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
)

func TestNewRefuses(t *testing.T) {
	ns := pulumi.String(Namespace)
	good := Linear{CoresPerReplica: 256, NodesPerReplica: 16, Min: 2}
	cases := []struct {
		name string
		args *Args
		want error
	}{
		{"no args", nil, ErrNamespaceRequired},
		{"no namespace", &Args{Linear: good}, ErrNamespaceRequired},
		{"zero cores per replica", &Args{Namespace: ns, Linear: Linear{NodesPerReplica: 16, Min: 2}}, ErrLinear},
		{"max below min", &Args{Namespace: ns, Linear: Linear{CoresPerReplica: 256, NodesPerReplica: 16, Min: 3, Max: 2}}, ErrLinear},
		{"valid", &Args{Namespace: ns, Linear: good}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := New(ctx, "c1-dns-autoscaler", tc.args)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if !errors.Is(err, tc.want) {
				t.Errorf("New: got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestValuesOmitAnUnboundedMax(t *testing.T) {
	linear := func(l Linear) map[string]any {
		return Values(&Args{Linear: l})["config"].(map[string]any)["linear"].(map[string]any)
	}
	if _, ok := linear(Linear{CoresPerReplica: 1, NodesPerReplica: 1, Min: 1})["max"]; ok {
		t.Error("max 0 is passed to the autoscaler; want it left out (no bound)")
	}
	if got := linear(Linear{CoresPerReplica: 1, NodesPerReplica: 1, Min: 1, Max: 9})["max"]; got != 9 {
		t.Errorf("max = %v, want 9", got)
	}
	v := Values(&Args{})
	if v["fullnameOverride"] != ReleaseName {
		t.Errorf("fullnameOverride = %v, want %s (the ConfigMap and Role names)", v["fullnameOverride"], ReleaseName)
	}
}
