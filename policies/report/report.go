package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/policies/rules"
	"github.com/fleetform/fleetform/stacks"
)

// Report is the result of checking one stack.
type Report struct {
	// Project and Stack name the stack checked.
	Project, Stack string
	// StackFile is the stack file's path relative to the repository root
	// (Pulumi.<stack>.yaml); SARIF results point at it.
	StackFile string
	// StackFileData is the stack file's content, used to point results at a line; may be nil.
	StackFileData []byte
	// Rules are the rules that ran, with the levels of Env.
	Rules []*rules.Rule
	// Env is the stack's policy environment (levels, settings).
	Env *rules.Env
	// Findings are the violations, sorted by resource.
	Findings []rules.Finding
}

// Resources converts a plan's resources into what the rules read.
func Resources(p *plan.Plan) []rules.Resource {
	out := make([]rules.Resource, 0, len(p.Resources))
	for _, r := range p.Resources {
		out = append(out, rules.Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Provider: r.Provider,
			Dependencies: r.Dependencies, Inputs: r.Inputs, Protect: r.Protect,
		})
	}
	return out
}

// Check runs the rules of env over a plan, plus the stack's configuration when
// stackFileData (the Pulumi.<stack>.yaml) is given, and returns the report.
func Check(p *plan.Plan, env *rules.Env, stackFile string, stackFileData []byte) (*Report, error) {
	rs := Resources(p)
	if stackFileData != nil {
		cfg, secretKeys, err := stacks.ConfigMap(stackFileData)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", stackFile, err)
		}
		rs = append(rs, rules.ConfigResource(p.Project, p.Stack, cfg, secretKeys))
	}
	return &Report{
		Project: p.Project, Stack: p.Stack, StackFile: stackFile, StackFileData: stackFileData,
		Rules: rules.All(), Env: env, Findings: rules.Check(env, rs),
	}, nil
}

// Mandatory is the number of mandatory findings; any makes the check fail.
func (r *Report) Mandatory() int { return rules.CountMandatory(r.Findings) }

// WriteText prints the findings grouped by resource, each with its rule ID, level,
// property path, message and remediation, then a summary line.
func (r *Report) WriteText(w io.Writer) {
	enabled := 0
	for _, rule := range r.Rules {
		if r.Env.LevelOf(rule) != rules.Disabled {
			enabled++
		}
	}
	last := ""
	for _, f := range r.Findings {
		if f.URN != last {
			if last != "" {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s\n  (%s)\n", f.URN, rules.TypeOfURN(f.URN))
			last = f.URN
		}
		where := ""
		if f.Path != "" {
			where = f.Path + ": "
		}
		fmt.Fprintf(w, "  %-9s %s %s%s\n", strings.ToUpper(string(f.Level)), f.Rule.ID, where, f.Message)
		fmt.Fprintf(w, "            fix: %s\n", f.Rule.Remediation)
	}
	if last != "" {
		fmt.Fprintln(w)
	}
	m := r.Mandatory()
	fmt.Fprintf(w, "stack %s: %d violation(s), %d mandatory, %d advisory; %d of %d rules enabled\n",
		r.Stack, len(r.Findings), m, len(r.Findings)-m, enabled, len(r.Rules))
}
