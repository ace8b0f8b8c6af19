package plan

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Program builds a stack and returns its outputs. The Pulumi program exports the same
// map, so the plan shows what `pulumi stack output` would.
type Program func(ctx *pulumi.Context) (map[string]pulumi.Output, error)

// DefaultOrganization is the organization of a self-managed backend.
const DefaultOrganization = "organization"

// Options name the stack being planned and what it may read.
type Options struct {
	Project      string
	Stack        string
	Organization string
	// References answer stack references, keyed by organization/project/stack.
	References map[string]*Plan
	// Warnings are carried into the plan (for example from config validation).
	Warnings []string
}

// Run executes prog under the mock monitor as a dry run and returns the plan. The
// monitor is returned even on error, so callers can see what was registered.
func Run(prog Program, opts Options) (*Plan, *Monitor, error) {
	if opts.Organization == "" {
		opts.Organization = DefaultOrganization
	}
	mon := NewMonitor(opts.Project, opts.Stack, opts.References)
	outputs := map[string]any{}
	body := func(ctx *pulumi.Context) error {
		exports, err := prog(ctx)
		if err != nil {
			return err
		}
		for k, o := range exports {
			ctx.Export(k, o)
			v, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
			if err != nil {
				return fmt.Errorf("output %q: %w", k, err)
			}
			outputs[k] = outputValue(v)
		}
		return nil
	}
	dryRun := func(info *pulumi.RunInfo) { info.DryRun = true }
	err := pulumi.RunErr(body,
		pulumi.WithMocksWithOrganization(opts.Organization, opts.Project, opts.Stack, mon), dryRun)
	if err != nil {
		return nil, mon, unwrapSingle(err)
	}
	p := &Plan{Version: FormatVersion, Project: opts.Project, Stack: opts.Stack, Outputs: outputs}
	stackURN := string(resource.NewURN(tokens.QName(opts.Stack), tokens.PackageName(opts.Project), "", resource.RootStackType, opts.Project+"-"+opts.Stack))
	p.Resources = append(p.Resources, Resource{URN: stackURN, Type: string(resource.RootStackType), Name: opts.Project + "-" + opts.Stack})
	mon.mu.Lock()
	p.Resources = append(p.Resources, mon.resources...)
	p.Warnings = append(append(p.Warnings, opts.Warnings...), mon.warnings...)
	mon.mu.Unlock()
	p.Warnings = uniqueSorted(p.Warnings)
	p.Sort()
	return p, mon, nil
}

func outputValue(v internals.UnsafeAwaitOutputResult) any {
	switch {
	case v.Secret:
		return Secret
	case !v.Known:
		return Unknown
	}
	b, err := json.Marshal(v.Value)
	if err != nil {
		return fmt.Sprint(v.Value)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return string(b)
	}
	return out
}

// CountByType returns how many resources of each type the plan holds, sorted by type.
func (p *Plan) CountByType() []TypeCount {
	m := map[string]int{}
	for _, r := range p.Resources {
		m[r.Type]++
	}
	out := make([]TypeCount, 0, len(m))
	for t, n := range m {
		out = append(out, TypeCount{Type: t, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

// TypeCount is one row of CountByType.
type TypeCount struct {
	Type  string
	Count int
}

// unwrapSingle drops the engine's "1 error occurred" wrapper around a single error.
func unwrapSingle(err error) error {
	if m, ok := err.(interface{ WrappedErrors() []error }); ok && len(m.WrappedErrors()) == 1 {
		return m.WrappedErrors()[0]
	}
	return err
}
