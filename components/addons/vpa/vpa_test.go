package vpa

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
)

func TestValues(t *testing.T) {
	for _, updates := range []bool{true, false} {
		v := Values(&Args{Updates: updates})
		for _, c := range []string{"updater", "admissionController"} {
			if got := v[c].(map[string]any)["enabled"]; got != updates {
				t.Errorf("updates=%v: %s.enabled = %v, want %v", updates, c, got, updates)
			}
		}
		if got := v["recommender"]; !reflect.DeepEqual(got, map[string]any{"enabled": true}) {
			t.Errorf("recommender = %v, want enabled", got)
		}
	}
}

func TestNewNeedsANamespace(t *testing.T) {
	_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "c1-vpa", &Args{})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || !strings.Contains(err.Error(), MsgNamespaceRequired) {
		t.Errorf("New without a namespace: got %v, want %q", err, MsgNamespaceRequired)
	}
}
