package environments

import (
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validation messages, exported so tests can assert on them.
const (
	MsgNotDNSLabel = "must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)"
)

// ApplyDefaults fills unset fields with documented defaults.
func (s *Spec) ApplyDefaults() {
	if s.Tier == "" {
		s.Tier = s.Name
	}
}

// Validate checks a defaulted environment at path p.
func (s *Spec) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else if len(validation.IsDNS1123Label(s.Name)) > 0 {
		errs = append(errs, field.Invalid(p.Child("name"), s.Name, MsgNotDNSLabel))
	}
	return errs
}
