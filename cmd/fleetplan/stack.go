package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fleetform/fleetform"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// stackFlags are the flags of every command that plans a stack.
type stackFlags struct {
	stack    string
	dir      string
	refs     refFlags
	planFile string
}

func (s *stackFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&s.stack, "stack", "dev", "stack to plan, from Pulumi.<stack>.yaml")
	fs.StringVar(&s.dir, "dir", "", "project directory (default: the nearest directory above . with a Pulumi.yaml, else the stack files built into this binary)")
	fs.Var(&s.refs, "ref", "answer a stack reference from another stack's plan: organization/project/stack=plan.json (repeatable; references to other stacks of this project are planned from their own files when not given)")
}

// bindPlanFile adds --plan, for commands that can work on a saved plan instead.
func (s *stackFlags) bindPlanFile(fs *flag.FlagSet, verb string) {
	fs.StringVar(&s.planFile, "plan", "", verb+" this plan JSON (from `fleetplan plan --json`) instead of planning --stack")
}

// planOrRead reads --plan when given, and plans --stack otherwise.
func (s *stackFlags) planOrRead() (*plan.Plan, error) {
	if s.planFile != "" {
		return plan.ReadFile(s.planFile)
	}
	return s.plan()
}

// refFlags collects --ref values.
type refFlags map[string]string

func (r *refFlags) String() string { return "" }

func (r *refFlags) Set(v string) error {
	name, file, ok := strings.Cut(v, "=")
	if !ok || strings.Count(name, "/") != 2 || file == "" {
		return fmt.Errorf("want organization/project/stack=FILE, got %q", v)
	}
	if *r == nil {
		*r = refFlags{}
	}
	(*r)[name] = file
	return nil
}

// load reads the stack file, from the project directory or the embedded copies.
func (s *stackFlags) load() (*stacks.StackConfig, error) { return s.loadStack(s.stack) }

// loadStack reads any stack of the project the same way.
func (s *stackFlags) loadStack(stack string) (*stacks.StackConfig, error) {
	dir := s.dir
	if dir == "" {
		dir = findProject()
	}
	if dir == "" {
		name := "Pulumi." + stack + ".yaml"
		data, err := fs.ReadFile(fleetform.StackFiles, name)
		if err != nil {
			return nil, fmt.Errorf("no Pulumi.yaml above the current directory, and no built-in stack %q (built in: %s)", stack, strings.Join(embeddedStacks(), ", "))
		}
		return stacks.Parse(data, name+" (built in)", stack)
	}
	return stacks.LoadFile(stacks.StackFile(dir, stack), stack)
}

// plan loads, validates and plans the stack.
func (s *stackFlags) plan() (*plan.Plan, error) {
	cfg, err := s.load()
	if err != nil {
		return nil, err
	}
	refs := map[string]*plan.Plan{}
	for name, file := range s.refs {
		p, err := plan.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--ref %s: %w", name, err)
		}
		refs[name] = p
	}
	return program.OfflineResolving(cfg, refs, s.loadStack)
}

func findProject() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func embeddedStacks() []string {
	var out []string
	entries, _ := fs.ReadDir(fleetform.StackFiles, ".")
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "Pulumi.") && n != "Pulumi.yaml" {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(n, "Pulumi."), ".yaml"))
		}
	}
	sort.Strings(out)
	return out
}

// printWarnings writes plan warnings to w.
func printWarnings(w io.Writer, p *plan.Plan) {
	for _, s := range p.Warnings {
		fmt.Fprintf(w, "warning: %s\n", s)
	}
}
