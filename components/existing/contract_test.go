package existing

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// TestNewRejectsBadArgs: the cluster contract's errors, and nothing registered.
func TestNewRejectsBadArgs(t *testing.T) {
	local := cluster.Spec{Name: "x", Cloud: cluster.Existing}
	cases := []struct {
		name string
		args *Args
		want error
	}{
		{"nil args", nil, cluster.ErrNoArgs},
		{"other cloud", &Args{Spec: cluster.Spec{Name: "x", Cloud: cluster.AWS}, Stack: "test"}, cluster.ErrWrongCloud},
		{"no stack", &Args{Spec: local}, cluster.ErrNoStack},
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

func TestConnectionIsComplete(t *testing.T) {
	var conn *cluster.Connection
	_, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, "local", &Args{Spec: cluster.Spec{Name: "local", Cloud: cluster.Existing}, Stack: "dev",
			Access: cluster.Access{Groups: []cluster.Member{{Group: "shop-developers"}}}})
		if err == nil {
			conn = c.Connection()
		}
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	if conn.Provider == nil || conn.Component == nil || conn.StorageClass != cluster.DefaultExistingStorageClass || conn.Environment != "dev" {
		t.Errorf("connection %+v: want provider, component, storage class and environment set", conn)
	}
	if got := conn.Subjects["shop-developers"]; got != (cluster.Subject{Kind: cluster.SubjectGroup, Name: "shop-developers"}) {
		t.Errorf("subject = %v, want the group's own name", got)
	}
}
