package stacks

import (
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/release"
	"github.com/fleetform/fleetform/environments"
)

// virtualNodeStack is a prod AKS cluster with virtual nodes, a prod and a qa
// environment on it, and a release to qa; CLUSTER, PROD, QA and RELEASE are replaced
// by each case.
const virtualNodeStack = `
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
      CLUSTER
  fleetform:identities:
    admins: [admins]
    groups:
      admins: {azure: 3c7e2b1a-5d4f-4e6a-9b8c-1f2e3d4c5b6a}
  fleetform:environments:
    - name: prod
      cluster: aks
      PROD
    - name: qa
      cluster: aks
      QA
  fleetform:releases:
    - name: web
      image: example.com/web:1.0.0
      strategy: {canary: {steps: [{setWeight: 50}]}}
      environments:
        qa: RELEASE
  fleetform:platform:
    monitoring:
      enabled: false
`

// TestVirtualNodesInTheStackFile: opting in is refused, at its field path and before
// anything registers, where the cluster has no virtual nodes or they refuse what the
// environment or release asks for.
func TestVirtualNodesInTheStackFile(t *testing.T) {
	const on = "virtualNodes: {enabled: true}"
	type problem struct{ path, detail string }
	cases := []struct {
		name                       string
		cluster, prod, qa, release string
		want                       []problem
	}{
		{"qa bursts onto ACI", on, "tier: prod", "virtualNodes: true", "{}", nil},
		{"a release opts in on its own", on, "tier: prod", "tier: qa", "{virtualNodes: true}", nil},
		{"prod would lose its NetworkPolicy", on, "virtualNodes: true", "tier: qa", "{}", []problem{
			{"environments[0].virtualNodes", environments.MsgVirtualNodesNetworkPolicy},
		}},
		{"privileged pods", on, "tier: prod", "virtualNodes: true\n      podSecurity: {enforce: privileged}", "{}", []problem{
			{"environments[1].podSecurity.enforce", environments.MsgVirtualNodesPrivileged},
		}},
		{"no virtual nodes on the cluster", "tags: {team: platform}", "tier: prod", "virtualNodes: true", "{virtualNodes: true}", []problem{
			{"environments[1].virtualNodes", environments.MsgNoVirtualNodes},
			{"releases[0].environments[qa].virtualNodes", release.MsgNoVirtualNodes},
		}},
		{"overlay cannot have them", on + "\n      azure: {networkMode: overlay}", "tier: prod", "tier: qa", "{}", []problem{
			{"clusters[0].virtualNodes.enabled", cluster.MsgVirtualNodesOverlay},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.NewReplacer("CLUSTER", tc.cluster, "PROD", tc.prod, "QA", tc.qa, "RELEASE", tc.release).Replace(virtualNodeStack)
			if tc.name == "overlay cannot have them" {
				body = strings.Replace(body, "podCidr: 10.110.64.0/18, ", "", 1)
			}
			got := problems(t, body, Offline)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i, w := range tc.want {
				if got[i].Field != w.path || !strings.Contains(got[i].Detail, w.detail) {
					t.Errorf("problem %d = %s: %s, want %q at %s", i, got[i].Field, got[i].Detail, w.detail, w.path)
				}
			}
		})
	}
}

// TestExistingVirtualKubeletInTheStackFile: an existing cluster's virtual kubelet is
// declared with its nodeSelector and tolerations (decoded strictly), and is refused
// without a nodeSelector.
func TestExistingVirtualKubeletInTheStackFile(t *testing.T) {
	const vk = `      kubeconfig:
        context: kind-one
      virtualNodes:
        enabled: true
SELECTOR
        tolerations:
          - {key: virtual-kubelet.io/provider, operator: Exists, effect: NoSchedule}
  fleetform:environments:
    - name: qa
      cluster: one
      virtualNodes: true
`
	for _, tc := range []struct {
		name, selector, wantPath, wantMsg string
	}{
		{"declared", "        nodeSelector: {type: virtual-kubelet}", "", ""},
		{"no selector", "", "clusters[0].virtualNodes.nodeSelector", cluster.MsgVirtualNodesSelector},
		{"an unknown key", "        nodeSelectors: {type: virtual-kubelet}", "clusters[0].virtualNodes.nodeSelectors", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(minimal, "      kubeconfig:\n        context: kind-one\n  fleetform:environments:\n    - name: qa\n      cluster: one\n",
				strings.Replace(vk, "SELECTOR\n", tc.selector+"\n", 1), 1) + "  fleetform:platform:\n    monitoring: {enabled: false}\n"
			got := problems(t, body, Offline)
			if tc.wantPath == "" {
				if got != nil {
					t.Fatalf("got %v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Field != tc.wantPath || !strings.Contains(got[0].Error(), tc.wantMsg) {
				t.Fatalf("got %v, want one problem at %s: %q", got, tc.wantPath, tc.wantMsg)
			}
		})
	}
}
