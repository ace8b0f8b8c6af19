package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform/internal/fleet"
	"github.com/fleetform/fleetform/stacks"
)

// newStacksCmd builds `fleetplan stacks`.
func newStacksCmd(a *app) *cobra.Command {
	var (
		sf       stackFlags
		asJSON   bool
		affected []string
	)
	cmd := &cobra.Command{
		Use:   "stacks",
		Short: "list the project's stacks in deploy order (the DAG of their stack references); cycles are refused",
		Long: `List the project's stacks in deploy order: each level's stacks read only stacks of
earlier levels (a cluster stack before the in-cluster stack that attaches to it, a spoke
before the hub that federates it) and deploy in parallel. A cycle of stack references
is an error. --affected keeps the named stacks and every stack that reads them, what a
change to their files must preview; --json is what the pipelines read.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			configs := map[string]*stacks.StackConfig{}
			for _, name := range sf.stackNames() {
				cfg, err := sf.loadStack(name)
				if err != nil {
					return err
				}
				configs[name] = cfg
			}
			f, err := fleet.Order(configs)
			if err != nil {
				return err
			}
			if len(affected) > 0 {
				for _, n := range affected {
					if configs[n] == nil {
						return fmt.Errorf("--affected %s: no such stack", n)
					}
				}
				f = f.Affected(affected)
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(f)
			}
			for i, level := range f.Levels {
				fmt.Fprintf(a.stdout, "%d  %s\n", i, strings.Join(level, "  "))
			}
			for _, s := range f.Stacks {
				runner := s.Runner
				if runner == "" {
					runner = "(hosted)"
				}
				needs := strings.Join(s.Needs, ", ")
				if needs == "" {
					needs = "-"
				}
				fmt.Fprintf(a.stdout, "%-20s layers %-10s runner %-12s network %-10s needs %s\n", s.Name, s.Layers, runner, s.RunnerNetwork, needs)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&sf.dir, "dir", "", "the project `DIR` (default: the nearest directory above . with a Pulumi.yaml, else the stack files built into this binary)")
	_ = cmd.MarkFlagDirname("dir")
	f.BoolVar(&asJSON, "json", false, "write the order as JSON (stacks with needs, level, runner; levels)")
	f.StringSliceVar(&affected, "affected", nil, "keep these `STACKS` (comma-separated) and every stack that reads them")
	return cmd
}
