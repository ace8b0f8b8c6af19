package rules

import (
	"github.com/fleetform/fleetform/internal/stateful"
)

// IDProtected is the rule that prod's stateful resources are protected.
const IDProtected = "STA001"

// StackSettingsKey is the stack file's own section (stacks.KeyStack), where
// `protect: false` lifts protection deliberately.
const StackSettingsKey = "fleetform:stack"

func init() {
	register(&Rule{
		ID:          IDProtected,
		Description: "In prod, resources that hold state or that everything stands on (internal/stateful) are protected.",
		Level:       Mandatory,
		Remediation: "Leave fleetform:stack.protect unset (on for a prod stack) or true. To remove such a resource deliberately, set protect: false in a pull request of its own, then remove it in a second (docs/protection.md).",
		Stack:       checkProtected,
	})
}

// checkProtected reports each prod resource of a stateful type that is not protected,
// unless the stack's configuration lifts protection explicitly (`protect: false`):
// that is the first of the two pull requests of a deliberate removal, and the review
// gate on the diff guards what it then destroys.
func checkProtected(env *Env, rs []Resource) []Violation {
	for _, r := range rs {
		if r.Type != TypeStackConfig {
			continue
		}
		if on, set := getBool(getMap(r.Inputs, StackSettingsKey), "protect"); set && !on {
			return nil
		}
	}
	var out []Violation
	for _, r := range rs {
		holds, ok := stateful.Holds(r.Type, getString(r.Inputs, "chart"))
		if !ok || r.Protect || !env.isProdResource(r) {
			continue
		}
		out = append(out, violation(r, "", "prod %s holds %s and is not protected: one change to the stack file can delete it", r.Type, holds))
	}
	return out
}
