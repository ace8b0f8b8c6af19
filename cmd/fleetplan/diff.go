package main

import (
	"fmt"
	"io"

	"github.com/fleetform/fleetform/internal/plan"
)

func init() {
	register(command{name: "diff", summary: "compare two plans as Markdown; exit 1 when they differ", run: runDiff})
}

func runDiff(args []string, stdout, stderr io.Writer) int {
	f := newFlagSet("diff", " OLD.json NEW.json", stdout, stderr)
	if ok, code := f.parse(args); !ok {
		return code
	}
	if f.NArg() != 2 {
		return f.fail(fmt.Errorf("diff takes two plan files, OLD.json and NEW.json, got %d argument(s)", f.NArg()))
	}
	oldPlan, err := plan.ReadFile(f.Arg(0))
	if err != nil {
		return f.fail(err)
	}
	newPlan, err := plan.ReadFile(f.Arg(1))
	if err != nil {
		return f.fail(err)
	}
	d := plan.Compare(oldPlan, newPlan)
	cw := newColorWriter(stdout, f.color.on(stdout), diffColors...)
	d.WriteMarkdown(cw)
	if err := cw.Flush(); err != nil {
		return f.fail(err)
	}
	if d.Empty() {
		return exitOK
	}
	return exitChanges
}
