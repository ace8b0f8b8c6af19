package cluster

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidateWorkloads(t *testing.T) {
	ok := Workload{Name: "external-dns", Namespace: "external-dns", ServiceAccount: "external-dns",
		AWSPolicy: `{"Version":"2012-10-17"}`, AlicloudPolicy: `{"Version":"1"}`}
	for _, tc := range []struct {
		name string
		ws   []Workload
		want []string // "field: message" fragments, all reported at once
	}{
		{"valid on every cloud", []Workload{ok}, nil},
		{"RAM policy not JSON", []Workload{func() Workload { w := ok; w.AlicloudPolicy = "allow all"; return w }()},
			[]string{"workloads[0].alicloudPolicy: Invalid value: \"<policy>\": " + MsgWorkloadRAMPolicy}},
		{"every problem at once", []Workload{{Name: "Bad_Name", AWSPolicy: "{", AlicloudPolicy: "{"}},
			[]string{"workloads[0].name", "workloads[0].namespace", "workloads[0].serviceAccount", "workloads[0].awsPolicy", "workloads[0].alicloudPolicy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := ValidateWorkloads(field.NewPath("workloads"), tc.ws)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(tc.want))
			}
			got := errs.ToAggregate()
			for _, w := range tc.want {
				if !strings.Contains(got.Error(), w) {
					t.Errorf("errors %q do not contain %q", got, w)
				}
			}
		})
	}
}

func TestCloneWorkloadsKeepsTheRAMPolicy(t *testing.T) {
	in := []Workload{{Name: "a", AlicloudPolicy: `{"Version":"1"}`, AzureRoles: []AzureRoleAssignment{{RoleDefinitionID: "r", Scope: "s"}}}}
	out := CloneWorkloads(in)
	out[0].AzureRoles[0].Scope = "changed"
	if out[0].AlicloudPolicy != in[0].AlicloudPolicy || in[0].AzureRoles[0].Scope != "s" {
		t.Errorf("clone: got %+v from %+v", out, in)
	}
}
