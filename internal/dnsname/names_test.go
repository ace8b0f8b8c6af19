package dnsname

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestDNSLabel(t *testing.T) {
	cases := []struct {
		name, value string
		want        field.ErrorType // "" for no error
		detail      string
	}{
		{"valid", "prod-eu-1", "", ""},
		{"empty", "", field.ErrorTypeRequired, ""},
		{"uppercase", "Prod", field.ErrorTypeInvalid, MsgNotDNSLabel},
		{"underscore", "a_b", field.ErrorTypeInvalid, MsgNotDNSLabel},
		{"too long", "a123456789012345678901234567890123456789012345678901234567890123", field.ErrorTypeInvalid, MsgNotDNSLabel},
		{"leading digit is fine for DNS-1123", "1a", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := DNSLabel(field.NewPath("x"), tc.value)
			if tc.want == "" {
				if len(errs) != 0 {
					t.Fatalf("DNSLabel(%q) = %v, want no error", tc.value, errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Type != tc.want || errs[0].Detail != tc.detail || errs[0].Field != "x" {
				t.Fatalf("DNSLabel(%q) = %v, want one %s at x with %q", tc.value, errs, tc.want, tc.detail)
			}
		})
	}
}
