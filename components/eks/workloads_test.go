package eks

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

func TestWorkloadGetsItsOwnIRSARole(t *testing.T) {
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	ws := []cluster.Workload{
		{Name: "external-secrets", Namespace: "external-secrets", ServiceAccount: "external-secrets", AWSPolicy: policy},
		{Name: "azure-only", Namespace: "x", ServiceAccount: "x", AzureRoles: []cluster.AzureRoleAssignment{{RoleDefinitionID: "r", Scope: "/s"}}},
	}
	var conn *cluster.Connection
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		c, err := New(ctx, "dev", &Args{Spec: *devSpec("dev"), Stack: testStack, Access: testAccess, Workloads: ws})
		if err != nil {
			return nil, err
		}
		conn = c.Connection()
		return nil, nil
	}, plan.Options{Project: "fleetform", Stack: testStack})
	if err != nil {
		t.Fatal(err)
	}
	role := one(t, p, "aws:iam/role:Role", "dev-wl-external-secrets")
	// The trust policy names the OIDC provider, which exists only once deployed; its
	// subject is IRSATrustPolicy's (tested in TestPureHelpers) for the account below.
	if role.Inputs["assumeRolePolicy"] != plan.Unknown {
		t.Errorf("trust policy = %v, want it computed from the OIDC provider", role.Inputs["assumeRolePolicy"])
	}
	if !strings.Contains(IRSATrustPolicy("arn:aws:iam::1:oidc-provider/x", "https://x", ws[0].Namespace, ws[0].ServiceAccount),
		`"x:sub":"system:serviceaccount:external-secrets:external-secrets"`) {
		t.Error("the trust policy does not bind the operator's service account")
	}
	rp := one(t, p, "aws:iam/rolePolicy:RolePolicy", "dev-wl-external-secrets")
	if rp.Inputs["policy"] != policy {
		t.Errorf("inline policy = %v", rp.Inputs["policy"])
	}
	for _, r := range p.ByType("aws:iam/role:Role") {
		if r.Name == "dev-wl-azure-only" {
			t.Error("a workload with no AWS policy got a role")
		}
	}
	if _, ok := conn.Workloads["external-secrets"]; !ok || len(conn.Workloads) != 1 {
		t.Errorf("connection workloads = %v, want the one with a role", conn.Workloads)
	}
}

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
