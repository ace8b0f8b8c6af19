package ack

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// TestNewRejectsBadArgs: the cluster contract's errors, and nothing registered.
func TestNewRejectsBadArgs(t *testing.T) {
	other := prodSpec()
	other.Cloud = cluster.AWS
	cases := []struct {
		name string
		args *Args
		want error
	}{
		{"nil args", nil, cluster.ErrNoArgs},
		{"other cloud", &Args{Spec: other, Stack: "test", Access: testAccess}, cluster.ErrWrongCloud},
		{"no stack", &Args{Spec: prodSpec(), Access: testAccess}, cluster.ErrNoStack},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				_, err := New(ctx, "x", tc.args)
				return nil, err
			}, plan.Options{Project: "fleetform", Stack: "test"})
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if n := mon.Registrations(); n != 0 {
				t.Errorf("got %d registrations, want none", n)
			}
		})
	}
}
