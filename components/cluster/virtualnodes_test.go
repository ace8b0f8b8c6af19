package cluster

import (
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func on() *VirtualNodesSpec { return &VirtualNodesSpec{Enabled: true} }

func TestVirtualNodesValidation(t *testing.T) {
	existing := func() *Spec { return &Spec{Name: "byo", Cloud: Existing} }
	azure := func() *Spec { s := azureSpec(); return &s }
	ali := func() *Spec { s := aliSpec(); return &s }
	tests := []struct {
		name string
		spec func() *Spec
		edit func(*Spec)
		// want maps each expected field path to a substring of its message; nil: valid.
		want map[string]string
	}{
		{"eks", awsSpec, func(s *Spec) { s.VirtualNodes = on() }, nil},
		{"eks in GovCloud", awsSpec, func(s *Spec) {
			s.Region, s.AWS.AvailabilityZones, s.VirtualNodes = "us-gov-west-1", nil, on()
		}, map[string]string{"clusters[0].virtualNodes.enabled": MsgVirtualNodesGovCloud}},
		{"eks with another cloud's fields", awsSpec, func(s *Spec) {
			s.VirtualNodes = &VirtualNodesSpec{Enabled: true, SubnetCIDR: "10.20.200.0/24", NodeSelector: map[string]string{"type": "virtual-kubelet"}, Tolerations: []Toleration{{Operator: "Exists"}}}
		}, map[string]string{
			"clusters[0].virtualNodes.subnetCidr":   MsgVirtualNodesOnlyAzure,
			"clusters[0].virtualNodes.nodeSelector": MsgVirtualNodesOnlyExisting,
			"clusters[0].virtualNodes.tolerations":  MsgVirtualNodesOnlyExisting,
		}},
		{"aks default subnet", azure, func(s *Spec) { s.VirtualNodes = on() }, nil},
		{"aks overlay", azure, func(s *Spec) {
			s.VirtualNodes, s.Azure.NetworkMode, s.Network.PodCIDR = on(), AzureModeOverlay, "192.168.0.0/16"
		}, map[string]string{"clusters[0].virtualNodes.enabled": MsgVirtualNodesOverlay}},
		{"aks authorized IP ranges", azure, func(s *Spec) {
			s.VirtualNodes, s.Azure.EndpointAccess, s.Azure.PublicAccessCIDRs = on(), EndpointPublicWithAllowList, []string{"198.51.100.0/24"}
		}, map[string]string{"clusters[0].virtualNodes.enabled": MsgVirtualNodesAllowList}},
		{"aks subnet over the pods", azure, func(s *Spec) {
			s.VirtualNodes = &VirtualNodesSpec{Enabled: true, SubnetCIDR: "10.110.64.0/24"}
		}, map[string]string{"clusters[0].virtualNodes.subnetCidr": MsgVirtualNodesSubnet}},
		{"aks subnet over the nodes", azure, func(s *Spec) {
			s.VirtualNodes = &VirtualNodesSpec{Enabled: true, SubnetCIDR: "10.110.0.0/24"}
		}, map[string]string{"clusters[0].virtualNodes.subnetCidr": MsgVirtualNodesSubnet}},
		{"aks subnet outside the VNet", azure, func(s *Spec) {
			s.VirtualNodes = &VirtualNodesSpec{Enabled: true, SubnetCIDR: "10.111.0.0/24"}
		}, map[string]string{"clusters[0].virtualNodes.subnetCidr": MsgVirtualNodesSubnet}},
		{"aks subnet too small", azure, func(s *Spec) {
			s.VirtualNodes = &VirtualNodesSpec{Enabled: true, SubnetCIDR: "10.110.8.0/29"}
		}, map[string]string{"clusters[0].virtualNodes.subnetCidr": MsgVirtualNodesSubnetSize}},
		{"ack", ali, func(s *Spec) { s.VirtualNodes = on() }, nil},
		{"existing with its virtual kubelet", existing, func(s *Spec) {
			s.VirtualNodes = &VirtualNodesSpec{Enabled: true, NodeSelector: map[string]string{"type": "virtual-kubelet"},
				Tolerations: []Toleration{{Key: "virtual-kubelet.io/provider", Operator: "Exists"}}}
		}, nil},
		{"existing without a selector", existing, func(s *Spec) { s.VirtualNodes = on() },
			map[string]string{"clusters[0].virtualNodes.nodeSelector": MsgVirtualNodesSelector}},
		{"existing with a bad toleration", existing, func(s *Spec) {
			s.VirtualNodes = &VirtualNodesSpec{Enabled: true, NodeSelector: map[string]string{"type": "virtual-kubelet"},
				Tolerations: []Toleration{{Key: "virtual-kubelet.io/provider", Operator: "In", Effect: "Never"}}}
		}, map[string]string{
			"clusters[0].virtualNodes.tolerations[0].operator": MsgVirtualNodesOperator,
			"clusters[0].virtualNodes.tolerations[0].effect":   MsgVirtualNodesEffect,
		}},
		{"off: nothing checked but the fields", azure, func(s *Spec) {
			s.VirtualNodes, s.Azure.NetworkMode, s.Network.PodCIDR = &VirtualNodesSpec{}, AzureModeOverlay, "192.168.0.0/16"
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.spec()
			tc.edit(s)
			s.ApplyDefaults(s.Environment)
			errs := s.Validate(field.NewPath("clusters").Index(0))
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] += e.Detail + "; "
			}
			for path, msg := range tc.want {
				if !strings.Contains(got[path], msg) {
					t.Errorf("%s: got %q, want it to contain %q (all: %v)", path, got[path], msg, errs)
				}
			}
			if tc.want == nil && len(errs) > 0 {
				t.Errorf("want no errors, got %v", errs)
			}
			for path := range got {
				if _, ok := tc.want[path]; !ok && tc.want != nil {
					t.Errorf("unexpected error at %s: %s", path, got[path])
				}
			}
		})
	}
}

func TestAzureVirtualNodeSubnetDefault(t *testing.T) {
	s := azureSpec()
	s.VirtualNodes = on()
	s.ApplyDefaults("prod")
	if s.VirtualNodes.SubnetCIDR != "10.110.4.0/24" {
		t.Errorf("ACI subnet = %q, want 10.110.4.0/24 (the first /24 after the node subnet %s, outside the pods' %s)", s.VirtualNodes.SubnetCIDR, s.Azure.NodeSubnetCIDR, s.Network.PodCIDR)
	}
	plain := azureSpec()
	plain.ApplyDefaults("prod")
	if plain.VirtualNodes != nil {
		t.Errorf("a cluster without virtual nodes got %+v", plain.VirtualNodes)
	}
}

func TestVirtualNodesInContract(t *testing.T) {
	s := aliSpec()
	s.VirtualNodes = on()
	s.ApplyDefaults("prod")
	conn := &Connection{VirtualNodes: s.VirtualNodeFacts()}
	c := ContractOf(s, "prod", conn)
	// What a stack reference hands back: the JSON values the engine stored.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	back, err := ParseContract(s.Name, v)
	if err != nil {
		t.Fatal(err)
	}
	var attached Spec
	attached.Attached(back)
	got := attached.VirtualNodeFacts()
	if got == nil || got.Provider != conn.VirtualNodes.Provider || got.PodLabels[LabelECI] != "true" || len(got.Tolerations) != 1 {
		t.Errorf("attached facts = %+v, want %+v", got, conn.VirtualNodes)
	}
	// A contract written before virtual nodes existed has none, and reads the same.
	old, _ := json.Marshal(ContractOf(aliSpec(), "prod", &Connection{}))
	if strings.Contains(string(old), "virtualNodes") {
		t.Error("a cluster without virtual nodes writes a virtualNodes key: older readers would see a changed contract")
	}
}
