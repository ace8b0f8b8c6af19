package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform/internal/buildinfo"
)

// newVersionCmd builds `fleetplan version`: the version, commit and build date a
// release stamps in (.goreleaser.yaml).
func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print fleetplan's version, commit and build date",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(a.stdout, "fleetplan %s\n", buildinfo.Get())
			return err
		},
	}
}
