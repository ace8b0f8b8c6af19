package platform

import "k8s.io/apimachinery/pkg/util/validation/field"

// ApplyDefaults fills unset fields with documented defaults.
func (s *Spec) ApplyDefaults() {}

// Validate checks a defaulted platform spec at path p.
func (s *Spec) Validate(p *field.Path) field.ErrorList { return nil }
