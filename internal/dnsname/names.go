package dnsname

import (
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validation messages, exported so tests can assert on them.
const (
	// MsgNotDNSLabel: a cluster, environment, namespace or stack-reference name that
	// is not a DNS-1123 label (what Namespace names must be).
	MsgNotDNSLabel = "must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)"
	// MsgNotDNS1035Label: a name that also becomes a Service name, which must be a
	// DNS-1035 label (it may not start with a digit).
	MsgNotDNS1035Label = "must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter)"
)

// DNSLabel checks that v, at path p, is set and is a DNS-1123 label.
func DNSLabel(p *field.Path, v string) field.ErrorList {
	if v == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	if len(validation.IsDNS1123Label(v)) > 0 {
		return field.ErrorList{field.Invalid(p, v, MsgNotDNSLabel)}
	}
	return nil
}
