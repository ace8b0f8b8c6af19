package stacks

import (
	"strings"
	"testing"
)

// TestESCEnvironmentWarnings: a stack file that imports ESC environments plans
// offline with one warning per value it leaves to them, naming the environments;
// without imports the usual placeholder warning stays; a malformed
// `environment:` is a problem with its path.
func TestESCEnvironmentWarnings(t *testing.T) {
	monitoring := "  fleetform:platform:\n    monitoring:\n      grafanaAdminPassword: grafanaAdminPassword\n"
	cases := []struct {
		name     string
		body     string
		warnings []string // substrings, one per warning, in order
		problem  string   // field path of the one problem, if any
	}{
		{
			name: "no imports: the pulumi config set hint",
			body: minimal + monitoring,
			warnings: []string{
				`platform.monitoring.grafanaAdminPassword: secret "grafanaAdminPassword" is not set; the plan uses a redacted placeholder (set it with ` + "`pulumi config set --secret",
			},
		},
		{
			name: "a list of environments, the secret left to them",
			body: "environment:\n  - fleet/common\n  - fleet/dev\n" + minimal + monitoring,
			warnings: []string{
				"platform.monitoring.grafanaAdminPassword: secret fleetform:grafanaAdminPassword is not in Pulumi.test.yaml and is " + MsgFromESC + " (fleet/common, fleet/dev), which an offline plan cannot open: the plan uses a redacted placeholder",
			},
		},
		{
			name:     "the secret set in the file: nothing to warn about",
			body:     "environment:\n  - fleet/dev\n" + minimal + monitoring + "  fleetform:grafanaAdminPassword:\n    secure: v1:AAAA\n",
			warnings: nil,
		},
		{
			name: "clusters left to the environment too, inline definition",
			body: "environment:\n  imports: [fleet/dev]\n  values: {pulumiConfig: {}}\nconfig:\n  fleetform:platform:\n    monitoring:\n      grafanaAdminPassword: grafanaAdminPassword\n",
			warnings: []string{
				"fleetform:clusters is not in Pulumi.test.yaml and is " + MsgFromESC + " (fleet/dev, " + InlineEnvironment + "), which an offline plan cannot open: planned with no clusters",
				"secret fleetform:grafanaAdminPassword is not in Pulumi.test.yaml",
			},
		},
		{
			name:    "an environment that is not a name",
			body:    "environment:\n  - {name: fleet/dev}\n" + minimal,
			problem: "environment[0]",
		},
		{
			name:    "environment as a string",
			body:    "environment: fleet/dev\n" + minimal,
			problem: "environment",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tc.body), "Pulumi.test.yaml", "test")
			if tc.problem != "" {
				got := problems(t, tc.body, Offline)
				if len(got) != 1 || got[0].Field != tc.problem {
					t.Fatalf("problems %v, want one at %s", got, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			warnings, err := cfg.Prepare(Offline)
			if err != nil {
				t.Fatalf("offline: %v", err)
			}
			var esc []string
			for _, w := range warnings {
				if strings.Contains(w, "secret") || strings.Contains(w, "clusters") {
					esc = append(esc, w)
				}
			}
			if len(esc) != len(tc.warnings) {
				t.Fatalf("warnings %q, want %d like %q", esc, len(tc.warnings), tc.warnings)
			}
			for i, w := range tc.warnings {
				if !strings.Contains(esc[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, esc[i], w)
				}
			}
			if _, err := cfg.Validate(Deploy); err == nil && strings.Contains(tc.body, "grafanaAdminPassword: grafanaAdminPassword") && !strings.Contains(tc.body, "secure:") {
				t.Errorf("a deploy with the secret missing passed: the engine, not the file, must supply it")
			}
		})
	}
}
