package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/fleetform/fleetform/internal/plan"
)

func init() {
	register(command{name: "diff", summary: "compare two plans as Markdown; exit 1 when they differ", run: runDiff})
}

func runDiff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintf(stderr, "usage: fleetplan diff OLD.json NEW.json\n") }
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return exitFailure
	}
	oldPlan, err := plan.ReadFile(fs.Arg(0))
	if err != nil {
		return fail(stderr, err)
	}
	newPlan, err := plan.ReadFile(fs.Arg(1))
	if err != nil {
		return fail(stderr, err)
	}
	d := plan.Compare(oldPlan, newPlan)
	d.WriteMarkdown(stdout)
	if d.Empty() {
		return exitOK
	}
	return exitChanges
}
