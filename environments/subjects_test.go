package environments

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

// planWithSubjects builds qa with the given subjects on one mocked cluster.
func planWithSubjects(subjects map[string]cluster.Subject) (*plan.Plan, *plan.Monitor, error) {
	qa := qaAndProd()[0]
	return plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		prov, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{})
		if err != nil {
			return nil, err
		}
		_, err = New(ctx, qa.name, &Args{Spec: qa.spec, Stack: "test", Provider: prov, Subjects: subjects})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
}

func TestAccessUsesEachCloudsSubject(t *testing.T) {
	cases := []struct {
		name     string
		subjects map[string]cluster.Subject
		want     map[string][2]string // binding → kind, name of its one subject
	}{
		{"AKS: Entra ID object IDs as groups", map[string]cluster.Subject{
			"shop-developers":    {Kind: cluster.SubjectGroup, Name: "8a1f0c2e-7b3d-4c5a-8e9f-0a1b2c3d4e5f"},
			"platform-operators": {Kind: cluster.SubjectGroup, Name: "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"},
		}, map[string][2]string{
			"access-edit":  {"Group", "8a1f0c2e-7b3d-4c5a-8e9f-0a1b2c3d4e5f"},
			"access-admin": {"Group", "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"},
		}},
		{"ACK: RAM IDs as users", map[string]cluster.Subject{
			"shop-developers":    {Kind: cluster.SubjectUser, Name: "200000000000000002"},
			"platform-operators": {Kind: cluster.SubjectUser, Name: "200000000000000003"},
		}, map[string][2]string{
			"access-edit":  {"User", "200000000000000002"},
			"access-admin": {"User", "200000000000000003"},
		}},
		{"no subjects: group names", nil, map[string][2]string{
			"access-edit":  {"Group", "shop-developers"},
			"access-admin": {"Group", "platform-operators"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _, err := planWithSubjects(tc.subjects)
			if err != nil {
				t.Fatal(err)
			}
			for binding, want := range tc.want {
				rb := child(t, p, "c1-qa", typeRoleBinding, binding)
				subjects, _ := get(rb.Inputs, "subjects").([]any)
				if len(subjects) != 1 || str(subjects[0], "kind") != want[0] || str(subjects[0], "name") != want[1] ||
					str(subjects[0], "apiGroup") != "rbac.authorization.k8s.io" {
					t.Errorf("%s subjects %v, want one %s %s", binding, subjects, want[0], want[1])
				}
			}
		})
	}
}

func TestAccessGroupWithoutSubjectRegistersNothing(t *testing.T) {
	_, mon, err := planWithSubjects(map[string]cluster.Subject{"shop-developers": {Kind: cluster.SubjectGroup, Name: "x"}})
	if err == nil || !strings.Contains(err.Error(), "environment.access[1].group") || !strings.Contains(err.Error(), MsgNoSubject) {
		t.Fatalf("err = %v, want %q at environment.access[1].group", err, MsgNoSubject)
	}
	if n := mon.Registrations(); n != 1 { // the test's own provider
		t.Errorf("%d registrations, want only the test's provider", n)
	}
}
