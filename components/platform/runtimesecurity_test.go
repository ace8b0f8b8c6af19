package platform_test

import (
	"slices"
	"testing"

	"github.com/fleetform/fleetform/internal/plan"

	"github.com/fleetform/fleetform/components/addons/falco"
	"github.com/fleetform/fleetform/components/platform"
)

func TestRuntimeSecurity(t *testing.T) {
	on, off := true, false
	cases := []struct {
		name       string
		priority   string
		monitoring *bool
		wantPrio   string
		sidekick   bool
	}{
		{"default threshold, alerts through Alertmanager", "", nil, platform.DefaultRuntimeSecurityMinimumPriority, true},
		{"critical only", falco.PriorityCritical, nil, falco.PriorityCritical, true},
		{"monitoring off: no Alertmanager, no monitor", falco.PriorityNotice, &off, falco.PriorityNotice, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := build(t, func(a *platform.Args) {
				a.Spec.RuntimeSecurity = platform.RuntimeSecuritySpec{Enabled: &on, MinimumPriority: tc.priority}
				if tc.monitoring != nil {
					a.Spec.Monitoring.Enabled = tc.monitoring
					a.Spec.Monitoring.Federation = platform.FederationSpec{}
				}
			})
			r := release(t, p, "falco")
			v := r.Inputs["values"]
			if r.Inputs["version"] != "9.1.0" || r.Inputs["namespace"] != platform.NamespaceFalco {
				t.Errorf("falco release %v in %v, want 9.1.0 in %s", r.Inputs["version"], r.Inputs["namespace"], platform.NamespaceFalco)
			}
			if got := dig(v, "driver", "kind"); got != falco.DriverModernEBPF {
				t.Errorf("driver.kind = %v, want %s", got, falco.DriverModernEBPF)
			}
			tol, _ := dig(v, "tolerations").([]any)
			if len(tol) != 1 || dig(tol[0], "operator") != "Exists" || dig(tol[0], "key") != nil {
				t.Errorf("tolerations = %v, want one that tolerates every taint", tol)
			}
			if got := dig(v, "falco", "priority"); got != tc.wantPrio {
				t.Errorf("falco.priority = %v, want %s", got, tc.wantPrio)
			}
			if got := dig(v, "falcosidekick", "enabled"); got != tc.sidekick {
				t.Errorf("falcosidekick.enabled = %v, want %v", got, tc.sidekick)
			}
			am := dig(v, "falcosidekick", "config", "alertmanager")
			var monitors int
			for _, m := range p.ByType(monitorTypes[0]) {
				if dig(m.Inputs, "metadata", "namespace") == platform.NamespaceFalco {
					monitors++
				}
			}
			if tc.sidekick {
				if dig(am, "hostport") != "http://kube-prometheus-stack-alertmanager.monitoring.svc:9093" ||
					dig(am, "endpoint") != falco.AlertmanagerEndpoint || dig(am, "minimumpriority") != tc.wantPrio {
					t.Errorf("falcosidekick alertmanager = %v, want the in-cluster Alertmanager's v2 API from %s", am, tc.wantPrio)
				}
				if monitors != 1 {
					t.Errorf("%d ServiceMonitors in %s, want 1", monitors, platform.NamespaceFalco)
				}
				if np := admitted(p, platform.NamespaceMonitoring); !slices.Contains(np, platform.NamespaceFalco) {
					t.Errorf("the monitoring namespace admits %v, not %s (Falcosidekick → Alertmanager)", np, platform.NamespaceFalco)
				}
			} else if am != nil || monitors != 0 {
				t.Errorf("monitoring off: alertmanager %v and %d monitors, want none", am, monitors)
			}
			// The install waits for its namespace only, never for another addon's release.
			for _, d := range r.Dependencies {
				for _, other := range p.ByType(releaseType) {
					if other.URN == d {
						t.Errorf("falco waits for release %s", other.Name)
					}
				}
			}
		})
	}
	p, _ := build(t, func(*platform.Args) {})
	for _, r := range p.ByType(releaseType) {
		if r.Inputs["chart"] == "falco" {
			t.Error("runtime security is on without platform.runtimeSecurity.enabled")
		}
	}
	if np := admitted(p, platform.NamespaceMonitoring); slices.Contains(np, platform.NamespaceFalco) {
		t.Errorf("runtime security off, yet the monitoring namespace admits %s", platform.NamespaceFalco)
	}
}

func TestFalcoPriorities(t *testing.T) {
	// Falco's priority names, most severe first (the falco chart's values.yaml, falco.priority).
	want := []string{"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}
	if !slices.Equal(falco.Priorities, want) {
		t.Errorf("priorities %v, want %v", falco.Priorities, want)
	}
}

// admitted are the namespaces the platform ingress policy of namespace ns admits.
func admitted(p *plan.Plan, ns string) []string {
	var out []string
	for _, r := range p.ByType("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		if dig(r.Inputs, "metadata", "name") != platform.PolicyPlatformIngress || dig(r.Inputs, "metadata", "namespace") != ns {
			continue
		}
		from, _ := dig(r.Inputs, "spec", "ingress").([]any)[0].(map[string]any)["from"].([]any)
		values, _ := dig(from[1], "namespaceSelector", "matchExpressions").([]any)[0].(map[string]any)["values"].([]any)
		for _, v := range values {
			out = append(out, v.(string))
		}
	}
	return out
}
