package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// noArgs refuses positional arguments. Commands that plan a stack stop reading
// flags at the first argument (SetInterspersed(false)), so the message can say that
// the flags after it were not read, as the stack belongs after -s.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	err := fmt.Errorf("%s takes no arguments, got %q", cmd.Name(), strings.Join(args, " "))
	if cmd.Flags().Lookup("stack") != nil {
		err = fmt.Errorf("%w: name the stack with -s %s (flags after %q were not read)", err, args[0], args[0])
	}
	return err
}
