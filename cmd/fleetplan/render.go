package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/fleetform/fleetform/internal/render"
)

func init() {
	register(command{name: "render", summary: "write a stack's Kubernetes objects as YAML, one folder per cluster and namespace", run: runRender})
}

func runRender(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf stackFlags
	sf.bind(fs)
	sf.bindPlanFile(fs, "render")
	out := fs.String("out", "", "output folder (required); an earlier render there is replaced")
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	if *out == "" {
		return fail(stderr, errors.New("render: --out is required"))
	}
	p, err := sf.planOrRead()
	if err != nil {
		return fail(stderr, err)
	}
	printWarnings(stderr, p)
	res, err := render.Render(p)
	if err != nil {
		return fail(stderr, err)
	}
	if err := res.WriteDir(*out); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "stack %s: %d objects in %d clusters written to %s; %d notes in %s\n",
		p.Stack, len(res.Objects), len(res.Clusters()), *out, len(res.Notes), render.NotesFile)
	return exitOK
}
