package cluster

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TestAzureOSSKU: every AKS pool gets an OS family, defaulted to Ubuntu; an unknown one,
// or one on another cloud, is refused at its pool's path.
func TestAzureOSSKU(t *testing.T) {
	s := azureSpec()
	s.NodePools[1].OSSKU = AzureOSSKUAzureLinux
	s.ApplyDefaults("test")
	if errs := s.Validate(field.NewPath("clusters").Index(0)); len(errs) > 0 {
		t.Fatalf("got %v, want no problems", errs)
	}
	if got := []string{s.NodePools[0].OSSKU, s.NodePools[1].OSSKU}; got[0] != DefaultAzureOSSKU || got[1] != AzureOSSKUAzureLinux {
		t.Errorf("osSku: got %v, want [%s %s]", got, DefaultAzureOSSKU, AzureOSSKUAzureLinux)
	}

	cases := []struct {
		name string
		spec func() Spec
		path string
		msg  string
	}{
		{"unknown family", func() Spec { s := azureSpec(); s.NodePools[0].OSSKU = "Windows2022"; return s },
			"clusters[0].nodePools[0].osSku", "Unsupported value"},
		{"on aws", func() Spec { s := *awsSpec(); s.NodePools[0].OSSKU = AzureOSSKUUbuntu; return s },
			"clusters[0].nodePools[0].osSku", MsgCloudBlock + " azure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.spec()
			s.ApplyDefaults("test")
			errs := s.Validate(field.NewPath("clusters").Index(0))
			if len(errs) != 1 || errs[0].Field != tc.path || !strings.Contains(errs[0].Error(), tc.msg) {
				t.Errorf("got %v, want one error at %s containing %q", errs, tc.path, tc.msg)
			}
		})
	}
}
