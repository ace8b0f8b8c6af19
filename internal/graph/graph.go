package graph

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/internal/stateful"
)

// Graph is a DAG over a plan's resources. An edge From→To means From waits for To.
type Graph struct {
	Nodes []*Node
	byURN map[string]*Node
}

// Node is one resource and what it waits for.
type Node struct {
	Resource *plan.Resource
	// Needs are the resources this one waits for: its declared dependencies and its
	// explicit provider, sorted by URN.
	Needs []*Node
	// Why maps each needed URN to why: "dependsOn/input" or "provider".
	Why map[string]string
}

// Edge is one dependency.
type Edge struct {
	From, To *Node
	Why      string
}

// New builds the graph of p. The stack resource and parent links are not edges:
// the engine does not wait for a component before creating its children. The
// destroy guard is not a node: it waits for everything and creates nothing.
func New(p *plan.Plan) *Graph {
	g := &Graph{byURN: map[string]*Node{}}
	for i := range p.Resources {
		r := &p.Resources[i]
		if r.Type == "pulumi:pulumi:Stack" || r.Type == stateful.TypeDestroyGuard {
			continue
		}
		n := &Node{Resource: r, Why: map[string]string{}}
		g.Nodes = append(g.Nodes, n)
		g.byURN[r.URN] = n
	}
	for _, n := range g.Nodes {
		add := func(urn, why string) {
			d, ok := g.byURN[urn]
			if !ok || d == n {
				return
			}
			if _, seen := n.Why[urn]; !seen {
				n.Needs = append(n.Needs, d)
			}
			n.Why[urn] = why
		}
		for _, d := range n.Resource.Dependencies {
			add(d, "depends on")
		}
		if n.Resource.Provider != "" {
			add(n.Resource.Provider, "provider")
		}
		sort.Slice(n.Needs, func(i, j int) bool { return n.Needs[i].Resource.URN < n.Needs[j].Resource.URN })
	}
	return g
}

// Find returns the node of a URN, or nil.
func (g *Graph) Find(urn string) *Node { return g.byURN[urn] }

// Edges lists every edge, sorted.
func (g *Graph) Edges() []Edge {
	var out []Edge
	for _, n := range g.Nodes {
		for _, d := range n.Needs {
			out = append(out, Edge{From: n, To: d, Why: n.Why[d.Resource.URN]})
		}
	}
	return out
}

// CriticalPath returns the longest chain of waits, first resource created first.
// Ties break by URN, so the result is deterministic. A cycle (which the engine
// would reject) is reported as an error.
func (g *Graph) CriticalPath() ([]*Node, error) {
	depth := make(map[*Node]int, len(g.Nodes))
	next := make(map[*Node]*Node, len(g.Nodes))
	state := make(map[*Node]int8, len(g.Nodes)) // 1 visiting, 2 done
	var visit func(n *Node) error
	visit = func(n *Node) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("dependency cycle through %s", n.Resource.URN)
		case 2:
			return nil
		}
		state[n] = 1
		best, bestDepth := (*Node)(nil), 0
		for _, d := range n.Needs {
			if err := visit(d); err != nil {
				return err
			}
			if depth[d] > bestDepth {
				best, bestDepth = d, depth[d]
			}
		}
		depth[n], next[n], state[n] = bestDepth+1, best, 2
		return nil
	}
	var start *Node
	for _, n := range g.Nodes {
		if err := visit(n); err != nil {
			return nil, err
		}
		if start == nil || depth[n] > depth[start] {
			start = n
		}
	}
	var chain []*Node
	for n := start; n != nil; n = next[n] {
		chain = append(chain, n)
	}
	// chain runs from the last resource created back to the first; reverse it.
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain, nil
}

// label is a node's display name.
func label(r *plan.Resource) string { return r.Type + "\n" + r.Name }

// WriteDOT writes the graph for Graphviz, clustered by each resource's top-level
// component (a cluster, its platform, an environment, a release).
func (g *Graph) WriteDOT(w io.Writer) {
	fmt.Fprintln(w, "digraph plan {")
	fmt.Fprintln(w, "  rankdir=RL;")
	fmt.Fprintln(w, `  node [shape=box, fontsize=10];`)
	groups, order := g.groups()
	ids := g.ids()
	for gi, key := range order {
		fmt.Fprintf(w, "  subgraph cluster_%d {\n    label=%q;\n", gi, key)
		for _, n := range groups[key] {
			fmt.Fprintf(w, "    %s [label=%q];\n", ids[n], label(n.Resource))
		}
		fmt.Fprintln(w, "  }")
	}
	for _, e := range g.Edges() {
		style := ""
		if e.Why == "provider" {
			style = " [style=dashed]"
		}
		fmt.Fprintf(w, "  %s -> %s%s;\n", ids[e.From], ids[e.To], style)
	}
	fmt.Fprintln(w, "}")
}

// WriteMermaid writes the graph as a Mermaid flowchart, grouped like WriteDOT.
func (g *Graph) WriteMermaid(w io.Writer) {
	fmt.Fprintln(w, "flowchart RL")
	groups, order := g.groups()
	ids := g.ids()
	for gi, key := range order {
		fmt.Fprintf(w, "  subgraph g%d[%q]\n", gi, key)
		for _, n := range groups[key] {
			fmt.Fprintf(w, "    %s[\"%s<br/>%s\"]\n", ids[n], mermaidEscape(n.Resource.Type), mermaidEscape(n.Resource.Name))
		}
		fmt.Fprintln(w, "  end")
	}
	for _, e := range g.Edges() {
		arrow := "-->"
		if e.Why == "provider" {
			arrow = "-.->"
		}
		fmt.Fprintf(w, "  %s %s %s\n", ids[e.From], arrow, ids[e.To])
	}
}

func mermaidEscape(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
}

func (g *Graph) ids() map[*Node]string {
	ids := make(map[*Node]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[n] = fmt.Sprintf("n%d", i)
	}
	return ids
}

// groups buckets nodes by their outermost component ancestor (below the stack).
func (g *Graph) groups() (map[string][]*Node, []string) {
	groups := map[string][]*Node{}
	for _, n := range g.Nodes {
		key := g.topComponent(n.Resource)
		groups[key] = append(groups[key], n)
	}
	order := make([]string, 0, len(groups))
	for k := range groups {
		order = append(order, k)
	}
	sort.Strings(order)
	return groups, order
}

func (g *Graph) topComponent(r *plan.Resource) string {
	cur := r
	for {
		p, ok := g.byURN[cur.Parent]
		if !ok {
			break
		}
		cur = p.Resource
	}
	if cur == r && r.Custom {
		return "(stack)"
	}
	return cur.Type + " " + cur.Name
}

// Stats are the graph's size and critical path.
type Stats struct {
	Nodes, Edges int
	CriticalPath []*Node
}

// Stats computes Stats.
func (g *Graph) Stats() (Stats, error) {
	cp, err := g.CriticalPath()
	if err != nil {
		return Stats{}, err
	}
	return Stats{Nodes: len(g.Nodes), Edges: len(g.Edges()), CriticalPath: cp}, nil
}

// WriteStats prints the statistics and the critical path with why each step waits.
func (s Stats) WriteStats(w io.Writer) {
	fmt.Fprintf(w, "nodes: %d\nedges: %d\ncritical path: %d resources\n", s.Nodes, s.Edges, len(s.CriticalPath))
	for i, n := range s.CriticalPath {
		why := ""
		if i > 0 {
			why = " (" + n.Why[s.CriticalPath[i-1].Resource.URN] + " " + s.CriticalPath[i-1].Resource.Name + ")"
		}
		fmt.Fprintf(w, "  %2d. %s %s%s\n", i+1, n.Resource.Type, n.Resource.Name, why)
	}
}
