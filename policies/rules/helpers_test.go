package rules

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// ruleCase is one table row: resources checked by one rule, and the property paths
// of the violations expected (none means the resources pass).
type ruleCase struct {
	name      string
	rule      string
	stack     string // defaults to "prod"
	settings  func(*Settings)
	resources []Resource
	want      []string
}

// run checks the case's resources with its rule alone and returns the violating paths.
func (c ruleCase) run(t *testing.T) []Violation {
	t.Helper()
	rule := ByID(c.rule)
	if rule == nil {
		t.Fatalf("no rule %s", c.rule)
	}
	stack := c.stack
	if stack == "" {
		stack = "prod"
	}
	cfg := DefaultConfig()
	cfg.Settings.ApprovedRegistries = []string{"harbor.example.com"}
	if c.settings != nil {
		c.settings(&cfg.Settings)
	}
	env := cfg.Env(stack)
	var out []Violation
	for _, r := range c.resources {
		if rule.Applies(r.Type) {
			out = append(out, rule.Resource(env, r)...)
		}
	}
	if rule.Stack != nil {
		out = append(out, rule.Stack(env, c.resources)...)
	}
	return out
}

func paths(vs []Violation) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.URN+"#"+v.Path)
	}
	sort.Strings(out)
	return out
}

// res builds a resource whose inputs are given as JSON, so fixtures read like plans.
func res(typ, name, inputsJSON string) Resource {
	var in map[string]any
	if inputsJSON != "" {
		if err := json.Unmarshal([]byte(inputsJSON), &in); err != nil {
			panic(fmt.Sprintf("fixture %s: %v", name, err))
		}
	}
	return Resource{URN: "urn:pulumi:prod::fleetform::" + typ + "::" + name, Type: typ, Name: name, Provider: "default_kubernetes", Inputs: in}
}

// at is the expected violation key for a resource and path.
func at(r Resource, path string) string { return r.URN + "#" + path }

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			got := paths(c.run(t))
			want := append([]string{}, c.want...)
			sort.Strings(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("violations:\n got  %v\n want %v", got, want)
			}
		})
	}
}

// coverage records, per rule, whether a passing and a failing case ran.
var coverage = map[string]*[2]bool{}

func record(cases []ruleCase) []ruleCase {
	for _, c := range cases {
		if coverage[c.rule] == nil {
			coverage[c.rule] = &[2]bool{}
		}
		if len(c.want) == 0 {
			coverage[c.rule][0] = true
		} else {
			coverage[c.rule][1] = true
		}
	}
	return cases
}
