package render

import "testing"

// The kinds fleetform renders whose scope the old hand-kept table got wrong, and a
// few the API server has always had, read from the generated ScopesFile.
func TestScope(t *testing.T) {
	for _, tc := range []struct {
		apiVersion, kind string
		cluster          bool
	}{
		{"karpenter.sh/v1", "NodePool", true},
		{"karpenter.k8s.aws/v1", "EC2NodeClass", true},
		{"gateway.networking.k8s.io/v1", "GatewayClass", true},
		{"external-secrets.io/v1", "ClusterSecretStore", true},
		{"cert-manager.io/v1", "ClusterIssuer", true},
		{"v1", "Namespace", true},
		{"rbac.authorization.k8s.io/v1", "ClusterRole", true},
		{"v1", "ConfigMap", false},
		{"argoproj.io/v1alpha1", "Rollout", false},
		{"external-secrets.io/v1", "ExternalSecret", false},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			c, known := Scope(tc.apiVersion, tc.kind)
			if !known || c != tc.cluster {
				t.Errorf("Scope(%s, %s) = %v (known %v), want %v", tc.apiVersion, tc.kind, c, known, tc.cluster)
			}
		})
	}
}

func TestScopesRoundTrip(t *testing.T) {
	text := FormatScopes("a\nb", scopes)
	got, err := ParseScopes(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(scopes) || len(got) == 0 {
		t.Fatalf("%d kinds after a round trip, want %d", len(got), len(scopes))
	}
	if _, err := ParseScopes("/Namespace Global"); err == nil {
		t.Error("a scope other than Cluster or Namespaced was accepted")
	}
}
