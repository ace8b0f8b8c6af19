package stacks

import (
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
)

// identityStack is one AKS cluster whose environment binds two groups; the cases break
// the identity map.
const identityStack = `
config:
  fleetform:stack: {runnerNetwork: cluster}
  fleetform:clusters:
    - name: aks
      cloud: azure
      region: westeurope
      environment: prod
      network: {vpcCidr: 10.110.0.0/16, podCidr: 10.110.64.0/18, serviceCidr: 172.21.0.0/16, zones: 3}
      nodePools:
        - {name: system, system: true, instanceTypes: [Standard_D4s_v5], minSize: 2, desiredSize: 2, maxSize: 4}
  fleetform:identities:
    admins: [admins]
    groups:
      admins: {azure: 3c7e2b1a-5d4f-4e6a-9b8c-1f2e3d4c5b6a}
      shop-developers: {azure: 8a1f0c2e-7b3d-4c5a-8e9f-0a1b2c3d4e5f}
      aws-only: {aws: "arn:aws:iam::111122223333:role/aws-only"}
  fleetform:environments:
    - name: prod
      cluster: aks
      access:
        - {group: shop-developers, role: view}
        - {group: GROUP, role: edit}
  fleetform:platform:
    monitoring:
      enabled: false
`

func TestIdentitiesInTheStackFile(t *testing.T) {
	cases := []struct {
		name, group string
		wantPath    string
		wantMsg     string
	}{
		{"every group mapped", "admins", "", ""},
		{"a group without an Entra ID object ID", "aws-only", "environments[0].access[1].group", cluster.MsgNoPrincipal + " azure (cluster aks)"},
		{"a group not in the map", "ghosts", "environments[0].access[1].group", cluster.MsgNoSuchGroup},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, strings.Replace(identityStack, "GROUP", tc.group, 1), Offline)
			if tc.wantPath == "" {
				if got != nil {
					t.Fatalf("got problems %v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Field != tc.wantPath || !strings.Contains(got[0].Error(), tc.wantMsg) {
				t.Fatalf("got %v, want one problem at %s containing %q", got, tc.wantPath, tc.wantMsg)
			}
		})
	}
}

// TestExtendedSupportWarns uses AKS 1.34, in long-term support from 2026-12-01 to
// 2027-11-30 on the real clock; move it to the then-oldest LTS minor when that ends.
func TestExtendedSupportWarns(t *testing.T) {
	body := strings.Replace(identityStack, "      environment: prod\n", "      environment: prod\n      kubernetesVersion: \"1.34\"\n", 1)
	body = strings.Replace(body, "region: westeurope", "region: westeurope\n      azure: {tier: Premium, longTermSupport: true}", 1)
	cfg, err := Parse([]byte(strings.Replace(body, "GROUP", "admins", 1)), "Pulumi.test.yaml", "test")
	if err != nil {
		t.Fatal(err)
	}
	warnings, err := cfg.Prepare(Offline)
	if err != nil {
		t.Fatalf("long-term support allows 1.34: got %v", err)
	}
	found := false
	for _, w := range warnings {
		found = found || (strings.Contains(w, "clusters[0].kubernetesVersion") && strings.Contains(w, cluster.MsgVersionExtended))
	}
	if !found {
		t.Errorf("warnings %v: want one about extended support at clusters[0].kubernetesVersion", warnings)
	}
}
