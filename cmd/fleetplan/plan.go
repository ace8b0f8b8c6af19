package main

import (
	"errors"
	"fmt"
	"io"
)

func init() {
	register(command{name: "plan", summary: "print what a stack would create; --json prints the plan as JSON, -o FILE writes it", run: runPlan})
}

func runPlan(args []string, stdout, stderr io.Writer) int {
	f := newFlagSet("plan", "", stdout, stderr)
	var sf stackFlags
	sf.bind(f)
	jsonOut := f.Bool("json", false, "print the plan as JSON instead of the resource tree (to the -o file only, when given)")
	out := f.String("out", "", "write the plan JSON to `FILE` (for diff, check, render and graph --plan); stdout still shows the tree, or nothing with --json")
	f.alias("o", "out")
	quiet := f.Bool("quiet", false, "print only a summary line, not the resource tree")
	if ok, code := f.parse(args); !ok {
		return code
	}
	if err := f.noArgs(); err != nil {
		return f.fail(err)
	}
	if *quiet && *jsonOut {
		return f.fail(errors.New("--quiet shortens the tree, which --json replaces: give one of them"))
	}
	p, err := sf.planOrRead(stderr)
	if err != nil {
		return f.fail(err)
	}
	switch {
	case *jsonOut && *out == "":
		b, err := p.Marshal()
		if err != nil {
			return f.fail(err)
		}
		if _, err := stdout.Write(b); err != nil {
			return f.fail(err)
		}
		f.warnings(p)
	case *jsonOut:
		f.warnings(p)
	case *quiet:
		fmt.Fprintf(stdout, "stack %s: %d resources\n", p.Stack, len(p.Resources))
		f.warnings(p)
	default:
		cw := newColorWriter(stdout, f.color.on(stdout), treeColors...)
		p.PrintTree(cw)
		if err := cw.Flush(); err != nil {
			return f.fail(err)
		}
	}
	if *out != "" {
		if err := p.WriteFile(*out); err != nil {
			return f.fail(err)
		}
		f.wrote(*out)
	}
	return exitOK
}
