package gateway

import (
	"reflect"
	"testing"

	"github.com/fleetform/fleetform/components/cluster"
	"github.com/fleetform/fleetform/components/edges"
)

func TestKongValues(t *testing.T) {
	for _, tc := range []struct {
		cloud             cluster.Cloud
		internal          bool
		wantType, wantPol string
	}{
		{cluster.AWS, false, "LoadBalancer", "Local"},
		{cluster.Alicloud, true, "LoadBalancer", "Local"},
		{cluster.Existing, true, "NodePort", "Cluster"},
	} {
		v := KongValues(tc.cloud, tc.internal, 3)["gateway"].(map[string]any)
		proxy := v["proxy"].(map[string]any)
		if proxy["type"] != tc.wantType || proxy["externalTrafficPolicy"] != tc.wantPol ||
			!reflect.DeepEqual(proxy["annotations"], cluster.EdgeServiceFor(tc.cloud, tc.internal).Annotations) {
			t.Errorf("%s internal=%t: proxy %v, want %s/%s with the cloud's annotations", tc.cloud, tc.internal, proxy, tc.wantType, tc.wantPol)
		}
		if v["replicaCount"] != 3 || v["manager"].(map[string]any)["enabled"] != false {
			t.Errorf("%s: gateway values %v, want 3 replicas and no Kong Manager", tc.cloud, v)
		}
	}
}

func TestKongBasicAuthNames(t *testing.T) {
	a := KongBasicAuth{Route: "rollouts-dashboard"}
	if got := a.RouteAnnotations()[AnnotationKongPlugins]; got != "rollouts-dashboard-basic-auth,rollouts-dashboard-acl" {
		t.Errorf("plugins annotation %q", got)
	}
	if got := KongACLConfig(a.Group())["allow"]; !reflect.DeepEqual(got, []any{"rollouts-dashboard"}) {
		t.Errorf("acl allow %v, want the route's group alone", got)
	}
	if err := (&Args{Implementation: edges.Kong, Replicas: 1, Namespace: nil}).validate(); err == nil {
		t.Error("kong without a namespace validated")
	}
}

func TestPodMonitorSpecKong(t *testing.T) {
	spec := PodMonitorSpec(edges.Kong)
	want := map[string]any{"app.kubernetes.io/name": KongGatewayPodName, "app.kubernetes.io/instance": KongReleaseName}
	if got := spec["selector"].(map[string]any)["matchLabels"]; !reflect.DeepEqual(got, want) {
		t.Errorf("selector %v, want %v", got, want)
	}
	ep := spec["podMetricsEndpoints"].([]any)[0].(map[string]any)
	if ep["port"] != KongMetricsPort || ep["path"] != KongMetricsPath {
		t.Errorf("endpoint %v, want %s %s", ep, KongMetricsPort, KongMetricsPath)
	}
}
