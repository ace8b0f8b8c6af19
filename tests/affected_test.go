package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
		{"prod stack file only", []string{"Pulumi.prod.yaml"}, `["prod"]`},
		{"local stack is not deployed by CI", []string{"Pulumi.local.yaml"}, `[]`},
		{"docs only", []string{"README.md", "docs/pipeline.md"}, `[]`},
		{"workflows only", []string{".github/workflows/drift.yml"}, `[]`},
		{"tests only", []string{"tests/x_test.go", "environments/x_test.go"}, `[]`},
		{"program code", []string{"environments/environment.go"}, `["dev","prod"]`},
		{"dependencies", []string{"go.sum"}, `["dev","prod"]`},
		{"policies", []string{"policies/config.yaml"}, `["dev","prod"]`},
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
