package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/internal/plan"
)

// runCLI runs the command line in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	if code, _, stderr := runCLI(t); code != exitFailure || !strings.Contains(stderr, "usage: fleetplan") {
		t.Fatalf("no args: exit %d, stderr %q; want %d and usage", code, stderr, exitFailure)
	}
	if code, _, stderr := runCLI(t, "nope"); code != exitFailure || !strings.Contains(stderr, `unknown command "nope"`) {
		t.Fatalf("unknown command: exit %d, stderr %q", code, stderr)
	}
}

func TestPlanBadInputExitsNonZero(t *testing.T) {
	files, _ := filepath.Glob("../../tests/testdata/bad/*.yaml")
	if len(files) == 0 {
		t.Fatal("no seeded bad files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			dir := t.TempDir()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "Pulumi.bad.yaml"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, "plan", "--stack", "bad", "--dir", dir)
			if code != exitFailure {
				t.Fatalf("exit %d, want %d; stderr: %s", code, exitFailure, stderr)
			}
			if !strings.Contains(stderr, filepath.Join(dir, "Pulumi.bad.yaml")) {
				t.Errorf("stderr %q does not name the file", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing planned", stdout)
			}
		})
	}
}

func TestPlanMissingStack(t *testing.T) {
	code, _, stderr := runCLI(t, "plan", "--stack", "nope", "--dir", t.TempDir())
	if code != exitFailure || !strings.Contains(stderr, "Pulumi.nope.yaml") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestDiff(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, p *plan.Plan) string {
		path := filepath.Join(dir, name)
		if err := p.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	base := &plan.Plan{Version: plan.FormatVersion, Project: "fleetform", Stack: "dev", Resources: []plan.Resource{
		{URN: "urn:a", Type: "kubernetes:core/v1:Namespace", Name: "qa", Custom: true, Inputs: map[string]any{"metadata": map[string]any{"name": "qa", "labels": map[string]any{"tier": "qa"}}}},
		{URN: "urn:b", Type: "kubernetes:core/v1:ConfigMap", Name: "old", Custom: true},
	}}
	head := &plan.Plan{Version: plan.FormatVersion, Project: "fleetform", Stack: "dev", Resources: []plan.Resource{
		{URN: "urn:a", Type: "kubernetes:core/v1:Namespace", Name: "qa", Custom: true, Inputs: map[string]any{"metadata": map[string]any{"name": "qa", "labels": map[string]any{"tier": "e2e"}}}},
		{URN: "urn:c", Type: "kubernetes:core/v1:ConfigMap", Name: "new", Custom: true},
	}}
	oldPath, newPath := write("old.json", base), write("new.json", head)

	code, stdout, _ := runCLI(t, "diff", oldPath, oldPath)
	if code != exitOK || !strings.Contains(stdout, "No changes.") {
		t.Fatalf("same plans: exit %d, out %q", code, stdout)
	}
	code, stdout, _ = runCLI(t, "diff", oldPath, newPath)
	if code != exitChanges {
		t.Fatalf("changed plans: exit %d, want %d", code, exitChanges)
	}
	for _, want := range []string{
		"**1 to add, 1 to change, 1 to remove**",
		"| `kubernetes:core/v1:ConfigMap` | `new` |",
		"| `kubernetes:core/v1:ConfigMap` | `old` |",
		"| `metadata.labels.tier` | `\"qa\"` | `\"e2e\"` |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("diff output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, _ := runCLI(t, "diff", oldPath); code != exitFailure {
		t.Errorf("one argument: exit %d, want %d", code, exitFailure)
	}
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte("{"), 0o644)
	if code, _, stderr := runCLI(t, "diff", oldPath, bad); code != exitFailure || !strings.Contains(stderr, "not a plan") {
		t.Errorf("bad plan: exit %d, stderr %q", code, stderr)
	}
}

func TestPlanDevJSONTwiceIdentical(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	for _, f := range []string{a, b} {
		if code, _, stderr := runCLI(t, "plan", "--stack", "dev", "--dir", "../..", "--json", f, "--quiet"); code != exitOK {
			t.Fatalf("plan: exit %d: %s", code, stderr)
		}
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if !bytes.Equal(x, y) {
		t.Fatal("two plan --json runs differ")
	}
	var p plan.Plan
	if err := json.Unmarshal(x, &p); err != nil || p.Stack != "dev" {
		t.Fatalf("plan JSON: %v, stack %q", err, p.Stack)
	}
	if code, stdout, _ := runCLI(t, "diff", a, b); code != exitOK || !strings.Contains(stdout, "No changes") {
		t.Fatalf("diff of identical plans: exit %d, %s", code, stdout)
	}
}
