package stacks

import (
	"strings"
	"testing"

	"github.com/fleetform/fleetform/components/platform"
)

// TestEnvironmentsAgainstTheMesh: an environment cannot ask for a mesh its platform
// does not run, and a meshed one's LimitRange must admit the sidecar istiod injects
// into every pod; every problem is reported at its field path, all at once.
func TestEnvironmentsAgainstTheMesh(t *testing.T) {
	const env = `  fleetform:environments:
    - name: qa
      cluster: one
      mesh: {enabled: true}
    - name: e2e
      cluster: one
      limits: {maxCpu: 250m, defaultCpu: 100m, defaultRequestCpu: 50m}
`
	base := strings.Replace(minimal, "  fleetform:environments:\n    - name: qa\n      cluster: one\n", env, 1)
	type problem struct{ path, detail string }
	for _, tc := range []struct {
		name, platform string
		want           []problem
	}{
		{"no mesh to join", "    edge: istio\n", []problem{{"environments[0].mesh.enabled", MsgNoMesh}}},
		{"envoy-gateway", "    edge: envoy-gateway\n    mesh: {enabled: true}\n", []problem{
			{"platform.mesh.enabled", platform.MsgMeshNeedsIstio},
			{"environments[0].mesh.enabled", MsgNoMesh},
		}},
		{"a LimitRange below the sidecar", "    edge: istio\n    mesh: {enabled: true}\n", []problem{
			{"environments[1].limits.maxCpu", MsgSidecarAboveMax},
		}},
		{"a sidecar that fits", "    edge: istio\n    mesh: {enabled: true, proxy: {limitsCpu: 200m}}\n", nil},
		{"bad mtls", "    edge: istio\n    mesh: {enabled: true, proxy: {limitsCpu: 200m}}\n", []problem{{"environments[0].mesh.mtls", "Unsupported value"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := base
			if tc.name == "bad mtls" {
				body = strings.Replace(body, "mesh: {enabled: true}", "mesh: {enabled: true, mtls: STRICT}", 1)
			}
			body += "  fleetform:platform:\n    monitoring: {enabled: false}\n" + tc.platform
			got := problems(t, body, Offline)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i, w := range tc.want {
				if got[i].Field != w.path || !strings.Contains(got[i].Error(), w.detail) {
					t.Errorf("problem %d = %s: %s, want %q at %s", i, got[i].Field, got[i].Detail, w.detail, w.path)
				}
			}
		})
	}
}

// TestMTLSOutsideAMesh: mesh.mtls on an environment that is in no mesh would be
// ignored, so it is refused at its path, as well as the mesh it asks for.
func TestMTLSOutsideAMesh(t *testing.T) {
	body := strings.Replace(minimal, "      cluster: one\n", "      cluster: one\n      mesh: {mtls: permissive}\n", 1) +
		"  fleetform:platform:\n    monitoring: {enabled: false}\n    edge: istio\n"
	got := problems(t, body, Offline)
	if len(got) != 1 || got[0].Field != "environments[0].mesh.mtls" || !strings.Contains(got[0].Detail, MsgMTLSOutsideMesh) {
		t.Fatalf("got %v, want one problem at environments[0].mesh.mtls", got)
	}
	if p := problems(t, body+"    mesh: {enabled: true}\n", Offline); p != nil {
		t.Errorf("with the mesh on: %v, want none", p)
	}
}
