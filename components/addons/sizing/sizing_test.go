package sizing

import (
	"reflect"
	"testing"
)

func TestValues(t *testing.T) {
	cs := []Container{
		{Name: "controller", Path: "resources", Other: Size{CPU: "10m", Memory: "32Mi"}, Prod: Size{CPU: "50m", Memory: "128Mi"}},
		{Name: "webhook", Path: "webhook.resources", Other: Size{CPU: "10m", Memory: "32Mi"}, Prod: Size{CPU: "20m", Memory: "64Mi", MemoryLimit: "256Mi"}},
	}
	for _, tc := range []struct {
		name string
		prod bool
		want map[string]any
	}{
		{"other", false, map[string]any{
			"resources": map[string]any{"requests": map[string]any{"cpu": "10m", "memory": "32Mi"}},
			"webhook":   map[string]any{"resources": map[string]any{"requests": map[string]any{"cpu": "10m", "memory": "32Mi"}}},
		}},
		{"prod", true, map[string]any{
			"resources": map[string]any{"requests": map[string]any{"cpu": "50m", "memory": "128Mi"}},
			"webhook": map[string]any{"resources": map[string]any{
				"requests": map[string]any{"cpu": "20m", "memory": "64Mi"},
				"limits":   map[string]any{"memory": "256Mi"},
			}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Values(cs, tc.prod); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Values = %v, want %v", got, tc.want)
			}
			if got := Get(Values(cs, tc.prod), "webhook.resources.requests.cpu"); got != cs[1].For(tc.prod).CPU {
				t.Errorf("Get webhook cpu = %v, want %v", got, cs[1].For(tc.prod).CPU)
			}
		})
	}
	if got := PodDisruptionBudget(true); !reflect.DeepEqual(got, map[string]any{"enabled": true, "minAvailable": 1}) {
		t.Errorf("PodDisruptionBudget(true) = %v, want enabled with minAvailable 1", got)
	}
	if got := PodDisruptionBudget(false); !reflect.DeepEqual(got, map[string]any{"enabled": false}) {
		t.Errorf("PodDisruptionBudget(false) = %v, want disabled", got)
	}
	if Replicas(true) != HighAvailability || Replicas(false) != 1 {
		t.Errorf("Replicas(true, false) = %d, %d; want %d, 1", Replicas(true), Replicas(false), HighAvailability)
	}
}
