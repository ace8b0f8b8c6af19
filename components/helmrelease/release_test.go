package helmrelease

import (
	"errors"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
)

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Override
		want Source
	}{
		{"pinned", Override{}, Source{Chart: "harbor", Repository: RepoHarbor, Version: HarborVersion}},
		{"https mirror", Override{Repository: "https://mirror.example.com/charts"}, Source{Chart: "harbor", Repository: "https://mirror.example.com/charts", Version: HarborVersion}},
		{"oci mirror", Override{Repository: "oci://harbor.example.com/charts/"}, Source{Chart: "oci://harbor.example.com/charts/harbor", Version: HarborVersion}},
		{"version", Override{Version: "1.17.2"}, Source{Chart: "harbor", Repository: RepoHarbor, Version: "1.17.2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Resolve(Harbor, tc.o); got != tc.want {
				t.Errorf("Resolve = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	base := map[string]any{
		"controller": map[string]any{"replicaCount": 2, "service": map[string]any{"type": "LoadBalancer", "annotations": map[string]any{"a": "1"}}},
		"list":       []any{"x", "y"},
		"drop":       "me",
	}
	over := map[string]any{
		"controller": map[string]any{"service": map[string]any{"annotations": map[string]any{"b": "2"}}},
		"list":       []any{"z"},
		"drop":       nil,
		"new":        true,
		"fresh":      map[string]any{"keep": 1, "gone": nil},
		"drop-map":   map[string]any{"gone": nil},
	}
	want := map[string]any{
		"controller": map[string]any{"replicaCount": 2, "service": map[string]any{"type": "LoadBalancer", "annotations": map[string]any{"a": "1", "b": "2"}}},
		"list":       []any{"z"},
		"new":        true,
		"fresh":      map[string]any{"keep": 1}, // a null deletes at any depth, also where base has no map
		"drop-map":   map[string]any{},
	}
	got := Merge(base, over)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge = %v, want %v", got, want)
	}
	if _, ok := base["drop"]; !ok || len(base["controller"].(map[string]any)["service"].(map[string]any)["annotations"].(map[string]any)) != 1 {
		t.Errorf("Merge modified its base: %v", base)
	}
}

func TestNewUnderMocks(t *testing.T) {
	p, _, err := plan.Run(func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		if _, err := New(ctx, "a-harbor", &Args{Pin: Harbor, ReleaseName: "harbor", Namespace: pulumi.String("harbor"),
			Values: map[string]any{"externalURL": "https://h"}}); err != nil {
			return nil, err
		}
		_, err := New(ctx, "b-harbor", &Args{Pin: Harbor, ReleaseName: "harbor", Namespace: pulumi.String("harbor"),
			Override: Override{Repository: "oci://mirror.example.com/charts", Version: "1.17.2", Values: map[string]any{"externalURL": "https://mirror", "ipFamily": nil}},
			Values:   map[string]any{"externalURL": "https://h"}})
		return nil, err
	}, plan.Options{Project: "fleetform", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	rs := p.ByType("kubernetes:helm.sh/v3:Release")
	if len(rs) != 2 {
		t.Fatalf("got %d releases, want 2", len(rs))
	}
	a, b := rs[0].Inputs, rs[1].Inputs
	if a["chart"] != "harbor" || a["version"] != HarborVersion || a["repositoryOpts"].(map[string]any)["repo"] != RepoHarbor {
		t.Errorf("pinned release inputs = %v, want chart harbor %s from %s", a, HarborVersion, RepoHarbor)
	}
	if b["chart"] != "oci://mirror.example.com/charts/harbor" || b["version"] != "1.17.2" || b["repositoryOpts"] != nil {
		t.Errorf("mirrored release inputs = %v, want the oci chart 1.17.2 with no repositoryOpts", b)
	}
	if got := b["values"].(map[string]any)["externalURL"]; got != "https://mirror" {
		t.Errorf("raw values externalURL = %v, want https://mirror (merged last)", got)
	}
	if v, ok := b["values"].(map[string]any)["ipFamily"]; ok {
		t.Errorf("raw values ipFamily = %v, want it deleted by its null", v)
	}
	if a["timeout"] != float64(DefaultTimeoutSeconds) || a["createNamespace"] != false {
		t.Errorf("timeout/createNamespace = %v/%v, want %d/false", a["timeout"], a["createNamespace"], DefaultTimeoutSeconds)
	}
}

// TestMonitorDependsOnRequiresTheInstall: a monitor with nothing to wait for fails
// with ErrNoMonitoringReady instead of being registered without the wait.
func TestMonitorDependsOnRequiresTheInstall(t *testing.T) {
	if _, err := MonitorDependsOn(nil); !errors.Is(err, ErrNoMonitoringReady) {
		t.Errorf("MonitorDependsOn(nil) error = %v, want ErrNoMonitoringReady", err)
	}
	if opt, err := MonitorDependsOn(&pulumi.ResourceState{}); err != nil || opt == nil {
		t.Errorf("MonitorDependsOn(install) = %v, %v; want an option", opt, err)
	}
}
