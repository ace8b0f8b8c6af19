package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/fleetform/fleetform/internal/render"
)

func init() {
	register(command{name: "render", summary: "write a stack's Kubernetes objects as YAML into the -o folder, one folder per cluster and namespace", run: runRender})
}

func runRender(args []string, stdout, stderr io.Writer) int {
	f := newFlagSet("render", "", stdout, stderr)
	var sf stackFlags
	sf.bind(f)
	sf.bindPlanFile(f, "render")
	out := f.String("out", "", "the `DIR` to write the manifests to (required); an earlier render there is replaced")
	f.alias("o", "out")
	if ok, code := f.parse(args); !ok {
		return code
	}
	if err := f.noArgs(); err != nil {
		return f.fail(err)
	}
	if err := sf.checkPlanFile(f); err != nil {
		return f.fail(err)
	}
	if *out == "" {
		return f.fail(errors.New("render: -o/--out DIR is required"))
	}
	p, err := sf.planOrRead(stderr)
	if err != nil {
		return f.fail(err)
	}
	f.warnings(p)
	pr := startProgress(stderr, "rendering "+p.Stack, false)
	res, err := render.Render(p)
	if err == nil {
		err = res.WriteDir(*out)
	}
	pr.stop()
	if err != nil {
		return f.fail(err)
	}
	fmt.Fprintf(stdout, "stack %s: %d objects in %d clusters written to %s; %d notes in %s\n",
		p.Stack, len(res.Objects), len(res.Clusters()), *out, len(res.Notes), render.NotesFile)
	return exitOK
}
