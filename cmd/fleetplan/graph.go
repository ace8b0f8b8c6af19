package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fleetform/fleetform/internal/graph"
)

func init() {
	register(command{name: "graph", summary: "write the dependency graph as DOT and Mermaid; --stats prints the critical path", run: runGraph})
}

func runGraph(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf stackFlags
	sf.bind(fs)
	sf.bindPlanFile(fs, "draw")
	dotOut := fs.String("dot", "", "write Graphviz DOT to this file (- for stdout)")
	mermaidOut := fs.String("mermaid", "", "write a Mermaid flowchart to this file (- for stdout)")
	stats := fs.Bool("stats", false, "print node and edge counts and the critical path")
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	p, err := sf.planOrRead()
	if err != nil {
		return fail(stderr, err)
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
			return fail(stderr, err)
		}
	}
	if *stats {
		s, err := g.Stats()
		if err != nil {
			return fail(stderr, err)
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
