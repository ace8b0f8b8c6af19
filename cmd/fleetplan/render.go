package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform/internal/render"
)

// newRenderCmd builds `fleetplan render`.
func newRenderCmd(a *app) *cobra.Command {
	var (
		sf  stackFlags
		out string
	)
	cmd := &cobra.Command{
		Use:   "render",
		Short: "write a stack's Kubernetes objects as YAML into the -o folder, one folder per cluster and namespace",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := sf.checkPlanFile(cmd); err != nil {
				return err
			}
			if out == "" {
				return errors.New("render: -o/--out DIR is required")
			}
			p, err := sf.planOrRead(a.stderr)
			if err != nil {
				return err
			}
			a.warnings(p)
			pr := startProgress(a.stderr, "rendering "+p.Stack, false)
			res, err := render.Render(p)
			if err == nil {
				err = res.WriteDir(out)
			}
			pr.stop()
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "stack %s: %d objects in %d clusters written to %s; %d notes in %s\n",
				p.Stack, len(res.Objects), len(res.Clusters()), out, len(res.Notes), render.NotesFile)
			return nil
		},
	}
	sf.bind(cmd)
	sf.bindPlanFile(cmd, "render")
	cmd.Flags().StringVarP(&out, "out", "o", "", "the `DIR` to write the manifests to (required); an earlier render there is replaced")
	_ = cmd.MarkFlagDirname("out")
	return cmd
}
