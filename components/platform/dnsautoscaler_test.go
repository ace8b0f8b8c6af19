package platform_test

import (
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/dnsautoscaler"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
)

func TestDNSAutoscalerPerCloud(t *testing.T) {
	on, off := true, false
	cases := []struct {
		name    string
		cloud   cluster.Cloud
		enabled *bool
		max     int
		want    bool
	}{
		{"eks scales CoreDNS itself", cluster.AWS, nil, 0, false},
		{"aks runs coredns-autoscaler", cluster.Azure, nil, 0, false},
		{"ack: the platform scales it", cluster.Alicloud, nil, 0, true},
		{"existing: the operators opt in", cluster.Existing, nil, 0, false},
		{"existing, switched on", cluster.Existing, &on, 20, true},
		{"ack, switched off", cluster.Alicloud, &off, 0, false},
		{"eks, switched on", cluster.AWS, &on, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := build(t, func(a *platform.Args) {
				a.Cloud = tc.cloud
				a.Spec.DNSAutoscaler.Enabled, a.Spec.DNSAutoscaler.Max = tc.enabled, tc.max
			})
			var found bool
			for _, r := range p.ByType(releaseType) {
				if r.Inputs["chart"] != "cluster-proportional-autoscaler" {
					continue
				}
				found = true
				if r.Inputs["version"] != "1.1.0" || r.Inputs["namespace"] != dnsautoscaler.Namespace {
					t.Errorf("release %v in %v, want 1.1.0 in %s", r.Inputs["version"], r.Inputs["namespace"], dnsautoscaler.Namespace)
				}
				v := r.Inputs["values"]
				if dig(v, "options", "namespace") != "kube-system" || dig(v, "options", "target") != "deployment/coredns" {
					t.Errorf("options = %v, want deployment/coredns in kube-system", dig(v, "options"))
				}
				want := map[string]any{"coresPerReplica": 256.0, "nodesPerReplica": 16.0, "min": 2.0,
					"preventSinglePointFailure": true, "includeUnschedulableNodes": true}
				if tc.max > 0 {
					want["max"] = float64(tc.max)
				}
				if got := dig(v, "config", "linear"); !reflect.DeepEqual(got, want) {
					t.Errorf("config.linear = %v, want %v", got, want)
				}
				for _, d := range r.Dependencies {
					for _, other := range p.ByType(releaseType) {
						if other.URN == d {
							t.Errorf("the DNS autoscaler waits for release %s", other.Name)
						}
					}
				}
			}
			if found != tc.want {
				t.Errorf("autoscaler installed = %v, want %v", found, tc.want)
			}
		})
	}
}

func TestDNSAutoscalerRefusedWhereTheCloudScales(t *testing.T) {
	on := true
	s := fullSpec(platform.LoggingLoki)
	s.DNSAutoscaler.Enabled = &on
	errs := s.ValidateClusters(field.NewPath("platform"), []cluster.Spec{
		{Name: "ack", Cloud: cluster.Alicloud}, {Name: "eks", Cloud: cluster.AWS}, {Name: "aks", Cloud: cluster.Azure},
	})
	var got []string
	for _, e := range errs {
		if e.Field == "platform.dnsAutoscaler.enabled" && strings.Contains(e.Detail, platform.MsgDNSScaledByCloud) {
			got = append(got, strings.Fields(e.Detail)[1])
		}
	}
	if want := []string{"eks:", "aks:"}; !reflect.DeepEqual(got, want) {
		t.Errorf("refused clusters %v, want %v (all errors: %v)", got, want, errs)
	}
}
