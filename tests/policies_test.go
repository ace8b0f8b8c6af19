package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/addons/catalog"
	"github.com/fleetform/fleetform/components/platform"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/policies/report"
	"github.com/fleetform/fleetform/policies/rules"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// policyConfig loads the repository's policies/config.yaml.
func policyConfig(t *testing.T) *rules.Config {
	t.Helper()
	cfg, err := rules.LoadConfig(filepath.Join(repoRoot, "policies", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// checkPlan runs the policy rules over a plan with the stack file's configuration.
func checkPlan(t *testing.T, p *plan.Plan, stackFileData []byte) *report.Report {
	t.Helper()
	rep, err := report.Check(p, policyConfig(t).Env(p.Stack), "Pulumi."+p.Stack+".yaml", stackFileData)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// stackPlans plans dev, then prod with dev's plan answering prod's stack reference.
func stackPlans(t *testing.T) map[string]*plan.Plan {
	t.Helper()
	dev := planStack(t, "dev", nil)
	prod := planStack(t, "prod", map[string]*plan.Plan{"organization/fleetform/dev": dev})
	return map[string]*plan.Plan{"dev": dev, "prod": prod}
}

// knownOpen are mandatory findings the repository's stacks are known to have, by
// stack and rule, with the count and why they stay open. Each one fails the stack's
// `fleetplan check` (the gate works); this test fails on any other mandatory finding,
// and on a count that changes, so an entry is removed once the stack is fixed.
var knownOpen = map[string]map[string]struct {
	count int
	why   string
}{
	"prod": {
		rules.IDPluginChecksum: {3, pluginChecksumUnknown},
		rules.IDStaticCloudKey: {2, staticKeysOnACK},
	},
	"prod-ali":   {rules.IDStaticCloudKey: {2, staticKeysOnACK}, rules.IDPluginChecksum: {1, pluginChecksumUnknown}},
	"prod-aws":   {rules.IDPluginChecksum: {1, pluginChecksumUnknown}},
	"prod-azure": {rules.IDPluginChecksum: {1, pluginChecksumUnknown}},
}

// pluginChecksumUnknown is why each prod cluster's Rollouts keeps an unchecked plugin (K8S014).
const pluginChecksumUnknown = "the sha256 of the Gateway API plugin v0.15.0's release asset is not known here (no GitHub): " +
	"set platform.rollouts.gatewayPlugin.sha256 in Pulumi.prod*.yaml from the release, then remove this entry"

// staticKeysOnACK is why the ACK stacks keep RAM users' access keys (SEC005).
const staticKeysOnACK = "platform.backups.alicloud and platform.dns.alicloud: Velero's Alibaba Cloud plugin and external-dns's " +
	"alibabacloud provider read no RRSA token (docs/clusters.md, \"RRSA\"), so the ACK cluster's RRSA cannot replace the keys yet; " +
	"remove the entries when an addon can use its RRSA role (a Workload with AlicloudPolicy)"

// TestStacksPassMandatoryPolicies is the policy gate CI runs: the repository's dev
// and prod stacks, with policies/config.yaml, have no mandatory violation but the
// knownOpen ones.
func TestStacksPassMandatoryPolicies(t *testing.T) {
	for stack, p := range stackPlans(t) {
		t.Run(stack, func(t *testing.T) { checkGate(t, stack, p) })
	}
}

// TestOtherStackFilesPassMandatoryPolicies holds the other stack files at the repository's
// root (the layered stacks and local) to the same gate, so a rule that a stack breaks
// shows here with its count.
func TestOtherStackFilesPassMandatoryPolicies(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "Pulumi.*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		if stack == "dev" || stack == "prod" {
			continue // TestStacksPassMandatoryPolicies
		}
		n++
		t.Run(stack, func(t *testing.T) { checkGate(t, stack, planStack(t, stack, nil)) })
	}
	if n < 7 {
		t.Errorf("checked %d other stack files, want the 7 layered and local ones", n)
	}
}

// checkGate fails on any mandatory finding of a stack's plan but the knownOpen ones.
func checkGate(t *testing.T, stack string, p *plan.Plan) {
	t.Helper()
	data, err := os.ReadFile(stacks.StackFile(repoRoot, stack))
	if err != nil {
		t.Fatal(err)
	}
	rep := checkPlan(t, p, data)
	var buf bytes.Buffer
	rep.WriteText(&buf)
	open := map[string]int{}
	for _, f := range rep.Findings {
		if f.Level == rules.Mandatory {
			open[f.Rule.ID]++
		}
	}
	for id, n := range open {
		if k, ok := knownOpen[stack][id]; ok && k.count == n {
			t.Logf("known open: %d mandatory %s finding(s): %s", n, id, k.why)
			continue
		}
		t.Errorf("%d mandatory %s violation(s):\n%s", n, id, buf.String())
	}
	for id, k := range knownOpen[stack] {
		if open[id] != k.count {
			t.Errorf("knownOpen[%s][%s] expects %d finding(s), got %d: update or remove the entry", stack, id, k.count, open[id])
		}
	}
	t.Logf("%d resources checked:\n%s", len(p.Resources), buf.String())
}

// TestSeededPublicProdEndpoint turns prod's private EKS endpoint public with no
// allow-list, which the stack validation accepts, and expects EKS001 to block it.
func TestSeededPublicProdEndpoint(t *testing.T) {
	data, err := os.ReadFile(stacks.StackFile(repoRoot, "prod"))
	if err != nil {
		t.Fatal(err)
	}
	const private = "endpointAccess: private"
	if !bytes.Contains(data, []byte(private)) {
		t.Fatalf("Pulumi.prod.yaml no longer has %q to seed from", private)
	}
	bad := bytes.Replace(data, []byte(private), []byte("endpointAccess: public"), 1)
	path := filepath.Join(t.TempDir(), "Pulumi.prod.yaml")
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := stacks.LoadFile(path, "prod")
	if err != nil {
		t.Fatal(err)
	}
	dev := planStack(t, "dev", nil)
	p, err := program.Offline(cfg, map[string]*plan.Plan{"organization/fleetform/dev": dev})
	if err != nil {
		t.Fatal(err)
	}
	rep := checkPlan(t, p, bad)
	var got []string
	for _, f := range rep.Findings {
		if f.Rule.ID == rules.IDEKSEndpoint {
			got = append(got, f.URN+"#"+f.Path+"#"+string(f.Level))
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "aws:eks/cluster:Cluster::prod-aws") ||
		!strings.HasSuffix(got[0], "#vpcConfig.publicAccessCidrs#mandatory") {
		t.Fatalf("EKS001 findings %v, want one mandatory finding on prod-aws's cluster", got)
	}
	var sarif bytes.Buffer
	if err := rep.WriteSARIF(&sarif); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sarif.String(), `"ruleId": "EKS001"`) {
		t.Errorf("SARIF lacks the EKS001 result")
	}
}

// Every namespace the platform makes for an addon is registered for it in the
// catalog and exempt from the namespace rules by default: an addon added without its
// registration fails here, not in a cluster.
func TestAddonNamespacesExemptByDefault(t *testing.T) {
	exempt := map[string]bool{}
	for _, ns := range rules.DefaultExemptNamespaces {
		exempt[ns] = true
	}
	for stack, p := range stackPlans(t) {
		t.Run(stack, func(t *testing.T) {
			n := 0
			for _, r := range p.Resources {
				if r.Inputs["kind"] != "Namespace" {
					continue
				}
				md, _ := r.Inputs["metadata"].(map[string]any)
				labels, _ := md["labels"].(map[string]any)
				addon, _ := labels[platform.LabelAddon].(string)
				name, _ := md["name"].(string)
				if addon == "" {
					continue
				}
				n++
				if !exempt[name] {
					t.Errorf("addon %s's namespace %s is not in rules.DefaultExemptNamespaces", addon, name)
				}
				if a, ok := catalog.Lookup(addon); !ok || !slices.Contains(a.Namespaces(), name) {
					t.Errorf("addon %s's namespace %s is not one catalog.Addons registers for it", addon, name)
				}
			}
			if n == 0 {
				t.Fatalf("stack %s plans no addon namespace (label %s)", stack, platform.LabelAddon)
			}
			t.Logf("%d addon namespaces, each exempt", n)
		})
	}
}

// TestEveryStackFileHasPolicySettings: each stack file at the repository's root has its
// entry under stacks: in policies/config.yaml, and each prod* one checks as prod. A stack
// left out would get the defaults with its own name as its environment: a new prod stack
// would pass as non-prod.
func TestEveryStackFileHasPolicySettings(t *testing.T) {
	cfg := policyConfig(t)
	files, err := filepath.Glob(filepath.Join(repoRoot, "Pulumi.*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		s, ok := cfg.Stacks[stack]
		switch {
		case !ok:
			t.Errorf("%s: no stacks.%s in policies/config.yaml", filepath.Base(f), stack)
		case strings.HasPrefix(stack, "prod") && (s.Environment != "prod" || s.Enforcement != rules.Mandatory):
			t.Errorf("stacks.%s: environment %q, enforcement %q; a prod stack checks as prod, every rule mandatory", stack, s.Environment, s.Enforcement)
		}
	}
}
