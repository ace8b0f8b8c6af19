package cluster

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// autoModeSpec is a valid dev EKS cluster in Auto Mode with no node pool of its own.
func autoModeSpec() *Spec {
	s := awsSpec()
	s.NodePools = nil
	s.AWS.AutoMode = true
	return s
}

func TestAutoModeDefaults(t *testing.T) {
	s := autoModeSpec()
	if errs := validateAWSSpec(s, "dev"); len(errs) > 0 {
		t.Fatalf("got %v, want no problems (Auto Mode needs no node pool of the stack file)", errs)
	}
	if got := s.AWS.AutoModeNodePools; !slices.Equal(got, DefaultAutoModeNodePools) {
		t.Errorf("autoModeNodePools = %v, want %v", got, DefaultAutoModeNodePools)
	}
	if !s.AutoModeRunsNodes() {
		t.Error("AutoModeRunsNodes = false with both built-in pools on")
	}
	off := awsSpec()
	off.ApplyDefaults("dev")
	if off.AWS.AutoModeNodePools != nil || off.AutoModeRunsNodes() {
		t.Errorf("without autoMode: autoModeNodePools = %v, AutoModeRunsNodes = %v; want nil, false", off.AWS.AutoModeNodePools, off.AutoModeRunsNodes())
	}
	// A managed node group beside Auto Mode's nodes, as AWS allows.
	mixed := autoModeSpec()
	mixed.NodePools = awsSpec().NodePools
	if errs := validateAWSSpec(mixed, "dev"); len(errs) > 0 {
		t.Fatalf("Auto Mode with a managed node group: got %v, want no problems", errs)
	}
	if got := len(mixed.ManagedNodeGroups()); got != 1 {
		t.Errorf("ManagedNodeGroups = %d, want 1", got)
	}
	// Only system: general-purpose off.
	sys := autoModeSpec()
	sys.AWS.AutoModeNodePools = []string{AutoModeSystem}
	if errs := validateAWSSpec(sys, "dev"); len(errs) > 0 || !slices.Equal(sys.AWS.AutoModeNodePools, []string{AutoModeSystem}) {
		t.Fatalf("only system: got %v %v, want no problems and the list kept", errs, sys.AWS.AutoModeNodePools)
	}
}

func TestAutoModeValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   map[string]string // path -> message part, every one expected
	}{
		{"node pools without autoMode", func(s *Spec) {
			s.AWS.AutoMode = false
			s.NodePools = awsSpec().NodePools
			s.AWS.AutoModeNodePools = []string{AutoModeSystem}
		}, map[string]string{"clusters[0].aws.autoModeNodePools": MsgAutoModeOnly}},
		{"unknown and duplicate built-in pools", func(s *Spec) {
			s.AWS.AutoModeNodePools = []string{"gpu", AutoModeSystem, AutoModeSystem}
		}, map[string]string{"clusters[0].aws.autoModeNodePools[0]": "supported values", "clusters[0].aws.autoModeNodePools[2]": "Duplicate value"}},
		{"no nodes at all", func(s *Spec) { s.AWS.AutoModeNodePools = []string{} },
			map[string]string{"clusters[0].aws.autoModeNodePools": MsgAutoModeNoNodes}},
		{"Karpenter pool beside Auto Mode, with every other problem at once", func(s *Spec) {
			k := karpenterSpec()
			s.NodePools = k.NodePools
			s.AWS.AutoModeNodePools = []string{"gpu"}
		}, map[string]string{"clusters[0].nodePools[1].karpenter": MsgAutoModeKarpenter, "clusters[0].aws.autoModeNodePools[0]": "supported values"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := autoModeSpec()
			tc.mutate(s)
			errs := validateAWSSpec(s, "dev")
			for path, msg := range tc.want {
				found := false
				for _, e := range errs {
					found = found || (e.Field == path && strings.Contains(e.Error(), msg))
				}
				if !found {
					t.Errorf("no %q at %s; got %v", msg, path, errs)
				}
			}
		})
	}
}

func TestAutoModeVersion(t *testing.T) {
	s := autoModeSpec()
	s.ApplyDefaults("dev")
	s.KubernetesVersion = "1.28"
	errs := validateAutoMode(s, field.NewPath("clusters").Index(0))
	if len(errs) != 1 || errs[0].Field != "clusters[0].kubernetesVersion" || !strings.Contains(errs[0].Error(), MsgAutoModeVersion) {
		t.Fatalf("1.28: got %v, want %q at clusters[0].kubernetesVersion", errs, MsgAutoModeVersion)
	}
	for _, v := range []string{MinAutoModeVersion, "1.35", "2.0"} {
		s.KubernetesVersion = v
		if errs := validateAutoMode(s, field.NewPath("clusters").Index(0)); len(errs) > 0 {
			t.Errorf("%s: got %v, want no problems", v, errs)
		}
	}
}
