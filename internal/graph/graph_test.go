package graph

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/internal/plan"
)

func testPlan() *plan.Plan {
	p := &plan.Plan{Resources: []plan.Resource{
		{URN: "urn:stack", Type: "pulumi:pulumi:Stack", Name: "s"},
		{URN: "urn:cluster", Type: "platform:cluster:EKS", Name: "c", Parent: "urn:stack"},
		{URN: "urn:eks", Type: "aws:eks/cluster:Cluster", Name: "c", Parent: "urn:cluster", Custom: true},
		{URN: "urn:k8s", Type: "pulumi:providers:kubernetes", Name: "c-k8s", Parent: "urn:cluster", Custom: true, Dependencies: []string{"urn:eks"}},
		{URN: "urn:env", Type: "platform:environments:Environment", Name: "qa", Parent: "urn:stack"},
		{URN: "urn:ns", Type: "kubernetes:core/v1:Namespace", Name: "qa", Parent: "urn:env", Custom: true, Provider: "urn:k8s"},
		{URN: "urn:quota", Type: "kubernetes:core/v1:ResourceQuota", Name: "qa", Parent: "urn:env", Custom: true, Provider: "urn:k8s", Dependencies: []string{"urn:ns"}},
		{URN: "urn:logs", Type: "kubernetes:helm.sh/v3:Release", Name: "loki", Parent: "urn:stack", Custom: true, Provider: "urn:k8s"},
	}}
	p.Sort()
	return p
}

func TestCriticalPath(t *testing.T) {
	g := New(testPlan())
	cp, err := g.CriticalPath()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range cp {
		names = append(names, n.Resource.Type)
	}
	want := "aws:eks/cluster:Cluster pulumi:providers:kubernetes kubernetes:core/v1:Namespace kubernetes:core/v1:ResourceQuota"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("critical path = %s, want %s", got, want)
	}
	if why := cp[2].Why["urn:k8s"]; why != "provider" {
		t.Errorf("namespace waits for the provider because %q, want provider", why)
	}
}

func TestComponentsAreNotEdges(t *testing.T) {
	g := New(testPlan())
	for _, e := range g.Edges() {
		if !e.To.Resource.Custom {
			t.Errorf("edge %s -> %s waits on a component", e.From.Resource.Name, e.To.Resource.Name)
		}
	}
	if s, _ := g.Stats(); s.Nodes != 7 || s.Edges != 5 {
		t.Errorf("nodes=%d edges=%d, want 7 and 5", s.Nodes, s.Edges)
	}
}

func TestCycle(t *testing.T) {
	p := &plan.Plan{Resources: []plan.Resource{
		{URN: "a", Type: "t", Name: "a", Custom: true, Dependencies: []string{"b"}},
		{URN: "b", Type: "t", Name: "b", Custom: true, Dependencies: []string{"a"}},
	}}
	if _, err := New(p).CriticalPath(); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("got %v, want a cycle error", err)
	}
}

func TestWriters(t *testing.T) {
	g := New(testPlan())
	var dot, mer, stats bytes.Buffer
	g.WriteDOT(&dot)
	g.WriteMermaid(&mer)
	s, err := g.Stats()
	if err != nil {
		t.Fatal(err)
	}
	s.WriteStats(&stats)
	for _, want := range []string{"digraph plan {", `label="platform:environments:Environment qa"`, "[style=dashed]"} {
		if !strings.Contains(dot.String(), want) {
			t.Errorf("DOT lacks %q:\n%s", want, dot.String())
		}
	}
	for _, want := range []string{"flowchart RL", "-.->", "-->"} {
		if !strings.Contains(mer.String(), want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, mer.String())
		}
	}
	if !strings.Contains(stats.String(), "critical path: 4 resources") || !strings.Contains(stats.String(), "(provider c-k8s)") {
		t.Errorf("stats:\n%s", stats.String())
	}
	var again bytes.Buffer
	New(testPlan()).WriteDOT(&again)
	if again.String() != dot.String() {
		t.Error("DOT output is not deterministic")
	}
}
