package rules

import (
	"fmt"
	"sort"
)

// Level is how a violation is enforced.
type Level string

// Enforcement levels. Mandatory violations fail `fleetplan check` and block
// `pulumi up`; advisory ones are reported only; disabled rules do not run.
const (
	Mandatory Level = "mandatory"
	Advisory  Level = "advisory"
	Disabled  Level = "disabled"
)

// Valid reports whether l is one of the three levels.
func (l Level) Valid() bool { return l == Mandatory || l == Advisory || l == Disabled }

// Resource is one resource as a policy sees it: a type token and plain properties.
// Secret values are the string Secret and values unknown before deploy the string
// Unknown, at any depth, exactly as in an offline plan.
type Resource struct {
	// URN identifies the resource; violations point at it.
	URN string
	// Type is the resource's type token (e.g. kubernetes:apps/v1:Deployment).
	Type string
	// Name is the resource's logical name.
	Name string
	// Parent is the parent's URN, if any.
	Parent string
	// Provider is the provider's URN (default providers as in the plan); it tells
	// which cluster a Kubernetes object goes to.
	Provider string
	// Dependencies are the URNs the resource depends on.
	Dependencies []string
	// PropertyDependencies maps an input name to the URNs its value came from, when
	// known (the policy pack knows them; offline plans carry only Dependencies).
	PropertyDependencies map[string][]string
	// Inputs are the resource's properties.
	Inputs map[string]any
	// Protect says the engine refuses to delete the resource (the protect option).
	Protect bool
}

// Markers for values a policy cannot see; they match internal/plan's markers.
const (
	// Secret stands for a Pulumi secret value.
	Secret = "[secret]"
	// Unknown stands for a value only known after deploy.
	Unknown = "[unknown]"
)

// Violation is one problem a rule found in one resource.
type Violation struct {
	// URN is the resource at fault.
	URN string
	// Path is the property path at fault (e.g. spec.template.spec.containers[0].image), if any.
	Path string
	// Message says what is wrong, with the offending value.
	Message string
}

// Rule is one policy.
type Rule struct {
	// ID is stable and short (e.g. K8S001); configuration and SARIF refer to it.
	ID string
	// Description is one line saying what the rule requires.
	Description string
	// Level is the default enforcement level, before per-stack configuration.
	Level Level
	// Remediation tells the author how to fix a violation.
	Remediation string
	// Types lists the type tokens the resource form looks at; nil means any.
	Types []string
	// Resource checks one resource; nil for stack-only rules.
	Resource func(env *Env, r Resource) []Violation
	// Stack checks all resources of a stack together; nil for resource-only rules.
	Stack func(env *Env, rs []Resource) []Violation
}

// Applies reports whether the resource form of the rule looks at type typ.
func (r *Rule) Applies(typ string) bool {
	if r.Resource == nil {
		return false
	}
	if r.Types == nil {
		return true
	}
	for _, t := range r.Types {
		if t == typ {
			return true
		}
	}
	return false
}

// Finding is a violation with the rule that found it and its effective level.
type Finding struct {
	Violation
	Rule  *Rule
	Level Level
}

var registry []*Rule

// register adds rules to the catalogue; each rules file registers its own in init.
func register(rs ...*Rule) { registry = append(registry, rs...) }

// All returns every rule, sorted by ID.
func All() []*Rule {
	out := append([]*Rule(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByID returns the rule with the ID, or nil.
func ByID(id string) *Rule {
	for _, r := range registry {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Check runs every enabled rule over the resources and returns the findings,
// sorted by URN, then rule ID, then path. The resource form runs on each resource
// it applies to, the stack form once on all of them.
func Check(env *Env, rs []Resource) []Finding {
	var out []Finding
	for _, rule := range All() {
		level := env.LevelOf(rule)
		if level == Disabled {
			continue
		}
		add := func(vs []Violation, urn string) {
			for _, v := range vs {
				if v.URN == "" {
					v.URN = urn
				}
				out = append(out, Finding{Violation: v, Rule: rule, Level: level})
			}
		}
		for _, r := range rs {
			if rule.Applies(r.Type) {
				add(rule.Resource(env, r), r.URN)
			}
		}
		if rule.Stack != nil {
			add(rule.Stack(env, rs), "")
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.URN != b.URN {
			return a.URN < b.URN
		}
		if a.Rule.ID != b.Rule.ID {
			return a.Rule.ID < b.Rule.ID
		}
		return a.Path < b.Path
	})
	return out
}

// CountMandatory counts the mandatory findings.
func CountMandatory(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Level == Mandatory {
			n++
		}
	}
	return n
}

// violation builds a Violation at a path with a formatted message.
func violation(r Resource, path, format string, args ...any) Violation {
	return Violation{URN: r.URN, Path: path, Message: fmt.Sprintf(format, args...)}
}
