package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform/internal/plan"
)

// newDiffCmd builds `fleetplan diff`.
func newDiffCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "compare two plans as Markdown; exit 1 when they differ",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return fmt.Errorf("diff takes two plan files, OLD.json and NEW.json, got %d argument(s)", len(args))
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) >= 2 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return []string{"json"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(_ *cobra.Command, args []string) error {
			return runDiff(a, args[0], args[1])
		},
	}
}

// runDiff writes the Markdown diff of two plan files; exitChanges when they differ.
func runDiff(a *app, oldFile, newFile string) error {
	oldPlan, err := plan.ReadFile(oldFile)
	if err != nil {
		return err
	}
	newPlan, err := plan.ReadFile(newFile)
	if err != nil {
		return err
	}
	d := plan.Compare(oldPlan, newPlan)
	cw := newColorWriter(a.stdout, a.color.on(a.stdout), diffColors...)
	d.WriteMarkdown(cw)
	if err := cw.Flush(); err != nil {
		return err
	}
	if d.Empty() {
		return nil
	}
	return exitCode(exitChanges)
}
