package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// script returns the absolute path of a script in .ci/.
func script(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", ".ci", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// needTools skips the test when a tool the scripts call is missing on a
// workstation, and fails it in CI (GitHub Actions and GitLab both set CI=true),
// where the workflows install every tool and a missing one is a broken runner.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed; CI installs it, so the runner is broken", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
}

// runResult is what a script run left behind.
type runResult struct {
	code   int
	stdout string
	stderr string
}

// runScript runs bash SCRIPT ARGS... in dir with env added to a minimal
// environment (PATH and HOME only, so the runner's own CI variables never leak in).
func runScript(t *testing.T, dir string, env []string, scriptPath string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command("bash", append([]string{scriptPath}, args...)...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %s: %v", scriptPath, err)
		}
		code = ee.ExitCode()
	}
	return runResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// writeFile writes body to dir/name, creating parent directories.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// gitRepo makes a repository in a temporary directory whose first commit holds
// files, and returns a function that runs git in it.
func gitRepo(t *testing.T, files map[string]string) (string, func(args ...string) string) {
	t.Helper()
	needTools(t, "git")
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	for name, body := range files {
		writeFile(t, dir, name, body)
	}
	git("add", "-A")
	git("commit", "-qm", "base")
	return dir, git
}

// readFile returns a file's content.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
