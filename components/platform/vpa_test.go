package platform_test

import (
	"testing"

	"github.com/fleetform/fleetform/components/addons/vpa"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/platform"
)

func TestVPAInstall(t *testing.T) {
	off := false
	cases := []struct {
		name    string
		updates *bool
		want    bool
	}{
		{"default applies recommendations", nil, true},
		{"recommender only", &off, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, out := build(t, func(a *platform.Args) { a.Spec.VPA.Updates = tc.updates })
			r := release(t, p, "vpa")
			v := r.Inputs["values"]
			if r.Inputs["version"] != "5.0.0" || r.Inputs["namespace"] != platform.NamespaceVPA {
				t.Errorf("vpa release %v in %v, want 5.0.0 in %s", r.Inputs["version"], r.Inputs["namespace"], platform.NamespaceVPA)
			}
			for _, c := range []string{"updater", "admissionController"} {
				if got := dig(v, c, "enabled"); got != tc.want {
					t.Errorf("%s.enabled = %v, want %v", c, got, tc.want)
				}
			}
			// The failure policy is set with the admission controller, and only then
			// (the chart reads it for nothing else).
			want := any(nil)
			if tc.want {
				want = vpa.WebhookFailurePolicy
			}
			if got := dig(v, "admissionController", "mutatingWebhookConfiguration", "failurePolicy"); got != want {
				t.Errorf("webhook failurePolicy = %v, want %v: a down VPA must not block pods, and an absent one sets nothing", got, want)
			}
			if dig(v, "recommender", "enabled") != true || dig(v, "metrics-server", "enabled") != false {
				t.Errorf("values %v: want the recommender on and no second metrics-server", v)
			}
			if out.Outputs.VPAReady == nil || out.Outputs.VPAUpdates != tc.want {
				t.Errorf("outputs VPAReady=%v VPAUpdates=%v, want set and %v", out.Outputs.VPAReady, out.Outputs.VPAUpdates, tc.want)
			}
			for _, d := range r.Dependencies {
				for _, other := range p.ByType(releaseType) {
					if other.URN == d {
						t.Errorf("the VPA waits for release %s", other.Name)
					}
				}
			}
		})
	}
	off2 := false
	p, out := build(t, func(a *platform.Args) { a.Spec.VPA.Enabled = &off2 })
	for _, r := range p.ByType(releaseType) {
		if r.Inputs["chart"] == "vpa" {
			t.Error("vpa.enabled: false still installs the VPA")
		}
	}
	if out.Outputs.VPAReady != nil {
		t.Error("vpa.enabled: false still hands releases a VPAReady")
	}
}

func TestVPAClusterDefaults(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name     string
		clouds   []cluster.Cloud
		set      *bool
		wantOn   bool
		wantUpds bool
	}{
		{"cloud clusters", []cluster.Cloud{cluster.AWS, cluster.Azure}, nil, true, true},
		{"existing clusters only", []cluster.Cloud{cluster.Existing}, nil, false, true},
		{"one existing, one built", []cluster.Cloud{cluster.Existing, cluster.Alicloud}, nil, true, true},
		{"explicitly on for existing", []cluster.Cloud{cluster.Existing}, &yes, true, true},
		{"explicitly off", []cluster.Cloud{cluster.AWS}, &no, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var cs []cluster.Spec
			for _, c := range tc.clouds {
				cs = append(cs, cluster.Spec{Cloud: c})
			}
			s := platform.Spec{VPA: platform.VPASpec{Enabled: tc.set}}
			s.ApplyClusterDefaults(cs)
			if platform.OnByDefault(s.VPA.Enabled) != tc.wantOn || platform.OnByDefault(s.VPA.Updates) != tc.wantUpds {
				t.Errorf("enabled=%v updates=%v, want %v %v", platform.OnByDefault(s.VPA.Enabled), platform.OnByDefault(s.VPA.Updates), tc.wantOn, tc.wantUpds)
			}
		})
	}
}
