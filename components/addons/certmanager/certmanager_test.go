package certmanager

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	issuerType = "kubernetes:cert-manager.io/v1:ClusterIssuer"
	certType   = "kubernetes:cert-manager.io/v1:Certificate"
	relType    = "kubernetes:helm.sh/v3:Release"
	zoneA      = "/subscriptions/0000/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com"
	zoneB      = "/subscriptions/0000/resourceGroups/dns/providers/Microsoft.Network/dnsZones/Shop.Example.NET"
)

func azureZones(t *testing.T, ids ...string) []cluster.AzureDNSZone {
	t.Helper()
	var out []cluster.AzureDNSZone
	for _, id := range ids {
		z, ok := cluster.ParseAzureDNSZone(id)
		if !ok {
			t.Fatalf("ParseAzureDNSZone(%q) failed", id)
		}
		out = append(out, z)
	}
	return out
}

func dig(m any, path ...string) any {
	for _, k := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

func TestAWSPolicyOnlyTheStackZones(t *testing.T) {
	var doc struct {
		Statement []struct {
			Sid       string
			Action    any
			Resource  any
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal([]byte(AWSPolicy("cn-north-1", []string{"Z1AAAA", "Z2BBBB"})), &doc); err != nil {
		t.Fatal(err)
	}
	byID := map[string]int{}
	for i, s := range doc.Statement {
		byID[s.Sid] = i
	}
	write := doc.Statement[byID["ChallengeRecords"]]
	want := []any{"arn:aws-cn:route53:::hostedzone/Z1AAAA", "arn:aws-cn:route53:::hostedzone/Z2BBBB"}
	if !reflect.DeepEqual(write.Resource, want) {
		t.Errorf("records statement on %v, want only the stack's zones in the China partition %v", write.Resource, want)
	}
	if got := write.Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"]; !reflect.DeepEqual(got, []string{"TXT"}) {
		t.Errorf("record types = %v, want TXT only", got)
	}
	if got := write.Condition["ForAllValues:StringLike"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"]; !reflect.DeepEqual(got, []string{"_acme-challenge.*"}) {
		t.Errorf("record names = %v, want challenge records only", got)
	}
	if got := doc.Statement[byID["FollowChanges"]].Resource; got != "arn:aws-cn:route53:::change/*" {
		t.Errorf("GetChange on %v", got)
	}
	if got := doc.Statement[byID["FindZones"]].Action; got != "route53:ListHostedZonesByName" {
		t.Errorf("the account-wide statement allows %v, want ListHostedZonesByName only", got)
	}
	if len(doc.Statement) != 3 {
		t.Errorf("%d statements, want 3", len(doc.Statement))
	}
}

func TestWorkloadPerSolver(t *testing.T) {
	cases := []struct {
		name   string
		issuer Issuer
		aws    bool
		scopes []string // Azure role scopes
	}{
		{"route53: an IRSA role", Issuer{Solver: SolverRoute53, Region: "us-east-1", HostedZoneIDs: []string{"Z1"}}, true, nil},
		{"azure: DNS Zone Contributor on each zone", Issuer{Solver: SolverAzureDNS, AzureZones: azureZones(t, zoneA, zoneB)}, false, []string{zoneA, zoneB}},
		{"http01: none", Issuer{Solver: SolverHTTP01, HTTP01: HTTP01{IngressClass: "nginx"}}, false, nil},
		{"ca: none", Issuer{Solver: SolverCA}, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := Workload(tc.issuer)
			if (w != nil) != (tc.aws || len(tc.scopes) > 0) {
				t.Fatalf("workload = %+v", w)
			}
			if w == nil {
				return
			}
			if w.Namespace != Namespace || w.ServiceAccount != ServiceAccount || w.Name != WorkloadName {
				t.Errorf("bound to %s/%s as %s", w.Namespace, w.ServiceAccount, w.Name)
			}
			if (w.AWSPolicy != "") != tc.aws {
				t.Errorf("AWS policy %q, want one: %v", w.AWSPolicy, tc.aws)
			}
			var scopes []string
			for _, r := range w.AzureRoles {
				if r.RoleDefinitionID != DNSZoneContributorRole {
					t.Errorf("role %s, want DNS Zone Contributor", r.RoleDefinitionID)
				}
				scopes = append(scopes, r.Scope)
			}
			if !reflect.DeepEqual(scopes, tc.scopes) {
				t.Errorf("role scopes %v, want %v", scopes, tc.scopes)
			}
		})
	}
}

func TestIssuerSpecPerSolver(t *testing.T) {
	acme := func(i Issuer) Issuer { i.Server, i.Email = LetsEncryptStaging, "ops@example.com"; return i }
	cases := []struct {
		name   string
		issuer Issuer
		check  func(t *testing.T, spec map[string]any)
	}{
		{"route53, one zone named", acme(Issuer{Solver: SolverRoute53, Region: "eu-west-1", HostedZoneIDs: []string{"Z1"}}), func(t *testing.T, spec map[string]any) {
			r := dig(spec, "acme", "solvers").([]any)[0]
			if !reflect.DeepEqual(dig(r, "dns01", "route53"), map[string]any{"region": "eu-west-1", "hostedZoneID": "Z1"}) {
				t.Errorf("solver %v", r)
			}
		}},
		{"route53, several zones found by name", acme(Issuer{Solver: SolverRoute53, Region: "eu-west-1", HostedZoneIDs: []string{"Z1", "Z2"}}), func(t *testing.T, spec map[string]any) {
			r := dig(spec, "acme", "solvers").([]any)[0]
			if dig(r, "dns01", "route53", "hostedZoneID") != nil {
				t.Errorf("solver %v names one of several zones", r)
			}
		}},
		{"azure, a solver per zone with the identity", acme(Issuer{Solver: SolverAzureDNS, Region: "chinaeast2", AzureZones: azureZones(t, zoneA, zoneB)}), func(t *testing.T, spec map[string]any) {
			ss := dig(spec, "acme", "solvers").([]any)
			if len(ss) != 2 {
				t.Fatalf("solvers %v, want one per zone", ss)
			}
			want := map[string]any{"subscriptionID": "0000", "resourceGroupName": "dns", "hostedZoneName": "shop.example.net",
				"environment": "AzureChinaCloud"}
			if got := dig(ss[1], "dns01", "azureDNS"); !reflect.DeepEqual(got, want) {
				t.Errorf("azureDNS = %v, want %v", got, want)
			}
			if got := dig(ss[1], "selector", "dnsZones"); !reflect.DeepEqual(got, []any{"shop.example.net"}) {
				t.Errorf("selector = %v", got)
			}
		}},
		{"http01 on the Gateway's plain-HTTP listener", acme(Issuer{Solver: SolverHTTP01, HTTP01: HTTP01{GatewayName: "edge", GatewayNamespace: "envoy-gateway-system", GatewayListener: "http"}}), func(t *testing.T, spec map[string]any) {
			r := dig(spec, "acme", "solvers").([]any)[0]
			parents := dig(r, "http01", "gatewayHTTPRoute", "parentRefs").([]any)
			want := map[string]any{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge", "namespace": "envoy-gateway-system", "sectionName": "http"}
			if !reflect.DeepEqual(parents[0], want) {
				t.Errorf("parentRefs = %v", parents)
			}
			if dig(spec, "acme", "email") != "ops@example.com" || dig(spec, "acme", "server") != LetsEncryptStaging {
				t.Errorf("account = %v", spec["acme"])
			}
		}},
		{"http01 through ingress-nginx", acme(Issuer{Solver: SolverHTTP01, HTTP01: HTTP01{IngressClass: "nginx"}}), func(t *testing.T, spec map[string]any) {
			r := dig(spec, "acme", "solvers").([]any)[0]
			if dig(r, "http01", "ingress", "ingressClassName") != "nginx" {
				t.Errorf("solver %v", r)
			}
		}},
		{"ca, self-signed root", Issuer{Solver: SolverCA}, func(t *testing.T, spec map[string]any) {
			if !reflect.DeepEqual(spec, map[string]any{"ca": map[string]any{"secretName": CASecretName}}) {
				t.Errorf("spec %v", spec)
			}
		}},
		{"ca, the stack's own", Issuer{Solver: SolverCA, CASecretName: "corp-ca"}, func(t *testing.T, spec map[string]any) {
			if dig(spec, "ca", "secretName") != "corp-ca" {
				t.Errorf("spec %v", spec)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := ValidateIssuer(tc.issuer); err != nil {
				t.Fatal(err)
			}
			tc.check(t, IssuerSpec(tc.issuer))
		})
	}
}

func run(args *Args) (*plan.Plan, *plan.Monitor, error) {
	return plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "c1-cert-manager", args)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
}

func dependsOn(r *plan.Resource, urn string) bool {
	for _, d := range r.Dependencies {
		if d == urn {
			return true
		}
	}
	return false
}

func TestCertificatesAfterTheIssuerAfterTheChart(t *testing.T) {
	irsa := &cluster.WorkloadIdentity{Annotations: pulumi.StringMap{cluster.AnnotationIRSARole: pulumi.String("arn:aws:iam::1:role/c1-wl-cert-manager")}.ToStringMapOutput()}
	p, _, err := run(&Args{
		Cluster: "c1", Namespace: pulumi.String(Namespace), Identity: irsa,
		Issuer: Issuer{Solver: SolverRoute53, Server: LetsEncryptProduction, Region: "us-east-1", HostedZoneIDs: []string{"Z1"}},
		Certificates: []Certificate{
			{Namespace: "harbor", SecretName: "harbor-tls", DNSNames: []string{"harbor.example.com"}},
			{Namespace: "envoy-gateway-system", SecretName: "shop.example.com-tls", DNSNames: []string{"shop.example.com"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	rels, issuers, certs := p.ByType(relType), p.ByType(issuerType), p.ByType(certType)
	if len(rels) != 1 || len(issuers) != 1 || len(certs) != 2 {
		t.Fatalf("%d releases, %d issuers, %d certificates; want 1, 1, 2", len(rels), len(issuers), len(certs))
	}
	rel, issuer := rels[0], issuers[0]
	if rel.Inputs["version"] != "v1.21.1" || rel.Inputs["chart"] != "cert-manager" {
		t.Errorf("release %v %v", rel.Inputs["chart"], rel.Inputs["version"])
	}
	if v := rel.Inputs["values"]; dig(v, "crds", "enabled") != true || dig(v, "serviceAccount", "create") != false || dig(v, "config") != nil {
		t.Errorf("values %v: want the CRDs, our service account and no Gateway API support", v)
	}
	if !dependsOn(issuer, rel.URN) {
		t.Errorf("the ClusterIssuer does not wait for the chart (its CRDs): %v", issuer.Dependencies)
	}
	if dig(issuer.Inputs, "metadata", "name") != IssuerName {
		t.Errorf("issuer %v", issuer.Inputs["metadata"])
	}
	for _, c := range certs {
		if !dependsOn(c, issuer.URN) {
			t.Errorf("certificate %s does not wait for the issuer", c.Name)
		}
		ns, name := dig(c.Inputs, "metadata", "namespace"), dig(c.Inputs, "metadata", "name")
		spec := c.Inputs["spec"]
		if dig(spec, "secretName") != name || dig(spec, "issuerRef", "name") != IssuerName || dig(spec, "issuerRef", "kind") != KindClusterIssuer {
			t.Errorf("certificate %s/%s: %v", ns, name, spec)
		}
		want := map[string][]any{"harbor": {"harbor.example.com"}, "envoy-gateway-system": {"shop.example.com"}}[ns.(string)]
		if got := dig(spec, "dnsNames"); !reflect.DeepEqual(got, want) {
			t.Errorf("certificate in %s: dnsNames %v, want %v", ns, got, want)
		}
	}
}

func TestGatewayHTTP01WaitsForTheEdge(t *testing.T) {
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		edge, err := corev1.NewConfigMap(ctx, "edge", &corev1.ConfigMapArgs{})
		if err != nil {
			return nil, err
		}
		_, err = New(ctx, "c1-cert-manager", &Args{
			Cluster: "c1", Namespace: pulumi.String(Namespace), EdgeReady: edge,
			Issuer: Issuer{Solver: SolverHTTP01, Server: LetsEncryptProduction, HTTP01: HTTP01{GatewayName: "edge", GatewayNamespace: "istio-system", GatewayListener: "http"}},
		})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	rel := p.ByType(relType)[0]
	if dig(rel.Inputs["values"], "config", "gatewayAPI", "enabled") != true {
		t.Errorf("values %v: HTTP-01 through a Gateway needs cert-manager's Gateway API support", rel.Inputs["values"])
	}
	if edge := p.ByType("kubernetes:core/v1:ConfigMap"); len(edge) != 1 || !dependsOn(rel, edge[0].URN) {
		t.Errorf("the chart does not wait for the edge (the Gateway API CRDs): %v", rel.Dependencies)
	}
}

func TestExistingClusterSelfSignedRoot(t *testing.T) {
	p, _, err := run(&Args{Cluster: "kind", Namespace: pulumi.String(Namespace), Issuer: Issuer{Solver: SolverCA},
		Certificates: []Certificate{{Namespace: "harbor", SecretName: "harbor-tls", DNSNames: []string{"harbor.localtest.me"}}}})
	if err != nil {
		t.Fatal(err)
	}
	issuers := map[string]*plan.Resource{}
	for _, r := range p.ByType(issuerType) {
		issuers[dig(r.Inputs, "metadata", "name").(string)] = r
	}
	self, ca := issuers[SelfSignedIssuerName], issuers[IssuerName]
	if self == nil || ca == nil || len(issuers) != 2 {
		t.Fatalf("issuers %v, want %s and %s", issuers, SelfSignedIssuerName, IssuerName)
	}
	var root *plan.Resource
	for _, c := range p.ByType(certType) {
		if dig(c.Inputs, "spec", "isCA") == true {
			root = c
		}
	}
	if root == nil || dig(root.Inputs, "spec", "issuerRef", "name") != SelfSignedIssuerName || dig(root.Inputs, "metadata", "namespace") != Namespace {
		t.Fatalf("root CA certificate = %+v", root)
	}
	if !dependsOn(root, self.URN) || !dependsOn(ca, root.URN) {
		t.Errorf("chain out of order: root after %v, CA issuer after %v", root.Dependencies, ca.Dependencies)
	}
	if dig(ca.Inputs, "spec", "ca", "secretName") != CASecretName {
		t.Errorf("CA issuer %v", ca.Inputs["spec"])
	}
}

// TestAzureIssuerUsesTheWorkloadIdentity: the solver names no client ID (the webhook's
// AZURE_CLIENT_ID is the identity's), so the issuer is whole before the identity exists;
// the controller's pods opt into workload identity.
func TestAzureIssuerUsesTheWorkloadIdentity(t *testing.T) {
	id := &cluster.WorkloadIdentity{
		Annotations: pulumi.StringMap{cluster.AnnotationAzureClientID: pulumi.String("11111111-2222-3333-4444-555555555555")}.ToStringMapOutput(),
		PodLabels:   map[string]string{cluster.LabelAzureUse: "true"},
	}
	p, _, err := run(&Args{Cluster: "c1", Namespace: pulumi.String(Namespace), Identity: id,
		Issuer: Issuer{Solver: SolverAzureDNS, Server: LetsEncryptProduction, Region: "westeurope", AzureZones: azureZones(t, zoneA)}})
	if err != nil {
		t.Fatal(err)
	}
	s := dig(p.ByType(issuerType)[0].Inputs, "spec", "acme", "solvers").([]any)[0]
	if got := dig(s, "dns01", "azureDNS"); dig(got, "managedIdentity") != nil || dig(got, "hostedZoneName") != "example.com" {
		t.Errorf("azureDNS = %v, want the zone and no credential", got)
	}
	sa := p.ByType("kubernetes:core/v1:ServiceAccount")[0]
	if got := dig(sa.Inputs, "metadata", "annotations", cluster.AnnotationAzureClientID); got != "11111111-2222-3333-4444-555555555555" {
		t.Errorf("service account client ID = %v, want the identity's (the webhook's AZURE_CLIENT_ID)", got)
	}
	if got := dig(p.ByType(relType)[0].Inputs["values"], "podLabels", cluster.LabelAzureUse); got != "true" {
		t.Errorf("pod label %v: the controller must opt into workload identity", got)
	}
}

func TestBadInputRegistersNothing(t *testing.T) {
	ok := Issuer{Solver: SolverHTTP01, Server: LetsEncryptProduction, HTTP01: HTTP01{IngressClass: "nginx"}}
	cases := []struct {
		name string
		args *Args
		want error
	}{
		{"no namespace", &Args{Issuer: ok}, nil},
		{"unknown solver", &Args{Namespace: pulumi.String(Namespace), Issuer: Issuer{Solver: "dns"}}, ErrSolver},
		{"plain-HTTP ACME server", &Args{Namespace: pulumi.String(Namespace), Issuer: Issuer{Solver: SolverHTTP01, Server: "http://acme.example", HTTP01: ok.HTTP01}}, ErrServer},
		{"route53 without zones", &Args{Namespace: pulumi.String(Namespace), Issuer: Issuer{Solver: SolverRoute53, Server: LetsEncryptProduction, Region: "us-east-1"}}, ErrNoZones},
		{"route53 without identity", &Args{Namespace: pulumi.String(Namespace), Issuer: Issuer{Solver: SolverRoute53, Server: LetsEncryptProduction, Region: "us-east-1", HostedZoneIDs: []string{"Z1"}}}, ErrIdentity},
		{"http01 with nowhere to answer", &Args{Namespace: pulumi.String(Namespace), Issuer: Issuer{Solver: SolverHTTP01, Server: LetsEncryptProduction}}, ErrHTTP01},
		{"two certificates, one Secret", &Args{Namespace: pulumi.String(Namespace), Issuer: ok, Certificates: []Certificate{
			{Namespace: "a", SecretName: "x", DNSNames: []string{"a.example.com"}}, {Namespace: "a", SecretName: "x", DNSNames: []string{"b.example.com"}}}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, mon, err := run(tc.args)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if n := mon.Registrations(); n != 0 {
				t.Errorf("%d registrations, want none", n)
			}
		})
	}
}

func TestParseAzureDNSZone(t *testing.T) {
	z, ok := cluster.ParseAzureDNSZone(zoneB)
	if !ok || z.SubscriptionID != "0000" || z.ResourceGroup != "dns" || z.Name != "shop.example.net" || z.ResourceGroupID() != "/subscriptions/0000/resourceGroups/dns" {
		t.Errorf("ParseAzureDNSZone = %+v, %v", z, ok)
	}
	if _, ok := cluster.ParseAzureDNSZone(strings.Replace(zoneA, "dnszones", "privateDnsZones", 1)); ok {
		t.Error("a private DNS zone parsed as a public one")
	}
}
