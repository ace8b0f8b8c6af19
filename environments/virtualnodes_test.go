package environments

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/cluster"
)

func facts(c cluster.Cloud) *cluster.VirtualNodes {
	s := cluster.Spec{Name: "c", Cloud: c, VirtualNodes: &cluster.VirtualNodesSpec{Enabled: true, NodeSelector: map[string]string{"type": "virtual-kubelet"}}}
	return s.VirtualNodeFacts()
}

func TestValidateVirtualNodes(t *testing.T) {
	env := func(name string, edit func(*Spec)) Spec {
		s := Spec{Name: name, Cluster: "c", VirtualNodes: true}
		if edit != nil {
			edit(&s)
		}
		s.ApplyDefaults()
		return s
	}
	tests := []struct {
		name   string
		spec   Spec
		facts  *cluster.VirtualNodes
		meshed bool
		want   map[string]string
	}{
		{"qa on Fargate", env("qa", nil), facts(cluster.AWS), false, nil},
		{"not opted in: nothing checked", env("prod", func(s *Spec) { s.VirtualNodes = false }), nil, true, nil},
		{"no virtual nodes", env("qa", nil), nil, false, map[string]string{"environments[0].virtualNodes": MsgNoVirtualNodes}},
		{"prod on ACI", env("prod", nil), facts(cluster.Azure), false, map[string]string{"environments[0].virtualNodes": MsgVirtualNodesNetworkPolicy}},
		{"prod on ECI", env("prod", nil), facts(cluster.Alicloud), false, nil},
		{"stage on an existing virtual kubelet", env("stage", nil), facts(cluster.Existing), false, nil},
		{"privileged", env("qa", func(s *Spec) { s.PodSecurity.Enforce = LevelPrivileged }), facts(cluster.Alicloud), false,
			map[string]string{"environments[0].podSecurity.enforce": MsgVirtualNodesPrivileged}},
		{"meshed on ACI", env("qa", nil), facts(cluster.Azure), true, map[string]string{"environments[0].mesh": MsgVirtualNodesMesh}},
		{"meshed on ECI", env("qa", nil), facts(cluster.Alicloud), true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.spec.ValidateVirtualNodes(field.NewPath("environments").Index(0), tc.facts, tc.meshed)
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] += e.Detail
			}
			for path, msg := range tc.want {
				if !strings.Contains(got[path], msg) {
					t.Errorf("%s: got %q, want %q (all: %v)", path, got[path], msg, errs)
				}
			}
			if len(errs) != len(tc.want) {
				t.Errorf("got %v, want %d problems", errs, len(tc.want))
			}
		})
	}
}
