package release

import (
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validation messages, exported so tests can assert on them.
const (
	MsgNotDNSLabel = "must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)"
	MsgOneStrategy = "exactly one of canary or blueGreen must be set"
)

// ApplyDefaults fills unset fields with documented defaults.
func (s *Spec) ApplyDefaults() {}

// Validate checks a defaulted release; tiers maps each environment the release goes
// to onto that environment's tier (qa, stage, prod, ...).
func (s *Spec) Validate(p *field.Path, tiers map[string]string) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else if len(validation.IsDNS1123Label(s.Name)) > 0 {
		errs = append(errs, field.Invalid(p.Child("name"), s.Name, MsgNotDNSLabel))
	}
	errs = append(errs, s.Strategy.validate(p.Child("strategy"))...)
	for env, o := range s.Environments {
		if o.Strategy != nil {
			errs = append(errs, o.Strategy.validate(p.Child("environments").Key(env).Child("strategy"))...)
		}
	}
	return errs
}

func (st *Strategy) validate(p *field.Path) field.ErrorList {
	if (st.Canary == nil) == (st.BlueGreen == nil) {
		return field.ErrorList{field.Invalid(p, describeStrategy(st), MsgOneStrategy)}
	}
	return nil
}

func describeStrategy(st *Strategy) string {
	switch {
	case st.Canary != nil && st.BlueGreen != nil:
		return "canary and blueGreen"
	default:
		return "none"
	}
}
