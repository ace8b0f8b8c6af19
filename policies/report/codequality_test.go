package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fleetform/fleetform/policies/rules"
)

// cqIssue mirrors the fields GitLab's Code Quality widget requires.
type cqIssue struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

func decodeCodeQuality(t *testing.T, rep *Report) []cqIssue {
	t.Helper()
	var buf bytes.Buffer
	if err := rep.WriteCodeQuality(&buf); err != nil {
		t.Fatal(err)
	}
	var issues []cqIssue
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&issues); err != nil {
		t.Fatalf("Code Quality report is not the expected JSON: %v\n%s", err, buf.String())
	}
	return issues
}

func TestWriteCodeQuality(t *testing.T) {
	advisory := rules.Finding{
		Violation: rules.Violation{URN: "urn:pulumi:dev::fleetform::kubernetes:apps/v1:Deployment::other", Path: "spec", Message: "m"},
		Rule:      rules.ByID(rules.IDImageTag), Level: rules.Advisory,
	}
	cases := []struct {
		name  string
		extra []rules.Finding
		want  []cqIssue
	}{
		{
			name: "mandatory finding at the line naming the release",
			want: []cqIssue{issue(rules.IDPrivileged, CodeQualityMandatory, "Pulumi.dev.yaml", 3)},
		},
		{
			name:  "advisory finding with no name in the stack file falls back to line 1",
			extra: []rules.Finding{advisory},
			want: []cqIssue{
				issue(rules.IDPrivileged, CodeQualityMandatory, "Pulumi.dev.yaml", 3),
				issue(rules.IDImageTag, CodeQualityAdvisory, "Pulumi.dev.yaml", 1),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Check(seededPlan(t, "dev"), config(t).Env("dev"), "Pulumi.dev.yaml", []byte(stackFile))
			if err != nil {
				t.Fatal(err)
			}
			rep.Findings = append(rep.Findings, tc.extra...)
			got := decodeCodeQuality(t, rep)
			if len(got) != len(tc.want) {
				t.Fatalf("%d issues, want %d: %+v", len(got), len(tc.want), got)
			}
			seen := map[string]bool{}
			for i, w := range tc.want {
				g := got[i]
				if g.CheckName != w.CheckName || g.Severity != w.Severity || g.Location.Path != w.Location.Path || g.Location.Lines.Begin != w.Location.Lines.Begin {
					t.Errorf("issue %d = %s/%s at %s:%d, want %s/%s at %s:%d", i,
						g.CheckName, g.Severity, g.Location.Path, g.Location.Lines.Begin,
						w.CheckName, w.Severity, w.Location.Path, w.Location.Lines.Begin)
				}
				if len(g.Fingerprint) != 32 || seen[g.Fingerprint] {
					t.Errorf("issue %d fingerprint %q: want 32 hex characters, unique", i, g.Fingerprint)
				}
				seen[g.Fingerprint] = true
			}
			first := got[0].Description
			for _, want := range []string{"K8S004 (mandatory): ", "spec.template.spec.containers[0].securityContext.privileged", "kubernetes:apps/v1:Deployment shop-web", "Fix: " + rules.ByID(rules.IDPrivileged).Remediation} {
				if !strings.Contains(first, want) {
					t.Errorf("description %q lacks %q", first, want)
				}
			}
		})
	}
}

// The fingerprint identifies a finding across commits and stacks: the same
// finding keeps it when the stack file's lines move, another stack changes it.
func TestCodeQualityFingerprint(t *testing.T) {
	fingerprint := func(stack, file string) string {
		t.Helper()
		rep, err := Check(seededPlan(t, stack), config(t).Env(stack), "Pulumi."+stack+".yaml", []byte(file))
		if err != nil {
			t.Fatal(err)
		}
		issues := decodeCodeQuality(t, rep)
		if len(issues) != 1 {
			t.Fatalf("%s: %d issues, want 1", stack, len(issues))
		}
		return issues[0].Fingerprint
	}
	base := fingerprint("prod", stackFile)
	if moved := fingerprint("prod", "# a comment moves every line\n"+stackFile); moved != base {
		t.Errorf("fingerprint changed when lines moved: %s, want %s", moved, base)
	}
	if other := fingerprint("dev", stackFile); other == base {
		t.Errorf("dev and prod share fingerprint %s; concatenated reports would collide", base)
	}
}

func TestCodeQualityNoFindings(t *testing.T) {
	rep := &Report{Stack: "dev", StackFile: "Pulumi.dev.yaml", Rules: rules.All(), Env: config(t).Env("dev")}
	var buf bytes.Buffer
	if err := rep.WriteCodeQuality(&buf); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(buf.String()); got != "[]" {
		t.Errorf("no findings gave %q, want []", got)
	}
}

func issue(check, severity, path string, line int) cqIssue {
	var i cqIssue
	i.CheckName, i.Severity, i.Location.Path, i.Location.Lines.Begin = check, severity, path, line
	return i
}
