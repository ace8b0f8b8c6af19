package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// newPlanCmd builds `fleetplan plan`.
func newPlanCmd(a *app) *cobra.Command {
	var (
		sf             stackFlags
		jsonOut, quiet bool
		out            string
	)
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "print what a stack would create; --json prints the plan as JSON, -o FILE writes it",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if quiet && jsonOut {
				return errors.New("--quiet shortens the tree, which --json replaces: give one of them")
			}
			p, err := sf.planOrRead(a.stderr)
			if err != nil {
				return err
			}
			switch {
			case jsonOut && out == "":
				b, err := p.Marshal()
				if err != nil {
					return err
				}
				if _, err := a.stdout.Write(b); err != nil {
					return err
				}
				a.warnings(p)
			case jsonOut:
				a.warnings(p)
			case quiet:
				fmt.Fprintf(a.stdout, "stack %s: %d resources\n", p.Stack, len(p.Resources))
				a.warnings(p)
			default:
				cw := newColorWriter(a.stdout, a.color.on(a.stdout), treeColors...)
				p.PrintTree(cw)
				if err := cw.Flush(); err != nil {
					return err
				}
			}
			if out != "" {
				if err := p.WriteFile(out); err != nil {
					return err
				}
				a.wrote(out)
			}
			return nil
		},
	}
	sf.bind(cmd)
	f := cmd.Flags()
	f.BoolVar(&jsonOut, "json", false, "print the plan as JSON instead of the resource tree (to the -o file only, when given)")
	f.StringVarP(&out, "out", "o", "", "write the plan JSON to `FILE` (for diff, check, render and graph --plan); stdout still shows the tree, or nothing with --json")
	f.BoolVar(&quiet, "quiet", false, "print only a summary line, not the resource tree")
	_ = cmd.MarkFlagFilename("out", "json")
	return cmd
}
