package plan

import (
	"fmt"
	"io"
	"sort"
)

// PrintTree writes the resources nested by parent, as `pulumi preview` shows them,
// followed by a count per type.
func (p *Plan) PrintTree(w io.Writer) {
	children := map[string][]*Resource{}
	var roots []*Resource
	known := map[string]bool{}
	for i := range p.Resources {
		known[p.Resources[i].URN] = true
	}
	for i := range p.Resources {
		r := &p.Resources[i]
		if r.Parent == "" || !known[r.Parent] {
			roots = append(roots, r)
			continue
		}
		children[r.Parent] = append(children[r.Parent], r)
	}
	for _, c := range children {
		sortSiblings(c)
	}
	sortSiblings(roots)
	width := 0
	var measure func(r *Resource, depth int)
	measure = func(r *Resource, depth int) {
		if n := depth*3 + len(r.Type); n > width {
			width = n
		}
		for _, c := range children[r.URN] {
			measure(c, depth+1)
		}
	}
	for _, r := range roots {
		measure(r, 0)
	}
	fmt.Fprintf(w, "     %-*s  %s\n", width, "Type", "Name")
	var walk func(r *Resource, prefix string, last bool, depth int)
	walk = func(r *Resource, prefix string, last bool, depth int) {
		branch := ""
		if depth > 0 {
			branch = "├─ "
			if last {
				branch = "└─ "
			}
		}
		op := " + "
		if r.Read {
			op = " > "
		}
		label := prefix + branch + r.Type
		fmt.Fprintf(w, " %s %-*s  %s\n", op, width, label, r.Name) // fmt pads by runes
		kids := children[r.URN]
		next := prefix
		if depth > 0 {
			if last {
				next += "   "
			} else {
				next += "│  "
			}
		}
		for i, c := range kids {
			walk(c, next, i == len(kids)-1, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, "", true, 0)
	}
	creates, reads := 0, 0
	for _, r := range p.Resources {
		if r.Read {
			reads++
		} else {
			creates++
		}
	}
	fmt.Fprintf(w, "\nResources:\n    + %d to create\n", creates)
	if reads > 0 {
		fmt.Fprintf(w, "    > %d to read\n", reads)
	}
	fmt.Fprintf(w, "\nBy type:\n")
	counts := p.CountByType()
	tw := 0
	for _, c := range counts {
		if len(c.Type) > tw {
			tw = len(c.Type)
		}
	}
	for _, c := range counts {
		fmt.Fprintf(w, "    %-*s  %d\n", tw, c.Type, c.Count)
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintf(w, "\nWarnings:\n")
		for _, s := range p.Warnings {
			fmt.Fprintf(w, "    warning: %s\n", s)
		}
	}
}

func sortSiblings(rs []*Resource) {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Type != rs[j].Type {
			return rs[i].Type < rs[j].Type
		}
		return rs[i].Name < rs[j].Name
	})
}
