package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	all := All()
	if len(all) < 20 {
		t.Errorf("got %d rules, want at least 20", len(all))
	}
	idRE := regexp.MustCompile(`^[A-Z][A-Z0-9]{2}[0-9]{3}$`)
	seen := map[string]bool{}
	for _, r := range all {
		if seen[r.ID] {
			t.Errorf("rule %s registered twice", r.ID)
		}
		seen[r.ID] = true
		if !idRE.MatchString(r.ID) {
			t.Errorf("rule ID %q: want a three-character prefix and three digits", r.ID)
		}
		if r.Description == "" || strings.Contains(r.Description, "\n") || r.Remediation == "" {
			t.Errorf("rule %s: want a one-line description and a remediation", r.ID)
		}
		if r.Level != Mandatory && r.Level != Advisory {
			t.Errorf("rule %s: default level %q", r.ID, r.Level)
		}
		if r.Resource == nil && r.Stack == nil {
			t.Errorf("rule %s checks nothing", r.ID)
		}
	}
}

// TestEveryRuleHasCases proves every rule has a table case that passes and one that fails.
func TestEveryRuleHasCases(t *testing.T) {
	for _, r := range All() {
		c := coverage[r.ID]
		if c == nil || !c[0] || !c[1] {
			t.Errorf("rule %s: want a passing and a failing table case, have %v", r.ID, c)
		}
	}
}

func TestCheckAppliesLevelsAndSorts(t *testing.T) {
	priv := withPod(TypeDeployment, "z", "qa", podWith(`"allowPrivilegeEscalation": false,`, `"allowPrivilegeEscalation": false, "privileged": true,`))
	latest := withPod(TypeDeployment, "a", "qa", podWith(`app:1.2.3`, `app:latest`))
	cfg, err := ParseConfig([]byte(`
stacks:
  dev:
    enforcement: advisory
    rules: {K8S004: mandatory}
    disabled: [ENV001, ENV002, ENV003]
`), "test")
	if err != nil {
		t.Fatal(err)
	}
	fs := Check(cfg.Env("dev"), []Resource{priv, latest})
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule.ID+":"+string(f.Level)+":"+f.URN[strings.LastIndex(f.URN, ":")+1:])
	}
	want := []string{"K8S001:advisory:a", "K8S004:mandatory:z"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("findings = %v, want %v", got, want)
	}
	if n := CountMandatory(fs); n != 1 {
		t.Errorf("CountMandatory = %d, want 1", n)
	}
	// Without stack policy each rule keeps its default level.
	fs = Check(DefaultConfig().Env("dev"), []Resource{latest})
	if len(fs) != 1 || fs[0].Level != Mandatory {
		t.Errorf("default-level findings = %+v, want one mandatory K8S001", fs)
	}
}

// TestDocsListEveryRule keeps docs/policies.md's rule table in step with the code.
func TestDocsListEveryRule(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "policies.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range All() {
		row := "| " + r.ID + " | " + string(r.Level) + " | "
		if !strings.Contains(string(data), row) || !strings.Contains(string(data), r.Description) {
			t.Errorf("docs/policies.md lacks the row of %s (%q ... %q)", r.ID, row, r.Description)
		}
	}
}
