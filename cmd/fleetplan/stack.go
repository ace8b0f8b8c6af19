package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform"
	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// DefaultStack is the stack planned when -s/--stack is not given.
const DefaultStack = "dev"

// stackFlags are the flags of every command that plans a stack.
type stackFlags struct {
	stack    string
	dir      string
	refs     refFlags
	planFile string
	// usesDir says the command reads the project directory even with --plan (check
	// reads the policy configuration and the stack file there).
	usesDir bool
}

// bind adds -s/--stack, --dir and --ref to cmd, with stack names completed.
func (s *stackFlags) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&s.stack, "stack", "s", DefaultStack, "the `STACK` to plan, from Pulumi.<stack>.yaml")
	f.StringVar(&s.dir, "dir", "", "the project `DIR` (default: the nearest directory above . with a Pulumi.yaml, else the stack files built into this binary)")
	f.Var(&s.refs, "ref", "answer a stack reference from another stack's plan, `ORG/PROJECT/STACK=FILE` (repeatable; references to other stacks of this project are planned from their own files when not given)")
	f.SetInterspersed(false) // a stray argument stops flag parsing; noArgs says so
	_ = cmd.MarkFlagDirname("dir")
	_ = cmd.RegisterFlagCompletionFunc("stack", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return s.stackNames(), cobra.ShellCompDirectiveNoFileComp
	})
}

// bindPlanFile adds --plan, for commands that can work on a saved plan instead.
func (s *stackFlags) bindPlanFile(cmd *cobra.Command, verb string) {
	cmd.Flags().StringVar(&s.planFile, "plan", "", verb+" this plan JSON `FILE` (from `fleetplan plan -o FILE`) instead of planning a stack")
	_ = cmd.MarkFlagFilename("plan", "json")
}

// checkPlanFile refuses the flags that only planning reads when --plan names a
// finished plan: they would be ignored without a word.
func (s *stackFlags) checkPlanFile(cmd *cobra.Command) error {
	if s.planFile == "" {
		return nil
	}
	names := []string{"stack", "ref"}
	if !s.usesDir {
		names = append(names, "dir")
	}
	var given []string
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			given = append(given, "--"+n)
		}
	}
	if len(given) > 0 {
		return fmt.Errorf("--plan reads a finished plan: drop %s", strings.Join(given, ", "))
	}
	return nil
}

// stackNames lists the stacks of the project directory, else those built in:
// what -s completes to.
func (s *stackFlags) stackNames() []string {
	if dir := s.projectDir(); dir != "" {
		return stacks.BuiltInStacks(os.DirFS(dir))
	}
	return stacks.BuiltInStacks(fleetform.StackFiles)
}

// planOrRead reads --plan when given, and plans --stack otherwise, with a progress
// line on a terminal.
func (s *stackFlags) planOrRead(stderr io.Writer) (*plan.Plan, error) {
	if s.planFile != "" {
		return plan.ReadFile(s.planFile)
	}
	pr := startProgress(stderr, "planning "+s.stack, true)
	defer pr.stop()
	return s.plan()
}

// refFlags collects --ref values.
type refFlags map[string]string

func (r *refFlags) String() string { return "" }

// Type names the value in help and completion.
func (r *refFlags) Type() string { return "ref" }

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

// projectDir is --dir, else the nearest directory above . with a Pulumi.yaml, else
// "" (the stack files built into the binary).
func (s *stackFlags) projectDir() string {
	if s.dir != "" {
		return s.dir
	}
	return findProject()
}

// readStack reads a stack's file from the project directory or the built-in copies.
func (s *stackFlags) readStack(stack string) (data []byte, source string, err error) {
	return stacks.ReadStackFile(s.projectDir(), stack, fleetform.StackFiles)
}

// loadStack reads and decodes any stack of the project.
func (s *stackFlags) loadStack(stack string) (*stacks.StackConfig, error) {
	data, source, err := s.readStack(stack)
	if err != nil {
		return nil, err
	}
	return stacks.Parse(data, source, stack)
}

// plan loads, validates and plans the stack.
func (s *stackFlags) plan() (*plan.Plan, error) {
	cfg, err := s.loadStack(s.stack)
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
