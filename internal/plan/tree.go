package plan

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
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
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "     Type\tName\n")
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
		fmt.Fprintf(tw, " %s %s%s%s\t%s\n", op, prefix, branch, r.Type, r.Name)
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
	tw.Flush()
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
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range p.CountByType() {
		fmt.Fprintf(tw, "    %s\t%d\n", c.Type, c.Count)
	}
	tw.Flush()
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
