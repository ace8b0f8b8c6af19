//go:build engine

package controlplane

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestDeploymentBecomesAvailable proves the harness: a Deployment's pods are
// created by the controller manager, bound by the scheduler to a fake node with
// the pool's label, and made Ready by kwok; deleting the namespace removes them.
func TestDeploymentBecomesAvailable(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	bins, err := FullBinaries(root)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := Start(Options{Binaries: bins, Nodes: []Node{{Name: "pool-a-1", Labels: map[string]string{"workload": "general"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	post := func(path string, obj any) {
		t.Helper()
		b, _ := json.Marshal(obj)
		status, body, err := cp.Do(http.MethodPost, path, "application/json", b)
		if err != nil || status != http.StatusCreated {
			t.Fatalf("POST %s: %d %s %v", path, status, body, err)
		}
	}
	post("/api/v1/namespaces", map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "smoke"}})
	labels := map[string]string{"app": "smoke"}
	post("/apis/apps/v1/namespaces/smoke/deployments", map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "smoke"},
		"spec": map[string]any{
			"replicas": 2, "selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{
					"nodeSelector": map[string]string{"workload": "general"},
					"containers":   []any{map[string]any{"name": "c", "image": "example.test/smoke:1"}},
				},
			},
		},
	})
	start := time.Now()
	for {
		var d struct {
			Status struct {
				AvailableReplicas int `json:"availableReplicas"`
			} `json:"status"`
		}
		if err := cp.Get("/apis/apps/v1/namespaces/smoke/deployments/smoke", &d); err != nil {
			t.Fatal(err)
		}
		if d.Status.AvailableReplicas == 2 {
			break
		}
		if time.Since(start) > 2*time.Minute {
			t.Fatalf("deployment not available after 2 min: %+v\n%s", d, cp.LogTails())
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("2 pods Ready on fake nodes in %s", time.Since(start).Round(time.Millisecond))
	var pods struct {
		Items []struct {
			Spec struct {
				NodeName string `json:"nodeName"`
			} `json:"spec"`
		} `json:"items"`
	}
	if err := cp.Get("/api/v1/namespaces/smoke/pods", &pods); err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Spec.NodeName != "pool-a-1" {
			t.Errorf("pod on node %q, want pool-a-1", p.Spec.NodeName)
		}
	}
	if status, body, err := cp.Do(http.MethodDelete, "/api/v1/namespaces/smoke", "", nil); err != nil || status != http.StatusOK {
		t.Fatalf("DELETE namespace: %d %s %v", status, body, err)
	}
	start = time.Now()
	for {
		status, _, err := cp.Do(http.MethodGet, "/api/v1/namespaces/smoke", "", nil)
		if err == nil && status == http.StatusNotFound {
			break
		}
		if time.Since(start) > 2*time.Minute {
			t.Fatalf("namespace still there after 2 min\n%s", cp.LogTails())
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("namespace and its pods gone in %s", time.Since(start).Round(time.Millisecond))
}
