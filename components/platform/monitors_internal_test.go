package platform

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestMonitoringReadyFailsBeforeMonitoring: a step ordered before the monitoring
// install asks for what its monitors wait for and gets ErrMonitorsBeforeMonitoring,
// not a nil that would let its monitors wait for nothing; with monitoring off it
// gets nil (no monitors), and after the install, the install.
func TestMonitoringReadyFailsBeforeMonitoring(t *testing.T) {
	off, on := false, true
	install := &pulumi.ResourceState{}
	for _, tc := range []struct {
		name    string
		enabled *bool
		ready   pulumi.Resource
		want    pulumi.Resource
		wantErr error
	}{
		{"monitoring off", &off, nil, nil, nil},
		{"monitoring on, not built yet", &on, nil, nil, ErrMonitorsBeforeMonitoring},
		{"monitoring unset (on), not built yet", nil, nil, nil, ErrMonitorsBeforeMonitoring},
		{"monitoring on, built", &on, install, install, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &builder{spec: &Spec{Monitoring: MonitoringSpec{Enabled: tc.enabled}},
				c: &Platform{Outputs: &Outputs{MonitoringReady: tc.ready}}}
			got, err := b.monitoringReady()
			if !errors.Is(err, tc.wantErr) || got != tc.want {
				t.Errorf("monitoringReady() = %v, %v; want %v, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestOnOffByDefault: OnByDefault reads unset as on, offByDefault as off; set values win.
func TestOnOffByDefault(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		name    string
		v       *bool
		on, off bool
	}{{"unset", nil, true, false}, {"true", &yes, true, true}, {"false", &no, false, false}} {
		if got := OnByDefault(tc.v); got != tc.on {
			t.Errorf("OnByDefault(%s) = %v, want %v", tc.name, got, tc.on)
		}
		if got := offByDefault(tc.v); got != tc.off {
			t.Errorf("offByDefault(%s) = %v, want %v", tc.name, got, tc.off)
		}
	}
}
