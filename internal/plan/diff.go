package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Diff is what changes between two plans of a stack.
type Diff struct {
	Stack   string
	Added   []*Resource
	Removed []*Resource
	Changed []Change
	// Outputs are changed stack outputs.
	Outputs []PropertyChange
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
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0 && len(d.Outputs) == 0
}

// Compare diffs two plans by URN.
func Compare(oldPlan, newPlan *Plan) *Diff {
	d := &Diff{Stack: newPlan.Stack}
	olds := map[string]*Resource{}
	for i := range oldPlan.Resources {
		olds[oldPlan.Resources[i].URN] = &oldPlan.Resources[i]
	}
	seen := map[string]bool{}
	for i := range newPlan.Resources {
		n := &newPlan.Resources[i]
		seen[n.URN] = true
		o, ok := olds[n.URN]
		if !ok {
			d.Added = append(d.Added, n)
			continue
		}
		var props []PropertyChange
		diffValue("", meta(o), meta(n), &props)
		diffValue("", toAny(o.Inputs), toAny(n.Inputs), &props)
		if len(props) > 0 {
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
	return d
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

// meta holds what is not an input but still changes a deployment.
func meta(r *Resource) any {
	deps := make([]any, len(r.Dependencies))
	for i, d := range r.Dependencies {
		deps[i] = d
	}
	return map[string]any{"(provider)": r.Provider, "(dependencies)": deps, "(protect)": r.Protect}
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
	fmt.Fprintf(w, "**%d to add, %d to change, %d to remove**\n\n", len(d.Added), len(d.Changed), len(d.Removed))
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
	i := strings.LastIndex(urn, "::")
	return "`" + urn[i+2:] + "`"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
