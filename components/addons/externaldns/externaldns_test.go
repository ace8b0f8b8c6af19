package externaldns

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
)

const (
	relType = "kubernetes:helm.sh/v3:Release"
	zoneA   = "/subscriptions/0000/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com"
	zoneB   = "/subscriptions/0000/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.net"
	zoneC   = "/subscriptions/0000/resourceGroups/other/providers/Microsoft.Network/dnszones/example.org"
)

func zones(ids ...string) []cluster.AzureDNSZone {
	var out []cluster.AzureDNSZone
	for _, id := range ids {
		z, _ := cluster.ParseAzureDNSZone(id)
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
			Action   any
			Resource any
		}
	}
	if err := json.Unmarshal([]byte(AWSPolicy("us-east-1", []string{"Z1AAAA"})), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 2 {
		t.Fatalf("statements %+v", doc.Statement)
	}
	if got := doc.Statement[0].Resource; !reflect.DeepEqual(got, []any{"arn:aws:route53:::hostedzone/Z1AAAA"}) {
		t.Errorf("record statement on %v, want the stack's zone only", got)
	}
	if doc.Statement[1].Action != "route53:ListHostedZones" || doc.Statement[1].Resource != "*" {
		t.Errorf("the account-wide statement is %+v, want ListHostedZones only", doc.Statement[1])
	}
}

func TestWorkloadPerProvider(t *testing.T) {
	w := Workload(Zones{Provider: ProviderAzure, AzureZones: zones(zoneA, zoneB)})
	want := []cluster.AzureRoleAssignment{
		{RoleDefinitionID: DNSZoneContributorRole, Scope: zoneA},
		{RoleDefinitionID: DNSZoneContributorRole, Scope: zoneB},
		{RoleDefinitionID: ReaderRole, Scope: "/subscriptions/0000/resourceGroups/dns"},
	}
	if w == nil || !reflect.DeepEqual(w.AzureRoles, want) || w.AWSPolicy != "" {
		t.Errorf("azure workload %+v, want contributor on each zone and Reader on their group", w)
	}
	if w := Workload(Zones{Provider: ProviderAWS, Region: "us-east-1", HostedZoneIDs: []string{"Z1"}}); w == nil || w.AWSPolicy == "" || len(w.AzureRoles) != 0 {
		t.Errorf("aws workload %+v, want an IRSA policy", w)
	}
	if w := Workload(Zones{Provider: ProviderAlibaba, AlibabaDomains: []string{"example.cn"}}); w != nil {
		t.Errorf("alibabacloud workload %+v, want none (keys from config)", w)
	}
}

func TestValuesPerProvider(t *testing.T) {
	cases := []struct {
		name  string
		zones Zones
		extra map[string]any
		mount bool
	}{
		{"aws", Zones{Provider: ProviderAWS, Region: "us-east-1", DomainFilters: []string{"example.com"}, HostedZoneIDs: []string{"Z1", "Z2"}},
			map[string]any{"zone-id-filter": []any{"Z1", "Z2"}, "aws-zone-match-parent": true}, false},
		{"azure", Zones{Provider: ProviderAzure, Region: "westeurope", DomainFilters: []string{"example.com"}, AzureZones: zones(zoneA)},
			map[string]any{"zone-name-filter": []any{"example.com"}}, true},
		{"alibabacloud", Zones{Provider: ProviderAlibaba, Region: "cn-hangzhou", DomainFilters: []string{"example.cn"}, AlibabaDomains: []string{"example.cn"}},
			map[string]any{"alibaba-cloud-zone-type": "public"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := Values(tc.zones, "fleetform-prod-c1", PolicyUpsertOnly, []string{SourceService, SourceHTTPRoute}, nil, "")
			if dig(v, "provider", "name") != tc.zones.Provider || v["txtOwnerId"] != "fleetform-prod-c1" || v["policy"] != PolicyUpsertOnly || v["registry"] != "txt" {
				t.Errorf("values %v", v)
			}
			if !reflect.DeepEqual(v["domainFilters"], toAny(tc.zones.DomainFilters)) {
				t.Errorf("domainFilters %v", v["domainFilters"])
			}
			if !reflect.DeepEqual(v["sources"], []any{SourceService, SourceHTTPRoute}) {
				t.Errorf("sources %v", v["sources"])
			}
			if !reflect.DeepEqual(v["extraArgs"], tc.extra) {
				t.Errorf("extraArgs %v, want %v", v["extraArgs"], tc.extra)
			}
			mounts, _ := v["extraVolumeMounts"].([]any)
			if (len(mounts) == 1 && dig(mounts[0], "mountPath") == ConfigDir) != tc.mount {
				t.Errorf("mounts %v, want the provider file at %s: %v", mounts, ConfigDir, tc.mount)
			}
			if dig(v, "serviceAccount", "create") != false {
				t.Errorf("serviceAccount %v: the chart must use ours", v["serviceAccount"])
			}
		})
	}
}

func TestAzureConfigHoldsNoSecret(t *testing.T) {
	var cfg map[string]any
	if err := json.Unmarshal([]byte(AzureConfig(Zones{Region: "chinanorth3", AzureZones: zones(zoneA)})), &cfg); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"cloud": "AzureChinaCloud", "subscriptionId": "0000", "resourceGroup": "dns", "useWorkloadIdentityExtension": true}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("azure.json = %v, want %v", cfg, want)
	}
}

func run(args *Args) (*plan.Plan, *plan.Monitor, error) {
	return plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		_, err := New(ctx, "c1-external-dns", args)
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
}

func TestAlibabaKeyStaysSecret(t *testing.T) {
	p, _, err := run(&Args{
		Namespace: pulumi.String(Namespace), TXTOwnerID: "fleetform-prod-ack", Policy: PolicyUpsertOnly, Sources: []string{SourceService},
		Zones:       Zones{Provider: ProviderAlibaba, Region: "cn-hangzhou", DomainFilters: []string{"example.cn"}, AlibabaDomains: []string{"example.cn"}},
		AccessKeyID: pulumi.ToSecret(pulumi.String("LTAIplainKeyId")).(pulumi.StringOutput), AccessKeySecret: pulumi.ToSecret(pulumi.String("plainKeySecretValue")).(pulumi.StringOutput),
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "plainKeySecretValue") || strings.Contains(string(raw), "LTAIplainKeyId") {
		t.Error("the plan shows the Alibaba Cloud key")
	}
	secrets := p.ByType("kubernetes:core/v1:Secret")
	if len(secrets) != 1 || dig(secrets[0].Inputs, "metadata", "name") != ConfigName {
		t.Fatalf("secrets %v, want the provider file", secrets)
	}
	rel := p.ByType(relType)[0]
	if strings.Contains(strings.ToLower(strings.Join(flatten(rel.Inputs["values"]), " ")), "accesskey") {
		t.Errorf("chart values mention the key: %v", rel.Inputs["values"])
	}
}

func flatten(v any) []string {
	switch x := v.(type) {
	case map[string]any:
		var out []string
		for k, e := range x {
			out = append(out, k)
			out = append(out, flatten(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	case string:
		return []string{x}
	}
	return nil
}

func TestBadInputRegistersNothing(t *testing.T) {
	aws := Zones{Provider: ProviderAWS, Region: "us-east-1", DomainFilters: []string{"example.com"}, HostedZoneIDs: []string{"Z1"}}
	id := &cluster.WorkloadIdentity{Annotations: pulumi.StringMap{}.ToStringMapOutput()}
	good := func(mut func(*Args)) *Args {
		a := &Args{Namespace: pulumi.String(Namespace), Zones: aws, Identity: id, TXTOwnerID: "o", Policy: PolicySync, Sources: []string{SourceIngress}}
		mut(a)
		return a
	}
	cases := []struct {
		name string
		args *Args
		want error
	}{
		{"no domain filters", good(func(a *Args) { a.Zones.DomainFilters = nil }), ErrNoDomains},
		{"aws without zones", good(func(a *Args) { a.Zones.HostedZoneIDs = nil }), ErrNoZones},
		{"aws without identity", good(func(a *Args) { a.Identity = nil }), ErrIdentity},
		{"azure zones in two groups", good(func(a *Args) {
			a.Zones = Zones{Provider: ProviderAzure, DomainFilters: []string{"example.com"}, AzureZones: zones(zoneA, zoneC)}
		}), ErrOneGroup},
		{"alibabacloud without key", good(func(a *Args) {
			a.Zones = Zones{Provider: ProviderAlibaba, Region: "cn-hangzhou", DomainFilters: []string{"example.cn"}, AlibabaDomains: []string{"example.cn"}}
		}), ErrKey},
		{"unknown provider", good(func(a *Args) { a.Zones.Provider = "gcp" }), ErrProvider},
		{"no owner", good(func(a *Args) { a.TXTOwnerID = "" }), ErrOwner},
		{"unknown policy", good(func(a *Args) { a.Policy = "delete-all" }), ErrPolicy},
		{"no sources", good(func(a *Args) { a.Sources = nil }), ErrNoSources},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, mon, err := run(tc.args)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if n := mon.Registrations(); n != 0 {
				t.Errorf("%d registrations, want none", n)
			}
		})
	}
}
