package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform/internal/graph"
)

// newGraphCmd builds `fleetplan graph`.
func newGraphCmd(a *app) *cobra.Command {
	var (
		sf                 stackFlags
		dotOut, mermaidOut string
		stats              bool
	)
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "write the dependency graph as DOT and Mermaid; --stats prints the critical path",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := sf.checkPlanFile(cmd); err != nil {
				return err
			}
			p, err := sf.planOrRead(a.stderr)
			if err != nil {
				return err
			}
			g := graph.New(p)
			if dotOut == "" && mermaidOut == "" && !stats {
				dotOut = "-"
			}
			for _, out := range []struct {
				path  string
				write func(io.Writer)
			}{{dotOut, g.WriteDOT}, {mermaidOut, g.WriteMermaid}} {
				if out.path == "" {
					continue
				}
				if err := writeTo(out.path, a.stdout, out.write); err != nil {
					return err
				}
			}
			if stats {
				s, err := g.Stats()
				if err != nil {
					return err
				}
				s.WriteStats(a.stdout)
			}
			return nil
		},
	}
	sf.bind(cmd)
	sf.bindPlanFile(cmd, "draw")
	f := cmd.Flags()
	f.StringVar(&dotOut, "dot", "", "write Graphviz DOT to `FILE` (- for stdout; the default when no other output is asked for)")
	f.StringVar(&mermaidOut, "mermaid", "", "write a Mermaid flowchart to `FILE` (- for stdout)")
	f.BoolVar(&stats, "stats", false, "print node and edge counts and the critical path")
	return cmd
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
