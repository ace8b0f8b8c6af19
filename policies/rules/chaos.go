package rules

import "strings"

// IDChaosInProduction is the rule that chaos experiments stay out of prod unless the
// stack allows them.
const IDChaosInProduction = "CHA001"

// ChaosTypePrefix is the type-token prefix of every Chaos Mesh kind (Schedule,
// PodChaos, NetworkChaos, StressChaos, Workflow and the rest).
const ChaosTypePrefix = "kubernetes:chaos-mesh.org/"

func init() {
	register(&Rule{
		ID:          IDChaosInProduction,
		Description: "No chaos experiment targets a prod environment unless the stack allows chaos in prod explicitly.",
		Level:       Mandatory,
		Remediation: "Remove the prod environment from the experiment's environments, or set fleetform:stack.chaosInProduction: true in a pull request of its own (docs/releases.md, \"Chaos experiments\").",
		Stack:       checkChaosInProduction,
	})
}

// checkChaosInProduction reports every Chaos Mesh object in a prod environment (its
// namespace's tier, else the stack's environment), unless the stack's configuration
// sets `chaosInProduction: true`.
func checkChaosInProduction(env *Env, rs []Resource) []Violation {
	for _, r := range rs {
		if r.Type != TypeStackConfig {
			continue
		}
		if on, set := getBool(getMap(r.Inputs, StackSettingsKey), "chaosInProduction"); set && on {
			return nil
		}
	}
	tiers := env.namespaceTiers(rs)
	var out []Violation
	for _, r := range rs {
		if !strings.HasPrefix(r.Type, ChaosTypePrefix) {
			continue
		}
		environment := env.environmentIn(tiers, r)
		if !env.IsProd(environment) {
			continue
		}
		out = append(out, violation(r, "", "chaos experiment %s in namespace %s targets prod environment %q, and the stack does not allow chaos in prod",
			getString(r.Inputs, "metadata", "name"), namespaceOf(r), environment))
	}
	return out
}
