package main

import (
	"flag"
	"fmt"
	"io"
)

func init() {
	register(command{name: "plan", summary: "print what a stack would create; --json writes the plan", run: runPlan})
}

func runPlan(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf stackFlags
	sf.bind(fs)
	jsonOut := fs.String("json", "", "write the plan as JSON to this file")
	quiet := fs.Bool("quiet", false, "print only the summary, not the tree")
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	p, err := sf.plan()
	if err != nil {
		return fail(stderr, err)
	}
	if *quiet {
		fmt.Fprintf(stdout, "stack %s: %d resources\n", p.Stack, len(p.Resources))
		printWarnings(stderr, p)
	} else {
		p.PrintTree(stdout)
	}
	if *jsonOut != "" {
		if err := p.WriteFile(*jsonOut); err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stderr, "wrote %s\n", *jsonOut)
	}
	return exitOK
}
