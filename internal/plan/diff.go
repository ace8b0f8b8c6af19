package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/fleetform/fleetform/internal/stateful"
)

// Diff is what changes between two plans of a stack.
type Diff struct {
	Stack   string
	Added   []*Resource
	Removed []*Resource
	Changed []Change
	// Renamed are resources found under a new URN through an alias: the engine keeps
	// them (with their changes, if any) rather than deleting and creating them.
	Renamed []Change
	// Destroys are the stateful or foundational resources the change removes, or whose
	// change the cloud cannot apply in place, with what they hold.
	Destroys []Destroy
	// Outputs are changed stack outputs.
	Outputs []PropertyChange
}

// Destroy is one stateful or foundational resource a change deletes or replaces.
type Destroy struct {
	// Resource is the resource as the old plan has it.
	Resource *Resource
	// Cluster is the cluster component it belongs to, if any.
	Cluster string
	// Holds says what is lost with it; empty for a resource that is not stateful.
	Holds string
	// Protected says the old plan protects it: the engine will refuse the deploy.
	Protected bool
	// Facts are the replace-forcing properties that changed; none for a removal.
	Facts []ReplaceFact
}

// DestroysProtected reports whether the change deletes or replaces a protected resource.
func (d *Diff) DestroysProtected() bool {
	for _, x := range d.Destroys {
		if x.Protected {
			return true
		}
	}
	return false
}

// Change is one resource whose properties differ.
type Change struct {
	Old, New   *Resource
	Properties []PropertyChange
}

// PropertyChange is one differing value; Path is dotted (spec.replicas, metadata.labels["a"]).
// Old or New is absent when the property was added or removed.
type PropertyChange struct {
	Path           string
	Old, New       any
	HasOld, HasNew bool
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0 && len(d.Renamed) == 0 && len(d.Outputs) == 0
}

// Compare diffs two plans by URN. A new resource whose URN the old plan lacks is
// matched, as the engine matches it, through its aliases and then through its
// parent's: a child of a renamed parent whose name starts with the parent's name is
// looked up under the old parent with the old name prefix.
func Compare(oldPlan, newPlan *Plan) *Diff {
	d := &Diff{Stack: newPlan.Stack}
	olds := map[string]*Resource{}
	for i := range oldPlan.Resources {
		olds[oldPlan.Resources[i].URN] = &oldPlan.Resources[i]
	}
	news := map[string]*Resource{}
	for i := range newPlan.Resources {
		news[newPlan.Resources[i].URN] = &newPlan.Resources[i]
	}
	m := &matcher{olds: olds, news: news, found: map[string]string{}}
	renamed := map[string]string{} // old URN to new URN
	for i := range newPlan.Resources {
		if ou := m.old(newPlan.Resources[i].URN); ou != "" && ou != newPlan.Resources[i].URN {
			renamed[ou] = newPlan.Resources[i].URN
		}
	}
	seen := map[string]bool{}
	for i := range newPlan.Resources {
		n := &newPlan.Resources[i]
		ou := m.old(n.URN)
		if ou == "" {
			d.Added = append(d.Added, n)
			continue
		}
		o := olds[ou]
		seen[ou] = true
		var props []PropertyChange
		diffValue("", meta(o, renamed), meta(n, nil), &props)
		diffValue("", toAny(o.Inputs), toAny(n.Inputs), &props)
		switch {
		case ou != n.URN:
			d.Renamed = append(d.Renamed, Change{Old: o, New: n, Properties: props})
		case len(props) > 0:
			d.Changed = append(d.Changed, Change{Old: o, New: n, Properties: props})
		}
	}
	for i := range oldPlan.Resources {
		if o := &oldPlan.Resources[i]; !seen[o.URN] {
			d.Removed = append(d.Removed, o)
		}
	}
	diffValue("", toAny(oldPlan.Outputs), toAny(newPlan.Outputs), &d.Outputs)
	d.Added = dependencyOrder(d.Added, func(r *Resource) *Resource { return r })
	d.Changed = dependencyOrder(d.Changed, func(c Change) *Resource { return c.New })
	d.Destroys = destroys(oldPlan, d)
	return d
}

// matcher finds the old URN of each new resource, memoised.
type matcher struct {
	olds, news map[string]*Resource
	found      map[string]string // new URN to old URN, "" for none
}

func (m *matcher) old(urn string) string {
	if ou, ok := m.found[urn]; ok {
		return ou
	}
	m.found[urn] = "" // a parent cycle ends here
	ou := m.lookup(urn)
	m.found[urn] = ou
	return ou
}

func (m *matcher) lookup(urn string) string {
	if _, ok := m.olds[urn]; ok {
		return urn
	}
	n := m.news[urn]
	if n == nil {
		return ""
	}
	for _, a := range n.Aliases {
		if _, ok := m.olds[a]; ok {
			return a
		}
	}
	if n.Parent == "" {
		return ""
	}
	po := m.old(n.Parent)
	p := m.news[n.Parent]
	if po == "" || po == n.Parent || p == nil {
		return ""
	}
	name := n.Name
	if oldParent := m.olds[po]; oldParent != nil && strings.HasPrefix(name, p.Name) {
		name = oldParent.Name + strings.TrimPrefix(name, p.Name)
	}
	if u := childURN(po, n.Type, name); m.olds[u] != nil {
		return u
	}
	return ""
}

// childURN is the URN of a child of type typ and name under the resource parent.
func childURN(parent, typ, name string) string {
	parts := strings.SplitN(parent, "::", 4)
	if len(parts) != 4 {
		return ""
	}
	return parts[0] + "::" + parts[1] + "::" + parts[2] + "$" + typ + "::" + name
}

// destroys lists the stateful or foundational resources a diff removes, and every
// resource with a change the cloud cannot apply in place.
func destroys(oldPlan *Plan, d *Diff) []Destroy {
	var out []Destroy
	for _, r := range d.Removed {
		if holds, ok := stateful.Holds(r.Type, chart(r)); ok {
			out = append(out, Destroy{Resource: r, Cluster: clusterOf(oldPlan, r), Holds: holds, Protected: r.Protect})
		}
	}
	for _, c := range append(append([]Change(nil), d.Changed...), d.Renamed...) {
		var facts []ReplaceFact
		for _, p := range c.Properties {
			facts = append(facts, replaceFacts(c.Old.Type, p.Path)...)
		}
		if len(facts) == 0 {
			continue
		}
		holds, _ := stateful.Holds(c.Old.Type, chart(c.Old))
		out = append(out, Destroy{Resource: c.Old, Cluster: clusterOf(oldPlan, c.Old), Holds: holds, Protected: c.Old.Protect, Facts: facts})
	}
	return out
}

// chart is a Helm release's chart input, if any.
func chart(r *Resource) string {
	s, _ := r.Inputs["chart"].(string)
	return s
}

// ClusterComponentPrefix starts the type token of every cluster component
// (platform:cluster:EKS, ...): the component a resource's cluster is named by.
const ClusterComponentPrefix = "platform:cluster:"

// clusterOf names the cluster component above r in p, or "".
func clusterOf(p *Plan, r *Resource) string {
	for cur, hops := r, 0; cur != nil && hops < 64; hops++ {
		if strings.HasPrefix(cur.Type, ClusterComponentPrefix) {
			return cur.Name
		}
		if cur.Parent == "" {
			return ""
		}
		cur = p.Find(cur.Parent)
	}
	return ""
}

// dependencyOrder orders a diff's entries so that each comes after the entries it
// depends on, as the engine applies them: a cluster's control plane (its version) before
// its node pools, whatever their URNs sort as (AKS's AgentPool sorts before its
// ManagedCluster). Entries with no order between them keep URN order.
func dependencyOrder[T any](items []T, res func(T) *Resource) []T {
	index := make(map[string]int, len(items))
	for i, it := range items {
		index[res(it).URN] = i
	}
	out := make([]T, 0, len(items))
	state := make([]int, len(items)) // 0 new, 1 visiting, 2 done
	var visit func(i int)
	visit = func(i int) {
		if state[i] != 0 {
			return // done, or a cycle the engine would refuse: keep the order found
		}
		state[i] = 1
		for _, dep := range res(items[i]).Dependencies {
			if j, ok := index[dep]; ok {
				visit(j)
			}
		}
		state[i] = 2
		out = append(out, items[i])
	}
	for i := range items {
		visit(i)
	}
	return out
}

// meta holds what is not an input but still changes a deployment. URNs of renamed
// resources are written under their new URN (renamed maps old to new), so that a
// rename alone shows no change.
func meta(r *Resource, renamed map[string]string) any {
	to := func(urn string) string {
		if n, ok := renamed[urn]; ok {
			return n
		}
		return urn
	}
	deps := make([]string, len(r.Dependencies))
	for i, d := range r.Dependencies {
		deps[i] = to(d)
	}
	sort.Strings(deps)
	list := make([]any, len(deps))
	for i, d := range deps {
		list[i] = d
	}
	return map[string]any{"(provider)": to(r.Provider), "(dependencies)": list, "(protect)": r.Protect}
}

func toAny(m map[string]any) any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func diffValue(path string, o, n any, out *[]PropertyChange) {
	om, oIsMap := o.(map[string]any)
	nm, nIsMap := n.(map[string]any)
	if oIsMap && nIsMap {
		keys := map[string]bool{}
		for k := range om {
			keys[k] = true
		}
		for k := range nm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			ov, hasO := om[k]
			nv, hasN := nm[k]
			p := joinPath(path, k)
			switch {
			case hasO && hasN:
				diffValue(p, ov, nv, out)
			case hasO:
				*out = append(*out, PropertyChange{Path: p, Old: ov, HasOld: true})
			default:
				*out = append(*out, PropertyChange{Path: p, New: nv, HasNew: true})
			}
		}
		return
	}
	oa, oIsArr := o.([]any)
	na, nIsArr := n.([]any)
	if oIsArr && nIsArr && len(oa) == len(na) {
		for i := range oa {
			diffValue(fmt.Sprintf("%s[%d]", path, i), oa[i], na[i], out)
		}
		return
	}
	if !equalJSON(o, n) {
		*out = append(*out, PropertyChange{Path: path, Old: o, New: n, HasOld: true, HasNew: true})
	}
}

func joinPath(path, key string) string {
	simple := key != "" && strings.IndexFunc(key, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '(' || r == ')' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
	switch {
	case simple && path == "":
		return key
	case simple:
		return path + "." + key
	default:
		return fmt.Sprintf("%s[%q]", path, key)
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// WriteMarkdown writes the diff as a pull-request comment.
func (d *Diff) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "### Plan diff for stack `%s`\n\n", d.Stack)
	if d.Empty() {
		fmt.Fprintf(w, "No changes.\n")
		return
	}
	d.writeDestroys(w)
	if len(d.Renamed) > 0 {
		fmt.Fprintf(w, "**%d to add, %d to change, %d to rename, %d to remove**\n\n", len(d.Added), len(d.Changed), len(d.Renamed), len(d.Removed))
	} else {
		fmt.Fprintf(w, "**%d to add, %d to change, %d to remove**\n\n", len(d.Added), len(d.Changed), len(d.Removed))
	}
	if len(d.Added) > 0 {
		fmt.Fprintf(w, "#### Added\n\n| type | name | parent |\n|---|---|---|\n")
		for _, r := range d.Added {
			fmt.Fprintf(w, "| `%s` | `%s` | %s |\n", r.Type, r.Name, shortParent(r.Parent))
		}
		fmt.Fprintln(w)
	}
	if len(d.Removed) > 0 {
		fmt.Fprintf(w, "#### Removed\n\n| type | name | parent |\n|---|---|---|\n")
		for _, r := range d.Removed {
			fmt.Fprintf(w, "| `%s` | `%s` | %s |\n", r.Type, r.Name, shortParent(r.Parent))
		}
		fmt.Fprintln(w)
	}
	if len(d.Renamed) > 0 {
		fmt.Fprintf(w, "#### Renamed (kept through aliases: nothing is deleted or created)\n\n| type | old name | new name | changed properties |\n|---|---|---|---|\n")
		for _, c := range d.Renamed {
			fmt.Fprintf(w, "| `%s` | `%s` | `%s` | %d |\n", c.New.Type, c.Old.Name, c.New.Name, len(c.Properties))
		}
		fmt.Fprintln(w)
	}
	if len(d.Changed) > 0 {
		fmt.Fprintf(w, "#### Changed\n\n")
		for _, c := range d.Changed {
			fmt.Fprintf(w, "<details><summary><code>%s</code> <b>%s</b>: %d propert%s</summary>\n\n",
				c.New.Type, c.New.Name, len(c.Properties), plural(len(c.Properties), "y", "ies"))
			writeProps(w, c.Properties)
			fmt.Fprintf(w, "</details>\n\n")
		}
	}
	if len(d.Outputs) > 0 {
		fmt.Fprintf(w, "#### Stack outputs\n\n")
		writeProps(w, d.Outputs)
	}
}

// MarkerDestroysProtected opens the Destroys section when a protected resource
// would go: the pipelines' review step looks for it.
const MarkerDestroysProtected = "<!-- fleetplan: destroys protected state -->"

// writeDestroys writes the Destroys section, when the change deletes or replaces a
// stateful or foundational resource, before every table.
func (d *Diff) writeDestroys(w io.Writer) {
	if len(d.Destroys) == 0 {
		return
	}
	if d.DestroysProtected() {
		fmt.Fprintln(w, MarkerDestroysProtected)
	}
	fmt.Fprintf(w, "#### Destroys\n\n")
	if d.DestroysProtected() {
		fmt.Fprintf(w, "**This change deletes or replaces protected resources.** The engine refuses it while they are protected; lift protection in a pull request of its own first (docs/protection.md).\n\n")
	}
	fmt.Fprintf(w, "| cluster | type | name | what is lost | why | protected |\n|---|---|---|---|---|---|\n")
	for _, x := range d.Destroys {
		why := "removed"
		if len(x.Facts) > 0 {
			var parts []string
			for _, f := range x.Facts {
				parts = append(parts, fmt.Sprintf("`%s` %s (source: %s)", f.Path, f.Effect, f.Source))
			}
			why = strings.Join(parts, "; ")
		}
		holds := x.Holds
		if holds == "" {
			holds = "_(not listed as stateful)_"
		}
		cluster := x.Cluster
		if cluster == "" {
			cluster = "_(stack)_"
		}
		fmt.Fprintf(w, "| %s | `%s` | `%s` | %s | %s | %s |\n", cluster, x.Resource.Type, x.Resource.Name, holds, strings.ReplaceAll(why, "|", `\|`), yesNo(x.Protected))
	}
	fmt.Fprintln(w)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func writeProps(w io.Writer, props []PropertyChange) {
	fmt.Fprintf(w, "| property | old | new |\n|---|---|---|\n")
	for _, p := range props {
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", p.Path, cell(p.Old, p.HasOld), cell(p.New, p.HasNew))
	}
	fmt.Fprintln(w)
}

func cell(v any, has bool) string {
	if !has {
		return "_(none)_"
	}
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "`", "'")
	return "`" + s + "`"
}

func shortParent(urn string) string {
	if urn == "" {
		return ""
	}
	return "`" + resource.URN(urn).Name() + "`"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
