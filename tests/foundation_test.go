package tests

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// wantPaths is the field path each seeded bad file must be reported at.
var wantPaths = map[string]string{
	"malformed-yaml.yaml":     "malformed YAML",
	"unknown-key.yaml":        "clusters[0].kubeconfig.contxt",
	"wrong-type.yaml":         "clusters[0].network.zones",
	"invalid-cidr.yaml":       "clusters[0].network.vpcCidr",
	"overlapping-cidrs.yaml":  "clusters[0].network.serviceCidr",
	"duplicate-names.yaml":    "clusters[1].name",
	"dangling-reference.yaml": "environments[0].cluster",
	// Cross-section rules: before Validate checked them, these failed mid-build,
	// after the cluster and its platform were registered.
	"release-rollouts-off.yaml":            "releases[0]: Invalid value: \"hello\": releases run as Argo Rollouts",
	"release-ingress-off.yaml":             "releases[0].environments[qa].ingress",
	"release-analysis-monitoring-off.yaml": "releases[0].strategy",
	"karpenter-pool-floor.yaml":            "clusters[0].nodePools[1].minSize: Invalid value: 2: must be 0 for a Karpenter pool",
}

func TestBadInputIsRejectedBeforeAnyResource(t *testing.T) {
	for _, file := range badFiles(t) {
		name := filepath.Base(file)
		want, ok := wantPaths[name]
		if !ok {
			t.Fatalf("%s: no expected path listed", name)
		}
		t.Run(name, func(t *testing.T) {
			// The offline planner: load, validate, plan.
			_, err := func() (*plan.Plan, error) {
				cfg, err := stacks.LoadFile(file, "bad")
				if err != nil {
					return nil, err
				}
				return program.Offline(cfg, nil)
			}()
			var serr *stacks.Error
			if !errors.As(err, &serr) {
				t.Fatalf("planner: got %v, want a *stacks.Error", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, file+": ") || !strings.Contains(msg, want) {
				t.Fatalf("planner: message %q does not name the file %s and %q", msg, file, want)
			}

			// The Pulumi program as the engine runs it, under the mock monitor.
			raw, err := engineConfigE(file)
			if err != nil {
				if name == "malformed-yaml.yaml" {
					return // the pulumi CLI itself refuses to read such a file
				}
				t.Fatal(err)
			}
			mon := plan.NewMonitor(stacks.Project, "bad", nil)
			err = pulumi.RunErr(program.Run, pulumi.WithMocks(stacks.Project, "bad", mon), withConfig(raw))
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("program.Run: got %v, want an error naming %q", err, want)
			}
			if n := mon.Registrations(); n != 0 {
				t.Fatalf("program.Run registered %d resources before failing, want 0", n)
			}
		})
	}
}

func TestStacksPlanOffline(t *testing.T) {
	for _, stack := range []string{"dev", "prod", "local"} {
		t.Run(stack, func(t *testing.T) {
			p := planStack(t, stack, nil)
			if p.Stack != stack || p.Project != stacks.Project {
				t.Fatalf("plan names %s/%s, want %s/%s", p.Project, p.Stack, stacks.Project, stack)
			}
			if n := len(p.ByType("pulumi:pulumi:Stack")); n != 1 {
				t.Fatalf("plan has %d stack resources, want 1", n)
			}
			cfg, err := loadStack(stack)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cfg.Clusters {
				found := false
				for _, r := range p.Resources {
					found = found || strings.HasPrefix(r.Type, "platform:cluster:") && r.Name == c.Name
				}
				if !found {
					t.Errorf("cluster %s has no cluster component in the plan", c.Name)
				}
			}
			for _, r := range p.Resources {
				if strings.HasPrefix(r.Provider, "default_") {
					t.Errorf("%s %s has no provider: every cloud and Kubernetes resource goes to an explicit one", r.Type, r.Name)
				}
			}
		})
	}
}

func TestPlanJSONIsDeterministic(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			a, err := planStack(t, stack, nil).Marshal()
			if err != nil {
				t.Fatal(err)
			}
			b, err := planStack(t, stack, nil).Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatalf("two plans of %s differ (%d vs %d bytes)", stack, len(a), len(b))
			}
		})
	}
}

func TestMissingSecretsArePlaceholdersOffline(t *testing.T) {
	p := planStack(t, "dev", nil)
	found := false
	for _, w := range p.Warnings {
		found = found || strings.Contains(w, "redacted placeholder")
	}
	if !found {
		t.Fatalf("warnings %v: want one about a redacted placeholder", p.Warnings)
	}
	b, _ := p.Marshal()
	if bytes.Contains(b, []byte("[redacted placeholder]")) {
		t.Fatalf("the placeholder value itself reached the plan; secrets must show as %q", plan.Secret)
	}
}
