package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/fleetform/fleetform/internal/plan"
	"github.com/fleetform/fleetform/program"
	"github.com/fleetform/fleetform/stacks"
)

// repoRoot is where the stack files live, relative to this package.
const repoRoot = ".."

// planStackE plans a repository stack offline.
func planStackE(stack string, refs map[string]*plan.Plan) (*plan.Plan, error) {
	cfg, err := loadStack(stack)
	if err != nil {
		return nil, err
	}
	return program.OfflineResolving(cfg, refs, loadStack)
}

// loadStack reads a repository stack file.
func loadStack(stack string) (*stacks.StackConfig, error) {
	return stacks.LoadFile(stacks.StackFile(repoRoot, stack), stack)
}

// planStack plans a repository stack offline and fails the test on error.
func planStack(t testing.TB, stack string, refs map[string]*plan.Plan) *plan.Plan {
	t.Helper()
	p, err := planStackE(stack, refs)
	if err != nil {
		t.Fatalf("planning %s: %v", stack, err)
	}
	return p
}

// engineConfigE turns a stack file into the config map the Pulumi CLI hands a Go
// program (PULUMI_CONFIG): `project:key` to the value, JSON-encoded unless a string.
func engineConfigE(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range doc.Config {
		if !strings.Contains(k, ":") {
			k = stacks.Project + ":" + k
		}
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out[k] = string(b)
	}
	return out, nil
}

// badFiles lists the seeded bad stack files.
func badFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no seeded bad files: %v", err)
	}
	sort.Strings(files)
	return files
}

// withConfig hands a mocked run its config the way the engine hands it to any
// program, so program.Run reads it through the context.
func withConfig(raw map[string]string, secretKeys ...string) pulumi.RunOption {
	return func(info *pulumi.RunInfo) {
		info.Config = raw
		info.ConfigSecretKeys = secretKeys
	}
}
