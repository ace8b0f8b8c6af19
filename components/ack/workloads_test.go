package ack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/cluster/clustertest"
	"github.com/fleetform/fleetform/internal/plan"
)

// testDNSPolicy is a RAM policy a workload asks for.
const testDNSPolicy = `{"Version":"1","Statement":[{"Effect":"Allow","Action":["alidns:AddDomainRecord"],"Resource":["acs:alidns:*:*:domain/example.com"]}]}`

// testWorkloads: one workload with a RAM policy, one with an AWS policy alone.
var testWorkloads = []cluster.Workload{
	{Name: "external-dns", Namespace: "external-dns", ServiceAccount: "external-dns", AlicloudPolicy: testDNSPolicy},
	{Name: "cert-manager", Namespace: "cert-manager", ServiceAccount: "cert-manager", AWSPolicy: `{}`},
}

func TestRRSAOnTheCluster(t *testing.T) {
	rec := clustertest.Run(t, "fleetform", "test", ackCloud("Q0VSVA=="), func(ctx *pulumi.Context) error {
		c, err := New(ctx, "prod-ali", &Args{Spec: prodSpec(), Stack: "test", Access: testAccess})
		if err != nil {
			return err
		}
		conn := c.Connection()
		for _, o := range []struct {
			what string
			out  pulumi.StringOutput
			want string
		}{
			{"Connection.OIDCIssuer", conn.OIDCIssuer, testIssuer},
			{"Connection.Outputs[" + OutputOIDCProviderARN + "]", conn.Outputs[OutputOIDCProviderARN], testProviderARN},
		} {
			got, err := internals.UnsafeAwaitOutput(ctx.Context(), o.out)
			if err != nil {
				return err
			}
			if got.Value != o.want {
				t.Errorf("%s: got %v, want %s", o.what, got.Value, o.want)
			}
		}
		return nil
	})
	k := rec.ByType(TypeManagedKubernetes)["prod-ali"]
	if v := k.Inputs["enableRrsa"]; !v.IsBool() || !v.BoolValue() {
		t.Errorf("enableRrsa: got %v, want true", v)
	}
	var names []string
	for _, a := range k.Inputs["addons"].ArrayValue() {
		names = append(names, a.ObjectValue()["name"].StringValue())
	}
	if !strings.Contains(strings.Join(names, ","), AddonPodIdentityWebhook) {
		t.Errorf("addons: got %v, want %s among them", names, AddonPodIdentityWebhook)
	}
}

func TestWorkloadRoles(t *testing.T) {
	var ids map[string]cluster.WorkloadIdentity
	var dnsAnnotations internals.UnsafeAwaitOutputResult
	rec := clustertest.Run(t, "fleetform", "test", ackCloud("Q0VSVA=="), func(ctx *pulumi.Context) error {
		c, err := New(ctx, "prod-ali", &Args{Spec: prodSpec(), Stack: "test", Access: testAccess, Workloads: testWorkloads})
		if err != nil {
			return err
		}
		ids = c.Connection().Workloads
		if w, ok := ids["external-dns"]; ok {
			dnsAnnotations, err = internals.UnsafeAwaitOutput(ctx.Context(), w.Annotations)
		}
		return err
	})
	// Only the workload with a RAM policy gets a role.
	roles := rec.ByType(TypeRAMRole)
	if len(roles) != 1 || len(ids) != 1 {
		t.Fatalf("roles %v, identities %v: want one each, for external-dns", roles, ids)
	}
	role, ok := roles["prod-ali-wl-external-dns"]
	if !ok {
		t.Fatalf("roles: got %v, want prod-ali-wl-external-dns", roles)
	}
	wantName := RAMRoleName("prod-ali", "test", "external-dns")
	if got := role.Inputs["roleName"].StringValue(); got != wantName || got != "prod-ali-test-external-dns" {
		t.Errorf("roleName: got %s, want %s", got, wantName)
	}
	// The trust policy: this service account's tokens, through this cluster's provider.
	var trust struct {
		Statement []struct {
			Action    string
			Principal struct{ Federated []string }
			Condition struct{ StringEquals map[string]string }
		}
	}
	if err := json.Unmarshal([]byte(role.Inputs["assumeRolePolicyDocument"].StringValue()), &trust); err != nil {
		t.Fatalf("trust policy: %v", err)
	}
	st := trust.Statement
	if len(st) != 1 || st[0].Action != "sts:AssumeRole" || len(st[0].Principal.Federated) != 1 || st[0].Principal.Federated[0] != testProviderARN {
		t.Errorf("trust statement: got %+v, want one sts:AssumeRole for %s", st, testProviderARN)
	} else {
		want := map[string]string{"oidc:aud": RRSAAudience, "oidc:iss": testIssuer, "oidc:sub": "system:serviceaccount:external-dns:external-dns"}
		for k, v := range want {
			if st[0].Condition.StringEquals[k] != v {
				t.Errorf("condition %s: got %q, want %q", k, st[0].Condition.StringEquals[k], v)
			}
		}
	}
	pol := rec.ByType("alicloud:ram/policy:Policy")["prod-ali-wl-external-dns"]
	if pol.Inputs["policyDocument"].StringValue() != testDNSPolicy || pol.Inputs["policyName"].StringValue() != wantName {
		t.Errorf("policy: got %v", pol.Inputs)
	}
	att := rec.ByType("alicloud:ram/rolePolicyAttachment:RolePolicyAttachment")["prod-ali-wl-external-dns"]
	if att.Inputs["roleName"].StringValue() != wantName {
		t.Errorf("attachment: got %v, want role %s", att.Inputs, wantName)
	}
	// What the service account and the pods carry.
	got, _ := dnsAnnotations.Value.(map[string]string)
	if got[cluster.AnnotationRRSARoleName] != wantName || len(got) != 1 {
		t.Errorf("annotations: got %v, want %s: %s", dnsAnnotations.Value, cluster.AnnotationRRSARoleName, wantName)
	}
	if l := ids["external-dns"].PodLabels; len(l) != 1 || l[cluster.LabelRRSAInjection] != RRSAInjectionOn {
		t.Errorf("pod labels: got %v, want %s: %s", l, cluster.LabelRRSAInjection, RRSAInjectionOn)
	}
}

func TestRAMRoleName(t *testing.T) {
	for _, tc := range []struct{ cluster, stack, workload, want string }{
		{"prod-ali", "prod", "velero", "prod-ali-prod-velero"},
		{strings.Repeat("c", 40), strings.Repeat("s", 30), "external-secrets", strings.Repeat("c", 40) + "-" + strings.Repeat("s", 6) + "-external-secrets"},
	} {
		got := RAMRoleName(tc.cluster, tc.stack, tc.workload)
		if got != tc.want || len(got) > 64 {
			t.Errorf("RAMRoleName(%q, %q, %q): got %q (%d), want %q", tc.cluster, tc.stack, tc.workload, got, len(got), tc.want)
		}
	}
}

func TestBadWorkloadPolicyCreatesNothing(t *testing.T) {
	bad := []cluster.Workload{{Name: "x", Namespace: "x", ServiceAccount: "x", AlicloudPolicy: "not json"}}
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "prod-ali", &Args{Spec: prodSpec(), Stack: "test", Access: testAccess, Workloads: bad})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || !strings.Contains(err.Error(), "workloads[0].alicloudPolicy") || !strings.Contains(err.Error(), cluster.MsgWorkloadRAMPolicy) {
		t.Errorf("error: got %v, want workloads[0].alicloudPolicy: %s", err, cluster.MsgWorkloadRAMPolicy)
	}
	if n := mon.Registrations(); n != 0 {
		t.Errorf("registrations after a validation error: got %d, want 0", n)
	}
}

// TestWorkloadRolesInTheInClusterStack: a cluster stack (ClusterOnly) makes no workload
// role; the in-cluster stack's Attach makes it from the exported issuer and provider
// ARN, with the URN the one-stack build gives it.
func TestWorkloadRolesInTheInClusterStack(t *testing.T) {
	roleURN := func(rec *clustertest.Recorder) string {
		for urn, r := range rec.Registrations() {
			if r.Type == TypeRAMRole {
				return urn
			}
		}
		return ""
	}
	cloud := ackCloud("Q0VSVA==")
	full := clustertest.Run(t, "fleetform", "test", cloud, func(ctx *pulumi.Context) error {
		_, err := New(ctx, "prod-ali", &Args{Spec: prodSpec(), Stack: "test", Access: testAccess, Workloads: testWorkloads})
		return err
	})
	clusterOnly := clustertest.Run(t, "fleetform", "test", cloud, func(ctx *pulumi.Context) error {
		_, err := New(ctx, "prod-ali", &Args{Spec: prodSpec(), Stack: "test", Access: testAccess, Workloads: testWorkloads, ClusterOnly: true})
		return err
	})
	if u := roleURN(clusterOnly); u != "" {
		t.Errorf("cluster stack: got role %s, want none (the in-cluster stack makes it)", u)
	}
	var annotations internals.UnsafeAwaitOutputResult
	attached := clustertest.Run(t, "fleetform", "test", cloud, func(ctx *pulumi.Context) error {
		r := cluster.Remote{
			Contract: cluster.Contract{Version: cluster.ContractVersion, Name: "prod-ali", Cloud: cluster.Alicloud, Region: "cn-hangzhou", Stack: "test", Environment: "prod"},
			Outputs: pulumi.StringMap{
				cluster.OutputClusterName: pulumi.String("prod-ali-test"), cluster.OutputClusterIdentifier: pulumi.String("prod-ali-id"),
				cluster.OutputOIDCIssuer: pulumi.String(testIssuer), OutputOIDCProviderARN: pulumi.String(testProviderARN),
			}.ToStringMapOutput(),
			Kubeconfig: pulumi.ToSecret(pulumi.String("apiVersion: v1")).(pulumi.StringOutput),
		}
		c, err := Attach(ctx, "prod-ali", &AttachArgs{Remote: r, Workloads: testWorkloads})
		if err != nil {
			return err
		}
		annotations, err = internals.UnsafeAwaitOutput(ctx.Context(), c.Connection().Workloads["external-dns"].Annotations)
		return err
	})
	if got, want := roleURN(attached), roleURN(full); got == "" || got != want {
		t.Errorf("attach role URN: got %q, want the one-stack URN %q", got, want)
	}
	for _, r := range attached.ByType(TypeRAMRole) {
		doc := r.Inputs["assumeRolePolicyDocument"].StringValue()
		if !strings.Contains(doc, testIssuer) || !strings.Contains(doc, testProviderARN) {
			t.Errorf("attach trust policy: got %s, want the exported issuer and provider", doc)
		}
	}
	if got, _ := annotations.Value.(map[string]string); got[cluster.AnnotationRRSARoleName] != "prod-ali-test-external-dns" {
		t.Errorf("attach annotations: got %v", annotations.Value)
	}
}
