package cluster

import "testing"

func TestEdgeServiceFor(t *testing.T) {
	for _, tc := range []struct {
		cloud             Cloud
		internal          bool
		wantType, wantPol string
		annotations       map[string]any
	}{
		{AWS, false, "LoadBalancer", "Local", map[string]any{AnnotationAWSLBType: "nlb", AnnotationAWSCrossZone: "true",
			AnnotationAWSScheme: "internet-facing", AnnotationAWSAttributes: AWSCrossZoneAttribute}},
		{AWS, true, "LoadBalancer", "Local", map[string]any{AnnotationAWSLBType: "nlb", AnnotationAWSCrossZone: "true",
			AnnotationAWSInternal: "true", AnnotationAWSScheme: "internal", AnnotationAWSAttributes: AWSCrossZoneAttribute}},
		{Azure, false, "LoadBalancer", "Local", map[string]any{AnnotationAzureProbePath: "/healthz"}},
		{Azure, true, "LoadBalancer", "Local", map[string]any{AnnotationAzureProbePath: "/healthz", AnnotationAzureInternal: "true"}},
		{Alicloud, false, "LoadBalancer", "Local", map[string]any{AnnotationAlicloudChargeType: "PayByCLCU", AnnotationAlicloudAddrType: "internet"}},
		{Alicloud, true, "LoadBalancer", "Local", map[string]any{AnnotationAlicloudChargeType: "PayByCLCU", AnnotationAlicloudAddrType: "intranet"}},
		{Existing, false, "LoadBalancer", "Cluster", map[string]any{}},
		{Existing, true, "NodePort", "Cluster", map[string]any{}},
	} {
		s := EdgeServiceFor(tc.cloud, tc.internal)
		if s.Type != tc.wantType || s.ExternalTrafficPolicy != tc.wantPol {
			t.Errorf("%s internal=%t: got %s/%s, want %s/%s", tc.cloud, tc.internal, s.Type, s.ExternalTrafficPolicy, tc.wantType, tc.wantPol)
		}
		if len(s.Annotations) != len(tc.annotations) {
			t.Errorf("%s internal=%t: annotations %v, want %v", tc.cloud, tc.internal, s.Annotations, tc.annotations)
		}
		for k, v := range tc.annotations {
			if s.Annotations[k] != v {
				t.Errorf("%s internal=%t: %s = %v, want %v", tc.cloud, tc.internal, k, s.Annotations[k], v)
			}
		}
	}
	a, b := EdgeServiceFor(AWS, false), EdgeServiceFor(AWS, false)
	a.Annotations["x"] = "y"
	if _, shared := b.Annotations["x"]; shared {
		t.Error("two calls share one annotations map")
	}
}
