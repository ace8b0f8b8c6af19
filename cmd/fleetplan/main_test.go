package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/fleetform/fleetform/internal/buildinfo"
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

// TestPlanJSONOutputs: -o writes the plan JSON beside the usual output, --json prints
// it on stdout instead, and --json -o puts it in the file only; all give the same
// bytes, run after run.
func TestPlanJSONOutputs(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	code, stdout, stderr := runCLI(t, "plan", "-s", "dev", "--dir", "../..", "-o", a, "--quiet")
	if code != exitOK || !strings.HasPrefix(stdout, "stack dev: ") || !strings.Contains(stderr, "wrote "+a) {
		t.Fatalf("plan -o --quiet: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, jsonOut, stderr := runCLI(t, "plan", "--stack", "dev", "--dir", "../..", "--json")
	if code != exitOK {
		t.Fatalf("plan --json: exit %d: %s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "plan", "--stack=dev", "--dir", "../..", "--json", "--out", b)
	if code != exitOK || stdout != "" {
		t.Fatalf("plan --json --out: exit %d, stdout %q (want nothing): %s", code, stdout, stderr)
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if !bytes.Equal(x, y) || jsonOut != string(x) {
		t.Fatalf("plan JSON differs between -o (%d bytes), --json on stdout (%d) and --json -o (%d)", len(x), len(jsonOut), len(y))
	}
	var p plan.Plan
	if err := json.Unmarshal(x, &p); err != nil || p.Stack != "dev" {
		t.Fatalf("plan JSON: %v, stack %q", err, p.Stack)
	}
	if code, stdout, _ := runCLI(t, "diff", a, b); code != exitOK || !strings.Contains(stdout, "No changes") {
		t.Fatalf("diff of identical plans: exit %d, %s", code, stdout)
	}
}

// TestRefusedInput: input the tool would otherwise ignore or misread is an error
// (exit 2) that names the fix, and nothing is planned.
func TestRefusedInput(t *testing.T) {
	planFile := writeWorkloadPlan(t, "dev", "harbor.example.com/shop/web:1.0.0", false)
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"plan: stack as an argument", []string{"plan", "prod", "--json", "out.json"}, `plan takes no arguments, got "prod --json out.json": name the stack with -s prod`},
		{"check: stray argument", []string{"check", "--plan", planFile, "extra"}, `check takes no arguments, got "extra"`},
		{"render: stray argument", []string{"render", "-o", t.TempDir(), "prod"}, "name the stack with -s prod"},
		{"graph: stray argument", []string{"graph", "prod"}, "name the stack with -s prod"},
		{"render: --plan with --stack", []string{"render", "--plan", planFile, "--stack", "prod", "-o", t.TempDir()}, "--plan reads a finished plan: drop --stack"},
		{"render: --plan with -s", []string{"render", "--plan", planFile, "-s", "prod", "-o", t.TempDir()}, "drop --stack"},
		{"graph: --plan with --stack and --ref", []string{"graph", "--plan", planFile, "-s", "prod", "--ref", "o/p/s=x.json"}, "drop --stack, --ref"},
		{"graph: --plan with --dir", []string{"graph", "--plan", planFile, "--dir", "."}, "drop --dir"},
		{"render: no output folder", []string{"render", "--plan", planFile}, "-o/--out DIR is required"},
		{"plan: --quiet with --json", []string{"plan", "--quiet", "--json"}, "--quiet shortens the tree, which --json replaces"},
		{"bad --color", []string{"diff", "--color", "sometimes", "a.json", "b.json"}, "want never, always or auto"},
		{"diff: one file", []string{"diff", planFile}, "diff takes two plan files"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != exitFailure || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, exitFailure, tc.stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}

// TestHelpExitsZero: -h and --help print the command's flags on stdout and exit 0.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"plan", "-h"}, {"diff", "-h"}, {"check", "--help"}, {"render", "-h"}, {"graph", "-h"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, args...)
			if code != exitOK || !strings.Contains(stdout, "usage: fleetplan") || stderr != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and the usage on stdout", code, stdout, stderr)
			}
			if len(args) == 2 && !strings.Contains(stdout, "--color") {
				t.Errorf("usage lacks --color:\n%s", stdout)
			}
			if args[0] == "plan" && !strings.Contains(stdout, "-s, --stack STACK") || args[0] == "render" && !strings.Contains(stdout, "-o, --out DIR") {
				t.Errorf("usage does not show a short flag beside its long one:\n%s", stdout)
			}
		})
	}
}

// TestColor: --color always colours, never and auto on a non-terminal do not.
func TestColor(t *testing.T) {
	planFile := writeWorkloadPlan(t, "prod", "nginx:1.27", true)
	for _, tc := range []struct {
		mode string
		want bool
	}{{"always", true}, {"never", false}, {"auto", false}} {
		t.Run(tc.mode, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", "--plan", planFile, "--color", tc.mode, "--config", filepath.Join("..", "..", "policies", "config.yaml"))
			if code != exitChanges {
				t.Fatalf("exit %d, want %d: %s", code, exitChanges, stderr)
			}
			if got := strings.Contains(stdout, ansiRed); got != tc.want {
				t.Errorf("--color %s: coloured %v, want %v:\n%q", tc.mode, got, tc.want, stdout)
			}
			if tc.want && !strings.Contains(stdout, ansiRed+ansiBold+"MANDATORY"+ansiReset) {
				t.Errorf("mandatory findings not red:\n%q", stdout)
			}
		})
	}
}

func TestColorWriter(t *testing.T) {
	var b bytes.Buffer
	cw := newColorWriter(&b, true, treeColors...)
	io.WriteString(cw, "     Type  Name\n  +  pulumi:pulumi:Stack  x\n  >  ├─ ref")
	io.WriteString(cw, "  y\n    warning: careful\nlast")
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "     Type  Name\n  " + ansiGreen + "+ " + ansiReset + " pulumi:pulumi:Stack  x\n  " + ansiCyan + "> " + ansiReset + " ├─ ref  y\n    " +
		ansiYellow + "warning:" + ansiReset + " careful\nlast"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	plain := newColorWriter(&b, false, treeColors...)
	io.WriteString(plain, "  +  x\n")
	if b.String() != "  +  x\n" {
		t.Errorf("colour off: got %q", b.String())
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	var b bytes.Buffer
	p := startProgress(&b, "planning dev", true)
	time.Sleep(progressDelay + 2*progressTick)
	p.stop()
	if b.Len() != 0 {
		t.Errorf("progress wrote %q to a non-terminal", b.String())
	}
}

// TestCommandHelp: every command's help names its own flags, short beside long,
// and the flags every command takes; `help CMD` prints the same as `CMD -h`.
func TestCommandHelp(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want []string
	}{
		{"plan", []string{"usage: fleetplan plan [flags]", "-s, --stack STACK", `(default "dev")`, "-o, --out FILE", "--json", "--quiet", "--ref ORG/PROJECT/STACK=FILE", "global flags:", "--color MODE"}},
		{"diff", []string{"usage: fleetplan diff OLD.json NEW.json [flags]", "--color MODE"}},
		{"check", []string{"--plan FILE", "--sarif FILE", "--codequality FILE", "--config FILE", "-s, --stack STACK"}},
		{"render", []string{"-o, --out DIR", "--plan FILE"}},
		{"graph", []string{"--dot FILE", "--mermaid FILE", "--stats"}},
		{"version", []string{"usage: fleetplan version [flags]"}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.cmd, "--help")
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("help lacks %q:\n%s", w, stdout)
				}
			}
			if _, viaHelp, _ := runCLI(t, "help", tc.cmd); viaHelp != stdout {
				t.Errorf("help %s differs from %s --help:\n%s\n---\n%s", tc.cmd, tc.cmd, viaHelp, stdout)
			}
		})
	}
	_, stdout, _ := runCLI(t, "--help")
	for _, c := range []string{"plan", "diff", "check", "render", "graph", "version", "completion"} {
		if !strings.Contains(stdout, "\n  "+c+" ") {
			t.Errorf("top-level help does not list %s:\n%s", c, stdout)
		}
	}
}

// TestCompletion: `completion SHELL` prints a script for each shell, and the
// completions it asks for name the project's stacks, the colour modes and no files
// where none fit.
func TestCompletion(t *testing.T) {
	for shell, marker := range map[string]string{"bash": "__start_fleetplan", "zsh": "#compdef fleetplan", "fish": "complete -c fleetplan", "powershell": "Register-ArgumentCompleter"} {
		code, stdout, stderr := runCLI(t, "completion", shell)
		if code != exitOK || !strings.Contains(stdout, marker) {
			t.Errorf("completion %s: exit %d, stderr %q, script lacks %q", shell, code, stderr, marker)
		}
	}
	dir := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "Pulumi.blue.yaml", "Pulumi.green.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("config: {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"stacks of --dir", []string{"plan", "--dir", dir, "-s", ""}, []string{"blue", "green", ":4"}},
		{"stacks of the repository", []string{"check", "--stack", ""}, []string{"dev", "prod", ":4"}},
		{"colour modes", []string{"render", "--color", ""}, []string{"never", "always", "auto", ":4"}},
		{"commands", []string{"gr"}, []string{"graph"}},
		{"plan files for diff", []string{"diff", ""}, []string{"json", ":8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{cobra.ShellCompRequestCmd}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			for _, w := range tc.want {
				if !slices.ContainsFunc(lines, func(l string) bool { return l == w || strings.HasPrefix(l, w+"\t") }) {
					t.Errorf("completions %q lack %q", lines, w)
				}
			}
		})
	}
}

// TestVersion: `fleetplan version` prints the stamped version, commit and date.
func TestVersion(t *testing.T) {
	defer func(v, c, d string) { buildinfo.Version, buildinfo.Commit, buildinfo.Date = v, c, d }(buildinfo.Version, buildinfo.Commit, buildinfo.Date)
	buildinfo.Version, buildinfo.Commit, buildinfo.Date = "1.2.3", "0123abc", "2026-12-07T12:00:00Z"
	code, stdout, _ := runCLI(t, "version")
	if want := "fleetplan 1.2.3 (commit 0123abc, built 2026-12-07T12:00:00Z, go"; code != exitOK || !strings.HasPrefix(stdout, want) {
		t.Fatalf("exit %d, stdout %q; want %q...", code, stdout, want)
	}
	if code, _, stderr := runCLI(t, "version", "x"); code != exitFailure || !strings.Contains(stderr, "version takes no arguments") {
		t.Errorf("version x: exit %d, stderr %q", code, stderr)
	}
}

// TestFlagErrorsExitTwo: a bad flag exits 2 and names how to see the flags.
func TestFlagErrorsExitTwo(t *testing.T) {
	code, stdout, stderr := runCLI(t, "render", "--nope")
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, "unknown flag: --nope") || !strings.Contains(stderr, "Run 'fleetplan render -h' for its flags.") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
