package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestAffectedStacks checks which stacks CI previews and deploys for a change.
func TestAffectedStacks(t *testing.T) {
	script, err := filepath.Abs("../.ci/affected-stacks.sh")
	if err != nil {
		t.Fatal(err)
	}
	stacksFile, err := os.ReadFile("../.ci/stacks")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		changed []string
		want    string
	}{
		{"dev stack file only", []string{"Pulumi.dev.yaml"}, `["dev"]`},
		{"an in-cluster stack file only", []string{"Pulumi.prod-aws.yaml"}, `["prod-aws"]`},
		{"the single-stack prod is not deployed by CI", []string{"Pulumi.prod.yaml"}, `[]`},
		{"local stack is not deployed by CI", []string{"Pulumi.local.yaml"}, `[]`},
		{"docs only", []string{"README.md", "docs/pipeline.md"}, `[]`},
		{"workflows only", []string{".github/workflows/drift.yml"}, `[]`},
		{"tests only", []string{"tests/x_test.go", "environments/x_test.go"}, `[]`},
		{"program code", []string{"environments/environment.go"}, `["dev","prod-aws-cluster","prod-azure-cluster","prod-ali-cluster","prod-aws","prod-azure","prod-ali"]`},
		{"dependencies", []string{"go.sum"}, `["dev","prod-aws-cluster","prod-azure-cluster","prod-ali-cluster","prod-aws","prod-azure","prod-ali"]`},
		{"policies", []string{"policies/config.yaml"}, `["dev","prod-aws-cluster","prod-azure-cluster","prod-ali-cluster","prod-aws","prod-azure","prod-ali"]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			git := func(args ...string) {
				t.Helper()
				cmd := exec.Command("git", args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, out)
				}
			}
			write := func(name, body string) {
				t.Helper()
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			git("init", "-q", "-b", "main")
			write(".ci/stacks", string(stacksFile))
			write("README.md", "x")
			git("add", "-A")
			git("commit", "-qm", "base")
			for _, f := range tc.changed {
				write(f, "changed")
			}
			git("add", "-A")
			git("commit", "-qm", "change")
			cmd := exec.Command("bash", script, "HEAD~1", "HEAD")
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("script: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tc.want {
				t.Errorf("changed %v: got %s, want %s", tc.changed, got, tc.want)
			}
		})
	}
}

// ciStacks are the stacks of .ci/stacks, in its order.
func ciStacks(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../.ci/stacks")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestCIStackListsAgree: the workflows that cannot read .ci/stacks at run time (the drift
// matrices, GitLab's preview matrix) list exactly its stacks, and each has a stack file.
func TestCIStackListsAgree(t *testing.T) {
	want := ciStacks(t)
	for _, s := range want {
		if _, err := os.Stat("../Pulumi." + s + ".yaml"); err != nil {
			t.Errorf(".ci/stacks names %s, which has no stack file: %v", s, err)
		}
	}
	read := func(path string) map[string]any {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return doc
	}
	strs := func(v any) []string {
		var out []string
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, x := range v {
				s, _ := x.(string)
				out = append(out, s)
			}
		}
		return out
	}
	dig := func(v any, keys ...string) any {
		for _, k := range keys {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		return v
	}
	// GitLab's parallel:matrix: every entry's STACK values.
	gitlab := func(path, job string) []string {
		var out []string
		entries, _ := dig(read(path), job, "parallel", "matrix").([]any)
		for _, e := range entries {
			out = append(out, strs(dig(e, "STACK"))...)
		}
		return out
	}
	for name, got := range map[string][]string{
		".github/workflows/drift.yml": strs(dig(read("../.github/workflows/drift.yml"), "jobs", "drift", "strategy", "matrix", "stack")),
		".gitlab/ci/drift.yml":        gitlab("../.gitlab/ci/drift.yml", "drift"),
		".gitlab/ci/preview.yml":      gitlab("../.gitlab/ci/preview.yml", "preview"),
	} {
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			t.Errorf("%s lists %v; .ci/stacks lists %v", name, got, want)
		}
	}
}

// TestDeployOrderKeepsToCIStacks: .ci/deploy-order.sh on the real stack files (fleetplan
// stacks): a change to dev deploys dev and the layered hub that reads it, never the
// single-stack prod that reads dev too; a change to the program deploys every CI stack,
// each needing only stacks of the order.
func TestDeployOrderKeepsToCIStacks(t *testing.T) {
	for _, tool := range []string{"bash", "jq", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (CI installs it): %v", tool, err)
		}
	}
	bin := filepath.Join(t.TempDir(), "fleetplan")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/fleetplan").CombinedOutput(); err != nil {
		t.Fatalf("go build fleetplan: %v\n%s", err, out)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	order := func(affected string) map[string][]string {
		t.Helper()
		cmd := exec.Command("bash", "../.ci/deploy-order.sh", affected, bin, "--dir", root)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("deploy-order.sh %s: %v\n%s%s", affected, err, out, stderr.String())
		}
		var o struct {
			Stacks []struct {
				Name  string   `json:"name"`
				Needs []string `json:"needs"`
			} `json:"stacks"`
		}
		if err := json.Unmarshal(out, &o); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		got := map[string][]string{}
		for _, s := range o.Stacks {
			got[s.Name] = s.Needs
		}
		return got
	}
	dev := order(`["dev"]`)
	if _, ok := dev["prod"]; ok || len(dev) != 2 || dev["dev"] == nil || !slices.Equal(dev["prod-aws"], []string{"dev"}) {
		t.Errorf("a change to dev deploys %v; want dev, then prod-aws (which needs dev), and never prod", dev)
	}
	all := order(`["dev","prod-aws-cluster","prod-azure-cluster","prod-ali-cluster","prod-aws","prod-azure","prod-ali"]`)
	if len(all) != len(ciStacks(t)) {
		t.Errorf("a change to the program deploys %d stacks, want the %d CI stacks: %v", len(all), len(ciStacks(t)), all)
	}
	for s, needs := range all {
		for _, n := range needs {
			if _, ok := all[n]; !ok {
				t.Errorf("%s needs %s, which is not in the order", s, n)
			}
		}
	}
	if !slices.Equal(all["prod-aws"], []string{"dev", "prod-ali", "prod-aws-cluster", "prod-azure"}) {
		t.Errorf("the hub prod-aws needs %v, want dev, its cluster stack and the two spokes", all["prod-aws"])
	}
	if none := order(`[]`); len(none) != 0 {
		t.Errorf("no change deploys %v", none)
	}
}
