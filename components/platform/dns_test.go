package platform_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/certmanager"
	"github.com/fleetform/fleetform/components/addons/externaldns"
	"github.com/fleetform/fleetform/components/addons/externalsecrets"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	clusterIssuerType = "kubernetes:cert-manager.io/v1:ClusterIssuer"
	certificateType   = "kubernetes:cert-manager.io/v1:Certificate"
	azureZone         = "/subscriptions/0000/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com"
)

// dnsSpec is fullSpec with the stack's zones in every cloud, the platform endpoints'
// TLS Secrets left to cert-manager, and the cluster defaults of clusters.
func dnsSpec(clusters ...cluster.Spec) platform.Spec {
	s := fullSpec(platform.LoggingLoki)
	s.Harbor.TLSSecretName, s.Monitoring.Federation.TLSSecretName, s.Tracing.Hub.TLSSecretName = "", "", ""
	s.DNS = platform.DNSSpec{
		Domains:  []string{"example.com"},
		AWS:      platform.DNSAWS{HostedZoneIDs: []string{"Z0STACKZONE"}},
		Azure:    platform.DNSAzure{Zones: []string{azureZone}},
		Alicloud: platform.DNSAlicloud{Domains: []string{"example.com"}, AccessKeyID: "aliDnsKeyId", AccessKeySecret: "aliDnsKeySecret"},
		ACME:     platform.ACMESpec{Email: "ops@example.com"},
	}
	s.ApplyDefaults()
	s.ApplyClusterDefaults(clusters)
	return s
}

func TestIssuerPerCloud(t *testing.T) {
	aks := cluster.Spec{Name: "c", Cloud: cluster.Azure, Region: "westeurope"}
	off := false
	cases := []struct {
		name   string
		c      cluster.Spec
		mutate func(*platform.Spec)
		solver certmanager.Solver // "" for no cert-manager
		aws    []string           // hosted zone ARNs the IRSA policy names
		azure  []string           // role scopes
	}{
		{"eks: DNS-01 through Route 53", cluster.Spec{Name: "c", Cloud: cluster.AWS, Region: "us-east-1"}, nil,
			certmanager.SolverRoute53, []string{"arn:aws:route53:::hostedzone/Z0STACKZONE"}, nil},
		{"eks without zones: HTTP-01 on the Gateway", cluster.Spec{Name: "c", Cloud: cluster.AWS, Region: "us-east-1"}, func(s *platform.Spec) {
			s.DNS.AWS.HostedZoneIDs, s.Edge = nil, edges.EnvoyGateway
		}, certmanager.SolverHTTP01, nil, nil},
		{"aks: DNS-01 through Azure DNS", aks, nil, certmanager.SolverAzureDNS, nil, []string{azureZone}},
		{"ack: HTTP-01 through ingress-nginx", cluster.Spec{Name: "c", Cloud: cluster.Alicloud, Region: "cn-hangzhou"}, nil, certmanager.SolverHTTP01, nil, nil},
		{"existing: a private CA", cluster.Spec{Name: "c", Cloud: cluster.Existing}, nil, certmanager.SolverCA, nil, nil},
		{"ack without an edge: none", cluster.Spec{Name: "c", Cloud: cluster.Alicloud}, func(s *platform.Spec) { s.Ingress.Enabled = &off }, "", nil, nil},
		{"ack behind an internal edge: none (ACME cannot reach it)", cluster.Spec{Name: "c", Cloud: cluster.Alicloud}, func(s *platform.Spec) { s.Ingress.Internal = true }, "", nil, nil},
		{"off", aks, func(s *platform.Spec) { s.DNS.CertManager.Enabled = &off }, "", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := dnsSpec(tc.c)
			if tc.mutate != nil {
				tc.mutate(&s)
			}
			issuer, ok := s.Issuer(tc.c)
			if ok != (tc.solver != "") || issuer.Solver != tc.solver {
				t.Fatalf("Issuer = %q, %v; want %q", issuer.Solver, ok, tc.solver)
			}
			var w *cluster.Workload
			for _, x := range s.Workloads(tc.c) {
				if x.Name == certmanager.WorkloadName {
					w = &x
				}
			}
			var arns []string
			if w != nil && w.AWSPolicy != "" {
				arns = policyZones(t, w.AWSPolicy)
			}
			if !reflect.DeepEqual(arns, tc.aws) {
				t.Errorf("IRSA policy on zones %v, want %v", arns, tc.aws)
			}
			var scopes []string
			if w != nil {
				for _, r := range w.AzureRoles {
					scopes = append(scopes, r.Scope)
				}
			}
			if !reflect.DeepEqual(scopes, tc.azure) {
				t.Errorf("Azure role scopes %v, want %v", scopes, tc.azure)
			}
		})
	}
}

// policyZones are the hosted zone ARNs of an IAM policy's statements.
func policyZones(t *testing.T, doc string) []string {
	t.Helper()
	var p struct{ Statement []struct{ Resource any } }
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range p.Statement {
		rs, _ := s.Resource.([]any)
		for _, r := range rs {
			if strings.Contains(r.(string), ":hostedzone/") {
				out = append(out, r.(string))
			}
		}
	}
	return out
}

func TestDNSZonesPerCloud(t *testing.T) {
	cases := []struct {
		name     string
		c        cluster.Spec
		provider string
	}{
		{"eks", cluster.Spec{Name: "c", Cloud: cluster.AWS, Region: "us-east-1"}, externaldns.ProviderAWS},
		{"aks", cluster.Spec{Name: "c", Cloud: cluster.Azure, Region: "westeurope"}, externaldns.ProviderAzure},
		{"ack", cluster.Spec{Name: "c", Cloud: cluster.Alicloud, Region: "cn-hangzhou"}, externaldns.ProviderAlibaba},
		{"existing: none", cluster.Spec{Name: "c", Cloud: cluster.Existing}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := dnsSpec(tc.c)
			z, ok := s.DNSZones(tc.c)
			if ok != (tc.provider != "") || z.Provider != tc.provider {
				t.Fatalf("DNSZones = %q, %v; want %q", z.Provider, ok, tc.provider)
			}
			if ok && !reflect.DeepEqual(z.DomainFilters, []string{"example.com"}) {
				t.Errorf("domain filters %v, want the stack's domains", z.DomainFilters)
			}
			identity := false
			for _, w := range s.Workloads(tc.c) {
				identity = identity || w.Name == externaldns.WorkloadName
			}
			if want := tc.provider == externaldns.ProviderAWS || tc.provider == externaldns.ProviderAzure; identity != want {
				t.Errorf("external-dns identity asked = %v, want %v", identity, want)
			}
		})
	}
	s := dnsSpec(cluster.Spec{Cloud: cluster.AWS})
	s.DNS.AWS.HostedZoneIDs = nil
	if _, ok := s.DNSZones(cluster.Spec{Name: "c", Cloud: cluster.AWS}); ok {
		t.Error("external-dns on an EKS cluster without Route 53 zones: it would reach the whole account")
	}
}

func TestDNSClusterDefaults(t *testing.T) {
	eks := cluster.Spec{Name: "a", Cloud: cluster.AWS}
	kind := cluster.Spec{Name: "k", Cloud: cluster.Existing}
	cases := []struct {
		name          string
		clusters      []cluster.Spec
		zones         bool
		cm, externalD bool
	}{
		{"eks with zones", []cluster.Spec{eks}, true, true, true},
		{"eks without zones", []cluster.Spec{eks}, false, false, false},
		{"existing only: a self-signed CA", []cluster.Spec{kind}, false, true, false},
		{"existing beside eks without zones", []cluster.Spec{eks, kind}, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := platform.Spec{}
			if tc.zones {
				s.DNS.AWS.HostedZoneIDs = []string{"Z1"}
			}
			s.ApplyDefaults()
			s.ApplyClusterDefaults(tc.clusters)
			if got := *s.DNS.CertManager.Enabled; got != tc.cm {
				t.Errorf("cert-manager on = %v, want %v", got, tc.cm)
			}
			if got := *s.DNS.ExternalDNS.Enabled; got != tc.externalD {
				t.Errorf("external-dns on = %v, want %v", got, tc.externalD)
			}
			if s.DNS.ACME.Server != certmanager.LetsEncryptProduction || s.DNS.ExternalDNS.Policy != externaldns.PolicyUpsertOnly {
				t.Errorf("defaults: server %q, policy %q", s.DNS.ACME.Server, s.DNS.ExternalDNS.Policy)
			}
		})
	}
}

func TestPlatformHostnames(t *testing.T) {
	hub := cluster.Spec{Name: "hub", Cloud: cluster.AWS, Federation: cluster.FederationHub}
	spoke := cluster.Spec{Name: "spoke", Cloud: cluster.Azure, Federation: cluster.FederationSpoke}
	s := dnsSpec(hub, spoke)
	s.Harbor.Cluster = "hub"
	got := map[string]platform.Hostname{}
	for _, c := range []cluster.Spec{hub, spoke} {
		for _, h := range s.Hostnames(c) {
			got[c.Name+" "+h.Host] = h
		}
	}
	want := map[string]platform.Hostname{
		"hub harbor.example.com":           {Host: "harbor.example.com", Owner: platform.OwnerHarbor, SecretName: platform.DefaultHarborTLSSecret, SecretNamespace: platform.NamespaceHarbor},
		"hub otlp.hub.example.com":         {Host: "otlp.hub.example.com", Owner: platform.OwnerTracingHub, SecretName: platform.DefaultTracingHubTLSSecret, SecretNamespace: platform.NamespaceTracing},
		"spoke federate.spoke.example.com": {Host: "federate.spoke.example.com", Owner: platform.OwnerFederation, SecretName: platform.DefaultFederationTLSSecret, SecretNamespace: platform.NamespaceMonitoring},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hostnames\n got %+v\nwant %+v", got, want)
	}
	// A name the stack sets is its own Secret: no certificate is made for it.
	byo := fullSpec(platform.LoggingLoki)
	hs := byo.Hostnames(cluster.Spec{Name: "c1"})
	if len(hs) != 1 || !hs[0].BringYourOwn || hs[0].SecretName != "harbor-tls" {
		t.Errorf("harbor with tlsSecretName set: %+v, want a bring-your-own Secret", hs)
	}
}

func TestCertificatesPerManagedHostname(t *testing.T) {
	hosts := []platform.Hostname{
		{Host: "harbor.example.com", SecretName: "harbor-tls", SecretNamespace: "harbor"},
		{Host: "shop.example.com", SecretName: "shop.example.com-tls", SecretNamespace: "edge"},
		{Host: "byo.example.com", SecretName: "corp-cert", SecretNamespace: "edge", BringYourOwn: true},
		{Host: "plain.example.com", SecretName: "plain.example.com-tls", SecretNamespace: "edge", Plain: true},
		{Host: "shop.example.com", SecretName: "shop.example.com-tls", SecretNamespace: "edge"},
	}
	got := platform.Certificates(hosts)
	want := []certmanager.Certificate{
		{Namespace: "edge", SecretName: "shop.example.com-tls", DNSNames: []string{"shop.example.com"}},
		{Namespace: "harbor", SecretName: "harbor-tls", DNSNames: []string{"harbor.example.com"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Certificates = %+v, want %+v", got, want)
	}
}

// dnsIdentities are the identities an EKS cluster component hands the platform.
func dnsIdentities() map[string]cluster.WorkloadIdentity {
	ids := irsa()
	for _, n := range []string{certmanager.WorkloadName, externaldns.WorkloadName} {
		ids[n] = cluster.WorkloadIdentity{Annotations: pulumi.StringMap{
			cluster.AnnotationIRSARole: pulumi.String("arn:aws:iam::123456789012:role/c1-wl-" + n)}.ToStringMapOutput()}
	}
	return ids
}

func TestPlatformTLSAndDNSOnEKS(t *testing.T) {
	c1 := cluster.Spec{Name: "c1", Cloud: cluster.AWS, Region: "us-east-1"}
	p, _ := build(t, func(a *platform.Args) {
		a.Spec, a.Stack, a.Workloads = dnsSpec(c1), "prod", dnsIdentities()
		a.Hostnames = []platform.Hostname{
			{Host: "shop.example.com", Owner: "releases[shop]", SecretName: "shop-tls", SecretNamespace: platform.NamespaceIngress},
			{Host: "byo.example.com", Owner: "releases[byo]", SecretName: "corp", SecretNamespace: platform.NamespaceIngress, BringYourOwn: true},
		}
	})
	issuers, certs := p.ByType(clusterIssuerType), p.ByType(certificateType)
	if len(issuers) != 1 {
		t.Fatalf("%d ClusterIssuers, want 1", len(issuers))
	}
	if r53 := dig(issuers[0].Inputs, "spec", "acme", "solvers").([]any)[0]; dig(r53, "dns01", "route53", "hostedZoneID") != "Z0STACKZONE" {
		t.Errorf("solver %v", r53)
	}
	var secrets []string
	nsURN := map[string]string{}
	for _, ns := range p.ByType("kubernetes:core/v1:Namespace") {
		nsURN[dig(ns.Inputs, "metadata", "name").(string)] = ns.URN
	}
	for _, c := range certs {
		ns := dig(c.Inputs, "metadata", "namespace").(string)
		secrets = append(secrets, ns+"/"+dig(c.Inputs, "spec", "secretName").(string))
		waits := map[string]bool{}
		for _, d := range c.Dependencies {
			waits[d] = true
		}
		if !waits[issuers[0].URN] || !waits[nsURN[ns]] {
			t.Errorf("certificate %s waits for %v, want the issuer and its namespace", c.Name, c.Dependencies)
		}
	}
	sort.Strings(secrets)
	// Harbor's (defaulted name) and the release's managed host; none for the BYO host.
	if want := []string{"harbor/harbor-tls", "ingress-nginx/shop-tls"}; !reflect.DeepEqual(secrets, want) {
		t.Errorf("certificates %v, want %v", secrets, want)
	}
	ed := release(t, p, "external-dns")
	v := ed.Inputs["values"]
	if dig(v, "provider", "name") != "aws" || dig(v, "txtOwnerId") != "fleetform-prod-c1" || dig(v, "policy") != "upsert-only" ||
		!reflect.DeepEqual(dig(v, "domainFilters"), []any{"example.com"}) || !reflect.DeepEqual(dig(v, "extraArgs", "zone-id-filter"), []any{"Z0STACKZONE"}) {
		t.Errorf("external-dns values %v", v)
	}
	if !reflect.DeepEqual(dig(v, "sources"), []any{"service", "ingress"}) {
		t.Errorf("sources on ingress-nginx = %v", dig(v, "sources"))
	}
	for _, sa := range p.ByType("kubernetes:core/v1:ServiceAccount") {
		md := sa.Inputs["metadata"].(map[string]any)
		ann, _ := md["annotations"].(map[string]any)
		if n := md["name"]; (n == certmanager.ServiceAccount || n == externaldns.ServiceAccount) && ann[cluster.AnnotationIRSARole] != "arn:aws:iam::123456789012:role/c1-wl-"+n.(string) {
			t.Errorf("service account %s annotations %v, want its IRSA role", n, ann)
		}
	}
	for _, n := range []string{certmanager.Namespace, externaldns.Namespace} {
		if nsURN[n] == "" {
			t.Errorf("no namespace %s", n)
		}
	}
}

func TestExternalDNSSources(t *testing.T) {
	cases := map[edges.Edge][]string{
		edges.EnvoyGateway: {"service", "gateway-httproute"},
		edges.Istio:        {"service", "gateway-httproute", "istio-gateway", "istio-virtualservice"},
		edges.IngressNginx: {"service", "ingress"},
	}
	for edge, want := range cases {
		if got := platform.ExternalDNSSources(edge, true); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: sources %v, want %v", edge, got, want)
		}
	}
	if got := platform.ExternalDNSSources(edges.Istio, false); !reflect.DeepEqual(got, []string{"service"}) {
		t.Errorf("edge off: sources %v", got)
	}
}

func TestDNSValidation(t *testing.T) {
	s := dnsSpec()
	s.DNS.Domains = []string{"example.com", "bad_domain"}
	s.DNS.AWS.HostedZoneIDs = []string{"Z0OK", "zone-1"}
	s.DNS.Azure.Zones = []string{azureZone, "/subscriptions/0000/resourceGroups/other/providers/Microsoft.Network/dnszones/example.net", "example.org"}
	s.DNS.Alicloud.Domains = []string{"example..cn"}
	s.DNS.ACME.Email, s.DNS.ACME.Server = "ops at example.com", "http://acme.example.com/directory"
	s.DNS.ExternalDNS.Policy = "delete"
	s.DNS.CertManager.CA.SecretName = "Corp_CA"
	errs := s.Validate(field.NewPath("platform"))
	want := []string{
		"platform.dns.domains[1]", "platform.dns.aws.hostedZoneIds[1]", "platform.dns.azure.zones[1]", "platform.dns.azure.zones[2]",
		"platform.dns.alicloud.domains[0]", "platform.dns.acme.email", "platform.dns.acme.server", "platform.dns.externalDNS.policy",
		"platform.dns.certManager.ca.secretName",
	}
	assertFields(t, errs, want)
}

func TestDNSClusterValidation(t *testing.T) {
	ack := cluster.Spec{Name: "ack", Cloud: cluster.Alicloud, Federation: cluster.FederationSpoke}
	dnsSpec := func(cs ...cluster.Spec) platform.Spec {
		s := dnsSpec(cs...)
		s.Backups.Alicloud = platform.BackupsAlicloud{AccessKeyID: "k", AccessKeySecret: "s"}
		return s
	}
	s := dnsSpec(ack)
	s.DNS.Domains = nil
	s.DNS.Alicloud.AccessKeyID, s.DNS.Alicloud.AccessKeySecret = "", ""
	errs := s.ValidateClusters(field.NewPath("platform"), []cluster.Spec{ack})
	assertFields(t, errs, []string{"platform.dns.domains", "platform.dns.alicloud.accessKeyId", "platform.dns.alicloud.accessKeySecret"})

	// Every host outside the domains is reported at its owner, all at once.
	s = dnsSpec(ack)
	s.DNS.Domains = []string{"example.org"}
	s.Harbor.Cluster = "ack"
	errs = s.ValidateClusters(field.NewPath("platform"), []cluster.Spec{ack})
	errs = append(errs, s.ValidateHostnames([]platform.Hostname{
		{Host: "shop.example.org", Owner: "releases[shop].environments[prod].ingress.host"},
		{Host: "shop.example.net", Owner: "releases[shop].environments[stage].ingress.host"},
	})...)
	assertFields(t, errs, []string{platform.OwnerHarbor, platform.OwnerFederation, "releases[shop].environments[stage].ingress.host"})
	for _, e := range errs {
		if !strings.Contains(e.Detail, platform.MsgHostOutsideDomains) {
			t.Errorf("%s: %s, want %q", e.Field, e.Detail, platform.MsgHostOutsideDomains)
		}
	}

	// external-dns asked for where no cluster's cloud has zones.
	on := true
	s = platform.Spec{}
	s.DNS.ExternalDNS.Enabled = &on
	s.ApplyDefaults()
	assertFields(t, s.ValidateClusters(field.NewPath("platform"), []cluster.Spec{{Name: "a", Cloud: cluster.AWS}}), []string{"platform.dns.externalDNS.enabled"})
}

// assertFields checks that errs are exactly at the paths want (in any order).
func assertFields(t *testing.T, errs field.ErrorList, want []string) {
	t.Helper()
	var got []string
	for _, e := range errs {
		got = append(got, e.Field)
	}
	sort.Strings(got)
	want = append([]string(nil), want...)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors at %v, want at %v\n%v", got, want, errs)
	}
}

// TestBadDNSRegistersNothing: a spec with a bad platform.dns is refused before the
// platform registers anything.
func TestBadDNSRegistersNothing(t *testing.T) {
	s := dnsSpec(cluster.Spec{Name: "c1", Cloud: cluster.AWS})
	s.DNS.AWS.HostedZoneIDs = []string{"not-a-zone"}
	_, mon, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := platform.New(ctx, "c1-platform", &platform.Args{Cluster: "c1", Cloud: cluster.AWS, Region: "us-east-1",
			Spec: s, Secrets: store(), Workloads: dnsIdentities()})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err == nil || !strings.Contains(err.Error(), "platform.dns.aws.hostedZoneIds[0]") {
		t.Errorf("err = %v, want the zone ID's path", err)
	}
	if n := mon.Registrations(); n != 0 {
		t.Errorf("%d registrations, want none", n)
	}
}

// TestCertManagerNeedsItsIdentity: on EKS with zones, cert-manager without the
// cluster component's identity is a programming error, reported before its children.
func TestCertManagerNeedsItsIdentity(t *testing.T) {
	c1 := cluster.Spec{Name: "c1", Cloud: cluster.AWS, Region: "us-east-1"}
	_, _, err := runPlatform(func(a *platform.Args) {
		a.Spec, a.Workloads = dnsSpec(c1), map[string]cluster.WorkloadIdentity{externalsecrets.WorkloadName: irsa()[externalsecrets.WorkloadName]}
	})
	if err == nil || !strings.Contains(err.Error(), certmanager.WorkloadName) {
		t.Errorf("err = %v, want the missing identity named", err)
	}
}

// TestHostsOutsideTheIssuersZones: an AKS cluster's DNS-01 solvers are one per Azure
// zone, so a platform host it certifies outside every zone is refused at its owner;
// one whose certificate the stack brings, or on a cluster that solves otherwise, is not.
func TestHostsOutsideTheIssuersZones(t *testing.T) {
	aks := cluster.Spec{Name: "aks", Cloud: cluster.Azure, Region: "westeurope"}
	s := dnsSpec(aks)
	s.DNS.Azure.Zones = []string{"/subscriptions/0000/resourceGroups/dns/providers/Microsoft.Network/dnszones/aks.example.com"}
	s.Monitoring.Grafana.Domain = "example.com"                   // grafana.aks.example.com: in the zone
	s.Harbor.Cluster, s.Harbor.Host = "aks", "harbor.example.com" // outside it
	p := field.NewPath("platform")
	errs := s.ValidateClusters(p, []cluster.Spec{aks})
	assertFields(t, errs, []string{platform.OwnerHarbor})
	if len(errs) == 1 && (!strings.Contains(errs[0].Detail, platform.MsgOutsideIssuerZones) || !strings.HasSuffix(errs[0].Detail, "(cluster aks: aks.example.com)")) {
		t.Errorf("detail %q", errs[0].Detail)
	}
	// The stack brings Harbor's certificate (fullSpec names harbor-tls): no check.
	byo := fullSpec(platform.LoggingLoki)
	byo.Monitoring.Federation.TLSSecretName, byo.Tracing.Hub.TLSSecretName = "", ""
	byo.DNS.Domains, byo.DNS.Azure, byo.DNS.ACME = s.DNS.Domains, s.DNS.Azure, s.DNS.ACME
	byo.Monitoring.Grafana.Domain = "example.com"
	byo.Harbor.Cluster, byo.Harbor.Host = "aks", "harbor.example.com"
	byo.ApplyDefaults()
	byo.ApplyClusterDefaults([]cluster.Spec{aks})
	assertFields(t, byo.ValidateClusters(p, []cluster.Spec{aks}), nil)
	if zones, miss := s.IssuerZonesMiss(cluster.Spec{Name: "eks", Cloud: cluster.AWS}, "anything.example.org"); miss || zones != nil {
		t.Errorf("Route 53 zones are IDs, yet IssuerZonesMiss = %v, %v", zones, miss)
	}
}
