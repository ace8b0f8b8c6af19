package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/fleetform/fleetform/internal/graph"
)

func init() {
	register(command{name: "graph", summary: "write the dependency graph as DOT and Mermaid; --stats prints the critical path", run: runGraph})
}

func runGraph(args []string, stdout, stderr io.Writer) int {
	f := newFlagSet("graph", "", stdout, stderr)
	var sf stackFlags
	sf.bind(f)
	sf.bindPlanFile(f, "draw")
	dotOut := f.String("dot", "", "write Graphviz DOT to `FILE` (- for stdout; the default when no other output is asked for)")
	mermaidOut := f.String("mermaid", "", "write a Mermaid flowchart to `FILE` (- for stdout)")
	stats := f.Bool("stats", false, "print node and edge counts and the critical path")
	if ok, code := f.parse(args); !ok {
		return code
	}
	if err := f.noArgs(); err != nil {
		return f.fail(err)
	}
	if err := sf.checkPlanFile(f); err != nil {
		return f.fail(err)
	}
	p, err := sf.planOrRead(stderr)
	if err != nil {
		return f.fail(err)
	}
	g := graph.New(p)
	if *dotOut == "" && *mermaidOut == "" && !*stats {
		*dotOut = "-"
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer)
	}{{*dotOut, g.WriteDOT}, {*mermaidOut, g.WriteMermaid}} {
		if out.path == "" {
			continue
		}
		if err := writeTo(out.path, stdout, out.write); err != nil {
			return f.fail(err)
		}
	}
	if *stats {
		s, err := g.Stats()
		if err != nil {
			return f.fail(err)
		}
		s.WriteStats(stdout)
	}
	return exitOK
}

// writeTo writes through fn to a file, or to stdout for "-".
func writeTo(path string, stdout io.Writer, fn func(io.Writer)) error {
	if path == "-" {
		fn(stdout)
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fn(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
