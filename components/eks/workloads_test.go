package eks

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

func TestBadWorkloadRegistersNothing(t *testing.T) {
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "dev", &Args{Spec: *devSpec("dev"), Stack: testStack, Access: testAccess,
			Workloads: []cluster.Workload{{Name: "Bad_Name", AWSPolicy: "{not json"}}})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err == nil {
		t.Fatal("a malformed workload was accepted")
	}
	for _, f := range []string{"workloads[0].name", "workloads[0].namespace", "workloads[0].serviceAccount", "workloads[0].awsPolicy"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not name %s", err, f)
		}
	}
	if n := mon.Registrations(); n != 0 {
		t.Errorf("%d resources registered before the error, want 0", n)
	}
}
