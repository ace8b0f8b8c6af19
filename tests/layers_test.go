package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/stateful"
)

// layeredProd are prod's layered stacks: a cluster stack per cloud, an in-cluster stack
// per cluster (docs/clusters.md, "Layered stacks").
var layeredProd = []string{"prod-aws-cluster", "prod-azure-cluster", "prod-ali-cluster", "prod-aws", "prod-azure", "prod-ali"}

// urnsWithoutStack are a plan's URNs with the stack name taken out (a resource moved
// with `pulumi state move` keeps everything else), without the stack itself.
func urnsWithoutStack(p *plan.Plan) []string {
	var out []string
	for _, r := range p.Resources {
		if r.Type == "pulumi:pulumi:Stack" {
			continue
		}
		out = append(out, strings.Replace(r.URN, "urn:pulumi:"+p.Stack+"::", "urn:pulumi:STACK::", 1))
	}
	return out
}

// TestLayeredProdHoldsTheSingleStack: the six layered stacks hold exactly the single prod
// stack's resources, each with the same URN but for the stack name, so moving the
// single stack's state into them (`pulumi state move`) recreates nothing. Only the
// stack references and each stack's destroy guard are new, and each cluster's component and cloud provider is in
// both of its stacks.
func TestLayeredProdHoldsTheSingleStack(t *testing.T) {
	perStack := func(u string) bool { // each stack reads what it reads, and has its own guard
		return strings.Contains(u, "pulumi:pulumi:StackReference") || strings.Contains(u, stateful.TypeDestroyGuard)
	}
	single := slices.DeleteFunc(urnsWithoutStack(planStack(t, "prod", nil)), perStack)
	layered := map[string]int{}
	for _, s := range layeredProd {
		for _, u := range urnsWithoutStack(planStack(t, s, nil)) {
			if perStack(u) {
				continue
			}
			layered[u]++
		}
	}
	for _, u := range single {
		if layered[u] == 0 {
			t.Errorf("%s: in the single prod stack, in no layered stack", u)
		}
	}
	twice := 0
	for u, n := range layered {
		if !slices.Contains(single, u) {
			t.Errorf("%s: in a layered stack, not in the single prod stack", u)
		}
		if n > 1 {
			twice++
			if !strings.Contains(u, "platform:cluster:") && !strings.Contains(u, "pulumi:providers:") {
				t.Errorf("%s: in %d layered stacks; only cluster components and their cloud providers are in two", u, n)
			}
		}
	}
	if twice != 6 {
		t.Errorf("resources in two stacks: got %d, want 6 (three cluster components, three cloud providers)", twice)
	}
}

// TestClusterStacksNeverCallTheKubernetesAPI: a cluster stack deploys from anywhere, so it
// holds no Kubernetes object and no kubernetes provider, and exports each cluster's
// contract: the connection (plain, versioned), the outputs and the kubeconfig (secret).
func TestClusterStacksNeverCallTheKubernetesAPI(t *testing.T) {
	for _, s := range layeredProd[:3] {
		p := planStack(t, s, nil)
		for _, r := range p.Resources {
			if strings.HasPrefix(r.Type, "kubernetes:") || r.Type == "pulumi:providers:kubernetes" {
				t.Errorf("%s: %s %s; a cluster stack must not touch the API server", s, r.Type, r.Name)
			}
		}
		name := strings.TrimSuffix(s, "-cluster")
		pre := cluster.ExportPrefix(name)
		conn, ok := p.Outputs[pre+cluster.ExportConnection].(map[string]any)
		if !ok || conn["version"] != cluster.ContractVersion || conn["name"] != name || conn["stack"] != s {
			t.Errorf("%s: connection output %v, want version %s for cluster %s of stack %s", s, p.Outputs[pre+cluster.ExportConnection], cluster.ContractVersion, name, s)
		}
		if m, _ := conn["managementCidrs"].([]any); len(m) == 0 {
			t.Errorf("%s: connection managementCidrs %v, want the runners' ranges (network.management)", s, conn["managementCidrs"])
		}
		if conn["privateEndpoint"] != true {
			t.Errorf("%s: connection privateEndpoint %v, want true (prod API servers are private)", s, conn["privateEndpoint"])
		}
		if p.Outputs[pre+cluster.ExportKubeconfig] != plan.Secret {
			t.Errorf("%s: kubeconfig output %v, want a secret", s, p.Outputs[pre+cluster.ExportKubeconfig])
		}
		if _, ok := p.Outputs[pre+cluster.ExportOutputs]; !ok {
			t.Errorf("%s: no %s output", s, pre+cluster.ExportOutputs)
		}
	}
}

// TestInClusterStacksReadTheirClusterStack: an in-cluster stack answers its reference from
// the cluster stack's offline plan and builds a kubernetes provider whose
// clusterIdentifier comes from it.
func TestInClusterStacksReadTheirClusterStack(t *testing.T) {
	for _, s := range layeredProd[3:] {
		p := planStack(t, s, nil)
		refs, providers := 0, 0
		for _, r := range p.Resources {
			switch r.Type {
			case "pulumi:pulumi:StackReference":
				if r.Name == "stackref-cluster" && r.Inputs["name"] == "organization/fleetform/"+s+"-cluster" {
					refs++
				}
			case "pulumi:providers:kubernetes":
				providers++
				if r.Name != s+"-k8s" {
					t.Errorf("%s: kubernetes provider %s, want %s-k8s", s, r.Name, s)
				}
			}
		}
		if refs != 1 || providers != 1 {
			t.Errorf("%s: %d reference(s) to its cluster stack and %d kubernetes provider(s), want 1 and 1", s, refs, providers)
		}
		if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.Contains(w, s+"-cluster") }) {
			t.Errorf("%s: warnings %v, want a note that Pulumi.%s-cluster.yaml answered the reference", s, p.Warnings, s)
		}
	}
}
