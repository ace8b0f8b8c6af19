package platform_test

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/fleetform/fleetform/components/addons/gateway"
	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
	"github.com/fleetform/fleetform/components/platform"
)

// TestMeshOnEachCloud: with platform.mesh on an Istio edge, every cloud gets Istio's
// CNI node agent in kube-system (same version as istiod) and istiod injects in CNI
// mode, with the RuntimeDefault seccomp profile and the configured sidecar size.
func TestMeshOnEachCloud(t *testing.T) {
	for _, cloud := range []cluster.Cloud{cluster.AWS, cluster.Azure, cluster.Alicloud, cluster.Existing} {
		t.Run(string(cloud), func(t *testing.T) {
			p, out := build(t, func(a *platform.Args) {
				a.Cloud = cloud
				a.Spec.Edge = edges.Istio
				a.Spec.Mesh.Enabled = true
				a.Spec.Mesh.Proxy.LimitsMemory = "384Mi"
				// A federation spoke would need basic auth on the edge, which istio lacks.
				a.Federation = cluster.FederationNone
			})
			cni := release(t, p, "cni")
			if cni.Inputs["namespace"] != gateway.IstioCNINamespace || cni.Inputs["version"] != "1.32.0" || cni.Inputs["name"] != gateway.IstioCNIReleaseName {
				t.Errorf("cni release %v %v in %v, want %s 1.32.0 in %s", cni.Inputs["name"], cni.Inputs["version"], cni.Inputs["namespace"], gateway.IstioCNIReleaseName, gateway.IstioCNINamespace)
			}
			v := release(t, p, "istiod").Inputs["values"]
			for path, want := range map[string]any{
				"env.PILOT_ENABLE_GATEWAY_API":                             "true",
				"cni.enabled":                                              true,
				"global.proxy.seccompProfile.type":                         "RuntimeDefault",
				"global.proxy.resources.requests.cpu":                      platform.DefaultMeshProxyRequestsCPU,
				"global.proxy.resources.limits.memory":                     "384Mi",
				"meshConfig.defaultConfig.holdApplicationUntilProxyStarts": true,
			} {
				if got := dig(v, strings.Split(path, ".")...); got != want {
					t.Errorf("istiod values %s = %v, want %v", path, got, want)
				}
			}
			if dig(v, "pilot") != nil {
				t.Errorf("istiod values carry pilot.*, which istio-discovery's templates never read: %v", dig(v, "pilot"))
			}
			if n := len(out.Outputs.MeshReady); n != 2 {
				t.Errorf("MeshReady has %d resources, want istiod and the CNI agent", n)
			}
		})
	}
	t.Run("no mesh", func(t *testing.T) {
		p, out := build(t, func(a *platform.Args) {
			a.Spec.Edge = edges.Istio
			a.Federation = cluster.FederationNone
		})
		for _, r := range p.ByType(releaseType) {
			if r.Inputs["chart"] == "cni" || strings.HasSuffix(r.Inputs["chart"].(string), "/cni") {
				t.Errorf("a cni release without platform.mesh")
			}
		}
		if dig(release(t, p, "istiod").Inputs["values"], "cni") != nil || out.Outputs.MeshReady != nil {
			t.Errorf("istiod in CNI mode or MeshReady set without platform.mesh")
		}
	})
}

func TestMeshValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*platform.Spec)
		want   []string
	}{
		{"istio", func(s *platform.Spec) { s.Edge = edges.Istio }, nil},
		{"envoy-gateway", func(s *platform.Spec) { s.Edge = edges.EnvoyGateway }, []string{"platform.mesh.enabled"}},
		{"edge off", func(s *platform.Spec) { s.Edge = edges.Istio; off := false; s.Ingress.Enabled = &off }, []string{"platform.mesh.enabled"}},
		{"bad quantity and a request above its limit, both at once", func(s *platform.Spec) {
			s.Edge = edges.EnvoyGateway
			s.Mesh.Proxy.LimitsCPU = "lots"
			s.Mesh.Proxy.RequestsMemory = "1Gi"
		}, []string{"platform.mesh.enabled", "platform.mesh.proxy.limitsCpu", "platform.mesh.proxy.requestsMemory"}},
		{"a request above its limit", func(s *platform.Spec) {
			s.Edge = edges.Istio
			s.Mesh.Proxy.RequestsMemory = "1Gi"
		}, []string{"platform.mesh.proxy.requestsMemory"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSpec(platform.LoggingLoki)
			s.Mesh.Enabled = true
			tc.mutate(&s)
			var got []string
			for _, e := range s.Validate(field.NewPath("platform")) {
				if strings.HasPrefix(e.Field, "platform.mesh") {
					got = append(got, e.Field)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("mesh errors at %v, want %v", got, tc.want)
			}
		})
	}
}
