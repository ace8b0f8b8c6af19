package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/platform"
)

// TestReleaseHostsInsideTheDomains: with platform.dns.domains set, every release host
// outside them is refused at the path that declares it, with the rest of the config's
// problems; the DNS block decodes strictly.
func TestReleaseHostsInsideTheDomains(t *testing.T) {
	type problem struct{ path, detail string }
	cases := []struct {
		name string
		dns  string
		want []problem
	}{
		{"no domains: no check", "", nil},
		{"inside", "    dns: {domains: [example.com]}\n", nil},
		{"outside", "    dns: {domains: [example.org]}\n", []problem{{"releases[0].environments[prod].ingress.host", platform.MsgHostOutsideDomains}}},
		{"bad zone ID", "    dns: {domains: [example.com], aws: {hostedZoneIds: [zone-1]}}\n", []problem{{"platform.dns.aws.hostedZoneIds[0]", platform.MsgHostedZoneID}}},
		{"unknown key", "    dns: {zones: [example.com]}\n", []problem{{"fleetform:platform.dns.zones", "unknown field"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := crossBase + "  fleetform:platform:\n    logging: {enabled: false}\n    monitoring: {grafanaAdminPassword: grafana}\n" + tc.dns
			got := problems(t, body, Offline)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %d problems", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasSuffix(got[i].Field, strings.TrimPrefix(w.path, "fleetform:")) || !strings.Contains(got[i].Detail, w.detail) {
					t.Errorf("problem %d = %s: %s, want %q at %s", i, got[i].Field, got[i].Detail, w.detail, w.path)
				}
			}
		})
	}
}

// TestIstioRefusesHTTP01ReleaseHosts: on edge istio, a release host whose certificate
// cert-manager would get over HTTP-01 (prod-ali answers ACME that way; prod-aws and
// prod-azure use DNS-01) is refused at the path that declares it, naming the cluster.
func TestIstioRefusesHTTP01ReleaseHosts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "Pulumi.prod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	istio := strings.Replace(string(data), "edge: envoy-gateway", "edge: istio", 1)
	http01 := func(body string) []string {
		var out []string
		for _, p := range problems(t, body, Offline) {
			if strings.Contains(p.Detail, MsgIstioHTTP01) {
				out = append(out, p.Field+p.Detail[len(MsgIstioHTTP01):])
			}
		}
		return out
	}
	if got := http01(istio); len(got) != 0 {
		t.Errorf("prod brings shop's certificate, yet: %v", got)
	}
	managed := strings.Replace(istio, "        tlsSecretName: shop-tls\n", "", 1)
	got := http01(managed)
	if len(got) != 1 || !strings.HasSuffix(got[0], ".ingress.host (cluster prod-ali)") {
		t.Errorf("got %v, want one refusal of shop.example.com's host on prod-ali", got)
	}
}

// TestReleaseHostsOutsideTheIssuersZones: prod-azure certifies over DNS-01 in
// prod-azure.prod.example.com only, so a release host it would certify outside that
// zone is refused at its path, naming the cluster and its zones; prod-aws (Route 53
// zones by ID) and prod-ali (HTTP-01) are not checked.
func TestReleaseHostsOutsideTheIssuersZones(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "Pulumi.prod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	managed := strings.Replace(string(data), "        tlsSecretName: shop-tls\n", "", 1)
	var got []string
	for _, p := range problems(t, managed, Offline) {
		got = append(got, p.Field+": "+p.Detail)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "releases[0].ingress.host: "+platform.MsgOutsideIssuerZones) ||
		!strings.HasSuffix(got[0], "(cluster prod-azure: prod-azure.prod.example.com)") {
		t.Errorf("got %v, want shop.example.com refused for prod-azure alone", got)
	}
}
